"""Relief arrangements (aflastning, afløsning, besøgsven; Relief) and the two tracked
arrangements around them, pasning af nærtstående (SEL § 118, ``CARE_LEAVE``) and
plejevederlag (Ældreloven § 24, ``CARE_ALLOWANCE``): their vocabularies, the legal basis
proposed from the citizen's situation, the status rules and the warnings.

The legal bases are data (resources/seed/relief_legal_basis.json, read by the services and
handed in as ``LegalBasis`` values): the paragraphs and their effective dates change by law,
not by release. The schedules and their expansion into occurrences are in
``domain/relief_schedule.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NewType

from advisor_app.domain.enum_labels import EnumLabels
from advisor_app.domain.enums import Language, LegalFramework
from advisor_app.domain.errors import N_, ValidationError


class ReliefKind(StrEnum):
    HOME_SUBSTITUTE = "home_substitute"  # afløsning i hjemmet
    DAY_CENTRE = "day_centre"  # aflastning: dagcenter
    RESPITE_STAY = "respite_stay"  # aflastning: aflastningsophold
    VISITING_FRIEND = "visiting_friend"  # besøgsven
    MEAL_FRIEND = "meal_friend"  # spiseven
    CARE_LEAVE = "care_leave"  # pasning af nærtstående, SEL § 118 (tracked, no schedule)
    CARE_ALLOWANCE = "care_allowance"  # plejevederlag, Ældreloven § 24 (tracked, no schedule)


#: The tracked arrangements: a period with limits, not hours of relief on a calendar.
TRACKED_KINDS = frozenset({ReliefKind.CARE_LEAVE, ReliefKind.CARE_ALLOWANCE})
SCHEDULED_KINDS = frozenset(set(ReliefKind) - TRACKED_KINDS)


class ProviderKind(StrEnum):
    MUNICIPAL = "municipal"  # a municipal unit (dagcenter, hjemmepleje)
    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"  # a voluntary organisation (Ældre Sagen, Røde Kors, ...)


class ReliefStatus(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    REFUSED = "refused"


class Situation(StrEnum):
    """The citizen's situation that decides the act relief falls under (SEL § 2 stk. 5)."""

    ELDERLY = "elderly"
    OTHER = "other"  # disability, younger


#: Which status may follow which. An ended or refused arrangement is history; a new one is
#: made instead (so the history of each stays true).
TRANSITIONS: Mapping[ReliefStatus, frozenset[ReliefStatus]] = {
    ReliefStatus.REQUESTED: frozenset(
        {ReliefStatus.GRANTED, ReliefStatus.REFUSED, ReliefStatus.ACTIVE}
    ),
    ReliefStatus.GRANTED: frozenset({ReliefStatus.ACTIVE, ReliefStatus.ENDED}),
    ReliefStatus.ACTIVE: frozenset({ReliefStatus.PAUSED, ReliefStatus.ENDED}),
    ReliefStatus.PAUSED: frozenset({ReliefStatus.ACTIVE, ReliefStatus.ENDED}),
    ReliefStatus.ENDED: frozenset(),
    ReliefStatus.REFUSED: frozenset(),
}
#: The statuses whose schedule gives the relative relief (counted in the coverage).
IN_FORCE = frozenset({ReliefStatus.GRANTED, ReliefStatus.ACTIVE})

RELIEF_LABELS = EnumLabels(
    (ReliefKind.HOME_SUBSTITUTE, N_("Substitute care in the home (afløsning)")),
    (ReliefKind.DAY_CENTRE, N_("Day centre (aflastning)")),
    (ReliefKind.RESPITE_STAY, N_("Respite stay (aflastningsophold)")),
    (ReliefKind.VISITING_FRIEND, N_("Visiting friend")),
    (ReliefKind.MEAL_FRIEND, N_("Meal friend")),
    (ReliefKind.CARE_LEAVE, N_("Employment to care (SEL § 118)")),
    (ReliefKind.CARE_ALLOWANCE, N_("Care allowance (plejevederlag)")),
    (ProviderKind.MUNICIPAL, N_("Municipal unit")),
    (ProviderKind.VOLUNTEER, N_("Volunteer")),
    (ProviderKind.ORGANISATION, N_("Organisation")),
    (ReliefStatus.REQUESTED, N_("Requested")),
    (ReliefStatus.GRANTED, N_("Granted")),
    (ReliefStatus.ACTIVE, N_("Active")),
    (ReliefStatus.PAUSED, N_("Paused")),
    (ReliefStatus.ENDED, N_("Ended")),
    (ReliefStatus.REFUSED, N_("Refused")),
    (Situation.ELDERLY, N_("Elderly")),
    (Situation.OTHER, N_("Disability or younger")),
)


