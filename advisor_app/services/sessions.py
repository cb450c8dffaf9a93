"""Advisory sessions (vejledningssamtaler) and their follow-up actions (aftaler)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain.corrections import RevisedRecord
from advisor_app.domain.enums import ActionStatus, AuditAction, ParticipantKind
from advisor_app.domain.errors import N_, NotFoundError, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.rules import check_duration
from advisor_app.domain.text import SHORT_TEXT_MAX, clean_line, clean_note
from advisor_app.persistence.models import (
    Action,
    Advisor,
    AdvisorySession,
    CareRelation,
    Case,
    Citizen,
    Participant,
    Relative,
    Topic,
)
from advisor_app.services import follow_ups, revisions
from advisor_app.services.common import check_version, get_or_404, locked_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import (
    ActionInput,
    ActionView,
    ParticipantInput,
    SessionInput,
    SessionView,
)
from advisor_app.services.views import action_view, session_view

ENTITY = "advisory_session"
MAX_ACTIONS = 50
MAX_PARTICIPANTS = 30
# Clock skew between machines; a session is recorded during or after the meeting.
FUTURE_TOLERANCE = timedelta(hours=1)


def _clean_actions(actions: tuple[ActionInput, ...], today: date) -> list[ActionInput]:
    if len(actions) > MAX_ACTIONS:
        raise ValidationError(
            N_("A session can have at most {limit} follow-ups."), limit=MAX_ACTIONS, field="actions"
        )
    cleaned = []
    for item in actions:
        text = clean_line(
            item.description, field="actions", label=N_("A follow-up"), max_len=SHORT_TEXT_MAX
        )
        if item.due_on is not None and item.due_on < date(today.year - 1, 1, 1):
            raise ValidationError(
                N_("A follow-up's due date is too far in the past."), field="actions"
            )
        cleaned.append(ActionInput(text or "", item.due_on))
    return cleaned


def _clean_participants(items: tuple[ParticipantInput, ...]) -> list[ParticipantInput]:
    if len(items) > MAX_PARTICIPANTS:
        raise ValidationError(
            N_("At most {limit} participants."), limit=MAX_PARTICIPANTS, field="participants"
        )
    cleaned = []
    for item in items:
        if item.kind is ParticipantKind.OTHER:
            text = clean_line(
                item.description,
                field="participants",
                label=N_("A participant's description"),
                max_len=200,
            )
            cleaned.append(ParticipantInput(item.kind, description=text))
        elif item.kind is ParticipantKind.RELATIVE and item.relative_id is not None:
            cleaned.append(ParticipantInput(item.kind, relative_id=item.relative_id))
        elif item.kind is ParticipantKind.CITIZEN and item.citizen_id is not None:
            cleaned.append(ParticipantInput(item.kind, citizen_id=item.citizen_id))
        else:
            raise ValidationError(N_("A participant is incomplete."), field="participants")
    return list(dict.fromkeys(cleaned))


def _names(session: Session, rows: list[AdvisorySession]) -> dict[tuple[str, int], str]:
    rel_ids = {p.relative_id for r in rows for p in r.participants if p.relative_id}
    cit_ids = {p.citizen_id for r in rows for p in r.participants if p.citizen_id}
    names: dict[tuple[str, int], str] = {}
    if rel_ids:
        for rid, name in session.execute(
            select(Relative.id, Relative.name).where(Relative.id.in_(rel_ids))
        ):
            names[("relative", rid)] = name
    if cit_ids:
        for cid, name in session.execute(
            select(Citizen.id, Citizen.name).where(Citizen.id.in_(cit_ids))
        ):
            names[("citizen", cid)] = name
    return names


def _find_open_case(session: Session, relative_id: int) -> Case | None:
    return session.scalar(
        select(Case)
        .where(Case.relative_id == relative_id, Case.closed_at.is_(None))
        .order_by(Case.opened_at.desc())
        .limit(1)
    )


def open_case(session: Session, relative_id: int, advisor_id: int, now: datetime) -> Case:
    """The relative's open course with the advisor; a new one when none is open.

    On a team database a colleague may open the relative's first course at the same moment:
    the partial unique index (one open course per relative) refuses the second insert, which
    then takes the colleague's course. The insert sits in a savepoint so the refusal leaves
    the rest of the unit of work intact."""
    found = _find_open_case(session, relative_id)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            found = Case(relative_id=relative_id, advisor_id=advisor_id, opened_at=now)
            session.add(found)
            session.flush()
    except IntegrityError:
        found = _find_open_case(session, relative_id)
        if found is None:  # not the open-course index (the relative is gone): the door decides
            raise
    return found


def sessions_of(session: Session, relative_id: int, today: date) -> tuple[SessionView, ...]:
    """The relative's sessions, newest first, with topics, participants and follow-ups."""
    rows = list(
        session.scalars(
            select(AdvisorySession)
            .join(Case, Case.id == AdvisorySession.case_id)
            .where(Case.relative_id == relative_id)
            .order_by(AdvisorySession.started_at.desc(), AdvisorySession.id.desc())
            .options(
                selectinload(AdvisorySession.topics),
                selectinload(AdvisorySession.participants),
                selectinload(AdvisorySession.actions),
            )
        )
    )
    advisors = {
        aid: name for aid, name in session.execute(select(Advisor.id, Advisor.display_name))
    }
    names = _names(session, rows)
    views = [
        session_view(r, today, relative_id, advisors.get(r.advisor_id, ""), names) for r in rows
    ]
    return with_correction_marks(session, views)


