"""Bad input saves nothing, not even half: every table has the same rows afterwards, and the
audit trail has no event for work that did not happen. Hostile text is data, stored verbatim."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from factories import (
    an_hour_ago,
    citizen_input,
    consent_inputs,
    register_family,
    relative_input,
    session_input,
    table_counts,
    today,
)
from sqlalchemy import inspect

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType, SessionForm
from advisor_app.domain.errors import ValidationError
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ConsentInput,
    RelationInput,
    SessionInput,
)
from advisor_app.services.facade import Services

SQL_NAME = "Robert'); DROP TABLE relative;--"


def assert_saves_nothing(services: Services, call: Callable[[], object]) -> ValidationError:
    before = table_counts(services.db)
    with pytest.raises(ValidationError) as caught:
        call()
    assert table_counts(services.db) == before
    return caught.value


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * 10_000, "Anna\x00Hansen", "Anna\x1b[2JHansen", "Anna\nHansen", "\u202eAnna"],
    ids=["empty", "blank", "10000-chars", "nul", "escape", "newline", "bidi-override"],
)
def test_a_bad_relative_name_saves_nothing(services: Services, actor: Actor, name: str) -> None:
    error = assert_saves_nothing(
        services,
        lambda: services.relatives.register(
            actor,
            relative_input(name),
            citizen_input(),
            RelationInput(RelationType.SPOUSE),
            consent_inputs(),
        ),
    )
    assert error.field == "name"
    assert name.strip() == "" or name[:20] not in str(error)  # no personal data in messages


@pytest.mark.parametrize("cpr", ["310290-1234", "290289-1234", "12345", "010180-12345"])
def test_an_impossible_cpr_number_saves_nothing(services: Services, actor: Actor, cpr: str) -> None:
    error = assert_saves_nothing(
        services,
        lambda: services.relatives.register(
            actor,
            relative_input(),
            citizen_input(cpr=cpr),
            RelationInput(RelationType.SPOUSE),
            consent_inputs(),
        ),
    )
    assert error.field == "cpr"


@pytest.mark.parametrize(
    "consent",
    [
        ConsentInput(
            ConsentScope.HEALTH_INFORMATION, ConsentMethod.WRITTEN, today() + timedelta(days=1)
        ),
        ConsentInput(
            ConsentScope.CARE_PLAN,
            ConsentMethod.ORAL,
            today(),
            expires_on=today() - timedelta(days=1),
        ),
        ConsentInput(ConsentScope.CARE_PLAN, ConsentMethod.ORAL, today(), note="x\x00"),
    ],
    ids=["given-in-future", "expires-before-given", "control-character-note"],
)
def test_a_bad_consent_saves_nothing_of_an_otherwise_valid_registration(
    services: Services, actor: Actor, consent: ConsentInput
) -> None:
    assert_saves_nothing(
        services,
        lambda: services.relatives.register(
            actor,
            relative_input(),
            citizen_input(),
            RelationInput(RelationType.SPOUSE),
            [consent_inputs()[0], consent],
        ),
    )


@pytest.mark.parametrize(
    ("relation", "field"),
    [
        (RelationInput(RelationType.SPOUSE, hours_per_week=169), "hours_per_week"),
        (
            RelationInput(
                RelationType.SPOUSE, starts_on=today(), ends_on=today() - timedelta(days=1)
            ),
            "relation_ends_on",
        ),
    ],
)
def test_a_bad_relation_saves_nothing(
    services: Services, actor: Actor, relation: RelationInput, field: str
) -> None:
    error = assert_saves_nothing(
        services,
        lambda: services.relatives.register(actor, relative_input(), citizen_input(), relation),
    )
    assert error.field == field


@pytest.mark.parametrize(
    "changes",
    [{"phone": "12"}, {"email": "not an address"}, {"postcode": "123"}, {"birth_year": 1066}],
)
def test_bad_contact_details_save_nothing(
    services: Services, actor: Actor, changes: dict[str, Any]
) -> None:
    assert_saves_nothing(
        services, lambda: services.relatives.register(actor, relative_input(**changes))
    )


def test_a_failure_late_in_the_transaction_rolls_back_what_came_before(
    services: Services, actor: Actor
) -> None:
    """The CPR clash is found inside the transaction, after the relative row and its audit
    event were flushed: the rollback must take them too."""
    register_family(services, actor, "Søren Hansen", "Karen Hansen", "010145-1234")
    error = assert_saves_nothing(
        services,
        lambda: services.relatives.register(
            actor,
            relative_input("Lis Berg", phone=None),
            CitizenInput("Ole Berg", cpr="010145-1234"),
            RelationInput(RelationType.SPOUSE),
            consent_inputs(),
        ),
    )
    assert error.field == "cpr"


def test_a_bad_session_saves_nothing(services: Services, actor: Actor) -> None:
    detail = register_family(services, actor)
    relative_id = detail.id
    topic_ids = [t.id for t in services.reference.topics(actor)]
    bad = [
        session_input(relative_id, topic_ids=[max(topic_ids) + 100]),  # found in the transaction
        session_input(relative_id, notes="a\x00b"),
        session_input(relative_id, actions=[ActionInput("")]),
        session_input(relative_id, actions=[ActionInput("x" * 501)]),
        session_input(relative_id, actions=[ActionInput(f"a{i}") for i in range(51)]),
        SessionInput(relative_id, datetime(2026, 1, 1, 12, 0), 30, SessionForm.PHONE),  # naive
        SessionInput(
            relative_id, datetime.now(UTC) + timedelta(hours=2), 30, SessionForm.PHONE
        ),  # future
        SessionInput(relative_id, an_hour_ago(), 0, SessionForm.PHONE),
        SessionInput(relative_id, an_hour_ago(), 481, SessionForm.PHONE),
    ]
    for data in bad:

        def record(data: SessionInput = data) -> object:
            return services.sessions.record(actor, data)

        assert_saves_nothing(services, record)
    # The first session would have opened the relative's case: rolled back too.
    assert table_counts(services.db)["advice_case"] == 0


def test_sql_like_text_is_stored_verbatim_and_found_again(services: Services, actor: Actor) -> None:
    detail = register_family(
        services,
        actor,
        SQL_NAME,
        "x' OR '1'='1",
        None,
        phone=None,
        email=None,
        interests="'; DELETE FROM citizen; -- \\ % _",
    )
    assert detail.name == SQL_NAME
    assert detail.relations[0].citizen.name == "x' OR '1'='1"
    assert detail.interests == "'; DELETE FROM citizen; -- \\ % _"
    for query in ("Robert');", "DROP TABLE", "relative;--", "'1'='1"):
        rows = services.relatives.search(actor, query).rows
        assert [r.name for r in rows] == [SQL_NAME], query
    assert services.relatives.get(actor, detail.id).name == SQL_NAME
    tables = set(inspect(services.db.engine).get_table_names())
    assert {"relative", "citizen", "audit_event"} <= tables
    counts = table_counts(services.db)
    assert counts["relative"] == 1 and counts["citizen"] == 1


def test_like_wildcards_in_a_search_match_only_themselves(services: Services, actor: Actor) -> None:
    register_family(services, actor, "Anna 100% Hansen", phone=None, email=None)
    register_family(services, actor, "Bo_Berg", "Ole Berg", "030347-1234", phone=None, email=None)
    register_family(services, actor, "Carl Dahl", "Eva Dahl", "040448-1234", phone=None, email=None)
    assert [r.name for r in services.relatives.search(actor, "100%").rows] == ["Anna 100% Hansen"]
    assert [r.name for r in services.relatives.search(actor, "o_b").rows] == ["Bo_Berg"]
    assert services.relatives.search(actor, "%%").total == 0
    assert services.relatives.search(actor, "\\").total == 0
