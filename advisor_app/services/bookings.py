"""Booked meetings (aftalte møder, Booking): the next meeting with a relative, booked at the end
of a session or from the relative's page, moved or cancelled, and sent as an iCalendar
invitation. Each public method is one unit of work through the door."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.domain.booking import (
    BookingStatus,
    MeetingInvitation,
    check_booking_time,
    check_place,
)
from advisor_app.domain.enums import AuditAction, Language
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.persistence.booking_models import Booking
from advisor_app.persistence.models import Advisor, AdvisorySession, Case, Relative
from advisor_app.services.booking_dto import BookingInput, BookingView
from advisor_app.services.common import check_version, get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import RelativeId

ENTITY = "booking"


def booking_views(session: Session, rows: list[Booking]) -> tuple[BookingView, ...]:
    """Views of ``rows`` with the relatives' and advisors' names (two queries, not 2n)."""
    if not rows:
        return ()
    relative_ids = {r.relative_id for r in rows}
    advisor_ids = {r.advisor_id for r in rows}
    names: dict[int, str] = {
        rid: name
        for rid, name in session.execute(
            select(Relative.id, Relative.name).where(Relative.id.in_(relative_ids))
        )
    }
    advisors: dict[int, str] = {
        aid: name
        for aid, name in session.execute(
            select(Advisor.id, Advisor.display_name).where(Advisor.id.in_(advisor_ids))
        )
    }
    return tuple(
        BookingView(
            id=r.id,
            version=r.version,
            relative_id=RelativeId(r.relative_id),
            relative_name=names.get(r.relative_id, ""),
            advisor_id=r.advisor_id,
            advisor_name=advisors.get(r.advisor_id, ""),
            starts_at=r.starts_at,
            duration_minutes=r.duration_minutes,
            mode=r.mode,
            place=r.place,
            status=r.status,
            session_id=r.session_id,
        )
        for r in rows
    )


def next_booking(session: Session, relative_id: int, now: datetime) -> Booking | None:
    """The relative's next booked meeting that has not ended yet."""
    return session.scalars(
        select(Booking)
        .where(
            Booking.relative_id == relative_id,
            Booking.status == BookingStatus.BOOKED,
            Booking.starts_at >= now,
        )
        .order_by(Booking.starts_at, Booking.id)
        .limit(1)
    ).first()


class BookingService(Gated):
    @door(Permission.CASES_WRITE)
    def book(self, work: Work, data: BookingInput) -> BookingView:
        """Book a meeting with the relative; from a session, the session must be theirs."""
        session = work.session
        check_booking_time(data.starts_at, data.duration_minutes, work.now())
        place = check_place(data.mode, data.place)
        get_or_404(session, Relative, data.relative_id, "relative")
        if data.session_id is not None:
            of = session.scalar(
                select(Case.relative_id)
                .join(AdvisorySession, AdvisorySession.case_id == Case.id)
                .where(AdvisorySession.id == data.session_id)
            )
            if of != data.relative_id:
                raise ValidationError(N_("The session is not with this relative."), field="session")
        row = Booking(
            relative_id=data.relative_id,
            advisor_id=work.actor.advisor_id,
            session_id=data.session_id,
            starts_at=data.starts_at,
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            place=place,
            status=BookingStatus.BOOKED,
            created_at=work.now(),
        )
        session.add(row)
        session.flush()
        work.log(AuditAction.CREATE, ENTITY, entity_id=row.id, relative_id=data.relative_id)
        return booking_views(session, [row])[0]

    @door(Permission.CASES_WRITE)
    def move(self, work: Work, booking_id: int, version: int, data: BookingInput) -> BookingView:
        """Move a booked meeting: a new time, length or place (the version guards against a
        colleague's change)."""
        session = work.session
        row = get_or_404(session, Booking, booking_id, "booking")
        check_version(row.version, version)
        if row.status is not BookingStatus.BOOKED:
            raise ValidationError(N_("A cancelled meeting cannot be moved."), field="status")
        check_booking_time(data.starts_at, data.duration_minutes, work.now())
        row.place = check_place(data.mode, data.place)
        row.starts_at = data.starts_at
        row.duration_minutes = data.duration_minutes
        row.mode = data.mode
        session.flush()
        work.log(
            AuditAction.UPDATE, ENTITY, entity_id=row.id, relative_id=row.relative_id, detail="move"
        )
        return booking_views(session, [row])[0]

    @door(Permission.CASES_WRITE)
    def cancel(self, work: Work, booking_id: int, version: int) -> BookingView:
        session = work.session
        row = get_or_404(session, Booking, booking_id, "booking")
        check_version(row.version, version)
        if row.status is BookingStatus.BOOKED:
            row.status = BookingStatus.CANCELLED
            row.cancelled_at = work.now()
            session.flush()
        work.log(
            AuditAction.UPDATE,
            ENTITY,
            entity_id=row.id,
            relative_id=row.relative_id,
            detail="cancel",
        )
        return booking_views(session, [row])[0]

    @door(Permission.CASES_READ)
    def upcoming(self, work: Work, relative_id: int) -> tuple[BookingView, ...]:
        """The relative's booked meetings that have not ended, the next first."""
        session = work.session
        get_or_404(session, Relative, relative_id, "relative")
        rows = list(
            session.scalars(
                select(Booking)
                .where(
                    Booking.relative_id == relative_id,
                    Booking.status == BookingStatus.BOOKED,
                    Booking.starts_at >= work.now(),
                )
                .order_by(Booking.starts_at, Booking.id)
            )
        )
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="upcoming")
        return booking_views(session, rows)

    @door(Permission.CASES_READ)
    def invitation(self, work: Work, booking_id: int, language: Language) -> MeetingInvitation:
        """The meeting as an invitation for the relative's calendar (the UI renders it with
        reports/booking_ics.py, RFC 5545): when, how long, where, and the advisor."""
        session = work.session
        row = get_or_404(session, Booking, booking_id, "booking")
        view = booking_views(session, [row])[0]
        work.log(AuditAction.EXPORT, ENTITY, entity_id=row.id, relative_id=row.relative_id)
        return MeetingInvitation(
            booking_id=row.id,
            sequence=row.version - 1,
            starts_at=row.starts_at,
            duration_minutes=row.duration_minutes,
            mode=row.mode,
            place=row.place,
            advisor_name=view.advisor_name,
            cancelled=row.status is BookingStatus.CANCELLED,
            generated_at=work.now(),
            language=language,
        )
