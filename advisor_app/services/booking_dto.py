"""What the booking and start-page services hand out: frozen rows, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from advisor_app.domain.booking import DEFAULT_MINUTES, BookingStatus, MeetingMode
from advisor_app.services.dto import ActionView, CheckInDueRow, RelativeId


@dataclass(frozen=True)
class BookingInput:
    relative_id: int
    starts_at: datetime  # aware
    duration_minutes: int = DEFAULT_MINUTES
    mode: MeetingMode = MeetingMode.IN_PERSON
    place: str = ""
    session_id: int | None = None  # booked at the end of this session


@dataclass(frozen=True)
class BookingView:
    id: int
    version: int
    relative_id: RelativeId
    relative_name: str
    advisor_id: int
    advisor_name: str
    starts_at: datetime
    duration_minutes: int
    mode: MeetingMode
    place: str
    status: BookingStatus
    session_id: int | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class TodayView:
    """The start page ("I dag"): what is booked today and tomorrow, the follow-ups due or
    overdue (the advisor's own first), the check-ins due, and how many of each."""

    today: date
    meetings: tuple[BookingView, ...]
    follow_ups: tuple[ActionView, ...]
    check_ins: tuple[CheckInDueRow, ...]
    meetings_today: int
    meetings_tomorrow: int
    follow_ups_due: int
    follow_ups_mine: int
    check_ins_due: int  # the rows listed: at most the list's length
    check_ins_more: bool = False  # more check-ins are due than the list shows
