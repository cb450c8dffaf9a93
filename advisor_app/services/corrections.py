"""Correcting and deleting saved sessions and check-ins, and what deleting a relative takes.

A correction needs a short reason and the version the advisor opened (a colleague's edit in
between is a ConflictError, and nothing is saved). The content it replaces is kept whole as
a revision (persistence/correction_models.py) so the earlier versions can be shown, and the
session or check-in shows "corrected on ... by ...". A corrected check-in is scored again by
its instrument. Deleting erases the record and its earlier versions and keeps a tombstone:
who deleted what, when and why, without the content.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from advisor_app.domain.contact import is_child
from advisor_app.domain.corrections import RevisedRecord, RevisionKind, clean_reason
from advisor_app.domain.enums import ActionStatus, AuditAction
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.instruments import change, prompts
from advisor_app.domain.permissions import Permission
from advisor_app.domain.rules import check_duration
from advisor_app.domain.text import clean_note
from advisor_app.persistence.correction_models import RecordRevision
from advisor_app.persistence.models import (
    Action,
    AdvisorySession,
    CareRelation,
    Case,
    CheckIn,
    Citizen,
    HandoutRecord,
    Mentor,
    MentorMatch,
    OfferReferral,
    Participant,
    Relative,
    Topic,
)
from advisor_app.persistence.relief_models import ReliefArrangement
from advisor_app.services import check_ins as check_in_rules
from advisor_app.services import revisions
from advisor_app.services import sessions as session_rules
from advisor_app.services.common import check_version, get_or_404
from advisor_app.services.correction_dto import RelativeDeletionImpact, RevisionView
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import CheckInInput, CheckInResult, SessionInput, SessionView
from advisor_app.services.instruments import OWN_LIFE
from advisor_app.services.views import session_view

MAX_ANONYMOUS_LIST = 500


def _relative_of_case(session: Session, case_id: int | None) -> int | None:
    if case_id is None:
        return None
    return session.scalar(select(Case.relative_id).where(Case.id == case_id))


def _keep_revision(
    work: Work,
    record: RevisedRecord,
    record_id: int,
    relative_id: int | None,
    kind: RevisionKind,
    version: int,
    content: str | None,
    reason: str,
) -> None:
    work.session.add(
        RecordRevision(
            record=record,
            record_id=record_id,
            relative_id=relative_id,
            kind=kind,
            record_version=version,
            content=content,
            reason=reason,
            advisor_id=work.actor.advisor_id,
            made_at=work.now(),
        )
    )


def _erase_revisions(session: Session, record: RevisedRecord, record_id: int) -> None:
    """A deleted record's earlier versions go with it: only the tombstone stays."""
    session.execute(
        delete(RecordRevision).where(
            RecordRevision.record == record, RecordRevision.record_id == record_id
        )
    )


