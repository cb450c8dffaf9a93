"""The start page ("I dag", Today): one call returns what is due for the signed-in advisor:
the meetings booked today and tomorrow, the follow-ups due or overdue (the advisor's own
first), the check-ins due, and a count of each. Follow-ups change owner here too, so the
list can be worked through without opening a relative.

Fast at 100,000 relatives: every query is a range on an index (bookings by status and
start, follow-ups by status and due date) with a limit; the counts use the same indexes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from advisor_app.domain.booking import BookingStatus
from advisor_app.domain.enums import ActionStatus, AuditAction
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.relief_schedule import ZONE
from advisor_app.persistence.booking_models import Booking
from advisor_app.persistence.models import Action, Advisor, Relative
from advisor_app.services import follow_ups
from advisor_app.services.booking_dto import TodayView
from advisor_app.services.bookings import booking_views
from advisor_app.services.check_ins import DEFAULT_PERIOD_DAYS, check_ins_due
from advisor_app.services.common import check_version, get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import ActionView
from advisor_app.services.views import action_view

ENTITY = "today"
LIST_LIMIT = 300  # rows per list on the start page; the counts are exact (check-ins: "300+")


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC)


class TodayService(Gated):
    @door(Permission.CASES_READ)
    def overview(self, work: Work, *, check_in_period_days: int = DEFAULT_PERIOD_DAYS) -> TodayView:
        session = work.session
        me = work.actor.advisor_id
        today = work.today()
        start, middle, end = (local_midnight(today + timedelta(days=n)) for n in (0, 1, 2))
        # -- meetings: today's and tomorrow's, mine first
        booked = (Booking.status == BookingStatus.BOOKED) & (Booking.starts_at >= start)
        booked &= Booking.starts_at < end
        meetings = list(
            session.scalars(
                select(Booking)
                .where(booked)
                .order_by((Booking.advisor_id != me), Booking.starts_at, Booking.id)
                .limit(LIST_LIMIT)
            )
        )
        meetings.sort(key=lambda b: (b.starts_at, b.advisor_id != me, b.id))
        first_day = Booking.starts_at < middle
        per_day: dict[bool, int] = {
            bool(is_today): n
            for is_today, n in session.execute(
                select(first_day, func.count()).where(booked).group_by(first_day)
            )
        }
        # -- follow-ups due today or overdue: mine first, then the team's
        due = (Action.status == ActionStatus.OPEN) & (Action.due_on <= today)
        base, owner = follow_ups.with_relative_id(Relative.id, Relative.name)
        base = base.join(Relative, Relative.id == owner.relative_id).where(due)
        mine_rows = list(
            session.execute(
                base.where(Action.owner_id == me)
                .order_by(Action.due_on, Action.id)
                .limit(LIST_LIMIT)
            ).all()
        )
        others = (
            list(
                session.execute(
                    base.where((Action.owner_id != me) | Action.owner_id.is_(None))
                    .order_by(Action.due_on, Action.id)
                    .limit(LIST_LIMIT - len(mine_rows))
                ).all()
            )
            if len(mine_rows) < LIST_LIMIT
            else []
        )
        actions = tuple(action_view(a, today, rid, name) for a, rid, name in [*mine_rows, *others])
        due_total = session.scalar(select(func.count()).select_from(Action).where(due)) or 0
        due_mine = (
            session.scalar(
                select(func.count()).select_from(Action).where(due, Action.owner_id == me)
            )
            or 0
        )
        # -- check-ins due (the wellbeing follow-up list's rule)
        # One row more than the list shows tells whether there are more.
        check_ins = check_ins_due(work, older_than_days=check_in_period_days, limit=LIST_LIMIT + 1)
        more_check_ins = len(check_ins) > LIST_LIMIT
        check_ins = check_ins[:LIST_LIMIT]
        work.log(AuditAction.READ, ENTITY, detail="start page")
        return TodayView(
            today=today,
            meetings=booking_views(session, meetings),
            follow_ups=actions,
            check_ins=check_ins,
            meetings_today=per_day.get(True, 0),
            meetings_tomorrow=per_day.get(False, 0),
            follow_ups_due=due_total,
            follow_ups_mine=due_mine,
            check_ins_due=len(check_ins),
            check_ins_more=more_check_ins,
        )

    @door(Permission.CASES_WRITE)
    def set_follow_up_owner(
        self, work: Work, action_id: int, version: int, owner_id: int
    ) -> ActionView:
        """Give a follow-up to an advisor (take it over, or hand it on)."""
        session = work.session
        action = get_or_404(session, Action, action_id, "follow-up")
        check_version(action.version, version)
        if session.scalar(select(Advisor.id).where(Advisor.id == owner_id)) is None:
            raise ValidationError(N_("Choose an advisor who exists."), field="owner")
        action.owner_id = owner_id
        session.flush()
        relative_id = follow_ups.relative_of(session, action)
        work.log(
            AuditAction.UPDATE,
            "follow_up_action",
            entity_id=action_id,
            relative_id=relative_id,
            detail="owner",
        )
        return action_view(action, work.today(), relative_id)
