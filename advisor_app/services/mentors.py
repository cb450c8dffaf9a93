"""Mentor matching (mentorpårørende, Mentor and MentorMatch): mentor profiles, relatives
waiting for a mentor, the top 3 for one relative with explanations, the optimal assignment
of everyone waiting (proposed, reviewed by the advisor, then saved), and the match's life:
proposed -> accepted by both -> active (first meeting, frequency, review reminders among the
follow-ups) -> ended with a reason and outcome.

Contact details pass between mentor and mentee only while the match is accepted or active
and both have consented; withdrawing either consent hides them on the next read (nothing is
copied). The weights and the bereavement period are ``MatchSettings`` given to the service.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import cache

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain import mentoring as m
from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    Condition,
    EmploymentStatus,
    RelationType,
)
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.settings import match_settings
from advisor_app.domain.text import SHORT_TEXT_MAX, clean_line, clean_note, fold
from advisor_app.locations import resource
from advisor_app.persistence.models import (
    Action,
    CareRelation,
    Citizen,
    Mentor,
    MentorMatch,
    MentorRequest,
    MentorReview,
    Relative,
)
from advisor_app.services.common import check_version, get_or_404
from advisor_app.services.door import Door, Gated, Work, door
from advisor_app.services.dto import RelativeId
from advisor_app.services.mentor_dto import (
    ActivateInput,
    AssignmentView,
    ConsentKind,
    ContactView,
    EndInput,
    MatchView,
    MentoringView,
    MentorInput,
    MentorRequestInput,
    MentorRequestView,
    MentorView,
    ProposalView,
    ReviewInput,
    ReviewView,
    Side,
    SuggestionsView,
    SuggestionView,
)
from advisor_app.services.sessions import open_case
from advisor_app.services.settings import read_settings

MENTOR = "mentor"
REQUEST = "mentor_request"
MATCH = "mentor_match"
REVIEW = "mentor_review"
FOLLOW_UP = "follow_up_action"
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_PROPOSALS = 5000

WORK_LIFE = {
    EmploymentStatus.EMPLOYED: m.WorkLife.WORKING,
    EmploymentStatus.SELF_EMPLOYED: m.WorkLife.WORKING,
    EmploymentStatus.CARE_LEAVE: m.WorkLife.WORKING,
    EmploymentStatus.SICK_LEAVE: m.WorkLife.WORKING,
    EmploymentStatus.RETIRED: m.WorkLife.RETIRED,
    EmploymentStatus.UNKNOWN: m.WorkLife.UNKNOWN,
}


@cache
def load_places() -> dict[str, tuple[float, float]]:
    """Approximate postcode centroids (resources/seed/postcodes.json)."""
    data = json.loads(resource("seed", "postcodes.json").read_text(encoding="utf-8"))
    return {code: (p["lat"], p["lon"]) for code, p in data["postcodes"].items()}


def _csv(values: Iterable[str]) -> str:
    return ",".join(sorted(dict.fromkeys(str(v) for v in values)))


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(",") if v)


def interest_set(text: str | None) -> frozenset[str]:
    """Interests as folded words from a comma-separated text ("Gåture, Kor")."""
    return frozenset(fold(p) for p in re.split(r"[,;\n]", text or "") if fold(p))


def _household(relative: Relative) -> frozenset[str]:
    keys = set()
    if relative.phone:
        keys.add("tel:" + re.sub(r"\D", "", relative.phone))
    if relative.email:
        keys.add("mail:" + relative.email.strip().casefold())
    return frozenset(keys)


def _family(relative: Relative) -> str | None:
    words = fold(relative.name).split()
    if len(words) < 2 or not relative.postcode:
        return None
    return f"{words[-1]}|{relative.postcode}"


# ---- validation ---------------------------------------------------------------------------------
def _languages(values: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    if not cleaned:
        raise ValidationError(N_("Choose at least one language."), field="languages")
    if any(not LANGUAGE.match(v) for v in cleaned):
        raise ValidationError(
            N_("A language is a two- or three-letter code such as da or en."), field="languages"
        )
    return cleaned


def _at_least_one(values: Sequence[object], field: str, message: str) -> None:
    if not values:
        raise ValidationError(message, field=field)


def _check_common(data: MentorInput | MentorRequestInput) -> tuple[str, ...]:
    languages = _languages(data.languages)
    _at_least_one(data.slots, "slots", N_("Choose at least one time that suits."))
    _at_least_one(data.modes, "modes", N_("Choose at least one way to meet."))
    return languages


def _check_mentor(data: MentorInput, today: date) -> MentorInput:
    languages = _check_common(data)
    if isinstance(data.capacity, bool) or not isinstance(data.capacity, int):
        raise ValidationError(N_("Mentees at once must be 1 to 10."), field="capacity")
    if not 1 <= data.capacity <= 10:
        raise ValidationError(N_("Mentees at once must be 1 to 10."), field="capacity")
    if data.trained_on is not None and data.trained_on > today:
        raise ValidationError(N_("The training date cannot be in the future."), field="trained_on")
    if data.stage is m.MentorStage.BEREAVED and data.bereaved_since is None:
        raise ValidationError(
            N_("Say since when the mentor has been bereaved."), field="bereaved_since"
        )
    if data.bereaved_since is not None and data.bereaved_since > today:
        raise ValidationError(
            N_("The bereavement date cannot be in the future."), field="bereaved_since"
        )
    postcode = (data.postcode or "").strip() or None
    if postcode is not None and not re.fullmatch(r"[0-9]{4}", postcode):
        raise ValidationError(N_("A Danish postcode has 4 digits."), field="postcode")
    interests = clean_note(data.interests, field="interests", label=N_("Interests"), max_len=2000)
    return MentorInput(
        stage=data.stage,
        relation_type=RelationType(data.relation_type),
        conditions=tuple(dict.fromkeys(Condition(c) for c in data.conditions)),
        languages=languages,
        slots=tuple(dict.fromkeys(data.slots)),
        modes=tuple(dict.fromkeys(data.modes)),
        capacity=data.capacity,
        gender=data.gender,
        gender_preference=data.gender_preference,
        trained_on=data.trained_on,
        bereaved_since=data.bereaved_since,
        postcode=postcode,
        interests=interests or None,
    )


def _satisfaction(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(N_("Satisfaction is 1 to 5."), field=field)
    return value


# ---- reading rows into views and matching people ----------------------------------------------
def _mentor_view(row: Mentor, relative: Relative, open_matches: int) -> MentorView:
    return MentorView(
        id=row.id,
        version=row.version,
        relative_id=RelativeId(row.relative_id),
        relative_name=relative.name,
        stage=row.stage,
        relation_type=row.relation_type,
        conditions=tuple(Condition(c) for c in _split(row.conditions)),
        languages=_split(row.languages),
        slots=tuple(m.TimeSlot(s) for s in _split(row.slots)),
        modes=tuple(m.ContactMode(s) for s in _split(row.modes)),
        capacity=row.capacity,
        open_matches=open_matches,
        gender=row.gender,
        gender_preference=row.gender_preference,
        trained_on=row.trained_on,
        bereaved_since=row.bereaved_since,
        postcode=row.postcode,
        interests=row.interests,
        mentor_consent=row.mentor_consent_at is not None,
        contact_consent=row.contact_consent_at is not None,
        paused=row.paused_at is not None,
    )


def _request_view(row: MentorRequest, waiting: bool) -> MentorRequestView:
    return MentorRequestView(
        id=row.id,
        version=row.version,
        relative_id=RelativeId(row.relative_id),
        stage=row.stage,
        languages=_split(row.languages),
        slots=tuple(m.TimeSlot(s) for s in _split(row.slots)),
        modes=tuple(m.ContactMode(s) for s in _split(row.modes)),
        gender=row.gender,
        gender_preference=row.gender_preference,
        contact_consent=row.contact_consent_at is not None,
        requested_at=row.requested_at,
        waiting=waiting and row.closed_at is None,
        closed=row.closed_at is not None,
    )


def _open_loads(session: Session, mentor_ids: Sequence[int] | None = None) -> dict[int, int]:
    stmt = (
        select(MentorMatch.mentor_id, func.count(MentorMatch.id))
        .where(MentorMatch.status.in_(tuple(m.OPEN_STATUSES)))
        .group_by(MentorMatch.mentor_id)
    )
    if mentor_ids is not None:
        stmt = stmt.where(MentorMatch.mentor_id.in_(mentor_ids))
    return {mid: int(n) for mid, n in session.execute(stmt)}


def _relations(
    session: Session, relative_ids: Sequence[int]
) -> dict[int, tuple[set[int], set[str], set[str]]]:
    """Per relative: the citizens they care for, the relation types, the citizens' conditions."""
    found: dict[int, tuple[set[int], set[str], set[str]]] = {}
    if not relative_ids:
        return found
    for chunk in _chunks(relative_ids):
        rows = session.execute(
            select(
                CareRelation.relative_id, CareRelation.citizen_id, CareRelation.relation_type
            ).where(CareRelation.relative_id.in_(chunk))
        ).all()
        citizen_ids = {c for _r, c, _t in rows}
        conditions: dict[int, set[str]] = {}
        if citizen_ids:
            for citizen in session.scalars(
                select(Citizen)
                .where(Citizen.id.in_(citizen_ids))
                .options(selectinload(Citizen.conditions))
            ):
                conditions[citizen.id] = {c.condition.value for c in citizen.conditions}
        for rid, cid, rtype in rows:
            citizens, types, conds = found.setdefault(rid, (set(), set(), set()))
            citizens.add(cid)
            types.add(rtype.value)
            conds |= conditions.get(cid, set())
    return found


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _mentor_people(
    session: Session, today: date, only: Sequence[int] | None = None
) -> tuple[list[m.Person], dict[int, tuple[Mentor, Relative]]]:
    stmt = select(Mentor, Relative).join(Relative, Relative.id == Mentor.relative_id)
    if only is not None:
        stmt = stmt.where(Mentor.id.in_(only))
    rows = session.execute(stmt.order_by(Mentor.id)).all()
    loads = _open_loads(session)
    relations = _relations(session, [r.id for _mentor, r in rows])
    people = []
    by_id: dict[int, tuple[Mentor, Relative]] = {}
    for mentor, relative in rows:
        citizens, _types, _conds = relations.get(relative.id, (set(), set(), set()))
        by_id[mentor.id] = (mentor, relative)
        people.append(
            m.Person(
                id=mentor.id,
                relative_id=relative.id,
                languages=frozenset(_split(mentor.languages)),
                slots=frozenset(m.TimeSlot(s) for s in _split(mentor.slots)),
                modes=frozenset(m.ContactMode(s) for s in _split(mentor.modes)),
                gender=mentor.gender,
                gender_preference=mentor.gender_preference,
                stage=mentor.stage,
                bereaved_since=mentor.bereaved_since,
                conditions=frozenset(_split(mentor.conditions)),
                relation_types=frozenset({mentor.relation_type.value}),
                birth_year=relative.birth_year,
                work=WORK_LIFE.get(relative.employment, m.WorkLife.OTHER),
                postcode=mentor.postcode or relative.postcode,
                interests=interest_set(mentor.interests or relative.interests),
                citizens=frozenset(citizens),
                household=_household(relative),
                family=_family(relative),
                consent=mentor.mentor_consent_at is not None,
                active=mentor.paused_at is None,
                trained=mentor.trained_on is not None and mentor.trained_on <= today,
                capacity=mentor.capacity,
                load=loads.get(mentor.id, 0),
            )
        )
    return people, by_id


