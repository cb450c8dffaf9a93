"""Wellbeing check-ins ("hvordan har du det?", CheckIn): scored with an instrument from the
registry, stored item by item, with the prompts they call for and a trend per relative.

A child relative (under 18) is checked in with a child instrument only, never an adult one;
an adult gets a scored instrument plus the own-life questions. Every read and write of a
check-in is audited like the rest of the personal data.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain.contact import is_child, may_be_child
from advisor_app.domain.corrections import RevisedRecord
from advisor_app.domain.enums import ActionStatus, AuditAction
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.instruments import Instrument, Prompt, change, prompts
from advisor_app.domain.permissions import Permission
from advisor_app.domain.text import SHORT_TEXT_MAX, clean_line, clean_note
from advisor_app.persistence.models import (
    Action,
    Advisor,
    Case,
    CheckIn,
    CheckInAnswer,
    InstrumentText,
    Relative,
)
from advisor_app.services import revisions
from advisor_app.services.common import get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import (
    ActionInput,
    ActionView,
    AnswerView,
    CheckInDueRow,
    CheckInId,
    CheckInInput,
    CheckInResult,
    CheckInView,
    InstrumentAnswers,
    InstrumentChoice,
    RelativeId,
)
from advisor_app.services.instruments import (
    OWN_LIFE,
    WHO5,
    InstrumentRegistry,
    checked_licensed_text,
)
from advisor_app.services.sessions import open_case
from advisor_app.services.views import action_view

ENTITY = "check_in"
FUTURE_TOLERANCE = timedelta(hours=1)
DEFAULT_PERIOD_DAYS = 182
MAX_STEPS = 10
DUE_LIST_LIMIT = 1000

OWN_LIFE_PROMPT = Prompt(
    "own_life_low",
    N_("Some answers about the relative's own life are 'Not at all': talk about them."),
    ("talk", "relief"),
)


def _own_life_prompts(instrument: Instrument, values: tuple[int | None, ...]) -> list[Prompt]:
    if instrument.low_item_max is None:
        return []
    low = [v for v in values if v is not None and v <= instrument.low_item_max]
    return [OWN_LIFE_PROMPT] if low else []


def _check_own_life(instrument: Instrument, answers: InstrumentAnswers) -> tuple[int | None, ...]:
    """Own-life answers may be left out one by one; those given must be on the scale."""
    if len(answers.values) != len(instrument.scale_items):
        raise ValidationError(
            N_("{name} needs {expected} answers, not {given}."),
            field="own_life",
            name=instrument.id,
            expected=len(instrument.scale_items),
            given=len(answers.values),
        )
    checked: list[int | None] = []
    for position, value in enumerate(answers.values):
        if value is None or (isinstance(value, str) and not value.strip()):
            checked.append(None)
            continue
        # The instrument's own rule checks the one answer, at its own position.
        probe: list[object] = [instrument.scale_min] * len(answers.values)
        probe[position] = value
        try:
            checked.append(instrument.validate(probe)[position])
        except ValidationError as error:
            raise ValidationError(error.template, field="own_life", **error.params) from None
    return tuple(checked)


def _clean_texts(instrument: Instrument, texts: tuple[str, ...], field: str) -> list[str | None]:
    items = instrument.text_items
    if len(texts) > len(items):
        raise ValidationError(N_("Too many written answers."), field=field)
    cleaned: list[str | None] = []
    for text in texts:
        note = clean_note(text, field=field, label=N_("A written answer"), max_len=2000)
        cleaned.append(note or None)
    cleaned.extend([None] * (len(items) - len(cleaned)))
    return cleaned


def _answer_rows(
    instrument: Instrument, values: tuple[int | None, ...], texts: list[str | None]
) -> list[CheckInAnswer]:
    """One row per answered item, in the instrument's item order; unanswered items none."""
    scale_values = iter(values)
    written = iter(texts)
    rows: list[CheckInAnswer] = []
    for position, item in enumerate(instrument.items):
        is_text = item.kind == "text"
        answer = next(written) if is_text else next(scale_values)
        if answer is None:
            continue
        rows.append(
            CheckInAnswer(
                instrument_id=instrument.id,
                item_id=item.id,
                instrument_version=instrument.version,
                position=position,
                text=answer if is_text else None,
                value=None if is_text else answer,
            )
        )
    return rows


