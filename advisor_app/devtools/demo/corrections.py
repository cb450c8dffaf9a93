"""Deleted sessions and check-ins (``record_revision``): a few of a relative's records were
registered twice or on the wrong relative and deleted by the advisor, so only their
tombstones are left: which record, who deleted it, when and why, without the content.

Its own stream (``corrections-{seed}``); the deleted records' ids are taken from their
tables' sequences, as the deleted rows had them, so no live record has one.
"""

from __future__ import annotations

import random

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, Today
from advisor_app.devtools.demo.sessions import Meeting
from advisor_app.domain.corrections import RevisedRecord, RevisionKind

SESSION_SHARE = 0.03  # relatives with a deleted session
CHECK_IN_SHARE = 0.01  # relatives with a deleted check-in
SESSION_REASONS = (
    "Registreret to gange",
    "Registreret på den forkerte pårørende",
    "Samtalen blev aflyst, registreret ved en fejl",
    "Dobbeltregistrering efter netværksfejl",
)
CHECK_IN_REASONS = (
    "Registreret to gange",
    "Udfyldt på den forkerte pårørende",
    "Den pårørende ønskede ikke at svare alligevel",
)


class DeletedRecords:
    def __init__(
        self, *, rows: Rows, values: Values, today: Today, rng: random.Random, advisor_id: int
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.rng = rng
        self.advisor_id = advisor_id

    def relative(self, relative_id: int, meetings: list[Meeting]) -> None:
        """Maybe a deleted session and a deleted check-in, after one of the meetings."""
        if not meetings:
            return
        rng = self.rng
        if rng.random() < SESSION_SHARE:
            self._tombstone(
                RevisedRecord.SESSION, "advisory_session", relative_id, meetings, SESSION_REASONS
            )
        if rng.random() < CHECK_IN_SHARE:
            self._tombstone(
                RevisedRecord.CHECK_IN, "check_in", relative_id, meetings, CHECK_IN_REASONS
            )

    def _tombstone(
        self,
        record: RevisedRecord,
        table: str,
        relative_id: int,
        meetings: list[Meeting],
        reasons: tuple[str, ...],
    ) -> None:
        rng = self.rng
        start = rng.choice(meetings)[0]
        made = min(start + rng.randint(15 * 60, 3 * DAY), self.today.start - 60)
        self.rows.add(
            "record_revision",
            (
                self.rows.next_id("record_revision"),
                record.value,
                self.rows.next_id(table),
                relative_id,
                RevisionKind.DELETED.value,
                1,  # record_version
                None,  # content: a deleted record's content is not kept
                rng.choice(reasons),
                self.advisor_id,
                self.values.at(made),
            ),
        )
