"""Relief arrangements in the demo data (aflastning, afløsning, besøgsven; Relief), and the
tracked ones (pasning af nærtstående, plejevederlag): about a sixth of the adult relatives
have one to three, in every status with its history, on the legal basis the service would
propose; some have stated the hours of relief a week they need.

They draw from a stream of their own (``relief-{seed}``): adding them left every other
table of every seed as it was.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL, Today
from advisor_app.devtools.demo.vocabulary import Weighted
from advisor_app.domain.relief import (
    TRACKED_KINDS,
    ProviderKind,
    ReliefKind,
    ReliefStatus,
    Situation,
    add_months,
)
from advisor_app.domain.relief_schedule import Recurrence
from advisor_app.services.relief import legal_bases

RELIEF_SHARE = 0.17  # of the adult relatives
NEED_SHARE = 0.7  # of those with relief: a stated need
ELDERLY_FROM_AGE = 65

_KINDS = (
    (ReliefKind.DAY_CENTRE, 30),
    (ReliefKind.HOME_SUBSTITUTE, 25),
    (ReliefKind.VISITING_FRIEND, 14),
    (ReliefKind.RESPITE_STAY, 11),
    (ReliefKind.MEAL_FRIEND, 8),
    (ReliefKind.CARE_LEAVE, 6),
    (ReliefKind.CARE_ALLOWANCE, 6),
)
_STATUSES = (
    (ReliefStatus.ACTIVE, 40),
    (ReliefStatus.GRANTED, 14),
    (ReliefStatus.REQUESTED, 12),
    (ReliefStatus.PAUSED, 8),
    (ReliefStatus.ENDED, 20),
    (ReliefStatus.REFUSED, 6),
)
# The statuses an arrangement passed through to reach each status.
_PATHS: dict[ReliefStatus, tuple[ReliefStatus, ...]] = {
    ReliefStatus.REQUESTED: (ReliefStatus.REQUESTED,),
    ReliefStatus.REFUSED: (ReliefStatus.REQUESTED, ReliefStatus.REFUSED),
    ReliefStatus.GRANTED: (ReliefStatus.REQUESTED, ReliefStatus.GRANTED),
    ReliefStatus.ACTIVE: (ReliefStatus.REQUESTED, ReliefStatus.GRANTED, ReliefStatus.ACTIVE),
    ReliefStatus.PAUSED: (
        ReliefStatus.REQUESTED,
        ReliefStatus.GRANTED,
        ReliefStatus.ACTIVE,
        ReliefStatus.PAUSED,
    ),
    ReliefStatus.ENDED: (
        ReliefStatus.REQUESTED,
        ReliefStatus.GRANTED,
        ReliefStatus.ACTIVE,
        ReliefStatus.ENDED,
    ),
}
_RECURRENCES = (
    (Recurrence.WEEKLY, 55),
    (Recurrence.FORTNIGHTLY, 25),
    (Recurrence.MONTHLY, 10),
    (Recurrence.ONCE, 10),
)
# Typical hours by kind: (start minute of the day, length in minutes) choices.
_TIMES: dict[ReliefKind, tuple[tuple[int, int], ...]] = {
    ReliefKind.DAY_CENTRE: ((9 * 60, 360), (8 * 60 + 30, 390), (9 * 60 + 30, 300)),
    ReliefKind.HOME_SUBSTITUTE: ((13 * 60, 180), (18 * 60, 180), (9 * 60, 240), (19 * 60, 150)),
    ReliefKind.VISITING_FRIEND: ((14 * 60, 120), (10 * 60, 90), (15 * 60, 120)),
    ReliefKind.MEAL_FRIEND: ((12 * 60, 90), (17 * 60 + 30, 90)),
    ReliefKind.RESPITE_STAY: ((10 * 60, 0), (14 * 60, 0)),  # over several days
}
_PROVIDERS: dict[ReliefKind, tuple[tuple[ProviderKind, str], ...]] = {
    ReliefKind.DAY_CENTRE: (
        (ProviderKind.MUNICIPAL, "Dagcentret Solhøj"),
        (ProviderKind.MUNICIPAL, "Dagcentret Lindegården"),
        (ProviderKind.MUNICIPAL, "Aktivitetscentret Bøgely"),
        (ProviderKind.MUNICIPAL, "Demensdagcentret Kastanjehuset"),
    ),
    ReliefKind.HOME_SUBSTITUTE: (
        (ProviderKind.MUNICIPAL, "Hjemmeplejen Nord"),
        (ProviderKind.MUNICIPAL, "Hjemmeplejen Syd"),
        (ProviderKind.MUNICIPAL, "Afløsningsteamet"),
        (ProviderKind.ORGANISATION, "Alzheimerforeningens afløsning"),
    ),
    ReliefKind.RESPITE_STAY: (
        (ProviderKind.MUNICIPAL, "Aflastningsafsnittet på Plejecentret Egebakken"),
        (ProviderKind.MUNICIPAL, "Midlertidige pladser, Plejecentret Fjordly"),
        (ProviderKind.MUNICIPAL, "Rehabiliteringscentret Granhøj"),
    ),
    ReliefKind.VISITING_FRIEND: (
        (ProviderKind.ORGANISATION, "Ældre Sagens besøgstjeneste"),
        (ProviderKind.ORGANISATION, "Røde Kors besøgsvenner"),
        (ProviderKind.VOLUNTEER, "Frivillig besøgsven via Frivilligcentret"),
        (ProviderKind.ORGANISATION, "Hjerneskadeforeningens besøgsvenner"),
    ),
    ReliefKind.MEAL_FRIEND: (
        (ProviderKind.ORGANISATION, "Ældre Sagens spisevenner"),
        (ProviderKind.VOLUNTEER, "Frivillig spiseven via Frivilligcentret"),
        (ProviderKind.ORGANISATION, "Madklubben i Medborgerhuset"),
    ),
    ReliefKind.CARE_LEAVE: (
        (ProviderKind.MUNICIPAL, "Kommunen, Myndighed (pasning af nærtstående)"),
    ),
    ReliefKind.CARE_ALLOWANCE: ((ProviderKind.MUNICIPAL, "Kommunen, Myndighed (plejevederlag)"),),
}
_NOTES = (
    "Kørsel aftalt med dagcentret.",
    "Den pårørende ønsker faste dage.",
    "Aftalt prøveperiode på tre måneder.",
    "Revurderes ved næste opfølgning.",
    "Borgeren tryg ved medarbejderne.",
    "Pårørende bruger tiden til egen træning.",
)


def _minute(minutes: int) -> tuple[int, int]:
    return divmod(minutes % (24 * 60), 60)


class ReliefArrangements:
    """Builds a relative's relief arrangements, their cancelled dates, status history and
    the stated need into ``rows``."""

    def __init__(
        self, *, rows: Rows, values: Values, today: Today, rng: random.Random, advisor_id: int
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.rng = rng
        self.advisor_id = advisor_id
        self.kinds = Weighted.of(_KINDS)
        self.statuses = Weighted.of(_STATUSES)
        self.recurrences = Weighted.of(_RECURRENCES)
        self.catalogue = legal_bases()
        self.arrangements = 0

    def relief(
        self,
        relative_id: int,
        relations: Sequence[tuple[int, int]],
        created_day: int,
        child: bool,
    ) -> None:
        """``relations``: the relative's care relations as (relation id, citizen's age)."""
        rng = self.rng
        if child or not relations or rng.random() >= RELIEF_SHARE:
            return
        relation_id, age = relations[0] if rng.random() < 0.85 else rng.choice(relations)
        situation = Situation.ELDERLY if age >= ELDERLY_FROM_AGE else Situation.OTHER
        count = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.7 else 3)
        kinds = {self.kinds.pick(rng) for _ in range(count)}
        for kind in sorted(kinds):
            self._arrangement(relation_id, kind, situation, created_day)
            if kind is ReliefKind.CARE_LEAVE and rng.random() < 0.15:
                self._arrangement(relation_id, kind, situation, created_day)  # a second period
        if rng.random() < NEED_SHARE:
            stated = min(self.today.ordinal - 1, created_day + rng.randint(0, 60))
            self.rows.add(
                "relief_need",
                (
                    relative_id,
                    float(rng.choice((3, 4, 5, 6, 6, 8, 8, 10, 12, 15, 20))),
                    self.values.day(stated),
                    self.values.at((stated - EPOCH_ORDINAL) * DAY + 10 * 3600),
                    1,
                ),
            )

    def _arrangement(
        self, relation_id: int, kind: ReliefKind, situation: Situation, created_day: int
    ) -> None:
        rng, today, values = self.rng, self.today, self.values
        status = self.statuses.pick(rng)
        requested = max(created_day, today.ordinal - 720) + rng.randint(0, 120)
        requested = min(requested, today.ordinal - 1)
        path = _PATHS[status]
        # Each step some days after the one before, the last no later than yesterday.
        steps = [requested]
        for _ in path[1:]:
            steps.append(min(steps[-1] + rng.randint(3, 45), today.ordinal - 1))
        starts = steps[2] if len(steps) > 2 else steps[-1] + rng.randint(7, 30)
        ends: int | None = None
        died: int | None = None
        if kind is ReliefKind.CARE_LEAVE:
            months = rng.choice((1, 2, 3, 3, 4, 6))
            ends = add_months_ordinal(starts, months) - 1
        elif kind is ReliefKind.CARE_ALLOWANCE:
            ends = starts + rng.randint(14, 120)
            if status is ReliefStatus.ENDED:
                died = ends
        elif rng.random() < 0.4:
            ends = starts + rng.choice((90, 182, 365))
        if status is ReliefStatus.ENDED:
            ended_on = max(steps[-1], starts)
            ends = min(ends, ended_on) if ends is not None else ended_on
            steps[-1] = ended_on
        if ends is not None and ends < starts:
            ends = starts
        basis = self.catalogue.propose(kind, situation, date_of(starts))
        arrangement_id = self.rows.next_id("relief_arrangement")
        recurrence: Recurrence | None = None
        start_time = end_time = None
        span = 0
        skip_holidays = False
        cancelled: list[int] = []
        if kind not in TRACKED_KINDS:
            start_minute, length = rng.choice(_TIMES[kind])
            if kind is ReliefKind.RESPITE_STAY:
                recurrence = Recurrence.ONCE if rng.random() < 0.7 else Recurrence.MONTHLY
                span = rng.choice((2, 3, 4, 7, 7, 14))
                length = 0
            else:
                recurrence = self.recurrences.pick(rng)
            start_time = values.clock(*_minute(start_minute))
            end_time = values.clock(*_minute(start_minute + length))
            skip_holidays = rng.random() < 0.4
            if recurrence in (Recurrence.WEEKLY, Recurrence.FORTNIGHTLY) and rng.random() < 0.2:
                step = 7 if recurrence is Recurrence.WEEKLY else 14
                last = ends if ends is not None else today.ordinal + 180
                for n in sorted(rng.sample(range(1, 20), rng.randint(1, 3))):
                    day = starts + n * step
                    if day <= last:
                        cancelled.append(day)
        created_ts = (requested - EPOCH_ORDINAL) * DAY + rng.randint(8 * 3600, 15 * 3600)
        updated_ts = (steps[-1] - EPOCH_ORDINAL) * DAY + rng.randint(8 * 3600, 15 * 3600)
        self.rows.add(
            "relief_arrangement",
            (
                arrangement_id,
                relation_id,
                kind.value,
                *self._provider(kind),
                status.value,
                None if basis is None else basis.code,
                values.day(starts),
                None if ends is None else values.day(ends),
                None if recurrence is None else recurrence.value,
                start_time,
                end_time,
                span,
                values.flag(skip_holidays),
                None if died is None else values.day(died),
                rng.choice(_NOTES) if rng.random() < 0.2 else None,
                values.at(created_ts),
                values.at(max(created_ts, updated_ts)),
                len(path),
            ),
        )
        for day in cancelled:
            self.rows.add("relief_exception", (arrangement_id, values.day(day)))
        for step_status, day in zip(path, steps, strict=True):
            self.rows.add(
                "relief_status_change",
                (
                    self.rows.next_id("relief_status_change"),
                    arrangement_id,
                    step_status.value,
                    values.day(day),
                    values.at((day - EPOCH_ORDINAL) * DAY + 11 * 3600),
                    self.advisor_id,
                ),
            )
        self.arrangements += 1

    def _provider(self, kind: ReliefKind) -> tuple[str, str]:
        provider_kind, name = self.rng.choice(_PROVIDERS[kind])
        return provider_kind.value, name


def date_of(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def add_months_ordinal(ordinal: int, months: int) -> int:
    return add_months(date_of(ordinal), months).toordinal()