def _view(row: CheckIn, relative_id: int, advisor_name: str, delta: int | None) -> CheckInView:
    return CheckInView(
        id=CheckInId(row.id),
        relative_id=RelativeId(relative_id),
        taken_at=row.taken_at,
        mode=row.mode,
        language=row.language,
        instrument_id=row.instrument_id,
        instrument_version=row.instrument_version,
        raw=row.raw,
        score=row.score,
        band=row.band,
        prompts=tuple(code for code in row.prompts.split(",") if code),
        answers=tuple(AnswerView(a.instrument_id, a.item_id, a.value, a.text) for a in row.answers),
        advisor_name=advisor_name,
        change=delta,
        version=row.version,
    )


def load_registry(session: Session) -> InstrumentRegistry:
    """The shipped instruments with the licensed texts loaded into this database."""
    texts = {
        row.instrument_id: json.loads(row.data) for row in session.scalars(select(InstrumentText))
    }
    return InstrumentRegistry(texts)


def check_in_history(
    session: Session, relative_id: int, registry: InstrumentRegistry
) -> tuple[CheckInView, ...]:
    rows = list(
        session.scalars(
            select(CheckIn)
            .join(Case, Case.id == CheckIn.case_id)
            .where(Case.relative_id == relative_id)
            .order_by(CheckIn.taken_at, CheckIn.id)
            .options(selectinload(CheckIn.answers))
        )
    )
    advisors = {
        aid: name for aid, name in session.execute(select(Advisor.id, Advisor.display_name))
    }
    last: dict[str, int] = {}
    views = []
    for row in rows:
        threshold = _threshold(registry, row.instrument_id)
        delta = change(last.get(row.instrument_id), row.score, threshold)
        if row.score is not None:
            last[row.instrument_id] = row.score
        views.append(_view(row, relative_id, advisors.get(row.advisor_id, ""), delta))
    marks = revisions.correction_marks(session, RevisedRecord.CHECK_IN, (v.id for v in views))
    return tuple(
        replace(v, corrected_at=marks[v.id][0], corrected_by=marks[v.id][1]) if v.id in marks else v
        for v in views
    )


