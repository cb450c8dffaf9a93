"""The relief tables (aflastning, afløsning, besøgsven; Relief), beside models.py, which
imports this module at its end so ``Base.metadata`` always holds them.

An arrangement belongs to a care relation: the citizen it covers and the relative it
relieves. Its schedule lives in its own columns (NULL for the tracked arrangements, § 118
and plejevederlag, which are periods); cancelled dates and the status history are rows of
their own. The relative's stated need (hours of relief a week) is one row per relative.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advisor_app.domain.relief import ProviderKind, ReliefKind, ReliefStatus
from advisor_app.domain.relief_schedule import Recurrence
from advisor_app.persistence.models import Base, Versioned


class ReliefException(Base):
    """A cancelled date of an arrangement's schedule."""

    __tablename__ = "relief_exception"

    arrangement_id: Mapped[int] = mapped_column(
        ForeignKey("relief_arrangement.id", ondelete="CASCADE"), primary_key=True
    )
    cancelled_on: Mapped[date] = mapped_column(primary_key=True)


class ReliefStatusChange(Base):
    """One step of an arrangement's status history, with the date it took effect."""

    __tablename__ = "relief_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    arrangement_id: Mapped[int] = mapped_column(
        ForeignKey("relief_arrangement.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ReliefStatus]
    changed_on: Mapped[date]
    recorded_at: Mapped[datetime]
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))


class ReliefArrangement(Versioned, Base):
    """A relief arrangement, or a tracked one (§ 118, plejevederlag), for a care relation."""

    __tablename__ = "relief_arrangement"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
        CheckConstraint("span_days >= 0 AND span_days <= 28", name="span_days"),
        CheckConstraint(
            "(recurrence IS NULL) = (start_time IS NULL) "
            "AND (recurrence IS NULL) = (end_time IS NULL)",
            name="schedule_whole",
        ),
        Index("ix_relief_arrangement_relation", "relation_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relation_id: Mapped[int] = mapped_column(ForeignKey("care_relation.id", ondelete="CASCADE"))
    kind: Mapped[ReliefKind]
    provider_kind: Mapped[ProviderKind]
    provider_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[ReliefStatus]
    legal_basis: Mapped[str | None] = mapped_column(String(40))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    recurrence: Mapped[Recurrence | None]
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    span_days: Mapped[int] = mapped_column(default=0)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_died_on: Mapped[date | None]  # plejevederlag ends with the death
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    exceptions: Mapped[list[ReliefException]] = relationship(
        cascade="all, delete-orphan", order_by=ReliefException.cancelled_on
    )
    history: Mapped[list[ReliefStatusChange]] = relationship(
        cascade="all, delete-orphan",
        order_by=lambda: [ReliefStatusChange.changed_on, ReliefStatusChange.id],
    )


class ReliefNeed(Versioned, Base):
    """The hours of relief a week the relative says they need (for the coverage view)."""

    __tablename__ = "relief_need"
    __table_args__ = (
        CheckConstraint("hours_per_week >= 0 AND hours_per_week <= 168", name="hours"),
    )

    relative_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), primary_key=True
    )
    hours_per_week: Mapped[float] = mapped_column(Float)
    stated_on: Mapped[date]
    updated_at: Mapped[datetime]