def _mentee_people(
    session: Session, relative_ids: Sequence[int] | None = None
) -> tuple[list[m.Person], dict[int, Relative]]:
    """The relatives waiting for a mentor (or just these): an open request, no open match."""
    has_open = select(MentorMatch.mentee_id).where(MentorMatch.status.in_(tuple(m.OPEN_STATUSES)))
    stmt = (
        select(MentorRequest, Relative)
        .join(Relative, Relative.id == MentorRequest.relative_id)
        .where(MentorRequest.closed_at.is_(None))
    )
    if relative_ids is None:
        stmt = stmt.where(MentorRequest.relative_id.not_in(has_open))
    else:
        stmt = stmt.where(MentorRequest.relative_id.in_(relative_ids))
    rows = session.execute(stmt.order_by(MentorRequest.requested_at, MentorRequest.id)).all()
    ids = [r.id for _q, r in rows]
    relations = _relations(session, ids)
    previous: dict[int, set[int]] = {}
    for chunk in _chunks(ids):
        for mentee, mentor in session.execute(
            select(MentorMatch.mentee_id, MentorMatch.mentor_id).where(
                MentorMatch.mentee_id.in_(chunk)
            )
        ):
            previous.setdefault(mentee, set()).add(mentor)
    people = []
    by_id: dict[int, Relative] = {}
    for request, relative in rows:
        citizens, types, conds = relations.get(relative.id, (set(), set(), set()))
        by_id[relative.id] = relative
        people.append(
            m.Person(
                id=relative.id,
                relative_id=relative.id,
                languages=frozenset(_split(request.languages)),
                slots=frozenset(m.TimeSlot(s) for s in _split(request.slots)),
                modes=frozenset(m.ContactMode(s) for s in _split(request.modes)),
                gender=request.gender,
                gender_preference=request.gender_preference,
                stage=request.stage,
                conditions=frozenset(conds),
                relation_types=frozenset(types),
                birth_year=relative.birth_year,
                work=WORK_LIFE.get(relative.employment, m.WorkLife.OTHER),
                postcode=relative.postcode,
                interests=interest_set(relative.interests),
                citizens=frozenset(citizens),
                household=_household(relative),
                family=_family(relative),
                previous_mentors=frozenset(previous.get(relative.id, set())),
            )
        )
    return people, by_id


