"""CPR numbers (DDMMYY-SSSS): parse, derive the birth date, mask.

Modulus 11 is *not* a validity test: numbers without it have been issued since 2007. A number
is accepted when it has 10 digits, a real date and a possible century (DOMAIN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from advisor_app.domain.errors import N_, ValidationError

# [0-9], not \d: \d also matches Arabic-Indic, full-width and other Unicode digits.
_SHAPE = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{2})-?([0-9]{4})$")
_OLDEST_AGE_YEARS = 125


def century(seventh_digit: int, yy: int) -> int:
    """The century a CPR number's year belongs to, from digit 7 and the two-digit year."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


@dataclass(frozen=True, slots=True)
class Cpr:
    """A parsed CPR number. Its repr and str never show the full number."""

    digits: str = field(repr=False)
    birth_date: date

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-xxxx"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Cpr({self.masked})"


def parse_cpr(text: str, *, today: date) -> Cpr:
    """Parse ``DDMMYY-SSSS`` (dash and surrounding spaces optional)."""
    compact = re.sub(r"\s+", "", text or "")
    match = _SHAPE.match(compact)
    if match is None:
        raise ValidationError(
            N_("A CPR number has 10 digits, written as DDMMYY-SSSS."), field="cpr"
        )
    dd, mm, yy, seq = match.groups()
    year = century(int(seq[0]), int(yy)) + int(yy)
    try:
        born = date(year, int(mm), int(dd))
    except ValueError:
        raise ValidationError(
            N_("The CPR number does not start with a real date (DDMMYY)."), field="cpr"
        ) from None
    if born > today:
        raise ValidationError(N_("The CPR number gives a birth date in the future."), field="cpr")
    if today.year - born.year > _OLDEST_AGE_YEARS:
        raise ValidationError(
            N_("The CPR number gives a birth year that is not possible for a living person."),
            field="cpr",
        )
    return Cpr(digits=dd + mm + yy + seq, birth_date=born)
