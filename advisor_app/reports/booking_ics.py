"""A booked meeting as an iCalendar invitation (RFC 5545) the relative imports into a calendar.

One VEVENT in Europe/Copenhagen with its VTIMEZONE; the UID is the booking's, and SEQUENCE
its revision, so a moved meeting sent again replaces the earlier one, and a cancelled one is
sent with METHOD:CANCEL and STATUS:CANCELLED. Only what the relative needs: when, how long,
where (or by phone or video) and with which advisor. No name of the relative, no CPR number,
nothing about the citizen's health.
"""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event, Timezone

from advisor_app.domain.booking import MODE_LABELS, MeetingInvitation
from advisor_app.domain.relief_schedule import ZONE
from advisor_app.i18n import N_, catalog

PRODUCT_ID = "-//advisor_app//Meeting//EN"
UID_DOMAIN = "booking.advisor-app"
SUMMARY = N_("Meeting with your relatives' advisor")
WITH_ADVISOR = N_("Advisor: {name}")
HOW = N_("How: {mode}")


def uid(booking_id: int) -> str:
    return f"booking-{booking_id}@{UID_DOMAIN}"


def render_invitation(meeting: MeetingInvitation) -> bytes:
    text = catalog(meeting.language.value).gettext
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if meeting.cancelled else "PUBLISH")
    year = meeting.starts_at.astimezone(ZONE).year
    calendar.add_component(
        Timezone.from_tzid(
            ZONE.key, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)
        )
    )
    start = meeting.starts_at.astimezone(ZONE)
    event = Event()
    event.add("uid", uid(meeting.booking_id))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.generated_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", text(SUMMARY))
    if meeting.place:
        event.add("location", meeting.place)
    lines = [text(HOW).format(mode=text(MODE_LABELS[meeting.mode]))]
    if meeting.advisor_name:
        lines.append(text(WITH_ADVISOR).format(name=meeting.advisor_name))
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
