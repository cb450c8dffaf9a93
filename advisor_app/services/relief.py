"""Relief arrangements (aflastning, afløsning, besøgsven; Relief) and the tracked ones
(pasning af nærtstående SEL § 118, plejevederlag Ældreloven § 24) for a relative's care
relations: create, edit under the version guard, change status with its date, delete; the
relative's plan with its warnings and week-by-week coverage against the hours they said they
need; the concrete occurrences in a range (for handouts); the plan as a calendar's data.

Every call is case data: it passes the door as CASES_* and logs with the relative's id.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain.enums import AuditAction
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.relief import (
    IN_FORCE,
    RELIEF_LABELS,
    SCHEDULED_KINDS,
    TRACKED_KINDS,
    LegalBasisCatalogue,
    Period,
    ReliefCalendar,
    ReliefId,
    ReliefKind,
    ReliefOccurrence,
    ReliefStatus,
    ReliefWarning,
    care_allowance_warnings,
    care_leave_warnings,
    check_period,
    check_transition,
    ending_soon_warning,
    monday_of,
    parse_catalogue,
)
from advisor_app.domain.relief_schedule import (
    Occurrence,
    Schedule,
    clashes,
    coverage,
    expand,
    local_instant,
)
from advisor_app.domain.text import SHORT_TEXT_MAX, clean_line
from advisor_app.locations import resource
from advisor_app.persistence.models import CareRelation, Relative
from advisor_app.persistence.relief_models import (
    ReliefArrangement,
    ReliefException,
    ReliefNeed,
    ReliefStatusChange,
)
from advisor_app.services.common import check_version, get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.relief_dto import (
    NeedView,
    RelationChoice,
    ReliefInput,
    ReliefPlanView,
    ReliefView,
    ScheduleInput,
    StatusStep,
)

ENTITY = "relief_arrangement"
NEED_ENTITY = "relief_need"
COVERAGE_WEEKS = 12
MAX_WEEKS = 104
MAX_RANGE_DAYS = 3 * 366
OVERLAP_HORIZON_DAYS = 182  # overlaps are looked for in the next half year
CALENDAR_DAYS = 365  # a calendar file holds the next year


@functools.lru_cache(maxsize=1)
def legal_bases() -> LegalBasisCatalogue:
    """The legal bases the program ships (resources/seed/relief_legal_basis.json)."""
    with resource("seed", "relief_legal_basis.json").open(encoding="utf-8") as handle:
        return parse_catalogue(json.load(handle))


def _schedule(row: ReliefArrangement) -> Schedule | None:
    if row.recurrence is None or row.start_time is None or row.end_time is None:
        return None
    return Schedule(
        recurrence=row.recurrence,
        first_date=row.starts_on,
        start_time=row.start_time,
        end_time=row.end_time,
        until=row.ends_on,
        span_days=row.span_days,
        exceptions=frozenset(e.cancelled_on for e in row.exceptions),
        skip_holidays=row.skip_holidays,
    )


def _view(row: ReliefArrangement, relation: CareRelation) -> ReliefView:
    basis = legal_bases().get(row.legal_basis) if row.legal_basis else None
    return ReliefView(
        id=ReliefId(row.id),
        version=row.version,
        relation_id=relation.id,
        relative_id=relation.relative_id,
        citizen_id=relation.citizen_id,
        citizen_name=relation.citizen.name,
        kind=row.kind,
        provider_kind=row.provider_kind,
        provider_name=row.provider_name,
        status=row.status,
        history=tuple(StatusStep(h.status, h.changed_on) for h in row.history),
        legal_basis=row.legal_basis,
        legal_reference=basis.reference if basis else None,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        schedule=_schedule(row),
        citizen_died_on=row.citizen_died_on,
        note=row.note,
    )


def _clean(data: ReliefInput) -> tuple[str, str | None, ScheduleInput | None]:
    """Check an input as a whole before anything is written; returns the cleaned texts."""
    provider = clean_line(
        data.provider_name, field="provider_name", label=N_("The provider"), max_len=200
    )
    note = clean_line(
        data.note, field="note", label=N_("The note"), max_len=SHORT_TEXT_MAX, required=False
    )
    check_period(data.starts_on, data.ends_on)
    schedule = data.schedule
    if data.kind in TRACKED_KINDS:
        if schedule is not None:
            raise ValidationError(
                N_("Employment to care and the care allowance are periods without a schedule."),
                field="schedule",
            )
        if data.kind is ReliefKind.CARE_LEAVE and data.ends_on is None:
            raise ValidationError(
                N_("Employment to care (SEL § 118) needs an end date."), field="ends_on"
            )
    else:
        if schedule is None:
            raise ValidationError(N_("Relief needs a schedule."), field="schedule")
        if len(set(schedule.exceptions)) != len(schedule.exceptions):
            raise ValidationError(N_("A cancelled date is given twice."), field="exceptions")
        for day in schedule.exceptions:
            if day < data.starts_on or (data.ends_on is not None and day > data.ends_on):
                raise ValidationError(
                    N_("A cancelled date lies outside the arrangement's period."),
                    field="exceptions",
                )
        _as_schedule(data, schedule).validate()
    if data.citizen_died_on is not None and data.kind is not ReliefKind.CARE_ALLOWANCE:
        raise ValidationError(
            N_("The date of death is recorded on a care allowance only."), field="died_on"
        )
    return provider or "", note, schedule


def _as_schedule(data: ReliefInput, schedule: ScheduleInput) -> Schedule:
    return Schedule(
        recurrence=schedule.recurrence,
        first_date=data.starts_on,
        start_time=schedule.start_time,
        end_time=schedule.end_time,
        until=data.ends_on,
        span_days=schedule.span_days,
        exceptions=frozenset(schedule.exceptions),
        skip_holidays=schedule.skip_holidays,
    )


def _apply(
    row: ReliefArrangement,
    data: ReliefInput,
    provider: str,
    note: str | None,
    schedule: ScheduleInput | None,
) -> None:
    row.kind = data.kind
    row.provider_kind = data.provider_kind
    row.provider_name = provider
    row.starts_on = data.starts_on
    row.ends_on = data.ends_on
    row.citizen_died_on = data.citizen_died_on
    row.note = note
    if schedule is None:
        row.recurrence = row.start_time = row.end_time = None
        row.span_days, row.skip_holidays = 0, False
        wanted: set[date] = set()
    else:
        row.recurrence = schedule.recurrence
        row.start_time = schedule.start_time.replace(second=0, microsecond=0)
        row.end_time = schedule.end_time.replace(second=0, microsecond=0)
        row.span_days = schedule.span_days
        row.skip_holidays = schedule.skip_holidays
        wanted = set(schedule.exceptions)
    if wanted != {e.cancelled_on for e in row.exceptions}:
        row.exceptions = [e for e in row.exceptions if e.cancelled_on in wanted] + [
            ReliefException(cancelled_on=day)
            for day in sorted(wanted - {e.cancelled_on for e in row.exceptions})
        ]


def _arrangements(
    session: Session, relative_id: int
) -> list[tuple[ReliefArrangement, CareRelation]]:
    rows = session.execute(
        select(ReliefArrangement, CareRelation)
        .join(CareRelation, CareRelation.id == ReliefArrangement.relation_id)
        .where(CareRelation.relative_id == relative_id)
        .options(
            selectinload(ReliefArrangement.exceptions),
            selectinload(ReliefArrangement.history),
            selectinload(CareRelation.citizen),
        )
        .order_by(ReliefArrangement.starts_on, ReliefArrangement.id)
    ).all()
    return [(a, r) for a, r in rows]


def occurrences_of(
    views: Iterable[ReliefView],
    start: date,
    end: date,
    language: str,
    statuses: frozenset[ReliefStatus] = IN_FORCE,
) -> list[ReliefOccurrence]:
    """The concrete times of the arrangements in ``statuses`` in [start, end], in order."""
    found: list[ReliefOccurrence] = []
    for view in views:
        if view.schedule is None or view.status not in statuses:
            continue
        # A stay that began before ``start`` and is still running counts too.
        for occ in expand(
            view.schedule, start - timedelta(days=view.schedule.span_days), end, language=language
        ):
            found.append(
                ReliefOccurrence(
                    arrangement_id=view.id,
                    kind=view.kind,
                    provider_kind=view.provider_kind,
                    provider_name=view.provider_name,
                    start=occ.start,
                    end=occ.end,
                    local_date=occ.local_date,
                    holiday=occ.holiday,
                )
            )
    found.sort(key=lambda o: (o.start, o.end, o.arrangement_id))
    return found


def occurrences_in(
    session: Session, relative_id: int, start: date, end: date, language: str
) -> tuple[ReliefOccurrence, ...]:
    """The relative's concrete relief times (granted or active arrangements) that start on a
    local date in [start, end], or began before and run into it (a stay), in time order.
    No door, no event: for the door method below and the handout's composer."""
    views = [_view(a, r) for a, r in _arrangements(session, relative_id)]
    found = occurrences_of(views, start, end, language)
    begins = local_instant(start, time(0, 0))
    return tuple(o for o in found if o.local_date >= start or o.end > begins)


