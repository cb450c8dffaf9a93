"""The audit trail (Datatilsynet, GDPR art. 9): each read, search, create, change and delete of
personal data writes exactly its events, in the same transaction as the work; refused or failed
work writes none. A manager (leder) never reaches personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from factories import (
    audit_events,
    consent_inputs,
    make_user,
    record_with_actions,
    refused_and_logged,
    register_family,
    relative_input,
    session_input,
    table_counts,
    today,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ActionStatus, AuditAction, Purpose, RelationType, Role
from advisor_app.domain.errors import ConflictError, NotFoundError
from advisor_app.persistence.models import AuditEvent
from advisor_app.services.dto import CitizenInput, RelationInput
from advisor_app.services.facade import Services

C, R, U, D, S = (
    AuditAction.CREATE,
    AuditAction.READ,
    AuditAction.UPDATE,
    AuditAction.DELETE,
    AuditAction.SEARCH,
)


class NewEvents:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    @property
    def summary(self) -> list[tuple[AuditAction, str]]:
        return [(e.action, e.entity) for e in self.events]


@contextmanager
def new_events(services: Services) -> Iterator[NewEvents]:
    """The audit events written inside the block."""
    seen = {e.id for e in audit_events(services.db)}
    found = NewEvents()
    yield found
    found.events = [e for e in audit_events(services.db) if e.id not in seen]


def test_register_writes_one_create_per_record(services: Services, actor: Actor) -> None:
    with new_events(services) as log:
        detail = register_family(services, actor)
    assert log.summary == [
        (C, "relative"),
        (C, "citizen"),
        (C, "care_relation"),
        (C, "consent"),
        (C, "consent"),
    ]
    relation = detail.relations[0]
    assert [e.entity_id for e in log.events] == [
        detail.id,
        relation.citizen.id,
        relation.id,
        relation.consents[1].id,  # recorded in input order; the view orders by date given
        relation.consents[0].id,
    ]
    for event in log.events:
        assert event.relative_id == detail.id
        assert (event.advisor_id, event.username) == (actor.advisor_id, "testadvisor")
        assert (event.role, event.purpose) == (Role.ADVISOR, Purpose.ADVISORY)
        assert event.occurred_at.tzinfo is not None
        assert event.search_term is None


def test_get_writes_one_read(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    with new_events(services) as log:
        services.relatives.get(actor, detail.id)
    assert log.summary == [(R, "relative")]
    assert (log.events[0].entity_id, log.events[0].relative_id) == (detail.id, detail.id)


def test_list_for_relative_writes_one_read(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    record_with_actions(services, actor, detail.id, today())
    record_with_actions(services, actor, detail.id, today())
    with new_events(services) as log:
        assert len(services.sessions.list_for_relative(actor, detail.id)) == 2
    assert log.summary == [(R, "advisory_session")]
    assert log.events[0].relative_id == detail.id


@pytest.mark.parametrize("term", ["Søren", "  12 34 56 78 ", "", "x" * 300])
def test_search_writes_one_search_with_its_term(
    services: Services, actor: Actor, term: str
) -> None:
    register_family(services, actor)
    with new_events(services) as log:
        services.relatives.search(actor, term)
    assert log.summary == [(S, "relative")]
    assert log.events[0].search_term == term.strip()[:200]
    assert log.events[0].relative_id is None


def test_find_citizens_writes_one_search(services: Services, actor: Actor) -> None:
    register_family(services, actor)
    with new_events(services) as log:
        services.relatives.find_citizens(actor, "karen")
    assert log.summary == [(S, "citizen")]
    assert log.events[0].search_term == "karen"


def test_changes_write_one_update_each(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    relation = detail.relations[0]
    consent = relation.consents[0]
    with new_events(services) as log:
        detail = services.relatives.update(actor, detail.id, detail.version, relative_input("Bo"))
    assert log.summary == [(U, "relative")]
    with new_events(services) as log:
        services.relatives.update_citizen(
            actor,
            relation.citizen.id,
            relation.citizen.version,
            CitizenInput("Karen Hansen", cpr="010145-1234"),
            relative_id=detail.id,
        )
    assert log.summary == [(U, "citizen")]
    assert log.events[0].relative_id == detail.id
    with new_events(services) as log:
        services.relatives.update_relation(
            actor, relation.id, relation.version, RelationInput(RelationType.CHILD)
        )
    assert log.summary == [(U, "care_relation")]
    with new_events(services) as log:
        services.relatives.withdraw_consent(actor, consent.id, consent.version)
    assert log.summary == [(U, "consent")]
    assert (log.events[0].detail, log.events[0].relative_id) == ("withdrawn", detail.id)
    with new_events(services) as log:
        services.relatives.add_consent(actor, relation.id, consent_inputs()[0])
    assert log.summary == [(C, "consent")]


def test_sessions_and_follow_ups_are_audited(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    with new_events(services) as log:
        view = record_with_actions(services, actor, detail.id, today() - timedelta(days=1))
    assert log.summary == [(C, "advisory_session")]
    assert (log.events[0].entity_id, log.events[0].relative_id) == (view.id, detail.id)
    (action,) = view.actions
    with new_events(services) as log:
        services.sessions.set_action_status(actor, action.id, action.version, ActionStatus.DONE)
    assert log.summary == [(U, "follow_up_action")]
    assert (log.events[0].detail, log.events[0].relative_id) == ("done", detail.id)
    with new_events(services) as log:
        services.sessions.open_actions(actor)
        services.sessions.open_actions(actor, overdue_only=True)
    assert log.summary == [(R, "follow_up_action"), (R, "follow_up_action")]
    assert [e.detail for e in log.events] == ["open", "overdue"]


def test_an_anonymous_session_is_audited_without_a_person(services: Services, actor: Actor) -> None:
    with new_events(services) as log:
        services.sessions.record(actor, session_input(None, anonymous=True))
    assert log.summary == [(C, "advisory_session")]
    assert (log.events[0].relative_id, log.events[0].detail) == (None, "anonymous")


def test_delete_writes_one_delete_and_keeps_the_trail(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    services.relatives.get(actor, detail.id)
    before = audit_events(services.db)
    with new_events(services) as log:
        services.relatives.delete(actor, detail.id, detail.version)
    # The relative, and the citizen erased with their last relative (CPR and all).
    assert log.summary == [(D, "relative"), (D, "citizen")]
    after = audit_events(services.db)
    assert [e.id for e in after[: len(before)]] == [e.id for e in before]


def test_failed_work_leaves_no_audit_event(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    failures: list[tuple[type[Exception], Callable[[], object]]] = [
        (NotFoundError, lambda: services.relatives.get(actor, 999_999)),
        (NotFoundError, lambda: services.sessions.list_for_relative(actor, 999_999)),
        (
            ConflictError,
            lambda: services.relatives.update(
                actor, detail.id, detail.version + 1, relative_input()
            ),
        ),
        (ConflictError, lambda: services.relatives.delete(actor, detail.id, detail.version + 1)),
    ]
    for error, call in failures:
        with new_events(services) as log, pytest.raises(error):
            call()
        assert log.events == []


def test_audit_rows_commit_with_the_work_or_not_at_all(
    services: Services, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the audit event was added (here: building the view) rolls back both."""
    import advisor_app.services.relatives as relatives

    detail = register_family(services, actor)
    before = table_counts(services.db)

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(relatives, "relation_view", broken)
    with pytest.raises(RuntimeError):
        services.relatives.update(actor, detail.id, detail.version, relative_input("Bo"))
    assert table_counts(services.db) == before
    monkeypatch.undo()
    assert services.relatives.get(actor, detail.id).name == "Søren Hansen"