class CheckInService(Gated):
    # ---- instruments --------------------------------------------------------------------
    @door(Permission.REFERENCE_READ)
    def registry(self, work: Work) -> InstrumentRegistry:
        """The shipped instruments with the licensed texts loaded into this database."""
        return self._registry(work.session)

    def _registry(self, session: Session) -> InstrumentRegistry:
        return load_registry(session)

    @door(Permission.REFERENCE_READ)
    def choice(
        self, work: Work, is_child_relative: bool, *, may_be_child: bool = False
    ) -> InstrumentChoice:
        """The instruments for a relative: WHO-5 first for an adult, the child check-in only
        for a child (never an adult instrument). When the age is uncertain (no birth year, or
        turning 18 this year) the child check-in is offered too, last."""
        registry = self._registry(work.session)
        audience = "child" if is_child_relative else "adult"
        found = sorted(registry.for_audience(audience), key=lambda i: (i.id != WHO5, i.id))
        if may_be_child and not is_child_relative:
            found.extend(registry.for_audience("child"))
        return InstrumentChoice(
            instruments=tuple(found),
            own_life=None if is_child_relative else registry.get(OWN_LIFE),
            is_child=is_child_relative,
        )

    @door(Permission.INSTRUMENT_TEXT_LOAD)
    def load_instrument_text(self, work: Work, raw: bytes) -> Instrument:
        """Keep the item text of a licensed instrument, checked against its shell, for the
        whole team. Only an advisor or an administrator may; the licence is the municipality's."""
        merged, data = checked_licensed_text(raw)
        session = work.session
        row = session.get(InstrumentText, merged.id)
        if row is None:
            row = InstrumentText(instrument_id=merged.id)
            session.add(row)
        row.version = merged.version
        row.data = json.dumps(data, ensure_ascii=False)
        row.loaded_at = work.now()
        row.loaded_by = work.actor.advisor_id
        work.log(AuditAction.UPDATE, "instrument_text", detail=f"{merged.id} {merged.version}")
        return merged

    # ---- recording ----------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def record(self, work: Work, data: CheckInInput) -> CheckInResult:
        """Score and save a check-in with every item answer; return it with its prompts."""
        taken_at = data.taken_at or work.now()
        if taken_at.tzinfo is None:
            raise ValidationError(N_("The check-in's time has no time zone."), field="taken_at")
        if taken_at.astimezone(UTC) > work.now() + FUTURE_TOLERANCE:
            raise ValidationError(N_("A check-in cannot be in the future."), field="taken_at")
        session = work.session
        registry = self._registry(session)
        instrument = registry.get(data.main.instrument_id)
        relative = get_or_404(session, Relative, data.relative_id, "relative")
        child = is_child(relative.birth_year, work.today())
        if child and instrument.audience != "child":
            raise ValidationError(
                N_("A child relative gets the check-in written for children."),
                field="instrument",
            )
        if instrument.audience == "child" and not may_be_child(relative.birth_year, work.today()):
            raise ValidationError(
                N_("The children's check-in is for relatives under 18."), field="instrument"
            )
        if instrument.id == OWN_LIFE:
            raise ValidationError(
                N_("The own-life questions go with a check-in, not alone."),
                field="instrument",
            )
        score = instrument.score(data.main.values)
        main_texts = _clean_texts(instrument, data.main.texts, "answers")
        own_life: Instrument | None = None
        own_values: tuple[int | None, ...] = ()
        own_texts: list[str | None] = []
        if data.own_life is not None:
            if child or instrument.audience == "child":
                raise ValidationError(
                    N_("The own-life questions are for adult relatives."), field="own_life"
                )
            if data.own_life.instrument_id != OWN_LIFE:
                # Answers meant for another instrument must not be kept as own-life ones.
                raise ValidationError(
                    N_("The own-life answers are not for the own-life questions."),
                    field="own_life",
                )
            own_life = registry.get(OWN_LIFE)
            own_values = _check_own_life(own_life, data.own_life)
            own_texts = _clean_texts(own_life, data.own_life.texts, "own_life")

        course = open_case(session, data.relative_id, work.actor.advisor_id, work.now())
        previous = self._previous_score(session, data.relative_id, instrument.id, taken_at)
        found = list(prompts(instrument, score, previous))
        if own_life is not None:
            found.extend(_own_life_prompts(own_life, own_values))
        row = CheckIn(
            case_id=course.id,
            advisor_id=work.actor.advisor_id,
            taken_at=taken_at,
            mode=data.mode,
            language=data.language,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            raw=score.raw,
            score=score.score,
            band=score.band,
            prompts=",".join(p.code for p in found),
            created_at=work.now(),
            answers=_answer_rows(instrument, score.answers, main_texts)
            + (_answer_rows(own_life, own_values, own_texts) if own_life else []),
        )
        session.add(row)
        session.flush()
        work.log(
            AuditAction.CREATE,
            ENTITY,
            entity_id=row.id,
            relative_id=data.relative_id,
            detail=instrument.id,
        )
        shown = session.scalar(
            select(Advisor.display_name).where(Advisor.id == work.actor.advisor_id)
        )
        delta = change(previous, score.score, instrument.significant_change)
        view = _view(row, data.relative_id, shown or "", delta)
        return CheckInResult(view, tuple(found), previous)

    def _previous_score(
        self, session: Session, relative_id: int, instrument_id: str, before: datetime
    ) -> int | None:
        return session.scalar(
            select(CheckIn.score)
            .join(Case, Case.id == CheckIn.case_id)
            .where(
                Case.relative_id == relative_id,
                CheckIn.instrument_id == instrument_id,
                CheckIn.score.is_not(None),
                CheckIn.taken_at <= before,
            )
            .order_by(CheckIn.taken_at.desc(), CheckIn.id.desc())
            .limit(1)
        )

    @door(Permission.CASES_WRITE)
    def add_follow_ups(
        self, work: Work, check_in_id: int, items: tuple[ActionInput, ...]
    ) -> tuple[ActionView, ...]:
        """Turn next steps the advisor chose after a check-in into follow-ups (aftaler)."""
        if not items:
            raise ValidationError(N_("Choose at least one next step."), field="steps")
        if len(items) > MAX_STEPS:
            raise ValidationError(
                N_("At most {limit} follow-ups at a time."), limit=MAX_STEPS, field="steps"
            )
        today = work.today()
        cleaned = []
        for item in items:
            text = clean_line(
                item.description, field="steps", label=N_("A follow-up"), max_len=SHORT_TEXT_MAX
            )
            if item.due_on is not None and item.due_on < today:
                raise ValidationError(N_("A follow-up cannot be due before today."), field="steps")
            cleaned.append(ActionInput(text or "", item.due_on))
        session = work.session
        check_in = get_or_404(session, CheckIn, check_in_id, "check-in")
        relative_id = session.scalar(select(Case.relative_id).where(Case.id == check_in.case_id))
        rows = [
            Action(
                check_in_id=check_in.id,
                description=item.description,
                due_on=item.due_on,
                status=ActionStatus.OPEN,
                owner_id=work.actor.advisor_id,
            )
            for item in cleaned
        ]
        session.add_all(rows)
        session.flush()
        for row in rows:
            work.log(
                AuditAction.CREATE,
                "follow_up_action",
                entity_id=row.id,
                relative_id=relative_id,
                detail="check_in",
            )
        return tuple(action_view(r, today, relative_id) for r in rows)

    # ---- reading ------------------------------------------------------------------------
    @door(Permission.CASES_READ)
    def history(self, work: Work, relative_id: int) -> tuple[CheckInView, ...]:
        """The relative's check-ins, oldest first, each with its significant change since the
        previous check-in with the same instrument."""
        get_or_404(work.session, Relative, relative_id, "relative")
        found = check_in_history(work.session, relative_id, self._registry(work.session))
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id)
        return found

    @door(Permission.CASES_READ)
    def needing_follow_up(
        self,
        work: Work,
        *,
        older_than_days: int = DEFAULT_PERIOD_DAYS,
        limit: int = DUE_LIST_LIMIT,
    ) -> tuple[CheckInDueRow, ...]:
        found = check_ins_due(work, older_than_days=older_than_days, limit=limit)
        work.log(AuditAction.READ, ENTITY, detail="follow-up list")
        return found