def warnings_for(views: Sequence[ReliefView], today: date) -> list[ReliefWarning]:
    """What the advisor should see on the plan: overlaps for the same citizen in the next
    half year, the § 118 limits, the care allowance after a death, and ends within 30 days."""
    found: list[ReliefWarning] = []
    live = [v for v in views if v.status not in {ReliefStatus.ENDED, ReliefStatus.REFUSED}]
    by_citizen: dict[int, list[ReliefView]] = defaultdict(list)
    for view in live:
        if view.kind in SCHEDULED_KINDS and view.status is not ReliefStatus.PAUSED:
            by_citizen[view.citizen_id].append(view)
    horizon = today + timedelta(days=OVERLAP_HORIZON_DAYS)
    for group in by_citizen.values():
        if len(group) < 2:
            continue
        kinds: dict[int, ReliefKind] = {v.id: v.kind for v in group}
        pairs: dict[tuple[int, int], date] = {}
        for clash in clashes(
            [
                (v.id, occ)
                for v in group
                if v.schedule is not None
                for occ in expand(v.schedule, today, horizon)
            ]
        ):
            key = (min(clash.first_id, clash.second_id), max(clash.first_id, clash.second_id))
            pairs.setdefault(key, clash.first.local_date)
        for (first, second), day in sorted(pairs.items(), key=lambda item: item[1]):
            found.append(
                ReliefWarning(
                    "overlap",
                    N_("{first} and {second} for the same citizen overlap, first on {date}."),
                    {
                        "first": RELIEF_LABELS[kinds[first]],
                        "second": RELIEF_LABELS[kinds[second]],
                        "date": day,
                    },
                    (first, second),
                )
            )
    leave: dict[int, list[ReliefView]] = defaultdict(list)
    for view in views:
        if view.kind is ReliefKind.CARE_LEAVE and view.status is not ReliefStatus.REFUSED:
            leave[view.relation_id].append(view)
    for group in leave.values():
        found.extend(
            care_leave_warnings(
                [Period(v.starts_on, v.ends_on) for v in group],
                today,
                tuple(v.id for v in group),
            )
        )
    for view in live:
        if view.kind is ReliefKind.CARE_ALLOWANCE:
            found.extend(care_allowance_warnings(view.ends_on, view.citizen_died_on, view.id))
        soon = ending_soon_warning(
            RELIEF_LABELS[view.kind], view.ends_on, view.status, today, view.id
        )
        if soon is not None:
            found.append(soon)
    return found