def check_transition(current: ReliefStatus, new: ReliefStatus) -> None:
    if new not in TRANSITIONS[current]:
        raise ValidationError(
            N_("An arrangement that is {current} cannot become {new}."),
            field="status",
            current=RELIEF_LABELS[current],
            new=RELIEF_LABELS[new],
        )


# ---- legal basis ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LegalBasis:
    """One paragraph that can carry an arrangement, in force from ``valid_from`` (inclusive)
    to ``valid_to`` (inclusive; None: still in force)."""

    code: str
    act: str
    paragraph: str
    text_da: str
    text_en: str
    kinds: frozenset[ReliefKind]
    situations: frozenset[Situation]
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def reference(self) -> str:
        """What a form shows: 'Ældreloven § 16'."""
        return f"{self.act} {self.paragraph}"

    def text(self, language: str) -> str:
        return self.text_da if language == "da" else self.text_en


@dataclass(frozen=True)
class LegalBasisCatalogue:
    bases: tuple[LegalBasis, ...]
    elderly_from_age: int

    def get(self, code: str) -> LegalBasis | None:
        return next((b for b in self.bases if b.code == code), None)

    def situation(self, framework: LegalFramework, birth_year: int | None, on: date) -> Situation:
        """The situation as the citizen's record says it: the recorded framework decides;
        when it is undetermined, the age proposes (the advisor can change the basis)."""
        if framework is LegalFramework.ELDER_ACT:
            return Situation.ELDERLY
        if framework is LegalFramework.SOCIAL_SERVICES_ACT:
            return Situation.OTHER
        if birth_year is not None and on.year - birth_year >= self.elderly_from_age:
            return Situation.ELDERLY
        return Situation.OTHER

    def propose(self, kind: ReliefKind, situation: Situation, on: date) -> LegalBasis | None:
        """The first basis in the data that covers the kind, the situation and the date."""
        for basis in self.bases:
            if kind in basis.kinds and situation in basis.situations and basis.in_force(on):
                return basis
        return None

    def choices(self, kind: ReliefKind) -> tuple[LegalBasis, ...]:
        return tuple(b for b in self.bases if kind in b.kinds)


def parse_catalogue(data: Mapping[str, Any]) -> LegalBasisCatalogue:
    """The seed file's content as a catalogue; a malformed file is our bug (ValueError)."""

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    bases = []
    for item in data["bases"]:
        basis = LegalBasis(
            code=str(item["code"]),
            act=str(item["act"]),
            paragraph=str(item["paragraph"]),
            text_da=str(item["da"]),
            text_en=str(item["en"]),
            kinds=frozenset(ReliefKind(k) for k in item["kinds"]),
            situations=frozenset(Situation(s) for s in item["situations"]),
            valid_from=day(item.get("valid_from")),
            valid_to=day(item.get("valid_to")),
        )
        if basis.valid_from and basis.valid_to and basis.valid_to < basis.valid_from:
            raise ValueError(f"legal basis {basis.code} ends before it starts")
        bases.append(basis)
    if len({b.code for b in bases}) != len(bases):
        raise ValueError("legal basis codes must be unique")
    return LegalBasisCatalogue(tuple(bases), int(data["elderly_from_age"]))


# ---- the tracked arrangements' limits ------------------------------------------------------
CARE_LEAVE_MONTHS = 6
CARE_LEAVE_MAX_PERIODS = 2
ENDING_SOON_DAYS = 30


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date | None  # None: open (not yet ended)

    def days(self, today: date) -> int:
        """Days in the period, both ends counted; an open one counts up to today."""
        end = self.ends_on if self.ends_on is not None else max(today, self.starts_on)
        return (end - self.starts_on).days + 1


@dataclass(frozen=True)
class ReliefWarning:
    """Something the advisor should act on; ``message`` is an English source template."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    arrangement_ids: tuple[int, ...] = ()

    def translated(self, gettext: Any) -> str:
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return str(gettext(self.message).format(**params))


def care_leave_allowance_days(first_start: date) -> int:
    """Six months in days, counted from the first period's start (181-184 days)."""
    return (add_months(first_start, CARE_LEAVE_MONTHS) - first_start).days


