"""Earlier versions of corrected sessions and check-ins, and the tombstones of deleted ones.

A correction keeps the record's previous content whole (JSON), who changed it, when and why,
so the earlier versions can be shown. A deletion erases the record and every earlier version
of it (GDPR: a deleted record must not linger in full) and keeps only a tombstone: which
record, who deleted it, when and the reason, with no content. The tombstones go with the
relative when the relative is deleted; an anonymous session's tombstone has no relative.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advisor_app.domain.corrections import RevisedRecord, RevisionKind
from advisor_app.persistence.models import Base


class RecordRevision(Base):
    """One correction or deletion of a session or a check-in. ``record_id`` is no foreign
    key: a tombstone outlives its record."""

    __tablename__ = "record_revision"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'corrected' AND content IS NOT NULL)"
            " OR (kind = 'deleted' AND content IS NULL)",
            name="content_unless_deleted",
        ),
        Index("ix_record_revision_record", "record", "record_id", "made_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record: Mapped[RevisedRecord]
    record_id: Mapped[int]
    relative_id: Mapped[int | None] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RevisionKind]
    record_version: Mapped[int]  # the version the content had
    content: Mapped[str | None] = mapped_column(Text)  # the previous content as JSON
    reason: Mapped[str] = mapped_column(String(500))
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    made_at: Mapped[datetime]
