"""Time while generating: epoch seconds for times and proleptic ordinals for dates (plain
ints are cheap to draw and compare; ``bulk.Values`` turns them into what the driver binds),
and the run's ``Today``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

DAY = 86_400
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# How far back the generated history reaches.
HISTORY_DAYS = 3 * 365


@dataclass(frozen=True, slots=True)
class Today:
    """The UTC day a run happens on. Everything is generated before it began, so the same
    seed gives the same rows all day."""

    date: date
    ordinal: int
    start: int  # epoch seconds at 00:00 UTC
    year: int

    @classmethod
    def of(cls, now: datetime) -> Today:
        today = now.astimezone(UTC).date()
        ordinal = today.toordinal()
        return cls(today, ordinal, (ordinal - EPOCH_ORDINAL) * DAY, today.year)

    def day_of(self, ts: int) -> int:
        """The ordinal of the first midnight at or after ``ts``: the day *after* ``ts``
        unless it is exactly midnight. (How dates have always been derived from times here;
        changing it would change every seed's rows.)"""
        return self.ordinal - (self.start - ts) // DAY

    @staticmethod
    def weekday_or_friday(ordinal: int) -> int:
        """``ordinal``, with Saturday and Sunday moved back to the Friday before."""
        weekday = (ordinal - 1) % 7
        if weekday >= 5:
            ordinal -= weekday - 4
        return ordinal
