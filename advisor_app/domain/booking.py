"""A booked meeting (aftalt møde, Booking): the next meeting with a relative, agreed at the end
of a session or from the relative's page. Pure rules here; the table is
persistence/booking_models.py, the service services/bookings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from advisor_app.domain.enums import Language
from advisor_app.domain.errors import N_, ValidationError

MIN_MINUTES = 5
MAX_MINUTES = 480
DEFAULT_MINUTES = 45
PLACE_MAX = 200
# How far ahead a meeting may be booked (a typo in the year is caught).
MAX_AHEAD = timedelta(days=2 * 366)


class MeetingMode(StrEnum):
    """Where the booked meeting is: at a place, by phone or by video."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


MODE_LABELS: dict[MeetingMode, str] = {
    MeetingMode.IN_PERSON: N_("In person"),
    MeetingMode.PHONE: N_("Phone"),
    MeetingMode.VIDEO: N_("Video"),
}


@dataclass(frozen=True)
class MeetingInvitation:
    """What an invitation to a booked meeting says (reports/booking_ics.py renders it): no
    name of the relative, no CPR number, nothing about health."""

    booking_id: int
    sequence: int  # the booking's revision: a moved meeting replaces the earlier invitation
    starts_at: datetime
    duration_minutes: int
    mode: MeetingMode
    place: str
    advisor_name: str
    cancelled: bool
    generated_at: datetime
    language: Language


def check_booking_time(starts_at: datetime, minutes: int, now: datetime) -> None:
    """A booking starts in the future (not more than two years ahead), at an aware time, and
    lasts a real meeting's length."""
    if starts_at.tzinfo is None:
        raise ValidationError(N_("The meeting's time has no time zone."), field="starts_at")
    if starts_at <= now:
        raise ValidationError(N_("A meeting can only be booked ahead."), field="starts_at")
    if starts_at > now + MAX_AHEAD:
        raise ValidationError(
            N_("A meeting cannot be booked more than two years ahead."), field="starts_at"
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            N_("A meeting lasts between {low} and {high} minutes."),
            field="duration",
            low=MIN_MINUTES,
            high=MAX_MINUTES,
        )


def check_place(mode: MeetingMode, place: str) -> str:
    """The place of a meeting in person is required; a phone or video meeting may note a
    number or a link."""
    text = " ".join(place.split())
    if "\x00" in place:
        raise ValidationError(
            N_("The place contains a character that cannot be saved."), field="place"
        )
    if len(text) > PLACE_MAX:
        raise ValidationError(
            N_("The place can be at most {n} characters."), field="place", n=PLACE_MAX
        )
    if mode is MeetingMode.IN_PERSON and not text:
        raise ValidationError(N_("Say where the meeting is."), field="place")
    return text
