"""Possible duplicates before a relative is registered (services/duplicates.py)."""

from __future__ import annotations

import pytest

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import ValidationError
from advisor_app.services.facade import Services
from tests.factories import audit_events, relative_input


def test_same_name_and_phone_or_birth_year_is_a_possible_duplicate(
    services: Services, actor: Actor
) -> None:
    known = services.relatives.register(actor, relative_input("Søren Hansen"))
    services.relatives.register(
        actor, relative_input("Søren Hansen", phone="87654321", birth_year=1990)
    )
    by_phone = services.duplicates.possible_duplicates(
        actor, relative_input("soren  hansen", phone="12345678", birth_year=None)
    )
    assert [r.id for r in by_phone] == [known.id]
    by_year = services.duplicates.possible_duplicates(
        actor, relative_input("SØREN HANSEN", phone=None, birth_year=1958)
    )
    assert [r.id for r in by_year] == [known.id]


def test_no_duplicate_for_another_name_or_nothing_to_compare(
    services: Services, actor: Actor
) -> None:
    services.relatives.register(actor, relative_input("Søren Hansen"))
    assert services.duplicates.possible_duplicates(actor, relative_input("Søren Jensen")) == ()
    assert (
        services.duplicates.possible_duplicates(
            actor, relative_input("Søren Hansen", phone=None, birth_year=None)
        )
        == ()
    )


def test_the_check_is_logged_as_a_search_and_refuses_bad_input(
    services: Services, actor: Actor
) -> None:
    before = len(audit_events(services.db))
    services.duplicates.possible_duplicates(actor, relative_input("Søren Hansen"))
    events = audit_events(services.db)[before:]
    assert [(e.action, e.entity, e.search_term) for e in events] == [
        ("search", "relative", "Søren Hansen")
    ]
    with pytest.raises(ValidationError) as error:
        services.duplicates.possible_duplicates(actor, relative_input("Søren", phone="12"))
    assert error.value.field == "phone"
