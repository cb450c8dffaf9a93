"""Domain rules without a database: CPR numbers, text cleaning, Danish search folding,
contact details and the small consent and follow-up rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.contact import (
    check_birth_year,
    clean_email,
    clean_phone,
    clean_postcode,
    is_child,
)
from advisor_app.domain.cpr import Cpr, century, parse_cpr
from advisor_app.domain.enums import ActionStatus, ConsentStatus, Purpose, Role
from advisor_app.domain.errors import AccessDeniedError, ValidationError
from advisor_app.domain.permissions import Permission, refusal
from advisor_app.domain.rules import (
    check_care_hours,
    check_duration,
    check_period,
    consent_status,
    is_overdue,
)
from advisor_app.domain.text import clean_line, clean_note, fold, search_key, search_tokens

FAR_FUTURE = date(2100, 1, 1)

TODAY = date(2026, 12, 1)  # the domain takes the day; it never reads the clock


def mod11_ok(digits: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


# ---- CPR: century from digit 7 --------------------------------------------------------------
@pytest.mark.parametrize("digit", [0, 1, 2, 3])
@pytest.mark.parametrize("yy", [0, 36, 37, 57, 58, 99])
def test_digit_7_from_0_to_3_is_always_the_1900s(digit: int, yy: int) -> None:
    assert century(digit, yy) == 1900


@pytest.mark.parametrize("digit", [4, 9])
@pytest.mark.parametrize(("yy", "expected"), [(0, 2000), (36, 2000), (37, 1900), (99, 1900)])
def test_digit_7_of_4_and_9_splits_at_36_37(digit: int, yy: int, expected: int) -> None:
    assert century(digit, yy) == expected


@pytest.mark.parametrize("digit", [5, 6, 7, 8])
@pytest.mark.parametrize(("yy", "expected"), [(0, 2000), (57, 2000), (58, 1800), (99, 1800)])
def test_digit_7_from_5_to_8_splits_at_57_58(digit: int, yy: int, expected: int) -> None:
    assert century(digit, yy) == expected


@pytest.mark.parametrize(
    ("text", "today", "born"),
    [
        ("010136-0001", date(2026, 1, 1), date(1936, 1, 1)),
        ("010136-4001", date(2040, 1, 1), date(2036, 1, 1)),
        ("010137-4001", date(2026, 1, 1), date(1937, 1, 1)),
        ("311299-9001", date(2026, 1, 1), date(1999, 12, 31)),
        ("010157-5001", date(2060, 1, 1), date(2057, 1, 1)),
        ("010158-5001", date(1960, 1, 1), date(1858, 1, 1)),
        ("150608-8001", date(2026, 1, 1), date(2008, 6, 15)),
    ],
)
def test_parse_cpr_derives_the_birth_date(text: str, today: date, born: date) -> None:
    assert parse_cpr(text, today=today).birth_date == born


@pytest.mark.parametrize("text", ["0101801234", "010180-1234", " 010180 - 1234 ", "010180 1234"])
def test_parse_cpr_accepts_the_usual_spellings(text: str) -> None:
    cpr = parse_cpr(text, today=TODAY)
    assert cpr.digits == "0101801234"
    assert cpr.birth_date == date(1980, 1, 1)


def test_numbers_failing_modulus_11_are_accepted() -> None:
    """Numbers without modulus 11 have been issued since 2007 (DOMAIN.md)."""
    for text in ("010180-1234", "241007-4001", "010115-4002"):
        assert not mod11_ok(text.replace("-", ""))
        assert parse_cpr(text, today=TODAY).digits == text.replace("-", "")


@pytest.mark.parametrize(
    "text",
    [
        "310290-1234",  # 31 February
        "300289-1234",  # 30 February
        "290289-1234",  # 29 February 1989, not a leap year
        "290200-1234",  # digit 7 = 1: 1900, not a leap year
        "320180-1234",
        "011380-1234",
        "000180-1234",
        "010080-1234",
    ],
)
def test_impossible_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cpr(text, today=TODAY)
    assert caught.value.field == "cpr"


def test_leap_days_follow_the_century() -> None:
    assert parse_cpr("290288-1234", today=TODAY).birth_date == date(1988, 2, 29)
    assert parse_cpr("290200-4234", today=TODAY).birth_date == date(
        2000, 2, 29
    )  # digit 7 = 4: 2000


def test_future_birth_dates_are_rejected() -> None:
    today = date(2026, 6, 15)
    assert parse_cpr("150626-4001", today=today).birth_date == today
    with pytest.raises(ValidationError, match="future"):
        parse_cpr("160626-4001", today=today)
    with pytest.raises(ValidationError, match="future"):
        parse_cpr("010130-4001", today=today)  # 2030


def test_a_birth_year_no_living_person_has_is_rejected() -> None:
    with pytest.raises(ValidationError):
        parse_cpr("010158-5001", today=date(2026, 1, 1))  # 1858


@pytest.mark.parametrize(
    "text",
    ["", "   ", "010180-123", "010180-12345", "01018O-1234", "010180_1234", "0101-801234", None],
)
def test_malformed_numbers_are_rejected(text: str | None) -> None:
    with pytest.raises(ValidationError):
        parse_cpr(text, today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["٠١٠١٨٠-١٢٣٤", "０１０１８０-１２３４"])
def test_non_ascii_digits_are_not_a_cpr_number(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_cpr(text, today=TODAY)


def test_the_full_number_never_shows_in_repr_str_or_format() -> None:
    cpr = parse_cpr("010180-1234", today=TODAY)
    assert cpr.masked == "010180-xxxx"
    for shown in (repr(cpr), str(cpr), f"{cpr}", repr([cpr]), repr({"c": cpr})):
        assert "1234" not in shown
        assert "0101801234" not in shown
    assert Cpr("0101801234", date(1980, 1, 1)) == cpr


def test_error_messages_never_echo_the_number() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cpr("310290-9876", today=TODAY)
    assert "9876" not in str(caught.value) and "310290" not in str(caught.value)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.text())
def test_parse_cpr_raises_only_validation_error_on_any_text(text: str) -> None:
    try:
        cpr = parse_cpr(text, today=TODAY)
    except ValidationError:
        return
    assert len(cpr.digits) == 10 and cpr.digits.isascii() and cpr.digits.isdigit()


@settings(deadline=None)
@given(st.from_regex(r"[0-9]{6}-?[0-9]{4}", fullmatch=True))
def test_parse_cpr_on_digit_shaped_text_gives_a_consistent_date(text: str) -> None:
    try:
        cpr = parse_cpr(text, today=TODAY)
    except ValidationError:
        return
    digits = text.replace("-", "")
    assert cpr.digits == digits
    assert cpr.birth_date.strftime("%d%m%y") == digits[:6]
    assert cpr.birth_date <= date.today()


# ---- text: cleaning --------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", "   ", "\u00a0", None, "\t"])
def test_clean_line_requires_text(value: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_line(value, field="name", label="The name")
    assert caught.value.field == "name"
    assert clean_line(value, field="name", label="The name", required=False) is None


@pytest.mark.parametrize(
    "value", ["Anna\x00", "An\x07na", "Anna\x1b[31m", "An\u200bna", "Anna\u202e", "A\x7fnna"]
)
def test_clean_line_rejects_control_characters(value: str) -> None:
    with pytest.raises(ValidationError, match="control"):
        clean_line(value, field="name", label="The name")


def test_clean_line_rejects_more_than_one_line() -> None:
    with pytest.raises(ValidationError):
        clean_line("Anna\nHansen", field="name", label="The name")


def test_clean_line_length_limit_is_120() -> None:
    assert clean_line("x" * 120, field="name", label="The name") == "x" * 120
    with pytest.raises(ValidationError, match="too long"):
        clean_line("x" * 121, field="name", label="The name")
    with pytest.raises(ValidationError, match="too long"):
        clean_line("x" * 10_000, field="name", label="The name")


def test_the_length_limit_counts_the_stored_nfc_text() -> None:
    """macOS types "é" as e + combining accent: 120 of them are 120 letters, not 240."""
    decomposed = "e\u0301" * 120
    assert clean_line(decomposed, field="n", label="N") == "\u00e9" * 120
    assert clean_note("e\u0301" * 20_000, field="n", label="N") == "\u00e9" * 20_000


def test_clean_line_trims_folds_spaces_and_normalises_to_nfc() -> None:
    assert clean_line("  Anne \u00a0 Marie\tJensen ", field="n", label="N") == "Anne Marie Jensen"
    assert clean_line("Rene\u0301", field="n", label="N") == "Ren\u00e9"


def test_clean_note_keeps_lines_and_rejects_control_characters() -> None:
    assert clean_note("a\r\nb\rc\td", field="n", label="N") == "a\nb\nc\td"
    with pytest.raises(ValidationError):
        clean_note("a\x00b", field="n", label="N")
    with pytest.raises(ValidationError):
        clean_note("x" * 20_001, field="n", label="N")


# ---- text: Danish search folding ----------------------------------------------------------
def finds(query: str, stored: str) -> bool:
    """What the search does: every folded query word is a substring of the stored key."""
    key = search_key(stored)
    tokens = search_tokens(query)
    return bool(tokens) and all(t in key for t in tokens)


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("Soren", "Søren"),
        ("søren", "SØREN"),
        ("Soeren", "Søren"),
        ("Aebelo", "Æbelø"),
        ("æbelø", "Aebelo"),
        ("Aabenraa", "Åbenrå"),
        ("Abenra", "Åbenrå"),
        ("åbenrå", "Aabenraa"),
        ("Jose", "José"),
        ("jose", "JOSÉ"),
        ("Muller", "Müller"),
        ("Loekke", "Løkke"),
        ("ren han", "Søren Hansen"),
    ],
)
def test_danish_folding_finds_either_spelling(query: str, stored: str) -> None:
    assert finds(query, stored)


@pytest.mark.parametrize(("query", "stored"), [("Sara", "Søren"), ("Anna", "Hanne")])
def test_folding_does_not_match_everything(query: str, stored: str) -> None:
    assert not finds(query, stored)


def test_fold_is_idempotent_and_lower_case() -> None:
    for text in ("Søren Ærø Åbenrå", "JOSÉ MÜLLER", "Ærlig Øbro"):
        once = fold(text)
        assert fold(once) == once
        assert once == once.lower()
        assert not set("æøåéü") & set(once)


@pytest.mark.parametrize(
    "query",
    ["87654321", "87 65 43 21", "8765-4321", "+45 87 65 43 21", "+4587654321", "0045 87654321"],
)
def test_phone_numbers_are_found_with_or_without_spaces_and_country_code(query: str) -> None:
    """Danish numbers are stored without +45 (clean_phone); the query may have it.
    87654321 holds no "45", so the country code cannot match by chance."""
    stored = search_key("Anna Hansen", clean_phone("87654321"))
    tokens = search_tokens(query)
    assert tokens and all(t in stored for t in tokens)


def test_a_foreign_number_keeps_its_country_code() -> None:
    stored = search_key("Anna Hansen", clean_phone("+46 8 123 456 78"))
    assert all(t in stored for t in search_tokens("+46 8 123 456 78"))
    assert search_tokens("+46 8 123 456 78")[0] == "46"
    assert search_tokens("+4681234567") == ["4681234567"]


# ---- contact details --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("12345678", "12 34 56 78"),
        ("12 34 56 78", "12 34 56 78"),
        ("+45 12 34 56 78", "12 34 56 78"),
        ("0045 12345678", "12 34 56 78"),
        ("12-34-56-78", "12 34 56 78"),
        ("+46 8 123 456 78", "+46812345678"),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_phone_numbers_are_normalised(raw: str | None, clean: str | None) -> None:
    assert clean_phone(raw) == clean


@pytest.mark.parametrize(
    "raw", ["1234567", "123456789", "+45 1234567", "call me", "12345678x", "+1 234", "١٢٣٤٥٦٧٨"]
)
def test_bad_phone_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_phone(raw)
    assert caught.value.field == "phone"


@pytest.mark.parametrize(("raw", "clean"), [("8000", "8000"), (" 0800 ", "0800"), ("", None)])
def test_postcodes(raw: str, clean: str | None) -> None:
    assert clean_postcode(raw) == clean


@pytest.mark.parametrize("raw", ["0799", "800", "80000", "abcd", "80 00", "８０００"])
def test_bad_postcodes_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        clean_postcode(raw)


@pytest.mark.parametrize("raw", ["anna@example.dk", " anna.hansen+x@kommune.dk "])
def test_emails(raw: str) -> None:
    assert clean_email(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw", ["anna", "anna@", "anna@example", "an na@example.dk", "a@b@c.dk", "a" * 250 + "@x.dk"]
)
def test_bad_emails_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        clean_email(raw)


def test_birth_years_and_children() -> None:
    today = date(2026, 6, 1)
    assert check_birth_year(2010, today=today) == 2010
    for bad in (2027, 1900):
        with pytest.raises(ValidationError):
            check_birth_year(bad, today=today)
    assert is_child(2009, today) and not is_child(2008, today) and not is_child(None, today)


# ---- rules -------------------------------------------------------------------------------------
def test_consent_status() -> None:
    today = date(2026, 6, 1)
    gone = datetime(2026, 5, 1, tzinfo=UTC)
    assert consent_status(date(2026, 1, 1), None, None, today) is ConsentStatus.ACTIVE
    assert consent_status(date(2026, 1, 1), today, None, today) is ConsentStatus.ACTIVE
    assert consent_status(date(2026, 1, 1), date(2026, 5, 31), None, today) is (
        ConsentStatus.EXPIRED
    )
    assert consent_status(date(2026, 1, 1), None, gone, today) is ConsentStatus.WITHDRAWN
    assert consent_status(date(2026, 7, 1), None, None, today) is ConsentStatus.NOT_YET


def test_overdue_is_open_and_due_before_today() -> None:
    today = date(2026, 6, 1)
    yesterday = date(2026, 5, 31)
    assert is_overdue(ActionStatus.OPEN, yesterday, today)
    assert not is_overdue(ActionStatus.OPEN, today, today)
    assert not is_overdue(ActionStatus.OPEN, None, today)
    assert not is_overdue(ActionStatus.DONE, yesterday, today)
    assert not is_overdue(ActionStatus.CANCELLED, yesterday, today)


def test_ranges() -> None:
    assert check_care_hours(None) is None
    assert check_care_hours(168) == 168
    assert check_care_hours(7.25) == 7.2
    for bad in (-1, 168.5):
        with pytest.raises(ValidationError):
            check_care_hours(bad)
    check_period(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(ValidationError):
        check_period(date(2026, 1, 2), date(2026, 1, 1))
    assert check_duration(480) == 480
    for bad in (0, 481):
        with pytest.raises(ValidationError):
            check_duration(bad)


@pytest.mark.parametrize(
    ("role", "purpose"),
    [(Role.MANAGER, Purpose.ADVISORY), (Role.ADVISOR, Purpose.STATISTICS)],
)
def test_managers_and_statistics_never_reach_personal_data(role: Role, purpose: Purpose) -> None:
    for permission in (Permission.CASES_READ, Permission.CASES_WRITE, Permission.CASES_DELETE):
        assert isinstance(
            refusal(Actor(AdvisorId(1), "x", role, purpose), permission), AccessDeniedError
        )
        assert refusal(Actor(AdvisorId(1), "x", Role.ADVISOR, Purpose.ADVISORY), permission) is None
