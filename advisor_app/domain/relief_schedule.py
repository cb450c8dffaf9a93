"""When relief happens: a schedule (one-off, weekly, every other week, monthly) with local
start and end times in Europe/Copenhagen, cancelled dates and Danish public holidays, and
its expansion into occurrences with their UTC instants.

Expansion is done on local dates and each occurrence is placed in the zone on its own day,
so 14:00 stays 14:00 on both sides of a DST change (the UTC instant moves by an hour). A
local time that does not exist (02:30 on the last Sunday of March) is read with the offset
before the change (zoneinfo's ``fold=0``), i.e. it becomes 03:30 summer time; one that
exists twice (02:30 on the last Sunday of October) is the first of the two.

The holidays come from the ``holidays`` library (Denmark's public holidays), not a hand
list: a schedule either skips them or keeps them, flagged with the holiday's name.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.relief import add_months, monday_of

ZONE = ZoneInfo("Europe/Copenhagen")
MAX_SPAN_DAYS = 28  # a respite stay of up to four weeks is one occurrence
MAX_EXCEPTIONS = 366
MAX_OCCURRENCES = 20_000  # a guard against expanding a range by mistake


class Recurrence(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"  # every other week
    MONTHLY = "monthly"  # the same day of the month (the month's last day when shorter)


RECURRENCE_LABELS: dict[StrEnum, str] = {
    Recurrence.ONCE: N_("Once"),
    Recurrence.WEEKLY: N_("Every week"),
    Recurrence.FORTNIGHTLY: N_("Every other week"),
    Recurrence.MONTHLY: N_("Every month"),
}


@functools.lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    found = holidays.country_holidays("DK", years=year, language=language)
    return {day: str(name) for day, name in found.items()}


def holiday_name(day: date, language: str = "da") -> str | None:
    """Denmark's public holiday on ``day`` (in Danish or English), or None."""
    return _holidays(day.year, "da" if language == "da" else "en_US").get(day)


@dataclass(frozen=True)
class Schedule:
    recurrence: Recurrence
    first_date: date
    start_time: time
    end_time: time
    until: date | None = None  # the last date an occurrence may start; None: open-ended
    span_days: int = 0  # an occurrence ends this many days after it starts (overnight stays)
    exceptions: frozenset[date] = frozenset()  # cancelled dates
    skip_holidays: bool = False

    def validate(self) -> None:
        if not 0 <= self.span_days <= MAX_SPAN_DAYS:
            raise ValidationError(
                N_("A stay can last at most {days} days."), field="span_days", days=MAX_SPAN_DAYS
            )
        if self.span_days == 0 and self.end_time <= self.start_time:
            raise ValidationError(
                N_("The end time must be after the start time."), field="end_time"
            )
        if self.until is not None and self.until < self.first_date:
            raise ValidationError(N_("The schedule ends before its first date."), field="until")
        if len(self.exceptions) > MAX_EXCEPTIONS:
            raise ValidationError(
                N_("At most {limit} cancelled dates."), field="exceptions", limit=MAX_EXCEPTIONS
            )

    def local_dates(self, start: date, end: date) -> Iterator[date]:
        """Every date the schedule falls on in [start, end], before exceptions."""
        last = end if self.until is None else min(end, self.until)
        if self.recurrence is Recurrence.ONCE:
            if start <= self.first_date <= last:
                yield self.first_date
            return
        if self.recurrence is Recurrence.MONTHLY:
            months = max(
                0,
                (start.year - self.first_date.year) * 12 + start.month - self.first_date.month - 1,
            )
            while True:
                day = add_months(self.first_date, months)
                if day > last:
                    return
                if day >= start:
                    yield day
                months += 1
        step = 7 if self.recurrence is Recurrence.WEEKLY else 14
        skip = max(0, (start - self.first_date).days // step)
        day = self.first_date + timedelta(days=skip * step)
        while day <= last:
            if day >= start:
                yield day
            day += timedelta(days=step)


@dataclass(frozen=True, order=True)
class Occurrence:
    start: datetime  # UTC
    end: datetime  # UTC
    local_date: date  # the local date it starts on
    holiday: str | None = None  # the public holiday it falls on (kept, not skipped)

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def overlaps(self, other: Occurrence) -> bool:
        return self.start < other.end and other.start < self.end


def local_instant(day: date, at: time) -> datetime:
    """The UTC instant of a Copenhagen wall-clock time (see the module's note on DST)."""
    return datetime.combine(day, at, tzinfo=ZONE).astimezone(UTC)


def expand(schedule: Schedule, start: date, end: date, *, language: str = "da") -> list[Occurrence]:
    """The schedule's occurrences whose local date is in [start, end], in order."""
    found: list[Occurrence] = []
    for day in schedule.local_dates(start, end):
        if day in schedule.exceptions:
            continue
        holiday = holiday_name(day, language)
        if holiday is not None and schedule.skip_holidays:
            continue
        begins = local_instant(day, schedule.start_time)
        ends = local_instant(day + timedelta(days=schedule.span_days), schedule.end_time)
        if ends <= begins:
            # Only a zero-length local span across the spring gap gets here; skip it.
            continue
        found.append(Occurrence(begins, ends, day, holiday))
        if len(found) > MAX_OCCURRENCES:
            raise ValidationError(N_("The period is too long to show."), field="range")
    return found


@dataclass(frozen=True)
class Clash:
    """Two arrangements for the same citizen at the same time."""

    first_id: int
    second_id: int
    first: Occurrence
    second: Occurrence


def clashes(occurrences: Sequence[tuple[int, Occurrence]]) -> list[Clash]:
    """Overlaps between occurrences of different arrangements (``(arrangement_id, occ)``):
    a sweep over the start times, so n occurrences cost n log n plus the overlaps found."""
    ordered = sorted(occurrences, key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    found: list[Clash] = []
    active: list[tuple[int, Occurrence]] = []
    for ident, occ in ordered:
        active = [(i, o) for i, o in active if o.end > occ.start]
        for other_id, other in active:
            if other_id != ident:
                found.append(Clash(other_id, ident, other, occ))
        active.append((ident, occ))
    return found


def hours_by_week(occurrences: Iterable[Occurrence]) -> dict[date, float]:
    """Relief hours per ISO week, keyed by the week's Monday; an occurrence that runs past
    midnight into the next week is split at the local Monday 00:00."""
    hours: dict[date, float] = defaultdict(float)
    for occ in occurrences:
        cursor = occ.start
        while cursor < occ.end:
            local = cursor.astimezone(ZONE)
            monday = monday_of(local.date())
            next_monday = local_instant(monday + timedelta(days=7), time(0, 0))
            piece_end = min(occ.end, next_monday)
            hours[monday] += (piece_end - cursor).total_seconds() / 3600
            cursor = piece_end
    return dict(hours)


@dataclass(frozen=True)
class WeekCoverage:
    monday: date
    hours: float
    need: float | None  # the hours a week the relative said they need; None: not stated

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _ = self.monday.isocalendar()
        return year, week

    @property
    def uncovered(self) -> bool:
        """Fewer relief hours than needed (a rounding margin of a minute)."""
        return self.need is not None and self.need > 0 and self.hours + 1 / 60 < self.need


def coverage(
    occurrences: Iterable[Occurrence], first_monday: date, weeks: int, need: float | None
) -> list[WeekCoverage]:
    by_week = hours_by_week(occurrences)
    first = monday_of(first_monday)
    return [
        WeekCoverage(monday, round(by_week.get(monday, 0.0), 4), need)
        for monday in (first + timedelta(weeks=n) for n in range(weeks))
    ]
