"""Time comes from a clock object passed in, never from ``date.today()`` in the core: tests
pin it, and "today" is the local (Danish) calendar day while stored times are UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, UTC-aware."""
        ...

    def today(self) -> date:
        """The local calendar day (the advisor's "today")."""
        ...


class SystemClock:
    """The machine's clock; "today" in the machine's local time zone."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(UTC).astimezone().date()


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests and reproducible runs."""

    moment: datetime

    def __post_init__(self) -> None:
        if self.moment.tzinfo is None:
            raise ValueError("a FixedClock needs an aware datetime")

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)

    def today(self) -> date:
        return self.moment.date()

    def advance(self, delta: timedelta) -> None:
        self.moment = self.moment + delta