class ReliefService(Gated):
    # ---- reading -----------------------------------------------------------------------
    @door(Permission.CASES_READ)
    def plan(
        self,
        work: Work,
        relative_id: int,
        *,
        first_week: date | None = None,
        weeks: int = COVERAGE_WEEKS,
    ) -> ReliefPlanView:
        """The relative's arrangements with their warnings, the relations they can cover,
        the stated need and the coverage by ISO week from ``first_week`` (this week)."""
        if not 1 <= weeks <= MAX_WEEKS:
            raise ValidationError(
                N_("Show between 1 and {weeks} weeks."), field="weeks", weeks=MAX_WEEKS
            )
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        today = work.today()
        views = tuple(_view(a, r) for a, r in _arrangements(session, relative_id))
        catalogue = legal_bases()
        relations = session.scalars(
            select(CareRelation)
            .where(CareRelation.relative_id == relative_id)
            .options(selectinload(CareRelation.citizen))
            .order_by(CareRelation.id)
        ).all()
        choices = tuple(
            RelationChoice(
                r.id,
                r.citizen_id,
                r.citizen.name,
                r.relation_type,
                catalogue.situation(r.citizen.legal_framework, r.citizen.birth_year, today),
            )
            for r in relations
        )
        need = self._need(session, relative_id)
        first = monday_of(first_week or today)
        last = first + timedelta(weeks=weeks) - timedelta(days=1)
        found = occurrences_of(views, first, last, relative.language.value)
        weeks_covered = coverage(
            [_plain(o) for o in found], first, weeks, need.hours_per_week if need else None
        )
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="plan")
        return ReliefPlanView(
            relative_id=relative_id,
            today=today,
            arrangements=views,
            relations=choices,
            need=need,
            warnings=tuple(warnings_for(views, today)),
            coverage=tuple(weeks_covered),
            catalogue=catalogue,
        )

    @door(Permission.CASES_READ)
    def occurrences(
        self, work: Work, relative_id: int, start: date, end: date
    ) -> tuple[ReliefOccurrence, ...]:
        """The relative's concrete relief times (granted or active arrangements) that start
        on a local date in [start, end], or began before and run into it (a stay), in time
        order: what a handout lists."""
        if end < start or (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(
                N_("Choose a period of at most three years that ends after it starts."),
                field="range",
            )
        relative = get_or_404(work.session, Relative, relative_id, "relative")
        found = occurrences_in(work.session, relative_id, start, end, relative.language.value)
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="occurrences")
        return found

    @door(Permission.CASES_READ)
    def calendar(self, work: Work, relative_id: int) -> ReliefCalendar:
        """The relative's relief for the coming year as a calendar file's data (logged as an
        export: the file leaves the program). Kind, provider and times only."""
        relative = get_or_404(work.session, Relative, relative_id, "relative")
        today = work.today()
        views = [_view(a, r) for a, r in _arrangements(work.session, relative_id)]
        found = occurrences_of(
            views, today, today + timedelta(days=CALENDAR_DAYS), relative.language.value
        )
        work.log(AuditAction.EXPORT, ENTITY, relative_id=relative_id, detail="ics")
        return ReliefCalendar(relative_id, relative.language, work.now(), tuple(found))

    # ---- writing -----------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def create(self, work: Work, data: ReliefInput) -> ReliefView:
        provider, note, schedule = _clean(data)
        session = work.session
        relation = get_or_404(session, CareRelation, data.relation_id, "relation")
        basis = self._basis(data, relation)
        if data.status not in {ReliefStatus.REQUESTED, ReliefStatus.GRANTED, ReliefStatus.ACTIVE}:
            raise ValidationError(
                N_("A new arrangement is requested, granted or active."), field="status"
            )
        now = work.now()
        row = ReliefArrangement(
            relation_id=relation.id,
            status=data.status,
            legal_basis=basis,
            created_at=now,
            updated_at=now,
            exceptions=[],
            history=[],
        )
        _apply(row, data, provider, note, schedule)
        row.history.append(
            ReliefStatusChange(
                status=data.status,
                changed_on=work.today(),
                recorded_at=now,
                advisor_id=work.actor.advisor_id,
            )
        )
        session.add(row)
        session.flush()
        work.log(
            AuditAction.CREATE,
            ENTITY,
            entity_id=row.id,
            relative_id=relation.relative_id,
            detail=row.kind.value,
        )
        return _view(row, relation)

    @door(Permission.CASES_WRITE)
    def update(
        self, work: Work, arrangement_id: int, version: int, data: ReliefInput
    ) -> ReliefView:
        """Edit an arrangement (not its status: see ``change_status``). A colleague's edit
        since ``version`` was read is a ConflictError."""
        provider, note, schedule = _clean(data)
        session = work.session
        row = get_or_404(session, ReliefArrangement, arrangement_id, "relief")
        check_version(row.version, version)
        relation = get_or_404(session, CareRelation, data.relation_id, "relation")
        if relation.id != row.relation_id:
            old = get_or_404(session, CareRelation, row.relation_id, "relation")
            if relation.relative_id != old.relative_id:
                raise ValidationError(
                    N_("An arrangement stays with the same relative."), field="relation"
                )
        basis = self._basis(data, relation)
        # No flush until the edit is whole: a lazy load in the middle (the cancelled dates)
        # would flush half of it and count the edit twice in the version.
        with session.no_autoflush:
            row.relation_id = relation.id
            row.legal_basis = basis
            _apply(row, data, provider, note, schedule)
            row.updated_at = work.now()
        session.flush()
        work.log(AuditAction.UPDATE, ENTITY, entity_id=row.id, relative_id=relation.relative_id)
        return _view(row, relation)

    @door(Permission.CASES_WRITE)
    def change_status(
        self,
        work: Work,
        arrangement_id: int,
        version: int,
        status: ReliefStatus,
        changed_on: date | None = None,
    ) -> ReliefView:
        """Move the arrangement to ``status`` as of ``changed_on`` (today), kept in its
        history. Ending it sets its end date when it had none or a later one."""
        session = work.session
        row = get_or_404(session, ReliefArrangement, arrangement_id, "relief")
        check_version(row.version, version)
        check_transition(row.status, status)
        on = changed_on or work.today()
        if row.history and on < row.history[-1].changed_on:
            raise ValidationError(
                N_("A status change cannot be dated before the previous one."),
                field="changed_on",
            )
        if on > work.today() + timedelta(days=366):
            raise ValidationError(
                N_("A status change can be dated at most a year ahead."), field="changed_on"
            )
        row.status = status
        if status is ReliefStatus.ENDED and (row.ends_on is None or row.ends_on > on):
            row.ends_on = max(on, row.starts_on)
        row.history.append(
            ReliefStatusChange(
                status=status,
                changed_on=on,
                recorded_at=work.now(),
                advisor_id=work.actor.advisor_id,
            )
        )
        row.updated_at = work.now()
        session.flush()
        relation = get_or_404(session, CareRelation, row.relation_id, "relation")
        work.log(
            AuditAction.UPDATE,
            ENTITY,
            entity_id=row.id,
            relative_id=relation.relative_id,
            detail=status.value,
        )
        return _view(row, relation)

    @door(Permission.CASES_DELETE)
    def delete(self, work: Work, arrangement_id: int, version: int) -> None:
        session = work.session
        row = get_or_404(session, ReliefArrangement, arrangement_id, "relief")
        check_version(row.version, version)
        relation = get_or_404(session, CareRelation, row.relation_id, "relation")
        session.delete(row)
        session.flush()
        work.log(
            AuditAction.DELETE, ENTITY, entity_id=arrangement_id, relative_id=relation.relative_id
        )

    @door(Permission.CASES_WRITE)
    def set_need(
        self, work: Work, relative_id: int, hours_per_week: float, version: int | None = None
    ) -> NeedView:
        """Record the hours of relief a week the relative says they need. ``version`` is
        the one read (None when none was stated yet)."""
        if not 0 <= hours_per_week <= 168:
            raise ValidationError(N_("The hours a week must be between 0 and 168."), field="need")
        session = work.session
        get_or_404(session, Relative, relative_id, "relative")
        row = session.get(ReliefNeed, relative_id)
        if row is None:
            if version is not None:
                check_version(0, version)  # it was there when read: deleted since
            row = ReliefNeed(relative_id=relative_id)
            session.add(row)
            action = AuditAction.CREATE
        else:
            check_version(row.version, version if version is not None else -1)
            action = AuditAction.UPDATE
        row.hours_per_week = round(float(hours_per_week), 2)
        row.stated_on = work.today()
        row.updated_at = work.now()
        session.flush()
        work.log(action, NEED_ENTITY, entity_id=relative_id, relative_id=relative_id)
        return NeedView(relative_id, row.hours_per_week, row.stated_on, row.version)

    # ---- helpers -------------------------------------------------------------------------
    def _need(self, session: Session, relative_id: int) -> NeedView | None:
        row = session.get(ReliefNeed, relative_id)
        if row is None:
            return None
        return NeedView(relative_id, row.hours_per_week, row.stated_on, row.version)

    def _basis(self, data: ReliefInput, relation: CareRelation) -> str | None:
        """The chosen basis, checked against the data; or the one proposed for the
        citizen's situation on the arrangement's first day."""
        catalogue = legal_bases()
        if data.legal_basis:
            basis = catalogue.get(data.legal_basis)
            if basis is None or data.kind not in basis.kinds:
                raise ValidationError(
                    N_("Choose a legal basis that covers this kind of arrangement."),
                    field="legal_basis",
                )
            return basis.code
        situation = catalogue.situation(
            relation.citizen.legal_framework, relation.citizen.birth_year, data.starts_on
        )
        proposed = catalogue.propose(data.kind, situation, data.starts_on)
        return proposed.code if proposed else None


def _plain(occ: ReliefOccurrence) -> Occurrence:
    return Occurrence(occ.start, occ.end, occ.local_date, occ.holiday)