def _contact(relative: Relative) -> ContactView:
    return ContactView(relative.name, relative.phone, relative.email)


def _match_views(session: Session, rows: Sequence[MentorMatch]) -> tuple[MatchView, ...]:
    if not rows:
        return ()
    mentors = {
        mentor.id: (mentor, relative)
        for mentor, relative in session.execute(
            select(Mentor, Relative)
            .join(Relative, Relative.id == Mentor.relative_id)
            .where(Mentor.id.in_({r.mentor_id for r in rows}))
        )
    }
    mentees = {
        r.id: r
        for r in session.scalars(
            select(Relative).where(Relative.id.in_({r.mentee_id for r in rows}))
        )
    }
    requests = {
        q.relative_id: q
        for q in session.scalars(
            select(MentorRequest).where(MentorRequest.relative_id.in_(set(mentees)))
        )
    }
    views = []
    for row in rows:
        mentor, mentor_relative = mentors[row.mentor_id]
        mentee = mentees[row.mentee_id]
        request = requests.get(row.mentee_id)
        shared = (
            row.status in (m.MatchStatus.ACCEPTED, m.MatchStatus.ACTIVE)
            and mentor.contact_consent_at is not None
            and request is not None
            and request.contact_consent_at is not None
        )
        views.append(
            MatchView(
                id=row.id,
                version=row.version,
                status=row.status,
                mentor_id=row.mentor_id,
                mentor_relative_id=RelativeId(mentor.relative_id),
                mentor_name=mentor_relative.name,
                mentee_id=RelativeId(row.mentee_id),
                mentee_name=mentee.name,
                score=row.score,
                deciding=tuple(m.Criterion(c) for c in _split(row.deciding)),
                proposed_at=row.proposed_at,
                mentor_accepted_at=row.mentor_accepted_at,
                mentee_accepted_at=row.mentee_accepted_at,
                first_meeting_on=row.first_meeting_on,
                frequency=row.frequency,
                next_review_on=row.next_review_on,
                ended_at=row.ended_at,
                end_reason=row.end_reason,
                outcome=row.outcome,
                end_note=row.end_note,
                reviews=tuple(
                    ReviewView(
                        r.id, r.reviewed_on, r.mentor_satisfaction, r.mentee_satisfaction, r.note
                    )
                    for r in row.reviews
                ),
                mentor_contact=_contact(mentor_relative) if shared else None,
                mentee_contact=_contact(mentee) if shared else None,
            )
        )
    return tuple(views)