def care_leave_warnings(
    periods: Sequence[Period], today: date, arrangement_ids: tuple[int, ...] = ()
) -> list[ReliefWarning]:
    """SEL § 118: employment to care for a relative is at most 6 months in total, in at
    most two periods. ``periods`` are one relative's for one citizen."""
    if not periods:
        return []
    found: list[ReliefWarning] = []
    ordered = sorted(periods, key=lambda p: p.starts_on)
    if len(ordered) > CARE_LEAVE_MAX_PERIODS:
        found.append(
            ReliefWarning(
                "care_leave_periods",
                N_(
                    "Employment to care (SEL § 118) can be split in at most two periods; "
                    "there are {count}."
                ),
                {"count": len(ordered)},
                arrangement_ids,
            )
        )
    allowed = care_leave_allowance_days(ordered[0].starts_on)
    used = sum(p.days(today) for p in ordered)
    if used > allowed:
        found.append(
            ReliefWarning(
                "care_leave_total",
                N_(
                    "Employment to care (SEL § 118) is at most 6 months in total: these "
                    "periods add up to {days} days, {over} more than allowed."
                ),
                {"days": used, "over": used - allowed},
                arrangement_ids,
            )
        )
    for earlier, later in itertools.pairwise(ordered):
        if earlier.ends_on is None or later.starts_on <= earlier.ends_on:
            found.append(
                ReliefWarning(
                    "care_leave_overlap",
                    N_("Two periods of employment to care (SEL § 118) overlap."),
                    {},
                    arrangement_ids,
                )
            )
            break
    return found


def care_allowance_warnings(
    ends_on: date | None, citizen_died_on: date | None, arrangement_id: int = 0
) -> list[ReliefWarning]:
    """Plejevederlag (Ældreloven § 24) is for caring for a dying person: it ends with the
    death. An end date after the death, or none once the death is recorded, is flagged."""
    if citizen_died_on is None:
        return []
    if ends_on is None or ends_on > citizen_died_on:
        return [
            ReliefWarning(
                "care_allowance_after_death",
                N_(
                    "The care allowance (plejevederlag) ends with the death: set its end date "
                    "to {date} at the latest."
                ),
                {"date": citizen_died_on},
                (arrangement_id,),
            )
        ]
    return []


def ending_soon_warning(
    kind_label: str,
    ends_on: date | None,
    status: ReliefStatus,
    today: date,
    arrangement_id: int = 0,
    days: int = ENDING_SOON_DAYS,
) -> ReliefWarning | None:
    """An arrangement in force that ends within ``days``: time to plan what comes next."""
    if ends_on is None or status not in IN_FORCE | {ReliefStatus.PAUSED}:
        return None
    left = (ends_on - today).days
    if 0 <= left <= days:
        return ReliefWarning(
            "ending_soon",
            N_("{kind} ends in {days} days ({date})."),
            {"kind": kind_label, "days": left, "date": ends_on},
            (arrangement_id,),
        )
    return None


def check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(N_("The end date is before the start date."), field="ends_on")
    if ends_on is not None and ends_on - starts_on > timedelta(days=366 * 10):
        raise ValidationError(N_("An arrangement can last at most ten years."), field="ends_on")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_weeks(first_monday: date, weeks: int) -> Iterable[date]:
    return (first_monday + timedelta(weeks=n) for n in range(weeks))


# ---- what leaves the program: a handout's or a calendar's plain data -----------------------
ReliefId = NewType("ReliefId", int)


@dataclass(frozen=True)
class ReliefOccurrence:
    """One concrete time of relief (what a handout or a calendar shows)."""

    arrangement_id: ReliefId
    kind: ReliefKind
    provider_kind: ProviderKind
    provider_name: str
    start: datetime  # UTC
    end: datetime  # UTC
    local_date: date
    holiday: str | None  # the public holiday it falls on, in the relative's language

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class ReliefCalendar:
    """A relative's relief plan for a calendar file: the occurrences and the language of
    their captions; nothing about the citizen's health, no CPR number, no name."""

    relative_id: int
    language: Language
    generated_at: datetime
    occurrences: tuple[ReliefOccurrence, ...]