class CorrectionService(Gated):
    # ---- sessions -----------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def correct_session(
        self, work: Work, session_id: int, version: int, data: SessionInput, reason: str
    ) -> SessionView:
        """Replace a saved session's date, duration, form, topics, participants, notes and
        follow-ups; the session stays with the same relative (or stays anonymous)."""
        why = clean_reason(reason)
        session = work.session
        row = session.scalar(
            select(AdvisorySession)
            .where(AdvisorySession.id == session_id)
            .options(
                selectinload(AdvisorySession.topics),
                selectinload(AdvisorySession.participants),
                selectinload(AdvisorySession.actions),
            )
        )
        if row is None:
            get_or_404(session, AdvisorySession, session_id, "session")
        assert row is not None
        check_version(row.version, version)
        relative_id = _relative_of_case(session, row.case_id)
        if data.anonymous != row.anonymous or data.relative_id != relative_id:
            raise ValidationError(
                N_("A correction cannot move the session to someone else."), field="relative"
            )
        if data.started_at.tzinfo is None:
            raise ValidationError(
                N_("The session's start time has no time zone."), field="started_at"
            )
        if data.started_at.astimezone(UTC) > work.now() + session_rules.FUTURE_TOLERANCE:
            raise ValidationError(N_("A session cannot start in the future."), field="started_at")
        duration = check_duration(data.duration_minutes)
        notes = clean_note(data.notes, field="notes", label=N_("The notes"))
        actions = session_rules._clean_actions(data.actions, date(row.started_at.year, 1, 1))
        if row.anonymous:
            if data.participants:
                raise ValidationError(
                    N_("An anonymous session records no person."), field="anonymous"
                )
            participants = []
        else:
            assert relative_id is not None
            participants = session_rules._clean_participants(data.participants)
            session_rules.SessionService._check_participants(session, relative_id, participants)
        topics = []
        if data.topic_ids:
            topics = list(session.scalars(select(Topic).where(Topic.id.in_(set(data.topic_ids)))))
            if len(topics) != len(set(data.topic_ids)):
                raise ValidationError(N_("A chosen topic no longer exists."), field="topics")

        names = session_rules._names(session, [row])
        _keep_revision(
            work,
            RevisedRecord.SESSION,
            row.id,
            relative_id,
            RevisionKind.CORRECTED,
            row.version,
            revisions.session_content(row, names),
            why,
        )
        row.started_at = data.started_at
        row.duration_minutes = duration
        row.form = data.form
        row.notes = notes
        row.topics = topics
        row.participants = [
            Participant(
                kind=p.kind,
                relative_id=p.relative_id,
                citizen_id=p.citizen_id,
                description=p.description,
            )
            for p in participants
        ]
        # A follow-up that is still there keeps its status; the others go, the new ones open.
        wanted = [(a.description, a.due_on) for a in actions]
        kept: list[Action] = []
        for action in row.actions:
            key = (action.description, action.due_on)
            if key in wanted:
                wanted.remove(key)
                kept.append(action)
        kept.extend(
            Action(description=text, due_on=due, status=ActionStatus.OPEN) for text, due in wanted
        )
        row.actions = kept
        flag_modified(row, "notes")  # the version moves even when only the lists changed
        session.flush()
        work.log(
            AuditAction.UPDATE,
            session_rules.ENTITY,
            entity_id=row.id,
            relative_id=relative_id,
            detail="correction",
        )
        view = session_view(
            row,
            work.today(),
            relative_id,
            revisions.advisor_names(session).get(row.advisor_id, ""),
            session_rules._names(session, [row]),
        )
        return session_rules.with_correction_marks(session, [view])[0]

    @door(Permission.CASES_DELETE)
    def delete_session(self, work: Work, session_id: int, version: int, reason: str) -> None:
        """Erase a session with its follow-ups and earlier versions; a tombstone keeps who
        deleted it, when and why."""
        why = clean_reason(reason)
        session = work.session
        row = get_or_404(session, AdvisorySession, session_id, "session")
        check_version(row.version, version)
        relative_id = _relative_of_case(session, row.case_id)
        _erase_revisions(session, RevisedRecord.SESSION, row.id)
        _keep_revision(
            work,
            RevisedRecord.SESSION,
            row.id,
            relative_id,
            RevisionKind.DELETED,
            row.version,
            None,
            why,
        )
        session.delete(row)
        session.flush()
        work.log(
            AuditAction.DELETE,
            session_rules.ENTITY,
            entity_id=session_id,
            relative_id=relative_id,
            detail="anonymous" if relative_id is None else None,
        )

    @door(Permission.CASES_READ)
    def own_anonymous_sessions(
        self, work: Work, since: date | None = None, until: date | None = None
    ) -> tuple[SessionView, ...]:
        """The anonymous sessions the signed-in advisor recorded, newest first."""
        session = work.session
        stmt = (
            select(AdvisorySession)
            .where(
                AdvisorySession.anonymous.is_(True),
                AdvisorySession.advisor_id == work.actor.advisor_id,
            )
            .order_by(AdvisorySession.started_at.desc(), AdvisorySession.id.desc())
            .options(
                selectinload(AdvisorySession.topics),
                selectinload(AdvisorySession.actions),
                selectinload(AdvisorySession.participants),
            )
            .limit(MAX_ANONYMOUS_LIST)
        )
        if since is not None:
            stmt = stmt.where(
                AdvisorySession.started_at
                >= datetime(since.year, since.month, since.day, tzinfo=UTC)
            )
        if until is not None:
            end = date.fromordinal(until.toordinal() + 1)
            stmt = stmt.where(
                AdvisorySession.started_at < datetime(end.year, end.month, end.day, tzinfo=UTC)
            )
        rows = list(session.scalars(stmt))
        shown = revisions.advisor_names(session).get(work.actor.advisor_id, "")
        today = work.today()
        views = [session_view(r, today, None, shown, {}) for r in rows]
        work.log(AuditAction.READ, session_rules.ENTITY, detail="own anonymous")
        return session_rules.with_correction_marks(session, views)

    # ---- check-ins ----------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def correct_check_in(
        self, work: Work, check_in_id: int, version: int, data: CheckInInput, reason: str
    ) -> CheckInResult:
        """Replace a saved check-in's answers, time and mode, and score it again with its
        instrument. The instrument and the relative stay."""
        why = clean_reason(reason)
        session = work.session
        row = session.scalar(
            select(CheckIn).where(CheckIn.id == check_in_id).options(selectinload(CheckIn.answers))
        )
        if row is None:
            get_or_404(session, CheckIn, check_in_id, "check-in")
        assert row is not None
        check_version(row.version, version)
        relative_id = _relative_of_case(session, row.case_id)
        assert relative_id is not None
        if data.relative_id != relative_id:
            raise ValidationError(
                N_("A correction cannot move the check-in to someone else."), field="relative"
            )
        if data.main.instrument_id != row.instrument_id:
            raise ValidationError(
                N_("A correction keeps the instrument; delete the check-in to use another."),
                field="instrument",
            )
        taken_at = data.taken_at or row.taken_at
        if taken_at.tzinfo is None:
            raise ValidationError(N_("The check-in's time has no time zone."), field="taken_at")
        if taken_at.astimezone(UTC) > work.now() + check_in_rules.FUTURE_TOLERANCE:
            raise ValidationError(N_("A check-in cannot be in the future."), field="taken_at")
        registry = check_in_rules.load_registry(session)
        instrument = registry.get(row.instrument_id)
        score = instrument.score(data.main.values)
        main_texts = check_in_rules._clean_texts(instrument, data.main.texts, "answers")
        answers = check_in_rules._answer_rows(instrument, score.answers, main_texts)
        found = []
        own_life_prompts = []
        if data.own_life is not None:
            relative = get_or_404(session, Relative, relative_id, "relative")
            if instrument.audience == "child" or is_child(relative.birth_year, work.today()):
                raise ValidationError(
                    N_("The own-life questions are for adult relatives."), field="own_life"
                )
            if data.own_life.instrument_id != OWN_LIFE:
                raise ValidationError(
                    N_("The own-life answers are not for the own-life questions."),
                    field="own_life",
                )
            own_life = registry.get(OWN_LIFE)
            own_values = check_in_rules._check_own_life(own_life, data.own_life)
            own_texts = check_in_rules._clean_texts(own_life, data.own_life.texts, "own_life")
            answers += check_in_rules._answer_rows(own_life, own_values, own_texts)
            own_life_prompts = check_in_rules._own_life_prompts(own_life, own_values)
        previous = session.scalar(
            select(CheckIn.score)
            .join(Case, Case.id == CheckIn.case_id)
            .where(
                Case.relative_id == relative_id,
                CheckIn.instrument_id == instrument.id,
                CheckIn.score.is_not(None),
                CheckIn.taken_at <= taken_at,
                CheckIn.id != row.id,
            )
            .order_by(CheckIn.taken_at.desc(), CheckIn.id.desc())
            .limit(1)
        )
        found = list(prompts(instrument, score, previous)) + own_life_prompts

        _keep_revision(
            work,
            RevisedRecord.CHECK_IN,
            row.id,
            relative_id,
            RevisionKind.CORRECTED,
            row.version,
            revisions.check_in_content(row),
            why,
        )
        # The old answers go first: the new ones have the same keys.
        row.answers = []
        session.flush()
        row.answers = answers
        row.taken_at = taken_at
        row.mode = data.mode
        row.language = data.language
        row.instrument_version = instrument.version
        row.raw = score.raw
        row.score = score.score
        row.band = score.band
        row.prompts = ",".join(p.code for p in found)
        flag_modified(row, "prompts")
        session.flush()
        work.log(
            AuditAction.UPDATE,
            check_in_rules.ENTITY,
            entity_id=row.id,
            relative_id=relative_id,
            detail="correction",
        )
        names = revisions.advisor_names(session)
        delta = change(previous, score.score, instrument.significant_change)
        view = check_in_rules._view(row, relative_id, names.get(row.advisor_id, ""), delta)
        marks = revisions.correction_marks(session, RevisedRecord.CHECK_IN, [row.id])
        if row.id in marks:
            view = replace(view, corrected_at=marks[row.id][0], corrected_by=marks[row.id][1])
        return CheckInResult(view, tuple(found), previous)

    @door(Permission.CASES_DELETE)
    def delete_check_in(self, work: Work, check_in_id: int, version: int, reason: str) -> None:
        """Erase a check-in with its answers, follow-ups and earlier versions; a tombstone
        keeps who deleted it, when and why."""
        why = clean_reason(reason)
        session = work.session
        row = get_or_404(session, CheckIn, check_in_id, "check-in")
        check_version(row.version, version)
        relative_id = _relative_of_case(session, row.case_id)
        _erase_revisions(session, RevisedRecord.CHECK_IN, row.id)
        _keep_revision(
            work,
            RevisedRecord.CHECK_IN,
            row.id,
            relative_id,
            RevisionKind.DELETED,
            row.version,
            None,
            why,
        )
        session.delete(row)
        session.flush()
        work.log(
            AuditAction.DELETE,
            check_in_rules.ENTITY,
            entity_id=check_in_id,
            relative_id=relative_id,
        )

    # ---- reading ------------------------------------------------------------------------
    @door(Permission.CASES_READ)
    def revisions(
        self, work: Work, record: RevisedRecord, record_id: int
    ) -> tuple[RevisionView, ...]:
        """A session's or check-in's earlier versions (or its tombstone), newest first."""
        session = work.session
        stmt = (
            select(RecordRevision)
            .where(RecordRevision.record == record, RecordRevision.record_id == record_id)
            .order_by(RecordRevision.made_at.desc(), RecordRevision.id.desc())
        )
        model = AdvisorySession if record is RevisedRecord.SESSION else CheckIn
        if session.get(model, record_id) is not None:
            # A record that exists has no tombstone of its own: one with its id belongs to
            # a deleted record whose id the database gave out again.
            stmt = stmt.where(RecordRevision.kind == RevisionKind.CORRECTED)
        rows = list(session.scalars(stmt))
        names = revisions.advisor_names(session)
        relative_id = rows[0].relative_id if rows else None
        work.log(
            AuditAction.READ,
            "record_revision",
            entity_id=record_id,
            relative_id=relative_id,
            detail=record.value,
        )
        return tuple(revisions.revision_view(r, names.get(r.advisor_id, "")) for r in rows)

    @door(Permission.CASES_READ)
    def relative_deletion_impact(self, work: Work, relative_id: int) -> RelativeDeletionImpact:
        """What deleting the relative erases with them, for the confirmation to name."""
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        cases = select(Case.id).where(Case.relative_id == relative_id)

        def count(stmt: object) -> int:
            return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]

        sessions = count(
            select(func.count(AdvisorySession.id)).where(AdvisorySession.case_id.in_(cases))
        )
        check_ins = count(select(func.count(CheckIn.id)).where(CheckIn.case_id.in_(cases)))
        session_ids = select(AdvisorySession.id).where(AdvisorySession.case_id.in_(cases))
        check_in_ids = select(CheckIn.id).where(CheckIn.case_id.in_(cases))
        follow_ups = count(
            select(func.count(Action.id)).where(
                or_(Action.session_id.in_(session_ids), Action.check_in_id.in_(check_in_ids))
            )
        )
        relations = select(CareRelation.id).where(CareRelation.relative_id == relative_id)
        relief = count(
            select(func.count(ReliefArrangement.id)).where(
                ReliefArrangement.relation_id.in_(relations)
            )
        )
        referrals = count(
            select(func.count(OfferReferral.id)).where(OfferReferral.case_id.in_(cases))
        )
        as_mentor = select(Mentor.id).where(Mentor.relative_id == relative_id)
        matches = count(
            select(func.count(MentorMatch.id)).where(
                or_(MentorMatch.mentee_id == relative_id, MentorMatch.mentor_id.in_(as_mentor))
            )
        )
        handouts = count(
            select(func.count(HandoutRecord.id)).where(HandoutRecord.relative_id == relative_id)
        )
        other = CareRelation.__table__.alias("other")
        orphans = tuple(
            session.scalars(
                select(Citizen.name)
                .join(CareRelation, CareRelation.citizen_id == Citizen.id)
                .where(CareRelation.relative_id == relative_id)
                .where(
                    ~exists().where(
                        other.c.citizen_id == Citizen.id, other.c.relative_id != relative_id
                    )
                )
                .order_by(Citizen.name)
            )
        )
        work.log(
            AuditAction.READ,
            "relative",
            entity_id=relative_id,
            relative_id=relative_id,
            detail="deletion impact",
        )
        return RelativeDeletionImpact(
            relative_id=relative_id,
            version=relative.version,
            name=relative.name,
            sessions=sessions,
            check_ins=check_ins,
            follow_ups=follow_ups,
            relief_arrangements=relief,
            referrals=referrals,
            mentor_matches=matches,
            handouts=handouts,
            orphaned_citizens=orphans,
        )
