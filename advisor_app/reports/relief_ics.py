"""A relative's relief plan as an iCalendar file (RFC 5545) that a calendar program imports.

One VEVENT per occurrence (the expansion already skipped cancelled dates and, where the
arrangement says so, public holidays, so no RRULE/EXDATE has to say the same twice), with
the times in Europe/Copenhagen and its VTIMEZONE, and a UID made of the arrangement and
the date, so importing a newer file updates the same events instead of doubling them.
Only what the relative needs: the kind of relief, the provider and the time. No name, no
CPR number, nothing about the citizen's health.
"""

from __future__ import annotations

from datetime import date

from icalendar import Calendar, Event, Timezone

from advisor_app.domain.relief import RELIEF_LABELS, ReliefCalendar, ReliefOccurrence
from advisor_app.domain.relief_schedule import ZONE
from advisor_app.i18n import N_, catalog

PRODUCT_ID = "-//advisor_app//Relief plan//EN"
UID_DOMAIN = "relief.advisor-app"
TITLE = N_("Relief plan")
HOLIDAY_NOTE = N_("Public holiday: {name}")


def uid(occurrence: ReliefOccurrence) -> str:
    return f"{occurrence.arrangement_id}-{occurrence.local_date:%Y%m%d}@{UID_DOMAIN}"


def render_calendar(plan: ReliefCalendar) -> bytes:
    text = catalog(plan.language.value).gettext
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(TITLE))
    calendar.add("x-wr-timezone", ZONE.key)
    # The zone's rules for the years the file spans (not 1970-2038: a smaller file).
    first = plan.generated_at.astimezone(ZONE).date()
    last = max((o.local_date for o in plan.occurrences), default=first)
    calendar.add_component(
        Timezone.from_tzid(
            ZONE.key, first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    )
    for occurrence in plan.occurrences:
        event = Event()
        event.add("uid", uid(occurrence))
        event.add("dtstamp", plan.generated_at)
        event.add("dtstart", occurrence.start.astimezone(ZONE))
        event.add("dtend", occurrence.end.astimezone(ZONE))
        event.add("summary", text(RELIEF_LABELS[occurrence.kind]))
        event.add("location", occurrence.provider_name)
        description = [occurrence.provider_name]
        if occurrence.holiday:
            description.append(text(HOLIDAY_NOTE).format(name=occurrence.holiday))
        event.add("description", "\n".join(description))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
