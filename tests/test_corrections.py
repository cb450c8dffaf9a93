"""Correcting and deleting saved sessions and check-ins, on both backends: the version guards
against a colleague's edit, every change is logged with the relative, the earlier versions
are kept whole and a deletion keeps only a tombstone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from factories import (
    audit_events,
    consent_inputs,
    make_user,
    record_with_actions,
    register_family,
    session_input,
    table_counts,
)
from sqlalchemy import select

from advisor_app.domain.actor import Actor
from advisor_app.domain.corrections import RevisedRecord, RevisionKind
from advisor_app.domain.enums import ActionStatus, AuditAction, CheckInMode, RelationType
from advisor_app.domain.errors import ConflictError, ValidationError
from advisor_app.persistence.correction_models import RecordRevision
from advisor_app.services.dto import (
    ActionInput,
    CheckInInput,
    CheckInView,
    InstrumentAnswers,
    RelationInput,
)
from advisor_app.services.facade import Services


def _check_in(
    services: Services, actor: Actor, relative_id: int, values: tuple[int, ...]
) -> CheckInView:
    data = CheckInInput(relative_id, InstrumentAnswers("who5", values))
    return services.check_ins.record(actor, data).check_in


def _events_after(services: Services, last: int) -> list[tuple[AuditAction, str, int | None]]:
    return [(e.action, e.entity, e.relative_id) for e in audit_events(services.db) if e.id > last]


def _last(services: Services) -> int:
    return max(e.id for e in audit_events(services.db))


def test_a_corrected_session_keeps_its_earlier_version_and_is_logged(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor, cpr=None)
    saved = record_with_actions(services, actor, family.id, None)
    services.sessions.set_action_status(
        actor, saved.actions[0].id, saved.actions[0].version, ActionStatus.DONE
    )
    (saved,) = services.sessions.list_for_relative(actor, family.id)
    last = _last(services)
    data = replace(
        session_input(family.id, notes="Talte om aflastning og søvn."),
        duration_minutes=60,
        # The follow-up that stays keeps its status; a new one is open.
        actions=(ActionInput("Opfølgning 1", None), ActionInput("Ring til Karen", None)),
    )
    corrected = services.corrections.correct_session(
        actor, saved.id, saved.version, data, "  Stavefejl i noten "
    )
    assert corrected.notes == "Talte om aflastning og søvn."
    assert corrected.duration_minutes == 60
    assert corrected.version == saved.version + 1
    assert corrected.corrected_by == "Test Advisor"
    assert [(a.description, a.status) for a in corrected.actions] == [
        ("Opfølgning 1", ActionStatus.DONE),
        ("Ring til Karen", ActionStatus.OPEN),
    ]
    assert _events_after(services, last) == [(AuditAction.UPDATE, "advisory_session", family.id)]
    (listed,) = services.sessions.list_for_relative(actor, family.id)
    assert listed.corrected_at is not None and listed.corrected_by == "Test Advisor"

    (earlier,) = services.corrections.revisions(actor, RevisedRecord.SESSION, saved.id)
    assert earlier.kind is RevisionKind.CORRECTED
    assert earlier.reason == "Stavefejl i noten"
    assert earlier.record_version == saved.version
    assert earlier.session is not None
    assert earlier.session.notes == "Talte om aflastning."
    assert earlier.session.duration_minutes == 45
    assert [f.description for f in earlier.session.follow_ups] == ["Opfølgning 1"]


def test_a_colleague_s_edit_in_between_is_a_conflict_and_nothing_is_saved(
    services: Services, actor: Actor
) -> None:
    colleague = make_user(services, "kollega", "Kirsten Kollega")
    family = register_family(services, actor, cpr=None)
    saved = services.sessions.record(actor, session_input(family.id))
    services.corrections.correct_session(
        colleague, saved.id, saved.version, session_input(family.id, notes="Hendes rettelse"), "Ret"
    )
    before = table_counts(services.db)
    with pytest.raises(ConflictError, match="Someone else changed this record"):
        services.corrections.correct_session(
            actor, saved.id, saved.version, session_input(family.id, notes="Min rettelse"), "Ret"
        )
    with pytest.raises(ConflictError):
        services.corrections.delete_session(actor, saved.id, saved.version, "Slet")
    after = table_counts(services.db)
    assert {**after, "audit_event": 0} == {**before, "audit_event": 0}
    (listed,) = services.sessions.list_for_relative(actor, family.id)
    assert listed.notes == "Hendes rettelse"

    check_in = _check_in(services, actor, family.id, (3, 3, 3, 3, 3))
    answers = CheckInInput(family.id, InstrumentAnswers("who5", (5, 5, 5, 5, 5)))
    services.corrections.correct_check_in(colleague, check_in.id, check_in.version, answers, "Ret")
    with pytest.raises(ConflictError):
        services.corrections.correct_check_in(actor, check_in.id, check_in.version, answers, "Ret")
    with pytest.raises(ConflictError):
        services.corrections.delete_check_in(actor, check_in.id, check_in.version, "Slet")


def test_a_reason_is_required(services: Services, actor: Actor) -> None:
    family = register_family(services, actor, cpr=None)
    saved = services.sessions.record(actor, session_input(family.id))
    with pytest.raises(ValidationError) as caught:
        services.corrections.delete_session(actor, saved.id, saved.version, "   ")
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError):
        services.corrections.correct_session(
            actor, saved.id, saved.version, session_input(family.id), ""
        )
    assert len(services.sessions.list_for_relative(actor, family.id)) == 1


def test_a_correction_cannot_move_a_session_to_someone_else(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor, cpr=None)
    other = register_family(services, actor, "Bente Berg", "Bo Berg", cpr=None)
    saved = services.sessions.record(actor, session_input(family.id))
    with pytest.raises(ValidationError):
        services.corrections.correct_session(
            actor, saved.id, saved.version, session_input(other.id), "Forkert"
        )
    with pytest.raises(ValidationError):
        services.corrections.correct_session(
            actor, saved.id, saved.version, session_input(None, anonymous=True), "Forkert"
        )


def test_a_corrected_check_in_is_scored_again(services: Services, actor: Actor) -> None:
    family = register_family(services, actor, cpr=None)
    first = _check_in(services, actor, family.id, (4, 4, 4, 4, 4))
    saved = _check_in(services, actor, family.id, (1, 1, 1, 1, 1))
    assert saved.score == 20 and saved.version == 1
    last = _last(services)
    data = CheckInInput(
        family.id,
        InstrumentAnswers("who5", (4, 4, 3, 4, 4)),
        mode=CheckInMode.SELF_COMPLETED,
        taken_at=saved.taken_at + timedelta(minutes=5),
    )
    result = services.corrections.correct_check_in(
        actor, saved.id, saved.version, data, "Svar 1 var tastet forkert"
    )
    assert result.check_in.score == 76
    assert result.check_in.version == 2
    assert result.check_in.mode is CheckInMode.SELF_COMPLETED
    assert result.previous_score == first.score  # itself is not its own previous
    assert result.check_in.corrected_by == "Test Advisor"
    assert _events_after(services, last) == [(AuditAction.UPDATE, "check_in", family.id)]
    history = services.check_ins.history(actor, family.id)
    assert [c.score for c in history] == [80, 76]
    assert history[1].corrected_at is not None
    assert [a.value for a in history[1].answers] == [4, 4, 3, 4, 4]
    (earlier,) = services.corrections.revisions(actor, RevisedRecord.CHECK_IN, saved.id)
    assert earlier.check_in is not None
    assert earlier.check_in.score == 20
    assert [a.value for a in earlier.check_in.answers] == [1, 1, 1, 1, 1]
    with pytest.raises(ValidationError):
        services.corrections.correct_check_in(
            actor,
            saved.id,
            result.check_in.version,
            CheckInInput(family.id, InstrumentAnswers("who5", (9, 4, 3, 4, 4))),
            "Ret",
        )


def test_deleting_keeps_only_a_tombstone(services: Services, actor: Actor) -> None:
    family = register_family(services, actor, cpr=None)
    saved = record_with_actions(services, actor, family.id, None)
    corrected = services.corrections.correct_session(
        actor, saved.id, saved.version, session_input(family.id, notes="Anden note"), "Ret"
    )
    check_in = _check_in(services, actor, family.id, (3, 3, 3, 3, 3))
    last = _last(services)
    services.corrections.delete_session(actor, saved.id, corrected.version, "Forkert borger")
    services.corrections.delete_check_in(actor, check_in.id, check_in.version, "Dobbelt")
    assert _events_after(services, last) == [
        (AuditAction.DELETE, "advisory_session", family.id),
        (AuditAction.DELETE, "check_in", family.id),
    ]
    assert services.sessions.list_for_relative(actor, family.id) == ()
    assert services.check_ins.history(actor, family.id) == ()
    assert services.sessions.open_actions(actor) == ()
    (tombstone,) = services.corrections.revisions(actor, RevisedRecord.SESSION, saved.id)
    assert tombstone.kind is RevisionKind.DELETED
    assert tombstone.reason == "Forkert borger"
    assert tombstone.session is None
    with services.db.begin() as session:
        contents = list(session.scalars(select(RecordRevision.content)))
    assert contents == [None, None]  # neither the note nor the earlier version lingers
    # The tombstones go with the relative.
    detail = services.relatives.get(actor, family.id)
    services.relatives.delete(actor, family.id, detail.version)
    with services.db.begin() as session:
        assert list(session.scalars(select(RecordRevision.id))) == []


def test_own_anonymous_sessions_by_date_and_corrected(services: Services, actor: Actor) -> None:
    colleague = make_user(services, "kollega", "Kirsten Kollega")
    mine = services.sessions.record(actor, session_input(None, anonymous=True, notes="Min"))
    services.sessions.record(colleague, session_input(None, anonymous=True, notes="Hendes"))
    family = register_family(services, actor, cpr=None)
    services.sessions.record(actor, session_input(family.id))
    listed = services.corrections.own_anonymous_sessions(actor)
    assert [s.id for s in listed] == [mine.id]
    day = mine.started_at.date()
    assert services.corrections.own_anonymous_sessions(actor, day, day) == listed
    later = day + timedelta(days=1)
    assert services.corrections.own_anonymous_sessions(actor, later, later) == ()
    corrected = services.corrections.correct_session(
        actor,
        mine.id,
        mine.version,
        session_input(None, anonymous=True, notes="Rettet"),
        "Fjernede et navn",
    )
    assert corrected.anonymous and corrected.relative_id is None
    (again,) = services.corrections.own_anonymous_sessions(actor)
    assert again.notes == "Rettet" and again.corrected_by == "Test Advisor"
    services.corrections.delete_session(actor, mine.id, corrected.version, "Dobbelt")
    assert services.corrections.own_anonymous_sessions(actor) == ()


def test_what_deleting_a_relative_takes_with_it(services: Services, actor: Actor) -> None:
    family = register_family(services, actor, cpr=None)
    record_with_actions(services, actor, family.id, None, None)
    services.sessions.record(actor, session_input(family.id))
    _check_in(services, actor, family.id, (3, 3, 3, 3, 3))
    impact = services.corrections.relative_deletion_impact(actor, family.id)
    assert (impact.sessions, impact.check_ins, impact.follow_ups) == (2, 1, 2)
    assert (impact.relief_arrangements, impact.referrals, impact.mentor_matches) == (0, 0, 0)
    assert impact.orphaned_citizens == ("Karen Hansen",)
    # A citizen another relative still cares for is not orphaned.
    sibling = register_family(services, actor, "Lise Hansen", "Anden Borger", cpr=None)
    services.relatives.add_relation(
        actor,
        sibling.id,
        RelationInput(RelationType.CHILD),
        consents=consent_inputs(),
        citizen_id=family.relations[0].citizen.id,
    )
    impact = services.corrections.relative_deletion_impact(actor, family.id)
    assert impact.orphaned_citizens == ()
    assert services.corrections.relative_deletion_impact(actor, sibling.id).sessions == 0


def test_a_session_recorded_after_the_confirmation_stops_the_deletion(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor, cpr=None)
    impact = services.corrections.relative_deletion_impact(actor, family.id)
    assert (impact.sessions, impact.check_ins) == (0, 0)
    # A colleague records a session while the confirmation is on the screen.
    colleague = make_user(services, "kollega", "Kollega")
    services.sessions.record(colleague, session_input(family.id))
    with pytest.raises(ConflictError):
        services.relatives.delete(
            actor,
            family.id,
            impact.version,
            confirmed_sessions=impact.sessions,
            confirmed_check_ins=impact.check_ins,
        )
    assert services.relatives.get(actor, family.id).session_count == 1
    # Asked again, the confirmation names the session, and the deletion goes through.
    impact = services.corrections.relative_deletion_impact(actor, family.id)
    services.relatives.delete(
        actor,
        family.id,
        impact.version,
        confirmed_sessions=impact.sessions,
        confirmed_check_ins=impact.check_ins,
    )
    assert table_counts(services.db)["advisory_session"] == 0


def test_a_tombstone_is_not_the_history_of_a_new_record_with_the_same_id(
    services: Services, actor: Actor
) -> None:
    """SQLite gives the highest id out again once its row is deleted."""
    family = register_family(services, actor, cpr=None)
    saved = services.sessions.record(actor, session_input(family.id))
    services.corrections.delete_session(actor, saved.id, saved.version, "Dobbelt")
    again = services.sessions.record(actor, session_input(family.id))
    if again.id == saved.id:
        assert services.corrections.revisions(actor, RevisedRecord.SESSION, again.id) == ()
    (listed,) = services.sessions.list_for_relative(actor, family.id)
    assert listed.corrected_at is None
