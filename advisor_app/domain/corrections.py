"""Correcting and deleting saved sessions and check-ins: the kinds of revision, and the rule
for the reason every correction and deletion must give."""

from __future__ import annotations

import enum

from advisor_app.domain.errors import N_, ValidationError

REASON_MAX = 500


class RevisionKind(enum.StrEnum):
    """What a revision is: the content before a correction, or a deletion's tombstone."""

    CORRECTED = "corrected"
    DELETED = "deleted"


class RevisedRecord(enum.StrEnum):
    SESSION = "advisory_session"
    CHECK_IN = "check_in"


def clean_reason(reason: str) -> str:
    """A short reason is required: one line, at most ``REASON_MAX`` characters."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError(N_("Give a short reason for the change."), field="reason")
    if len(text) > REASON_MAX:
        raise ValidationError(
            N_("The reason can be at most {limit} characters."), limit=REASON_MAX, field="reason"
        )
    return text
