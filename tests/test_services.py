"""The services on SQLite and PostgreSQL alike: relatives, citizens, relations, consents,
sessions and follow-ups, optimistic concurrency and erasure."""

from __future__ import annotations

import contextlib
import threading
from datetime import date, timedelta

import pytest
from factories import (
    audit_events,
    make_user,
    record_with_actions,
    register_family,
    relative_input,
    session_input,
    table_counts,
    today,
)
from sqlalchemy import select

import advisor_app.services.common as common
import advisor_app.services.relatives as relatives
from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    Condition,
    ConsentStatus,
    ParticipantKind,
    RelationType,
)
from advisor_app.domain.errors import ConflictError, NotFoundError, ValidationError
from advisor_app.persistence.models import (
    AdvisorySession,
    AuditEvent,
    CareRelation,
    Case,
    Citizen,
    Consent,
    Participant,
    Relative,
)
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ParticipantInput,
    RelationInput,
)
from advisor_app.services.facade import Services

YESTERDAY = date.today() - timedelta(days=1)
TOMORROW = date.today() + timedelta(days=1)


# ---- registering and reading -------------------------------------------------------------------
def test_register_a_relative_with_citizen_relation_and_consents(
    services: Services, actor: Actor
) -> None:
    detail = register_family(services, actor, interests="Cykling\nHaven")
    assert detail.name == "Søren Hansen"
    assert detail.phone == "12 34 56 78"
    assert detail.email == "soren@example.dk"
    assert detail.postcode == "7400"
    assert detail.birth_year == 1958 and not detail.is_child
    assert detail.interests == "Cykling\nHaven"
    assert detail.version == 1
    assert detail.session_count == 0 and detail.open_actions == ()
    (relation,) = detail.relations
    assert relation.relation_type is RelationType.SPOUSE
    assert relation.hours_per_week == 20
    assert relation.designated_by_citizen
    citizen = relation.citizen
    assert citizen.name == "Karen Hansen"
    assert citizen.cpr_masked == "010145-xxxx"
    assert citizen.birth_date == date(1945, 1, 1) and citizen.birth_year == 1945
    assert set(citizen.conditions) == {Condition.DEMENTIA, Condition.HEART}
    assert [c.status for c in relation.consents] == [ConsentStatus.ACTIVE, ConsentStatus.ACTIVE]
    assert relation.consents[0].note == "Givet ved hjemmebesøg"  # ordered by given_on

    assert services.relatives.get(actor, detail.id) == detail


def test_a_relative_alone_and_a_child_relative(services: Services, actor: Actor) -> None:
    child = services.relatives.register(
        actor, relative_input("Ida Hansen", birth_year=date.today().year - 12, phone=None)
    )
    assert child.is_child and child.age == 12 and child.relations == ()


