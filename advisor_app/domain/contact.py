"""Phone numbers, e-mail addresses, postcodes and birth years as a Danish form expects them."""

from __future__ import annotations

import re
from datetime import date

from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.text import check_characters

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_phone(value: str | None) -> str | None:
    """Danish numbers (8 digits, optional +45) as ``12 34 56 78``; others kept as +CC digits."""
    raw = (value or "").strip()
    if not raw:
        return None
    check_characters(raw, field="phone", label=N_("The phone number"))
    if re.search(r"[^0-9\s+()./-]", raw):  # [0-9]: \d takes any Unicode digit
        raise ValidationError(
            N_("A phone number may contain digits, spaces and + only."), field="phone"
        )
    digits = re.sub(r"[^0-9]", "", raw)
    international = raw.startswith("+") or raw.startswith("00")
    if raw.startswith("00"):
        digits = digits[2:]
    if international and digits.startswith("45"):
        digits, international = digits[2:], False
    if not international:
        if len(digits) != 8:
            raise ValidationError(N_("A Danish phone number has 8 digits."), field="phone")
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    if not 6 <= len(digits) <= 15:
        raise ValidationError(
            N_("A foreign phone number has 6 to 15 digits after +."), field="phone"
        )
    return "+" + digits


def clean_email(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    # NUL, ESC or a bidi override would pass the pattern below ([^@\s] takes them).
    check_characters(text, field="email", label=N_("The e-mail address"))
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValidationError(N_("The e-mail address is not valid."), field="email")
    return text


def clean_postcode(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    check_characters(text, field="postcode", label=N_("The postcode"))
    if not re.fullmatch(r"[0-9]{4}", text) or int(text) < 800:
        raise ValidationError(N_("A Danish postcode has 4 digits (0800-9999)."), field="postcode")
    return text


def check_birth_year(year: int | None, *, today: date, field: str = "birth_year") -> int | None:
    if year is None:
        return None
    this_year = today.year
    if not this_year - 125 <= year <= this_year:
        raise ValidationError(
            N_("The birth year must be between {low} and {high}."),
            low=this_year - 125,
            high=this_year,
            field=field,
        )
    return year


def age_in_years(birth_year: int | None, today: date) -> int | None:
    """Age as far as a birth year tells (the age reached this year)."""
    if birth_year is None:
        return None
    return today.year - birth_year


def is_child(birth_year: int | None, today: date) -> bool:
    """Child relatives (børn som pårørende) need age-appropriate handling: under 18."""
    age = age_in_years(birth_year, today)
    return age is not None and age < 18


def may_be_child(birth_year: int | None, today: date) -> bool:
    """Whether the relative may still be under 18: a birth year alone leaves the year they
    turn 18 open (the birthday may be to come), and no birth year leaves it all open."""
    age = age_in_years(birth_year, today)
    return age is None or age <= 18
