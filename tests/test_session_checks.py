"""Warnings before a session is saved (domain/session_checks.py), with realistic Danish notes
and the false alarms they must not raise."""

from __future__ import annotations

from datetime import date

import pytest

from advisor_app.domain.session_checks import (
    cpr_like_numbers,
    name_like_words,
    session_warnings,
)


@pytest.mark.parametrize(
    ("note", "names"),
    [
        ("Hun passer sin mand, Jørgen, der har demens.", ("Jørgen",)),
        ("Karen Hansen ringede i går om aflastning.", ("Karen", "Hansen")),
        ("Søren er træt og sover dårligt.", ("Søren",)),
        ("Talte om datteren Mette og om barnebarnet.", ("Mette",)),
        ("Besøgsven via Røde Kors, kontakt til fru Nielsen.", ("Nielsen",)),
        ("Naboen, Hr. Jensen, kigger ind.", ("Jensen",)),
    ],
)
def test_names_in_a_note_are_found(note: str, names: tuple[str, ...]) -> None:
    assert name_like_words(note) == names


@pytest.mark.parametrize(
    "note",
    [
        "Mor til en søn med autisme. Føler sig alene og har brug for aflastning.",
        "Ægtefælle med KOL. Henvist til pårørendegruppe om onsdagen.",
        "Talte om Ældre Sagen og Alzheimerforeningen. Ny samtale om to uger.",
        "Jeg foreslog en besøgsven. De vil gerne høre mere om SEL § 84.",
        "Hvordan har du det? WHO-5 gav 48. Søvn og økonomi fylder.",
        "",
    ],
)
def test_ordinary_notes_raise_no_name_warning(note: str) -> None:
    assert name_like_words(note) == ()


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("Borgerens cpr 010190-1234 blev nævnt.", ("010190-xxxx",)),
        ("cpr: 2412851234", ("241285-xxxx",)),
        ("nr. 310302 4321 i journalen", ("310302-xxxx",)),
    ],
)
def test_cpr_like_numbers_are_found_and_masked(note: str, found: tuple[str, ...]) -> None:
    assert cpr_like_numbers(note) == found


@pytest.mark.parametrize(
    "note",
    [
        "Ring på 12 34 56 78 eller 23456789.",  # phone numbers
        "Næste møde 12.03.2025 kl. 10.",  # a date
        "Sag 2024-123456 i ESDH.",  # a case number
        "Kontonummer 1234567890123.",  # longer than a CPR number
        "Tal 320190-1234 har ingen dato.",  # the 32nd is no day
    ],
)
def test_numbers_that_are_not_cpr_like(note: str) -> None:
    assert cpr_like_numbers(note) == ()


def test_warnings_before_the_course_and_for_a_short_session() -> None:
    found = session_warnings(
        started_on=date(1990, 5, 1),
        duration_minutes=1,
        course_started_on=date(2024, 3, 1),
        anonymous=False,
        notes="Karen Hansen",  # a named session may name people
        today=date(2025, 6, 1),
    )
    assert [w.code for w in found] == ["before_course", "short"]
    assert found[0].translated(str) == (
        "The session is dated 01.05.1990, before the relative's course started on 01.03.2024."
    )


def test_an_ordinary_session_has_no_warnings() -> None:
    assert (
        session_warnings(
            started_on=date(2025, 5, 1),
            duration_minutes=45,
            course_started_on=date(2024, 3, 1),
            anonymous=True,
            notes="Træt og presset. Henvist til pårørendegruppe.",
            today=date(2025, 6, 1),
        )
        == ()
    )


def test_an_anonymous_note_that_identifies() -> None:
    found = session_warnings(
        started_on=date(2025, 5, 1),
        duration_minutes=45,
        course_started_on=None,
        anonymous=True,
        notes="Datter af Inge, cpr 010190-1234.",
        today=date(2025, 6, 1),
    )
    assert [w.code for w in found] == ["note_cpr", "note_name"]
    assert "010190-xxxx" in found[0].translated(str)
    assert "1234" not in found[0].translated(str)


def test_without_a_course_a_date_long_ago_is_warned_about() -> None:
    def codes(started: date) -> list[str]:
        found = session_warnings(
            started_on=started,
            duration_minutes=45,
            course_started_on=None,
            anonymous=False,
            notes="",
            today=date(2025, 6, 1),
        )
        return [w.code for w in found]

    assert codes(date(1990, 6, 1)) == ["long_ago"]
    assert codes(date(2025, 5, 20)) == []  # last week's meeting written up today