def test_a_relation_needs_its_type(services: Services, actor: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        services.relatives.register(actor, relative_input(), CitizenInput("Karen Hansen"))
    assert caught.value.field == "relation_type"


def test_get_of_a_missing_relative_is_not_found(services: Services, actor: Actor) -> None:
    with pytest.raises(NotFoundError):
        services.relatives.get(actor, 999_999)


def test_a_second_relative_joins_an_existing_citizen(services: Services, actor: Actor) -> None:
    first = register_family(services, actor)
    citizen_id = first.relations[0].citizen.id
    second = services.relatives.register(
        actor,
        relative_input("Mette Hansen", phone="87654321"),
        relation=RelationInput(RelationType.CHILD),
        citizen_id=citizen_id,
    )
    assert second.relations[0].citizen.id == citizen_id
    # The same CPR number with the same name is the same citizen too.
    third = register_family(services, actor, "Bo Hansen", phone="11223344")
    assert third.relations[0].citizen.id == citizen_id
    assert table_counts(services.db)["citizen"] == 1


def test_add_relation_and_consent_later(services: Services, actor: Actor) -> None:
    detail = services.relatives.register(actor, relative_input())
    detail = services.relatives.add_relation(
        actor, detail.id, RelationInput(RelationType.CHILD), CitizenInput("Anna Berg")
    )
    (relation,) = detail.relations
    assert relation.consents == ()
    from factories import consent_inputs

    consent = services.relatives.add_consent(actor, relation.id, consent_inputs()[0])
    assert consent.status is ConsentStatus.ACTIVE
    again = services.relatives.get(actor, detail.id)
    assert [c.id for c in again.relations[0].consents] == [consent.id]


# ---- search ------------------------------------------------------------------------------------
@pytest.fixture
def three_families(services: Services, actor: Actor) -> dict[str, int]:
    soren = register_family(services, actor, "Søren Hansen", "Karen Hansen", "010145-1234")
    aase = register_family(
        services, actor, "Åse Ærø", "Bjørn Ærø", "020246-1234", phone="87 65 43 21", email=None
    )
    robert = register_family(
        services, actor, "Robert Jensen", "José Müller", None, phone=None, email=None
    )
    return {"soren": soren.id, "aase": aase.id, "robert": robert.id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Soren", {"soren"}),
        ("søren hansen", {"soren"}),
        ("SOEREN", {"soren"}),
        ("Aase", {"aase"}),
        ("aero", {"aase"}),
        ("Ærø", {"aase"}),
        ("hansen", {"soren"}),  # his name and his citizen's: one row
        ("bjorn", {"aase"}),  # the citizen's name
        ("jose muller", {"robert"}),  # é and ü fold
        ("87654321", {"aase"}),
        ("87 65 43 21", {"aase"}),
        ("+45 87 65 43 21", {"aase"}),
        ("+4587654321", {"aase"}),
        ("soren@example", {"soren"}),
        ("", {"soren", "aase", "robert"}),
        ("nobody", set()),
        ("%", set()),
        ("_", set()),
        ("søren jensen", set()),  # every word must match
    ],
)
def test_search_with_danish_folding(
    services: Services, actor: Actor, three_families: dict[str, int], query: str, expected: set[str]
) -> None:
    result = services.relatives.search(actor, query)
    ids = {r.id for r in result.rows}
    assert ids == {three_families[k] for k in expected}
    assert result.total == len(expected) == len(result.rows)


def test_search_rows_carry_citizens_and_are_sorted_by_folded_name(
    services: Services, actor: Actor, three_families: dict[str, int]
) -> None:
    result = services.relatives.search(actor, "")
    assert [r.name for r in result.rows] == ["Åse Ærø", "Robert Jensen", "Søren Hansen"]
    assert result.rows[2].citizens == "Karen Hansen"
    assert result.rows[2].phone == "12 34 56 78"
    limited = services.relatives.search(actor, "", limit=2)
    assert len(limited.rows) == 2 and limited.total == 3


def test_find_citizens_folds_too(
    services: Services, actor: Actor, three_families: dict[str, int]
) -> None:
    found = services.relatives.find_citizens(actor, "bjorn aero")
    assert [c.name for c in found] == ["Bjørn Ærø"]
    assert found[0].cpr_masked == "020246-xxxx"


# ---- sessions and follow-ups -------------------------------------------------------------------
def test_record_a_session_with_topics_participants_and_actions(
    services: Services, actor: Actor
) -> None:
    detail = register_family(services, actor)
    citizen_id = detail.relations[0].citizen.id
    topics = services.reference.topics(actor)
    assert len(topics) >= 10
    chosen = [topics[3].id, topics[0].id]
    view = services.sessions.record(
        actor,
        session_input(
            detail.id,
            topic_ids=chosen,
            participants=[
                ParticipantInput(ParticipantKind.RELATIVE, relative_id=detail.id),
                ParticipantInput(ParticipantKind.CITIZEN, citizen_id=citizen_id),
                ParticipantInput(ParticipantKind.OTHER, description="  Demenskoordinator  "),
            ],
            actions=[ActionInput("Søg aflastning", TOMORROW), ActionInput("Ring til lægen")],
        ),
    )
    assert view.relative_id == detail.id and not view.anonymous
    assert view.advisor_name == "Test Advisor"
    assert [t.id for t in view.topics] == [topics[0].id, topics[3].id]  # in topic order
    assert [(p.kind, p.label) for p in view.participants] == [
        (ParticipantKind.RELATIVE, "Søren Hansen"),
        (ParticipantKind.CITIZEN, "Karen Hansen"),
        (ParticipantKind.OTHER, "Demenskoordinator"),
    ]
    assert [(a.description, a.due_on, a.status) for a in view.actions] == [
        ("Søg aflastning", TOMORROW, ActionStatus.OPEN),
        ("Ring til lægen", None, ActionStatus.OPEN),
    ]

    listed = services.sessions.list_for_relative(actor, detail.id)
    assert listed == (view,)
    again = services.relatives.get(actor, detail.id)
    assert again.session_count == 1 and again.case_opened_at is not None
    assert [a.description for a in again.open_actions] == ["Søg aflastning", "Ring til lægen"]


