"""The access log as a hash chain (adgangslog): each event carries the SHA-256 of its own
canonical content, and that content includes the previous event's hash. An event that is
edited, deleted, inserted or moved breaks the chain at that point; a cut-off tail is caught
by comparing the head with one noted earlier (``--expect-head``).

Pure functions: the storage side (services/audit_log.py) feeds rows in chain order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from advisor_app.domain.errors import N_

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """The fields the hash covers, as stored."""

    id: int
    occurred_at: datetime
    advisor_id: int | None
    username: str
    role: str | None
    purpose: str | None
    action: str
    entity: str
    entity_id: int | None
    relative_id: int | None
    search_term: str | None
    detail: str | None
    prev_hash: str


def canonical(event: ChainedEvent) -> bytes:
    """One fixed serialisation: JSON of the fields in a fixed order, UTC time with
    microseconds, no whitespace. Changing it is a migration that re-chains the log."""
    when = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        event.id,
        when,
        event.advisor_id,
        event.username,
        event.role,
        event.purpose,
        event.action,
        event.entity,
        event.entity_id,
        event.relative_id,
        event.search_term,
        event.detail,
        event.prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(event: ChainedEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    count: int  # events checked
    head: str  # the hash of the last good event (GENESIS for an empty log)
    broken_id: int | None = None  # the first event where the chain breaks
    reason: str | None = None  # an English source template (one of those below)


# Marked for the catalog: the UI and the CLI show them translated (``_(reason).format(id=...)``).
EDITED = N_("Event {id} was changed after it was written.")
MISSING_BEFORE = N_(
    "The event before event {id} is missing or was replaced (deleted, inserted or reordered)."
)
GAP = N_("Events are missing before event {id} (the numbering jumps).")
HEAD_MISMATCH = N_("The log ends at a different event than expected: events were cut off or added.")


def verify(events: Iterable[tuple[ChainedEvent, str]], expect_head: str | None = None) -> Verdict:
    """Walk ``(event, stored_hash)`` pairs in id order and return the first break.

    Ids are given out one by one (the head's id + 1) under the chain's lock, so a jump in the
    numbering is a deletion even if someone re-hashed what follows."""
    previous = GENESIS
    previous_id: int | None = None
    count = 0
    for event, stored in events:
        if previous_id is not None and event.id != previous_id + 1:
            return Verdict(False, count, previous, event.id, GAP)
        if event.prev_hash != previous:
            return Verdict(False, count, previous, event.id, MISSING_BEFORE)
        if event_hash(event) != stored:
            return Verdict(False, count, previous, event.id, EDITED)
        previous, previous_id = stored, event.id
        count += 1
    if expect_head is not None and expect_head.strip().lower() != previous:
        return Verdict(False, count, previous, None, HEAD_MISMATCH)
    return Verdict(True, count, previous)
