"""Bad input saves nothing, not even half: every table has the same rows afterwards, and the
audit trail has no event for work that did not happen. Hostile text is data, stored verbatim."""

from __future__ import annotations

import inspect as pyinspect
import typing
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
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
from hypothesis import given, settings
from hypothesis import strategies as st
from relief_factories import weekly_input
from sqlalchemy import inspect

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType, SessionForm
from advisor_app.domain.errors import ValidationError
from advisor_app.domain.text import BIDI_CONTROLS, clean_line, clean_note
from advisor_app.services.arguments import annotations_resolve
from advisor_app.services.booking_dto import BookingInput
from advisor_app.services.door import permission_of
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ConsentInput,
    RelationInput,
    RelativeInput,
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


# ---- control characters, broken characters, emoji --------------------------------------------
@pytest.mark.parametrize(
    "email",
    [
        "anna\x00@example.dk",
        "anna\x1b@example.dk",
        "\u202eanna@example.dk",
        "anna\u2066@b.dk",
        "anna\x85@example.dk",
        "anna\ud800@example.dk",
    ],
    ids=["nul", "escape", "bidi-override", "bidi-isolate", "c1-control", "lone-surrogate"],
)
def test_a_control_or_broken_character_in_an_e_mail_saves_nothing(
    services: Services, actor: Actor, email: str
) -> None:
    error = assert_saves_nothing(
        services, lambda: services.relatives.register(actor, relative_input(email=email))
    )
    assert error.field == "email"
    assert "e-mail" in error.message  # the message names the field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345678\x00"}, "phone"),
        ({"phone": "\u202e12345678"}, "phone"),
        ({"postcode": "74\x1b00"}, "postcode"),
        ({"interests": "fiskeri\x00"}, "interests"),
        ({"interests": "fiskeri\u202e"}, "interests"),
        ({"name": "Anna\ud83d"}, "name"),
        ({"name": "Anna\u200d"}, "name"),  # a joiner with nothing to join
        ({"name": "Anna\u00adHansen"}, "name"),  # a soft hyphen: invisible
    ],
    ids=[
        "phone-nul",
        "phone-bidi",
        "postcode-escape",
        "interests-nul",
        "interests-bidi",
        "name-lone-surrogate",
        "name-lone-zwj",
        "name-soft-hyphen",
    ],
)
def test_control_characters_in_any_relative_field_save_nothing(
    services: Services, actor: Actor, changes: dict[str, Any], field: str
) -> None:
    changes = dict(changes)  # the parameter's dict is shared by both backends' runs
    name = changes.pop("name", "Søren Hansen")
    error = assert_saves_nothing(
        services, lambda: services.relatives.register(actor, relative_input(name, **changes))
    )
    assert error.field == field


@pytest.mark.parametrize(
    "name",
    [
        "Anne 👩\u200d👩\u200d👧",
        "Bo 👨🏽\u200d💻",
        "Kim 🏳️\u200d🌈",
        "Mohammad\u200cReza",
        "Ida 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    ],
    ids=["family-zwj", "skin-tone-zwj", "flag-zwj", "persian-zwnj", "subdivision-flag-tags"],
)
def test_a_name_with_an_emoji_sequence_is_stored_verbatim(
    services: Services, actor: Actor, name: str
) -> None:
    detail = services.relatives.register(actor, relative_input(name, phone=None, email=None))
    assert detail.name == name
    assert services.relatives.get(actor, detail.id).name == name


def test_notes_keep_line_breaks_and_tabs_but_refuse_nul_and_broken_characters(
    services: Services, actor: Actor
) -> None:
    relative_id = register_family(services, actor).id
    kept = services.sessions.record(actor, session_input(relative_id, notes="a\n\tb\n😀"))
    assert kept.notes == "a\n\tb\n😀"
    for notes in ("a\x00b", "a\ud800b", "a\x1bb", "a\u202eb"):
        assert_saves_nothing(
            services,
            lambda n=notes: services.sessions.record(actor, session_input(relative_id, notes=n)),
        )


# ---- the search box -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["Søren\x00", "\x00", "Søren\ud800", "\udc80"],
    ids=["nul", "only-nul", "lone-high-surrogate", "lone-low-surrogate"],
)
def test_a_search_with_nul_or_a_broken_character_is_refused_clearly(
    services: Services, actor: Actor, query: str
) -> None:
    """PostgreSQL raised a raw DataError on NUL, and psycopg/sqlite3 UnicodeEncodeError on a
    lone surrogate: now a message naming the search, and no access event for no search."""
    register_family(services, actor)
    error = assert_saves_nothing(services, lambda: services.relatives.search(actor, query))
    assert error.field in ("search", "query")
    assert "search" in error.message
    assert_saves_nothing(services, lambda: services.relatives.find_citizens(actor, query))