def test_sessions_are_listed_newest_first_in_one_case(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    older = services.sessions.record(actor, session_input(detail.id))
    later = session_input(detail.id)
    newer = services.sessions.record(
        actor, type(later)(**{**later.__dict__, "started_at": later.started_at + timedelta(1 / 24)})
    )
    assert [s.id for s in services.sessions.list_for_relative(actor, detail.id)] == [
        newer.id,
        older.id,
    ]
    assert table_counts(services.db)["advice_case"] == 1


def test_a_participant_must_belong_to_the_relative(services: Services, actor: Actor) -> None:
    mine = register_family(services, actor)
    other = register_family(services, actor, "Lis Berg", "Ole Berg", "030347-1234")
    stranger_citizen = other.relations[0].citizen.id
    before = table_counts(services.db)
    for participant in (
        ParticipantInput(ParticipantKind.CITIZEN, citizen_id=stranger_citizen),
        ParticipantInput(ParticipantKind.RELATIVE, relative_id=other.id),
        ParticipantInput(ParticipantKind.RELATIVE),
    ):
        with pytest.raises(ValidationError):
            services.sessions.record(actor, session_input(mine.id, participants=[participant]))
    assert table_counts(services.db) == before


def test_overdue_actions(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    view = record_with_actions(services, actor, detail.id, YESTERDAY, today(), TOMORROW, YESTERDAY)
    late, due_today, due_tomorrow, done_late = view.actions
    assert late.overdue and not due_today.overdue and not due_tomorrow.overdue
    services.sessions.set_action_status(actor, done_late.id, done_late.version, ActionStatus.DONE)

    open_ones = services.sessions.open_actions(actor)
    assert [(a.id, a.overdue) for a in open_ones] == [
        (late.id, True),
        (due_today.id, False),
        (due_tomorrow.id, False),
    ]
    assert {a.relative_name for a in open_ones} == {"Søren Hansen"}
    assert [a.id for a in services.sessions.open_actions(actor, overdue_only=True)] == [late.id]
    again = services.relatives.get(actor, detail.id)
    assert [(a.id, a.overdue) for a in again.open_actions] == [
        (late.id, True),
        (due_today.id, False),
        (due_tomorrow.id, False),
    ]
    (row,) = services.relatives.search(actor, "Søren").rows
    assert (row.open_actions, row.overdue_actions) == (3, 1)


def test_open_actions_dated_oldest_first_then_undated_within_the_limit(
    services: Services, actor: Actor
) -> None:
    detail = register_family(services, actor)
    view = record_with_actions(services, actor, detail.id, None, TOMORROW, None, YESTERDAY)
    undated_1, tomorrow, undated_2, yesterday = view.actions
    order = [a.id for a in services.sessions.open_actions(actor)]
    assert order == [yesterday.id, tomorrow.id, undated_1.id, undated_2.id]
    assert [a.id for a in services.sessions.open_actions(actor, limit=3)] == order[:3]
    assert [a.id for a in services.sessions.open_actions(actor, limit=1)] == order[:1]


def test_set_action_status(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    (action,) = record_with_actions(services, actor, detail.id, YESTERDAY).actions
    done = services.sessions.set_action_status(actor, action.id, action.version, ActionStatus.DONE)
    assert done.status is ActionStatus.DONE and not done.overdue
    assert done.completed_at is not None and done.completed_at.tzinfo is not None
    assert done.version == action.version + 1
    reopened = services.sessions.set_action_status(actor, done.id, done.version, ActionStatus.OPEN)
    assert reopened.status is ActionStatus.OPEN and reopened.completed_at is None
    assert reopened.overdue
    with pytest.raises(ConflictError):
        services.sessions.set_action_status(actor, done.id, done.version, ActionStatus.CANCELLED)
    assert services.sessions.open_actions(actor)[0].status is ActionStatus.OPEN


def test_anonymous_sessions_keep_no_identity(services: Services, actor: Actor) -> None:
    view = services.sessions.record(
        actor, session_input(None, anonymous=True, actions=[ActionInput("Send pjece")])
    )
    assert view.anonymous and view.relative_id is None and view.participants == ()
    with services.db.begin() as session:
        row = session.get(AdvisorySession, view.id)
        assert row is not None and row.case_id is None and row.anonymous
    counts = table_counts(services.db)
    assert counts["advice_case"] == 0 and counts["session_participant"] == 0
    assert counts["relative"] == 0


def test_anonymous_sessions_cannot_name_anyone(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    before = table_counts(services.db)
    with pytest.raises(ValidationError):
        services.sessions.record(actor, session_input(detail.id, anonymous=True))
    with pytest.raises(ValidationError):
        services.sessions.record(
            actor,
            session_input(
                None,
                anonymous=True,
                participants=[ParticipantInput(ParticipantKind.OTHER, description="Nabo")],
            ),
        )
    with pytest.raises(ValidationError):
        services.sessions.record(actor, session_input(None, anonymous=False))
    assert table_counts(services.db) == before


# ---- optimistic concurrency --------------------------------------------------------------------
def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(
    services: Services, actor: Actor
) -> None:
    opened = register_family(services, actor)
    colleague = make_user(services, "colleague")
    saved = services.relatives.update(
        colleague, opened.id, opened.version, relative_input("Søren B. Hansen")
    )
    assert saved.version == opened.version + 1 and saved.name == "Søren B. Hansen"
    before = table_counts(services.db)
    with pytest.raises(ConflictError):
        services.relatives.update(actor, opened.id, opened.version, relative_input("Sørn Hansen"))
    assert table_counts(services.db) == before
    now = services.relatives.get(actor, opened.id)
    assert (now.name, now.version) == ("Søren B. Hansen", saved.version)
    assert services.relatives.search(actor, "Sorn").total == 0


def test_update_changes_the_search_key(services: Services, actor: Actor) -> None:
    opened = register_family(services, actor)
    services.relatives.update(
        actor, opened.id, opened.version, relative_input("Åge Holm", email="holm@example.dk")
    )
    assert services.relatives.search(actor, "Soren").total == 0
    assert services.relatives.search(actor, "aage").total == 1


def test_stale_versions_of_citizen_relation_and_consent_are_conflicts(
    services: Services, actor: Actor
) -> None:
    detail = register_family(services, actor)
    relation = detail.relations[0]
    citizen = relation.citizen
    consent = relation.consents[0]
    changed = services.relatives.update_citizen(
        actor, citizen.id, citizen.version, CitizenInput("Karen M. Hansen", cpr="010145-1234")
    )
    assert changed.version == citizen.version + 1
    with pytest.raises(ConflictError):
        services.relatives.update_citizen(actor, citizen.id, citizen.version, CitizenInput("X"))
    updated = services.relatives.update_relation(
        actor, relation.id, relation.version, RelationInput(RelationType.CHILD, hours_per_week=5)
    )
    assert updated.relations[0].relation_type is RelationType.CHILD
    with pytest.raises(ConflictError):
        services.relatives.update_relation(
            actor, relation.id, relation.version, RelationInput(RelationType.FRIEND)
        )
    services.relatives.withdraw_consent(actor, consent.id, consent.version)
    with pytest.raises(ConflictError):
        services.relatives.withdraw_consent(actor, consent.id, consent.version)
    with pytest.raises(ConflictError):
        services.relatives.delete(actor, detail.id, detail.version - 1)
    final = services.relatives.get(actor, detail.id)
    assert final.relations[0].citizen.name == "Karen M. Hansen"
    assert final.relations[0].relation_type is RelationType.CHILD


# ---- consent -----------------------------------------------------------------------------------
def test_withdraw_consent(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    consent = detail.relations[0].consents[1]
    withdrawn = services.relatives.withdraw_consent(actor, consent.id, consent.version)
    assert withdrawn.status is ConsentStatus.WITHDRAWN
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_at.utcoffset() == timedelta()
    again = services.relatives.get(actor, detail.id)
    statuses = {c.id: c.status for c in again.relations[0].consents}
    assert statuses[consent.id] is ConsentStatus.WITHDRAWN
    assert statuses[detail.relations[0].consents[0].id] is ConsentStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.relatives.withdraw_consent(actor, consent.id, withdrawn.version)


# ---- erasure -----------------------------------------------------------------------------------
def test_delete_erases_the_relative_and_everything_only_theirs(
    services: Services, actor: Actor
) -> None:
    gone = register_family(services, actor, "Søren Hansen", "Karen Hansen", "010145-1234")
    shared_citizen = gone.relations[0].citizen.id
    gone = services.relatives.add_relation(
        actor, gone.id, RelationInput(RelationType.CHILD), CitizenInput("Ejnar Hansen")
    )
    own_citizen = next(r.citizen.id for r in gone.relations if r.citizen.name == "Ejnar Hansen")
    stays = services.relatives.register(
        actor,
        relative_input("Mette Hansen", phone="87654321"),
        relation=RelationInput(RelationType.CHILD),
        citizen_id=shared_citizen,
    )
    record_with_actions(services, actor, gone.id, YESTERDAY, TOMORROW)
    kept_session = services.sessions.record(
        actor,
        session_input(
            stays.id,
            participants=[ParticipantInput(ParticipantKind.RELATIVE, relative_id=gone.id)],
            actions=[ActionInput("Møde med familien", TOMORROW)],
        ),
    )
    anonymous = services.sessions.record(actor, session_input(None, anonymous=True))
    events_before = len(audit_events(services.db))

    services.relatives.delete(actor, gone.id, gone.version)

    with pytest.raises(NotFoundError):
        services.relatives.get(actor, gone.id)
    with services.db.begin() as session:
        assert session.get(Relative, gone.id) is None
        assert session.scalars(select(Case).where(Case.relative_id == gone.id)).all() == []
        assert session.get(Citizen, own_citizen) is None  # orphaned: erased
        assert session.get(Citizen, shared_citizen) is not None  # Mette still cares for her
        assert (
            session.scalars(select(CareRelation).where(CareRelation.relative_id == gone.id)).all()
            == []
        )
        consents = session.scalars(select(Consent)).all()
        assert len(consents) == 0  # Mette's relation had none; Søren's went with him
        assert (
            session.scalars(select(Participant).where(Participant.relative_id == gone.id)).all()
            == []
        )
        assert session.get(AdvisorySession, anonymous.id) is not None
        assert {s.id for s in session.scalars(select(AdvisorySession))} == {
            kept_session.id,
            anonymous.id,
        }
        kept = session.get(AdvisorySession, kept_session.id)
        assert kept is not None and kept.participants == []
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    counts = table_counts(services.db)
    assert counts["follow_up_action"] == 1  # Mette's
    # The audit trail stays, with the deletion as its last word about the relative.
    # The delete, and the erasure of the citizen no one else cares for (the failed get
    # logs nothing).
    assert len(events) == events_before + 2
    assert len([e for e in events if e.relative_id == gone.id]) > 3
    last = [e for e in events if e.action is AuditAction.DELETE]
    assert [(e.entity, e.entity_id) for e in last] == [
        ("relative", gone.id),
        ("citizen", own_citizen),
    ]
    remaining = services.relatives.get(actor, stays.id)
    assert remaining.session_count == 1 and len(remaining.open_actions) == 1


def test_delete_of_a_missing_relative_is_not_found(services: Services, actor: Actor) -> None:
    with pytest.raises(NotFoundError):
        services.relatives.delete(actor, 424242, 1)


def test_two_advisors_saving_at_once_cannot_overwrite_each_other(
    services: Services, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both open version 1 and save at the same moment. PostgreSQL lets both pass the version
    check; the version column in the UPDATE's WHERE then stops the second (StaleDataError ->
    ConflictError). SQLite never gets that far: BEGIN IMMEDIATE makes the second wait, and it
    then finds version 2."""

    opened = register_family(services, actor)
    colleague = make_user(services, "colleague")
    postgres = not services.db.is_sqlite
    both_checked = threading.Barrier(2, timeout=10 if postgres else 0.5)
    original = common.check_version

    def check_then_wait(current: int, expected: int) -> None:
        original(current, expected)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()

    monkeypatch.setattr(relatives, "check_version", check_then_wait)
    outcomes: dict[str, object] = {}

    def save(who: Actor, name: str) -> None:
        try:
            outcomes[name] = services.relatives.update(
                who, opened.id, opened.version, relative_input(name)
            )
        except Exception as error:
            outcomes[name] = error

    threads = [
        threading.Thread(target=save, args=(actor, "Søren A")),
        threading.Thread(target=save, args=(colleague, "Søren B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert both_checked.broken is not postgres  # PostgreSQL: both passed the check together
    winners = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
    losers = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], ConflictError)
    monkeypatch.undo()
    final = services.relatives.get(actor, opened.id)
    assert (final.name, final.version) == (winners[0], opened.version + 1)
    updates = [e for e in audit_events(services.db) if e.action is AuditAction.UPDATE]
    assert len(updates) == 1