# ---- the manager (leder) sees statistics only ----------------------------------------------------
@pytest.fixture
def manager(services: Services) -> Actor:
    return make_user(services, "leder", "Leder", role=Role.MANAGER)


@pytest.mark.parametrize(
    "who", ["manager", "statistics-purpose"], ids=["manager", "advisor-for-statistics"]
)
def test_personal_data_is_refused_and_the_refusal_is_logged(
    services: Services, actor: Actor, manager: Actor, who: str
) -> None:
    detail = register_family(services, actor)
    relation = detail.relations[0]
    (action,) = record_with_actions(services, actor, detail.id, today()).actions
    denied = (
        manager
        if who == "manager"
        else Actor(actor.advisor_id, actor.username, Role.ADVISOR, Purpose.STATISTICS)
    )
    calls: list[Callable[[], object]] = [
        lambda: services.relatives.search(denied, ""),
        lambda: services.relatives.get(denied, detail.id),
        lambda: services.relatives.find_citizens(denied, ""),
        lambda: services.relatives.register(denied, relative_input("Ny")),
        lambda: services.relatives.update(denied, detail.id, detail.version, relative_input()),
        lambda: services.relatives.add_consent(denied, relation.id, consent_inputs()[0]),
        lambda: services.relatives.withdraw_consent(
            denied, relation.consents[0].id, relation.consents[0].version
        ),
        lambda: services.relatives.delete(denied, detail.id, detail.version),
        lambda: services.sessions.list_for_relative(denied, detail.id),
        lambda: services.sessions.record(denied, session_input(detail.id)),
        lambda: services.sessions.open_actions(denied),
        lambda: services.sessions.set_action_status(
            denied, action.id, action.version, ActionStatus.DONE
        ),
    ]
    for call in calls:
        with refused_and_logged(services):
            call()
    after = services.relatives.get(actor, detail.id)
    assert (after.name, after.version, after.session_count) == (detail.name, detail.version, 1)
