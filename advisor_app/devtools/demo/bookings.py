"""Booked meetings in the demo data (aftalte møder, Booking): about a third of the relatives
with an open course have their next meeting booked, on a weekday in the coming four weeks
(a few already today and tomorrow, so the start page has something to show), at the
counselling office, a library or the relative's own address, or by phone or video; a few
were cancelled.

They draw from a stream of their own (``bookings-{seed}``): adding them left every other
table of every seed as it was.
"""

from __future__ import annotations

import random
from datetime import datetime, time

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, Today
from advisor_app.domain.booking import BookingStatus, MeetingMode
from advisor_app.domain.relief_schedule import ZONE

BOOKED_SHARE = 0.33  # of the relatives with an open course
CANCELLED_SHARE = 0.06
HORIZON_DAYS = 28
_MODES = (
    (MeetingMode.IN_PERSON, 60),
    (MeetingMode.PHONE, 28),
    (MeetingMode.VIDEO, 12),
)
_PLACES = (
    "Pårørenderådgivningen, Rådhuset, mødelokale 2",
    "Pårørenderådgivningen, Rådhuset, mødelokale 4",
    "Sundhedshuset, Vestergade 12, lokale 1.07",
    "Hovedbiblioteket, Kirkegade 3, grupperum B",
    "Aktivitetscentret Solgården, Parkvej 40",
    "Hjemmebesøg hos den pårørende",
)
_MINUTES = (30, 45, 45, 45, 60, 60, 90)
_HOURS = (9, 9, 10, 10, 11, 12, 13, 13, 14, 15)


class Bookings:
    def __init__(
        self, *, rows: Rows, values: Values, today: Today, rng: random.Random, advisor_id: int
    ) -> None:
        self.rows, self.values, self.today, self.rng = rows, values, today, rng
        self.advisor_id = advisor_id
        self._modes = [m for m, _w in _MODES]
        self._weights = [w for _m, w in _MODES]
        self._day_start: dict[int, int] = {}

    def relative(self, relative_id: int, closed: int | None) -> None:
        """Maybe book this relative's next meeting (never for a closed course)."""
        rng = self.rng
        if closed is not None or rng.random() >= BOOKED_SHARE:
            return
        day = Today.weekday_or_friday(self.today.ordinal + rng.randint(0, HORIZON_DAYS))
        if day < self.today.ordinal:
            day = self.today.ordinal
        start = self._local_midnight(day) + rng.choice(_HOURS) * 3600 + rng.choice((0, 30)) * 60
        mode = rng.choices(self._modes, self._weights)[0]
        place = rng.choice(_PLACES) if mode is MeetingMode.IN_PERSON else ""
        created = self.today.start - rng.randint(2, 30) * DAY + rng.randint(8, 15) * 3600
        cancelled = rng.random() < CANCELLED_SHARE
        self.rows.add(
            "booking",
            (
                self.rows.next_id("booking"),
                relative_id,
                self.advisor_id,
                None,  # session_id: booked from the relative's page
                self.values.at(start),
                rng.choice(_MINUTES),
                mode.value,
                place,
                (BookingStatus.CANCELLED if cancelled else BookingStatus.BOOKED).value,
                self.values.at(created),
                self.values.at(created + DAY) if cancelled else None,
                2 if cancelled else 1,
            ),
        )

    def _local_midnight(self, ordinal: int) -> int:
        """Epoch seconds of midnight in Copenhagen on that day (summer time or not)."""
        found = self._day_start.get(ordinal)
        if found is None:
            found = int(
                datetime.combine(datetime.fromordinal(ordinal).date(), time(0), ZONE).timestamp()
            )
            self._day_start[ordinal] = found
        return found
