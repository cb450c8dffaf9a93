"""What the correction service returns: earlier versions, tombstones and what deleting a
relative takes with it. Frozen, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from advisor_app.domain.corrections import RevisedRecord, RevisionKind
from advisor_app.domain.enums import ActionStatus, CheckInMode, SessionForm
from advisor_app.services.dto import AnswerView, TopicView


@dataclass(frozen=True)
class FollowUpSnapshot:
    description: str
    due_on: date | None
    status: ActionStatus


@dataclass(frozen=True)
class SessionSnapshot:
    """A session as it was before a correction."""

    started_at: datetime
    duration_minutes: int
    form: SessionForm
    notes: str
    topics: tuple[TopicView, ...]
    participants: tuple[str, ...]  # names or descriptions, as shown then
    follow_ups: tuple[FollowUpSnapshot, ...]


@dataclass(frozen=True)
class CheckInSnapshot:
    """A check-in as it was before a correction."""

    taken_at: datetime
    mode: CheckInMode
    instrument_id: str
    instrument_version: str
    score: int | None
    band: str | None
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class RevisionView:
    """One correction (with the content it replaced) or a deletion's tombstone (no content)."""

    id: int
    record: RevisedRecord
    record_id: int
    kind: RevisionKind
    record_version: int
    made_at: datetime
    advisor_name: str
    reason: str
    session: SessionSnapshot | None = None
    check_in: CheckInSnapshot | None = None


@dataclass(frozen=True)
class RelativeDeletionImpact:
    """What deleting a relative erases with them, counted for the confirmation."""

    relative_id: int
    version: int
    name: str
    sessions: int
    check_ins: int
    follow_ups: int
    relief_arrangements: int
    referrals: int
    mentor_matches: int
    handouts: int
    orphaned_citizens: tuple[str, ...]  # citizens with no other relative: erased too