@pytest.mark.parametrize(
    "query",
    ["Søren " * 809, "x" * 4854, " ".join(f"o{i}" for i in range(2427))],
    ids=["4854-chars-of-words", "4854-chars-one-word", "2427-words"],
)
def test_a_very_long_search_is_shortened_not_a_database_error(
    services: Services, actor: Actor, query: str
) -> None:
    """4,854 characters made SQLite give up ("Expression tree is too large")."""
    register_family(services, actor)
    result = services.relatives.search(actor, query)
    assert result.shortened
    assert len(result.query) <= 200 and len(result.query.split()) <= 10
    if query.startswith("Søren"):
        assert [r.name for r in result.rows] == ["Søren Hansen"]
    assert not services.relatives.search(actor, "Søren Hansen").shortened
    services.relatives.find_citizens(actor, query)  # the citizen search is cut the same way


# ---- wrong types reaching the services ---------------------------------------------------------------
def _bad_calls(
    services: Services, actor: Actor, relative_id: int
) -> dict[str, Callable[[], object]]:
    relatives, sessions = services.relatives, services.sessions
    return {
        "id-2**70": lambda: relatives.get(actor, 2**70),
        "negative-id-2**70": lambda: relatives.delete(actor, -(2**70), 1),
        "id-as-text": lambda: relatives.get(actor, str(relative_id)),  # type: ignore[arg-type]
        "id-as-float": lambda: relatives.get(actor, float(relative_id)),  # type: ignore[arg-type]
        "id-as-bool": lambda: relatives.get(actor, True),
        "version-none": lambda: relatives.delete(actor, relative_id, None),  # type: ignore[arg-type]
        "name-as-int": lambda: relatives.register(actor, RelativeInput(123)),  # type: ignore[arg-type]
        "input-as-dict": lambda: relatives.register(actor, {"name": "Anna"}),  # type: ignore[arg-type]
        "enum-as-text": lambda: relatives.register(
            actor,
            relative_input(),
            citizen_input(),
            RelationInput("spouse"),  # type: ignore[arg-type]
        ),
        "date-as-text": lambda: relatives.register(
            actor,
            relative_input(),
            citizen_input(),
            RelationInput(RelationType.SPOUSE, starts_on="2020-01-01"),  # type: ignore[arg-type]
        ),
        "hours-nan": lambda: relatives.register(
            actor,
            relative_input(),
            citizen_input(),
            RelationInput(RelationType.SPOUSE, hours_per_week=float("nan")),
        ),
        "datetime-for-date": lambda: relatives.register(
            actor,
            relative_input(),
            citizen_input(),
            RelationInput(RelationType.SPOUSE),
            [ConsentInput(ConsentScope.CARE_PLAN, ConsentMethod.ORAL, an_hour_ago())],
        ),
        "date-for-datetime": lambda: sessions.record(
            actor,
            SessionInput(relative_id, today(), 30, SessionForm.PHONE),  # type: ignore[arg-type]
        ),
        "topic-id-as-text": lambda: sessions.record(
            actor,
            SessionInput(relative_id, an_hour_ago(), 30, SessionForm.PHONE, topic_ids=("1",)),  # type: ignore[arg-type]
        ),
        "actions-as-text": lambda: sessions.record(
            actor,
            SessionInput(relative_id, an_hour_ago(), 30, SessionForm.PHONE, actions="ring"),  # type: ignore[arg-type]
        ),
        "duration-2**70": lambda: sessions.record(
            actor, SessionInput(relative_id, an_hour_ago(), 2**70, SessionForm.PHONE)
        ),
        "status-as-text": lambda: sessions.set_action_status(actor, 1, 1, "done"),  # type: ignore[arg-type]
        "unknown-keyword": lambda: relatives.get(actor, relative_id, colour="red"),  # type: ignore[call-arg]
        "search-as-none": lambda: relatives.search(actor, None),  # type: ignore[arg-type]
    }