def with_correction_marks(session: Session, views: list[SessionView]) -> tuple[SessionView, ...]:
    """Each corrected session with its latest correction's time and advisor."""
    marks = revisions.correction_marks(session, RevisedRecord.SESSION, (v.id for v in views))
    return tuple(
        replace(v, corrected_at=marks[v.id][0], corrected_by=marks[v.id][1]) if v.id in marks else v
        for v in views
    )


class SessionService(Gated):
    @door(Permission.CASES_WRITE)
    def record(self, work: Work, data: SessionInput) -> SessionView:
        """Save a session with its topics, participants and follow-ups in one transaction.
        An anonymous session (SEL § 10 stk. 2) keeps no identity but still counts."""
        today = work.today()
        if data.started_at.tzinfo is None:
            raise ValidationError(
                N_("The session's start time has no time zone."), field="started_at"
            )
        if data.started_at.astimezone(UTC) > work.now() + FUTURE_TOLERANCE:
            raise ValidationError(N_("A session cannot start in the future."), field="started_at")
        duration = check_duration(data.duration_minutes)
        notes = clean_note(data.notes, field="notes", label=N_("The notes"))
        actions = _clean_actions(data.actions, today)
        if data.anonymous:
            if data.relative_id is not None or data.participants:
                raise ValidationError(
                    N_("An anonymous session records no person."), field="anonymous"
                )
            participants: list[ParticipantInput] = []
        else:
            if data.relative_id is None:
                raise ValidationError(
                    N_("Choose the relative the session is with."), field="relative"
                )
            participants = _clean_participants(data.participants)
        session = work.session
        # The staff columns only: on a team database a login reads no more of the table.
        shown = session.scalar(
            select(Advisor.display_name).where(Advisor.id == work.actor.advisor_id)
        )
        if shown is None:
            raise NotFoundError(N_("Your user no longer exists. Sign in again."))
        topics = []
        if data.topic_ids:
            topics = list(session.scalars(select(Topic).where(Topic.id.in_(set(data.topic_ids)))))
            if len(topics) != len(set(data.topic_ids)):
                raise ValidationError(N_("A chosen topic no longer exists."), field="topics")
        case_id = None
        if data.relative_id is not None:
            # KEY SHARE: a colleague's delete of the relative waits for this session, or
            # this finds the relative gone, instead of a raw foreign-key error at the insert.
            locked_or_404(session, Relative, data.relative_id, key_share=True)
            case_id = open_case(session, data.relative_id, work.actor.advisor_id, work.now()).id
            self._check_participants(session, data.relative_id, participants)
        row = AdvisorySession(
            case_id=case_id,
            advisor_id=work.actor.advisor_id,
            started_at=data.started_at,
            duration_minutes=duration,
            form=data.form,
            anonymous=data.anonymous,
            notes=notes,
            created_at=work.now(),
            topics=topics,
            participants=[
                Participant(
                    kind=p.kind,
                    relative_id=p.relative_id,
                    citizen_id=p.citizen_id,
                    description=p.description,
                )
                for p in participants
            ],
            actions=[
                Action(
                    description=a.description,
                    due_on=a.due_on,
                    status=ActionStatus.OPEN,
                    owner_id=work.actor.advisor_id,
                )
                for a in actions
            ],
        )
        session.add(row)
        session.flush()
        work.log(
            AuditAction.CREATE,
            ENTITY,
            entity_id=row.id,
            relative_id=data.relative_id,
            detail="anonymous" if data.anonymous else None,
        )
        return session_view(row, today, data.relative_id, shown, _names(session, [row]))

    @staticmethod
    def _check_participants(
        session: Session, relative_id: int, items: list[ParticipantInput]
    ) -> None:
        """Participants must be the relative, relatives of the same citizens, or those citizens."""
        citizen_ids = set(
            session.scalars(
                select(CareRelation.citizen_id).where(CareRelation.relative_id == relative_id)
            )
        )
        for item in items:
            if item.kind is ParticipantKind.CITIZEN and item.citizen_id not in citizen_ids:
                raise ValidationError(
                    N_("A participating citizen is not related to the relative."),
                    field="participants",
                )
            if item.kind is ParticipantKind.RELATIVE and item.relative_id != relative_id:
                shared = session.scalar(
                    select(CareRelation.id)
                    .where(
                        CareRelation.relative_id == item.relative_id,
                        CareRelation.citizen_id.in_(citizen_ids),
                    )
                    .limit(1)
                )
                if shared is None:
                    raise ValidationError(
                        N_("A participating relative does not share a citizen with this relative."),
                        field="participants",
                    )

    @door(Permission.CASES_READ)
    def list_for_relative(self, work: Work, relative_id: int) -> tuple[SessionView, ...]:
        get_or_404(work.session, Relative, relative_id, "relative")
        found = sessions_of(work.session, relative_id, work.today())
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="list")
        return found

    @door(Permission.CASES_WRITE)
    def set_action_status(
        self, work: Work, action_id: int, version: int, status: ActionStatus
    ) -> ActionView:
        today = work.today()
        session = work.session
        action = get_or_404(session, Action, action_id, "follow-up")
        check_version(action.version, version)
        action.status = status
        action.completed_at = work.now() if status is not ActionStatus.OPEN else None
        session.flush()
        relative_id = follow_ups.relative_of(session, action)
        work.log(
            AuditAction.UPDATE,
            "follow_up_action",
            entity_id=action_id,
            relative_id=relative_id,
            detail=status.value,
        )
        return action_view(action, today, relative_id)

    @door(Permission.CASES_READ)
    def open_actions(
        self,
        work: Work,
        *,
        overdue_only: bool = False,
        mine_only: bool = False,
        limit: int = 1000,
    ) -> tuple[ActionView, ...]:
        """Open follow-ups across all relatives, the oldest due first; ``mine_only``: those
        the signed-in advisor owns."""
        today = work.today()
        session = work.session
        base, owner = follow_ups.with_relative_id(Relative.id, Relative.name)
        base = base.join(Relative, Relative.id == owner.relative_id).where(
            Action.status == ActionStatus.OPEN
        )
        if mine_only:
            base = base.where(Action.owner_id == work.actor.advisor_id)
        # The dated ones in the order of the (status, due_on) index, so the scan stops at
        # the limit instead of sorting every open follow-up; the undated ones after them.
        dated = base.where(Action.due_on.is_not(None)).order_by(Action.due_on, Action.id)
        if overdue_only:
            dated = dated.where(Action.due_on < today)
        rows = list(session.execute(dated.limit(limit)).all())
        if not overdue_only and len(rows) < limit:
            undated = base.where(Action.due_on.is_(None)).order_by(Action.id)
            rows.extend(session.execute(undated.limit(limit - len(rows))).all())
        work.log(
            AuditAction.READ,
            "follow_up_action",
            detail="overdue" if overdue_only else "open",
        )
        return tuple(action_view(a, today, rid, name) for a, rid, name in rows)