def match_with_contact(
    session: Session,
    relative_id: int,
    statuses: Sequence[m.MatchStatus] = (m.MatchStatus.ACTIVE,),
) -> MatchView | None:
    """The relative's current match as mentee in one of ``statuses`` (the first status
    listed wins, then the newest match), with the contacts only when both have consented.
    No door, no event: for the door method and the handout's composer."""
    wanted = list(dict.fromkeys(statuses))
    if not wanted:
        return None
    rank = case(
        *((MentorMatch.status == status, n) for n, status in enumerate(wanted)),
        else_=len(wanted),
    )
    row = session.scalar(
        select(MentorMatch)
        .where(MentorMatch.mentee_id == relative_id, MentorMatch.status.in_(wanted))
        .order_by(rank, MentorMatch.id.desc())
        .limit(1)
        .options(selectinload(MentorMatch.reviews))
    )
    return _match_views(session, [row])[0] if row is not None else None


def _order_matches(rows: Iterable[MentorMatch]) -> list[MentorMatch]:
    return sorted(
        rows, key=lambda r: (r.status is m.MatchStatus.ENDED, -r.proposed_at.timestamp(), -r.id)
    )


class MentorService(Gated):
    def __init__(self, door: Door, settings: m.MatchSettings | None = None) -> None:
        super().__init__(door)
        self.fixed_settings = settings  # for tests; otherwise the municipality's, per call

    def _settings(self, session: Session) -> m.MatchSettings:
        """The weights and limits in force: the municipality's settings (domain/settings.py),
        read in the call's own transaction, so an administrator's change counts at once."""
        if self.fixed_settings is not None:
            return self.fixed_settings
        return match_settings(read_settings(session).values)

    # ---- reading ----------------------------------------------------------------------------
    @door(Permission.CASES_READ)
    def mentoring(self, work: Work, relative_id: int) -> MentoringView:
        """The relative's mentoring: mentor profile, request and every match (both sides)."""
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        view = self._mentoring(session, relative)
        work.log(AuditAction.READ, MENTOR, relative_id=relative_id, detail="mentoring")
        return view

    def _mentoring(self, session: Session, relative: Relative) -> MentoringView:
        mentor = session.scalar(select(Mentor).where(Mentor.relative_id == relative.id))
        request = session.scalar(
            select(MentorRequest).where(MentorRequest.relative_id == relative.id)
        )
        conditions = [MentorMatch.mentee_id == relative.id]
        if mentor is not None:
            conditions.append(MentorMatch.mentor_id == mentor.id)
        rows = _order_matches(
            session.scalars(
                select(MentorMatch)
                .where(or_(*conditions))
                .options(selectinload(MentorMatch.reviews))
            )
        )
        open_as_mentee = any(
            r.mentee_id == relative.id and r.status in m.OPEN_STATUSES for r in rows
        )
        load = sum(
            1 for r in rows if mentor and r.mentor_id == mentor.id and r.status in m.OPEN_STATUSES
        )
        return MentoringView(
            relative_id=RelativeId(relative.id),
            mentor=_mentor_view(mentor, relative, load) if mentor else None,
            request=_request_view(request, not open_as_mentee) if request else None,
            matches=_match_views(session, rows),
        )

    @door(Permission.CASES_READ)
    def active_match_contact(self, work: Work, relative_id: int) -> MatchView | None:
        """The relative's active match as mentee, for a handout: the mentor's contact is in
        it only when both have consented (``mentor_contact`` is None otherwise)."""
        found = match_with_contact(work.session, relative_id)
        work.log(
            AuditAction.READ, MATCH, entity_id=found.id if found else None, relative_id=relative_id
        )
        return found

    @door(Permission.CASES_READ)
    def suggest(self, work: Work, relative_id: int, count: int = 3) -> SuggestionsView:
        """The best ``count`` mentors for a relative waiting for one, with how each criterion
        counted, and how many mentors the hard rules excluded, by rule."""
        session, today = work.session, work.today()
        get_or_404(session, Relative, relative_id, "relative")
        mentees, _ = _mentee_people(session, [relative_id])
        if not mentees:
            raise ValidationError(
                N_("Record what the relative wishes from a mentor first."), field="request"
            )
        mentors, by_id = _mentor_people(session, today)
        settings = self._settings(session)
        found = m.suggest(mentors, mentees[0], today, settings, load_places(), count=count)
        work.log(AuditAction.READ, MENTOR, relative_id=relative_id, detail="suggest")
        return SuggestionsView(
            relative_id=RelativeId(relative_id),
            top=tuple(
                SuggestionView(
                    mentor_id=r.mentor_id,
                    mentor_relative_id=RelativeId(by_id[r.mentor_id][1].id),
                    mentor_name=by_id[r.mentor_id][1].name,
                    score=r.score,
                    criteria=r.criteria,
                    deciding=r.deciding,
                )
                for r in found.top
            ),
            considered=found.considered,
            excluded=found.excluded,
        )

    @door(Permission.CASES_READ)
    def assign_all(self, work: Work) -> AssignmentView:
        """The optimal assignment of every waiting relative, proposed and not saved: the
        advisor reviews it and saves what they keep (``save_proposals``)."""
        session, today = work.session, work.today()
        mentors, mentor_rows = _mentor_people(session, today)
        mentees, mentee_rows = _mentee_people(session)
        places = load_places()
        # SciPy's solver loads on first use: before the clock starts, so the time is the work.
        import scipy.sparse.csgraph  # noqa: F401

        settings = self._settings(session)
        start = time.perf_counter()
        feasible, scores = m.score_matrix(mentors, mentees, today, settings, places)
        solved = m.assign_matrix(mentors, mentees, feasible, scores)
        seconds = time.perf_counter() - start
        greedy = m.greedy_assign(mentors, mentees, today, settings, places)
        work.log(AuditAction.READ, MENTOR, detail="assign")
        return AssignmentView(
            proposals=tuple(
                ProposalView(
                    mentee_id=RelativeId(p.mentee_id),
                    mentee_name=mentee_rows[p.mentee_id].name,
                    mentor_id=p.mentor_id,
                    mentor_relative_id=RelativeId(mentor_rows[p.mentor_id][1].id),
                    mentor_name=mentor_rows[p.mentor_id][1].name,
                    score=p.score,
                )
                for p in solved.pairs
            ),
            unassigned=tuple((RelativeId(rid), mentee_rows[rid].name) for rid in solved.unassigned),
            total=solved.total,
            greedy_total=greedy.total,
            mentors=len(mentors),
            seconds=seconds,
        )

    # ---- mentors and requests -----------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def save_mentor(
        self, work: Work, relative_id: int, data: MentorInput, version: int | None = None
    ) -> MentorView:
        """Make the relative a mentor, or change their profile (``version`` when changing)."""
        clean = _check_mentor(data, work.today())
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        row = session.scalar(select(Mentor).where(Mentor.relative_id == relative_id))
        if row is None:
            row = Mentor(relative_id=relative_id, created_at=work.now())
            action = AuditAction.CREATE
        else:
            check_version(row.version, version if version is not None else -1)
            action = AuditAction.UPDATE
        row.stage = clean.stage
        row.relation_type = clean.relation_type
        row.conditions = _csv(c.value for c in clean.conditions)
        row.languages = _csv(clean.languages)
        row.slots = _csv(s.value for s in clean.slots)
        row.modes = _csv(s.value for s in clean.modes)
        row.capacity = clean.capacity
        row.gender = clean.gender
        row.gender_preference = clean.gender_preference
        row.trained_on = clean.trained_on
        row.bereaved_since = clean.bereaved_since
        row.postcode = clean.postcode
        row.interests = clean.interests
        row.updated_at = work.now()
        session.add(row)
        session.flush()
        work.log(action, MENTOR, entity_id=row.id, relative_id=relative_id)
        return _mentor_view(row, relative, _open_loads(session, [row.id]).get(row.id, 0))

    @door(Permission.CASES_WRITE)
    def set_paused(self, work: Work, mentor_id: int, version: int, paused: bool) -> MentorView:
        """Pause a mentor when life changes (no new matches), or resume."""
        session = work.session
        row = get_or_404(session, Mentor, mentor_id, "mentor")
        check_version(row.version, version)
        row.paused_at = work.now() if paused else None
        row.updated_at = work.now()
        session.flush()
        work.log(
            AuditAction.UPDATE,
            MENTOR,
            entity_id=row.id,
            relative_id=row.relative_id,
            detail="paused" if paused else "resumed",
        )
        relative = get_or_404(session, Relative, row.relative_id, "relative")
        return _mentor_view(row, relative, _open_loads(session, [row.id]).get(row.id, 0))

    @door(Permission.CASES_WRITE)
    def set_consent(
        self, work: Work, relative_id: int, kind: ConsentKind, given: bool
    ) -> MentoringView:
        """Record a consent given or withdrawn; a withdrawn contact consent hides the contact
        details from the next read on."""
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        stamp = work.now() if given else None
        if kind is ConsentKind.MENTEE_CONTACT:
            request = session.scalar(
                select(MentorRequest).where(MentorRequest.relative_id == relative_id)
            )
            if request is None:
                raise ValidationError(
                    N_("Record what the relative wishes from a mentor first."), field="request"
                )
            request.contact_consent_at = stamp
            entity, entity_id = REQUEST, request.id
        else:
            mentor = session.scalar(select(Mentor).where(Mentor.relative_id == relative_id))
            if mentor is None:
                raise ValidationError(N_("The relative is not a mentor."), field="mentor")
            if kind is ConsentKind.MENTOR:
                mentor.mentor_consent_at = stamp
            else:
                mentor.contact_consent_at = stamp
            entity, entity_id = MENTOR, mentor.id
        session.flush()
        work.log(
            AuditAction.UPDATE,
            entity,
            entity_id=entity_id,
            relative_id=relative_id,
            detail=f"{kind.value} {'given' if given else 'withdrawn'}",
        )
        return self._mentoring(session, relative)

    @door(Permission.CASES_WRITE)
    def save_request(
        self, work: Work, relative_id: int, data: MentorRequestInput, version: int | None = None
    ) -> MentorRequestView:
        """Record that the relative would like a mentor, and what suits them."""
        languages = _check_common(data)
        session = work.session
        get_or_404(session, Relative, relative_id, "relative")
        row = session.scalar(select(MentorRequest).where(MentorRequest.relative_id == relative_id))
        if row is None:
            row = MentorRequest(relative_id=relative_id, requested_at=work.now())
            action = AuditAction.CREATE
        else:
            check_version(row.version, version if version is not None else -1)
            action = AuditAction.UPDATE
            row.closed_at = None
        row.stage = data.stage
        row.languages = _csv(languages)
        row.slots = _csv(s.value for s in data.slots)
        row.modes = _csv(s.value for s in data.modes)
        row.gender = data.gender
        row.gender_preference = data.gender_preference
        session.add(row)
        session.flush()
        work.log(action, REQUEST, entity_id=row.id, relative_id=relative_id)
        waiting = (
            session.scalar(
                select(func.count(MentorMatch.id)).where(
                    MentorMatch.mentee_id == relative_id,
                    MentorMatch.status.in_(tuple(m.OPEN_STATUSES)),
                )
            )
            == 0
        )
        return _request_view(row, waiting)

    @door(Permission.CASES_WRITE)
    def close_request(self, work: Work, relative_id: int, version: int) -> MentorRequestView:
        """The relative no longer wants a mentor: they stop waiting (saving their wishes
        again opens it). An open match is ended on its own, with its reason."""
        session = work.session
        row = session.scalar(select(MentorRequest).where(MentorRequest.relative_id == relative_id))
        if row is None:
            raise ValidationError(
                N_("Record what the relative wishes from a mentor first."), field="request"
            )
        check_version(row.version, version)
        if row.closed_at is not None:
            raise ValidationError(N_("The relative has already stopped waiting."), field="request")
        row.closed_at = work.now()
        session.flush()
        work.log(
            AuditAction.UPDATE, REQUEST, entity_id=row.id, relative_id=relative_id, detail="closed"
        )
        return _request_view(row, False)

    # ---- matches ------------------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def propose(self, work: Work, relative_id: int, mentor_id: int) -> MatchView:
        """Propose a mentor for a waiting relative (from the top 3): the hard rules are
        checked again now, on the data as it is."""
        (row,) = self._save_pairs(work, [(relative_id, mentor_id)])
        return _match_views(work.session, [row])[0]

    @door(Permission.CASES_WRITE)
    def save_proposals(
        self, work: Work, pairs: tuple[tuple[int, int], ...]
    ) -> tuple[MatchView, ...]:
        """Save the reviewed assignment (relative id, mentor id) as proposed matches: all or
        nothing, each pair checked against the hard rules and the mentor's free places."""
        if not pairs:
            raise ValidationError(N_("Choose at least one proposal to save."), field="proposals")
        if len(pairs) > MAX_PROPOSALS:
            raise ValidationError(N_("Too many proposals at once."), field="proposals")
        rows = self._save_pairs(work, list(pairs))
        return _match_views(work.session, rows)

    def _save_pairs(self, work: Work, pairs: list[tuple[int, int]]) -> list[MentorMatch]:
        session, today = work.session, work.today()
        settings = self._settings(session)
        mentee_ids = [p[0] for p in pairs]
        if len(set(mentee_ids)) != len(mentee_ids):
            raise ValidationError(
                N_("A relative can have one mentor at a time."), field="proposals"
            )
        # Lock the mentors and the wishes first (PostgreSQL; SQLite's IMMEDIATE transaction
        # already serialises writers): two advisors proposing at once cannot both take a
        # mentor's last place, nor give one relative two mentors.
        session.execute(
            select(Mentor.id)
            .where(Mentor.id.in_(sorted({p[1] for p in pairs})))
            .order_by(Mentor.id)
            .with_for_update()
        )
        session.execute(
            select(MentorRequest.id)
            .where(MentorRequest.relative_id.in_(sorted(mentee_ids)))
            .order_by(MentorRequest.id)
            .with_for_update()
        )
        mentees, _rows = _mentee_people(session, mentee_ids)
        by_mentee = {p.id: p for p in mentees}
        mentors, _mrows = _mentor_people(session, today, sorted({p[1] for p in pairs}))
        by_mentor = {p.id: p for p in mentors}
        places = load_places()
        taken: dict[int, int] = {}
        created = []
        for relative_id, mentor_id in pairs:
            mentee = by_mentee.get(relative_id)
            if mentee is None:
                raise ValidationError(
                    N_("Record what the relative wishes from a mentor first."), field="request"
                )
            if session.scalar(
                select(func.count(MentorMatch.id)).where(
                    MentorMatch.mentee_id == relative_id,
                    MentorMatch.status.in_(tuple(m.OPEN_STATUSES)),
                )
            ):
                raise ValidationError(
                    N_("The relative already has a mentor match."), field="proposals"
                )
            mentor = by_mentor.get(mentor_id)
            if mentor is None:
                get_or_404(session, Mentor, mentor_id, "mentor")
                raise AssertionError("unreachable")
            used = taken.get(mentor_id, 0)
            now_mentor = replace(mentor, load=mentor.load + used)
            rule = m.exclusion(now_mentor, mentee, today, settings)
            if rule is not None:
                raise ValidationError(
                    N_("This mentor cannot be proposed: {rule}."),
                    field="proposals",
                    rule=m.MENTORING_LABELS[rule],
                )
            taken[mentor_id] = used + 1
            criteria = m.breakdown(mentor, mentee, settings, places)
            points = min(100.0, max(0.0, sum(c.points for c in criteria)))
            strongest = sorted(criteria, key=lambda c: -c.points)[:2]
            course = open_case(session, relative_id, work.actor.advisor_id, work.now())
            row = MentorMatch(
                mentor_id=mentor_id,
                mentee_id=relative_id,
                case_id=course.id,
                advisor_id=work.actor.advisor_id,
                status=m.MatchStatus.PROPOSED,
                score=round(points, 2),
                deciding=_csv(c.criterion.value for c in strongest if c.points > 0),
                proposed_at=work.now(),
            )
            session.add(row)
            session.flush()
            work.log(AuditAction.CREATE, MATCH, entity_id=row.id, relative_id=relative_id)
            created.append(row)
        return created

    def _match(self, session: Session, match_id: int, version: int) -> MentorMatch:
        row = session.scalar(
            select(MentorMatch)
            .where(MentorMatch.id == match_id)
            .options(selectinload(MentorMatch.reviews))
        )
        if row is None:
            get_or_404(session, MentorMatch, match_id, "match")
            raise AssertionError("unreachable")
        check_version(row.version, version)
        return row

    @door(Permission.CASES_WRITE)
    def accept(self, work: Work, match_id: int, version: int, side: Side) -> MatchView:
        """One side says yes; when both have, the match is accepted."""
        session = work.session
        row = self._match(session, match_id, version)
        if row.status is not m.MatchStatus.PROPOSED:
            raise ValidationError(N_("Only a proposed match can be accepted."), field="status")
        if Side(side) is Side.MENTOR:
            row.mentor_accepted_at = work.now()
        else:
            row.mentee_accepted_at = work.now()
        if row.mentor_accepted_at is not None and row.mentee_accepted_at is not None:
            row.status = m.MatchStatus.ACCEPTED
        session.flush()
        work.log(
            AuditAction.UPDATE,
            MATCH,
            entity_id=row.id,
            relative_id=row.mentee_id,
            detail=f"accepted by {Side(side).value}",
        )
        return _match_views(session, [row])[0]

    @door(Permission.CASES_WRITE)
    def activate(self, work: Work, match_id: int, version: int, data: ActivateInput) -> MatchView:
        """The two have met: the match is active, with its frequency and first review, whose
        reminder is a follow-up of the mentee's."""
        session, today = work.session, work.today()
        row = self._match(session, match_id, version)
        if row.status is not m.MatchStatus.ACCEPTED:
            raise ValidationError(
                N_("A match is activated once both have accepted it."), field="status"
            )
        if data.review_on < today:
            raise ValidationError(N_("The review cannot be before today."), field="review_on")
        if data.review_on < data.first_meeting_on:
            raise ValidationError(
                N_("The review comes after the first meeting."), field="review_on"
            )
        row.status = m.MatchStatus.ACTIVE
        row.first_meeting_on = data.first_meeting_on
        row.frequency = data.frequency
        row.next_review_on = data.review_on
        session.flush()
        work.log(
            AuditAction.UPDATE, MATCH, entity_id=row.id, relative_id=row.mentee_id, detail="active"
        )
        self._remind(work, row, data.review_on, data.reminder)
        return _match_views(session, [row])[0]

    def _remind(self, work: Work, row: MentorMatch, due: date, text: str) -> None:
        description = clean_line(
            text, field="reminder", label=N_("The reminder"), max_len=SHORT_TEXT_MAX
        )
        reminder = Action(
            mentor_match_id=row.id,
            description=description or "",
            due_on=due,
            status=ActionStatus.OPEN,
            owner_id=work.actor.advisor_id,
        )
        work.session.add(reminder)
        work.session.flush()
        work.log(
            AuditAction.CREATE,
            FOLLOW_UP,
            entity_id=reminder.id,
            relative_id=row.mentee_id,
            detail="mentor review",
        )

    def _close_reminders(self, work: Work, row: MentorMatch, status: ActionStatus) -> None:
        for reminder in work.session.scalars(
            select(Action).where(
                Action.mentor_match_id == row.id, Action.status == ActionStatus.OPEN
            )
        ):
            reminder.status = status
            reminder.completed_at = work.now()

    @door(Permission.CASES_WRITE)
    def record_review(
        self, work: Work, match_id: int, version: int, data: ReviewInput
    ) -> MatchView:
        """The review: a short satisfaction check from both sides (1-5), and the next review
        (a new reminder) unless the match is to end."""
        session, today = work.session, work.today()
        row = self._match(session, match_id, version)
        if row.status is not m.MatchStatus.ACTIVE:
            raise ValidationError(N_("Only an active match is reviewed."), field="status")
        mentor_score = _satisfaction(data.mentor_satisfaction, "mentor_satisfaction")
        mentee_score = _satisfaction(data.mentee_satisfaction, "mentee_satisfaction")
        if mentor_score is None and mentee_score is None:
            raise ValidationError(
                N_("Record how satisfied at least one of them is."), field="mentor_satisfaction"
            )
        if data.reviewed_on > today:
            raise ValidationError(N_("A review cannot be in the future."), field="reviewed_on")
        if data.next_review_on is not None and data.next_review_on <= data.reviewed_on:
            raise ValidationError(
                N_("The next review comes after this one."), field="next_review_on"
            )
        note = clean_note(data.note, field="note", label=N_("Note"), max_len=2000) or None
        review = MentorReview(
            match_id=row.id,
            reviewed_on=data.reviewed_on,
            mentor_satisfaction=mentor_score,
            mentee_satisfaction=mentee_score,
            note=note,
            created_at=work.now(),
        )
        row.reviews.append(review)
        self._close_reminders(work, row, ActionStatus.DONE)
        row.next_review_on = data.next_review_on
        session.flush()
        work.log(AuditAction.CREATE, REVIEW, entity_id=review.id, relative_id=row.mentee_id)
        if data.next_review_on is not None:
            self._remind(work, row, data.next_review_on, data.reminder)
        return _match_views(session, [row])[0]

    @door(Permission.CASES_WRITE)
    def end(self, work: Work, match_id: int, version: int, data: EndInput) -> MatchView:
        """End a match with its reason and outcome. The mentee is waiting again (unless they
        close their request) and re-matching never proposes the same mentor."""
        session = work.session
        row = self._match(session, match_id, version)
        if row.status is m.MatchStatus.ENDED:
            raise ValidationError(N_("The match has already ended."), field="status")
        reason = m.EndReason(data.reason)
        note = clean_note(data.note, field="end_note", label=N_("Note"), max_len=2000) or None
        row.status = m.MatchStatus.ENDED
        row.end_reason = reason
        row.outcome = m.MatchOutcome(data.outcome)
        row.end_note = note
        row.ended_at = work.now()
        row.next_review_on = None
        self._close_reminders(work, row, ActionStatus.CANCELLED)
        session.flush()
        work.log(
            AuditAction.UPDATE,
            MATCH,
            entity_id=row.id,
            relative_id=row.mentee_id,
            detail=f"ended {reason.value}",
        )
        return _match_views(session, [row])[0]