@pytest.mark.parametrize(
    "case",
    [
        "id-2**70",
        "negative-id-2**70",
        "id-as-text",
        "id-as-float",
        "id-as-bool",
        "version-none",
        "name-as-int",
        "input-as-dict",
        "enum-as-text",
        "date-as-text",
        "hours-nan",
        "datetime-for-date",
        "date-for-datetime",
        "topic-id-as-text",
        "actions-as-text",
        "duration-2**70",
        "status-as-text",
        "unknown-keyword",
        "search-as-none",
    ],
)
def test_a_wrong_type_is_a_validation_error_before_the_transaction(
    services: Services, actor: Actor, case: str
) -> None:
    """These were AttributeError, TypeError, StatementError and OverflowError: program bugs
    as the advisor saw them. The door checks the arguments against the method's annotations."""
    relative_id = register_family(services, actor).id
    assert_saves_nothing(services, _bad_calls(services, actor, relative_id)[case])


def test_every_service_method_s_annotations_can_be_checked() -> None:
    """The door skips a method whose annotations do not resolve (a name imported only for
    the type checker): none may."""
    methods = [
        method
        for cls in typing.get_type_hints(Services).values()
        for _name, method in pyinspect.getmembers(cls, pyinspect.isfunction)
        if permission_of(method) is not None
    ]
    assert len(methods) > 50
    unresolved = [m.__qualname__ for m in methods if not annotations_resolve(m.__wrapped__)]
    assert unresolved == []


# ---- dates no advisor means ------------------------------------------------------------------
@pytest.mark.parametrize("year", [1, 1899, 2101, 9999])
def test_a_date_in_year_1_or_9999_saves_nothing(
    services: Services, actor: Actor, year: int
) -> None:
    family = register_family(services, actor)
    relative_id, relation_id = family.id, family.relations[0].id
    day = date(year, 6, 1)
    at = datetime(year, 6, 1, 12, tzinfo=UTC)
    calls: list[Callable[[], object]] = [
        lambda: services.relatives.register(
            actor,
            relative_input(),
            citizen_input(cpr=None),
            RelationInput(RelationType.SPOUSE, starts_on=day),
        ),
        lambda: services.relatives.register(
            actor,
            relative_input(),
            citizen_input(cpr=None),
            RelationInput(RelationType.SPOUSE, ends_on=day),
        ),
        lambda: services.relatives.register(
            actor,
            relative_input(),
            citizen_input(cpr=None),
            RelationInput(RelationType.SPOUSE),
            [ConsentInput(ConsentScope.CARE_PLAN, ConsentMethod.ORAL, today(), expires_on=day)],
        ),
        lambda: services.sessions.record(
            actor, session_input(relative_id, actions=[ActionInput("Ring", day)])
        ),
        lambda: services.sessions.record(
            actor,
            SessionInput(relative_id, datetime(year, 6, 1, 12, tzinfo=UTC), 30, SessionForm.PHONE),
        ),
        lambda: services.relatives.register(actor, relative_input(birth_year=year)),
        lambda: services.bookings.book(actor, BookingInput(relative_id, at)),
        lambda: services.relief.create(actor, weekly_input(relation_id, day)),
        lambda: services.relief.create(
            actor, weekly_input(relation_id, today(), exceptions=(day,))
        ),
        lambda: services.relief.create(actor, weekly_input(relation_id, today(), ends_on=day)),
    ]
    if year < 1900:
        calls.append(
            lambda: services.relatives.register(
                actor,
                relative_input(),
                citizen_input(cpr=None),
                RelationInput(RelationType.SPOUSE),
                [ConsentInput(ConsentScope.CARE_PLAN, ConsentMethod.ORAL, day)],
            )
        )
    for call in calls:
        error = assert_saves_nothing(services, call)
        assert error.field is not None


# Hypothesis's characters() leaves out surrogates: mix them in with the other suspects.
SUSPECTS = st.sampled_from(list("\x00\x1b\x85\t\n\u202e\u2066\u200d\u200c\ud800\udfff\u00ad👩"))


@given(st.text(st.one_of(st.characters(), SUSPECTS), max_size=40))
@settings(max_examples=300)
def test_what_the_text_check_lets_through_holds_no_control_or_broken_character(text: str) -> None:
    """Whatever the domain accepts as a line or a note holds no C0/C1 control (but a note's
    line breaks and tabs), no bidi control and no lone surrogate."""
    for clean, allowed in ((clean_line, ""), (clean_note, "\t\n")):
        try:
            kept = clean(text, field="f", label="F")
        except ValidationError:
            continue
        for ch in kept or "":
            assert ch in allowed or unicodedata.category(ch) not in ("Cc", "Cs"), repr(ch)
            assert ch not in BIDI_CONTROLS, repr(ch)
