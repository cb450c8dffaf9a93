"""The booked meetings (aftalte møder, Booking), beside models.py, which imports this module at
its end so ``Base.metadata`` always holds them. A booking is the relative's next meeting with
an advisor: when, how long, where (or by phone or video). It is moved by changing its time
(the version guards against a colleague's edit) and cancelled by its status, never deleted,
so the start page and the handout read one table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from advisor_app.domain.booking import BookingStatus, MeetingMode
from advisor_app.persistence.models import Base, Versioned


class Booking(Versioned, Base):
    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("duration_minutes >= 5 AND duration_minutes <= 480", name="duration"),
        Index("ix_booking_status_starts", "status", "starts_at"),
        Index("ix_booking_relative_starts", "relative_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relative.id", ondelete="CASCADE"))
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"), index=True)
    # The session it was booked at the end of, if any.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisory_session.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[MeetingMode]
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[BookingStatus]
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