def check_ins_due(
    work: Work,
    *,
    older_than_days: int = DEFAULT_PERIOD_DAYS,
    limit: int = DUE_LIST_LIMIT,
) -> tuple[CheckInDueRow, ...]:
    """Relatives with an open course whose latest check-in called for follow-up, or is older
    than the period: those with prompts first (the lowest score first), then the oldest
    check-in first. Inside the door: the follow-up list and the start page both read it."""
    if not 1 <= older_than_days <= 3660:
        raise ValidationError(N_("The period must be between 1 and 3660 days."), field="period")
    cutoff = work.now() - timedelta(days=older_than_days)
    ranked = (
        select(
            CheckIn.id.label("check_in_id"),
            Case.relative_id.label("relative_id"),
            func.row_number()
            .over(
                partition_by=Case.relative_id,
                order_by=(CheckIn.taken_at.desc(), CheckIn.id.desc()),
            )
            .label("rank"),
        )
        .join(Case, Case.id == CheckIn.case_id)
        .where(Case.closed_at.is_(None))  # a closed course is nobody's to-do
        .subquery()
    )
    prompted = CheckIn.prompts != ""
    stmt = (
        select(CheckIn, Relative.id, Relative.name)
        .join(ranked, ranked.c.check_in_id == CheckIn.id)
        .join(Relative, Relative.id == ranked.c.relative_id)
        .where(ranked.c.rank == 1)
        .where(prompted | (CheckIn.taken_at < cutoff))
        .order_by(
            (CheckIn.prompts == "").asc(),
            case((prompted, func.coalesce(CheckIn.score, -1)), else_=0),
            CheckIn.taken_at,
            CheckIn.id,
        )
        .limit(limit)
    )
    session = work.session
    found = session.execute(stmt).all()
    return tuple(
        CheckInDueRow(
            relative_id=RelativeId(rid),
            relative_name=name,
            check_in_id=CheckInId(row.id),
            taken_at=row.taken_at,
            instrument_id=row.instrument_id,
            score=row.score,
            band=row.band,
            prompts=tuple(code for code in row.prompts.split(",") if code),
            too_old=row.taken_at < cutoff,
        )
        for row, rid, name in found
    )


def _threshold(registry: InstrumentRegistry, instrument_id: str) -> int | None:
    try:
        return registry.get(instrument_id).significant_change
    except ValidationError:
        return None  # an instrument no longer shipped: its old check-ins still show
