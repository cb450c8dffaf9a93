"""The management statistics' figures beyond sessions: referrals to offers, relief
arrangements and mentor matches (issue #11's follow-up), read from their statistics views
only (persistence/stats_views.py, ``MORE_VIEWS``) and aggregated in the database.

A small set, the questions a manager asks of these services:
- relatives referred to an offer, and the referrals made (on the day of the referral): does
  the advice lead anywhere beyond the advisor's own sessions?
- relief arrangements granted (the first day an arrangement became granted, or active when
  it was started without a separate grant): how much relief the municipality set up;
- mentor matches started (the first meeting's day), ended after having started, and of
  those the ones whose outcome was that it helped: does the mentor scheme work?

Each figure counts events and is suppressed by the distinct relatives behind it, per period
and over the report, like the front sheet's other figures that count persons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from advisor_app.domain.mentoring import MatchOutcome
from advisor_app.domain.relief import ReliefStatus
from advisor_app.domain.statistics import Headline, Period
from advisor_app.i18n import N_
from advisor_app.persistence.stats_views import (
    stats_mentor_match,
    stats_referral,
    stats_relief_change,
)

#: A relief arrangement counts as granted from its first change to one of these.
GRANTED = (ReliefStatus.GRANTED.value, ReliefStatus.ACTIVE.value)

MORE_HEADLINES = {
    "referred_relatives": N_("Relatives referred to an offer"),
    "referrals": N_("Referrals to offers"),
    "relief_granted": N_("Relief arrangements granted"),
    "mentor_started": N_("Mentor matches started"),
    "mentor_ended": N_("Mentor matches ended after starting"),
    "mentor_helped": N_("Ended mentor matches that helped"),
}

#: (events, distinct relatives) per period index, and over the whole report.
Counts = tuple[dict[int, tuple[int, int]], tuple[int, int]]
#: ReportBuilder.headline: (code, label, per period, total, persons per period, persons).
HeadlineMaker = Callable[
    [str, str, Mapping[int, float], float, Mapping[int, int] | None, int | None], Headline
]


class MoreQueries:
    """The GROUP BY queries of the figures above, for one report's periods.

    ``day_bucket`` and ``instant_bucket`` find a date's or a UTC timestamp's period (as the
    session figures do); ``start``/``end`` are the report's UTC bounds, ``first``/``last``
    its days."""

    def __init__(
        self,
        session: Session,
        periods: Sequence[Period],
        day_bucket: Callable[[Any], ColumnElement[Any]],
        instant_bucket: Callable[[Any], ColumnElement[Any]],
        bounds: tuple[Any, Any],
    ) -> None:
        self.session = session
        self.periods = periods
        self.day_bucket = day_bucket
        self.instant_bucket = instant_bucket
        self.start, self.end = bounds
        self.first, self.last = periods[0].start, periods[-1].end

    def _count(self, bucket: ColumnElement[Any], where: Any, relative: Any, source: Any) -> Counts:
        measures = (func.count(), func.count(relative.distinct()))
        per = {
            int(p): (int(n), int(r))
            for p, n, r in self.session.execute(
                select(bucket, *measures).select_from(source).where(where).group_by(bucket)
            )
        }
        total = self.session.execute(select(*measures).select_from(source).where(where)).one()
        return per, (int(total[0]), int(total[1]))

    def referrals(self) -> Counts:
        r = stats_referral
        where = and_(r.c.referred_on >= self.first, r.c.referred_on <= self.last)
        return self._count(self.day_bucket(r.c.referred_on), where, r.c.relative_id, r)

    def relief_granted(self) -> Counts:
        c = stats_relief_change
        granted = (
            select(
                c.c.arrangement_id,
                c.c.relative_id,
                func.min(c.c.changed_on).label("granted_on"),
            )
            .where(c.c.status.in_(GRANTED))
            .group_by(c.c.arrangement_id, c.c.relative_id)
            .subquery()
        )
        on = granted.c.granted_on
        where = and_(on >= self.first, on <= self.last)
        return self._count(self.day_bucket(on), where, granted.c.relative_id, granted)

    def mentor_started(self) -> Counts:
        m = stats_mentor_match
        where = and_(m.c.active_on >= self.first, m.c.active_on <= self.last)
        return self._count(self.day_bucket(m.c.active_on), where, m.c.relative_id, m)

    def mentor_ended(self, *, helped: bool) -> Counts:
        m = stats_mentor_match
        where = and_(
            m.c.ended_at >= self.start,
            m.c.ended_at < self.end,
            m.c.active_on.is_not(None),
        )
        if helped:
            where = and_(where, m.c.outcome == MatchOutcome.HELPED.value)
        return self._count(self.instant_bucket(m.c.ended_at), where, m.c.relative_id, m)


def more_headlines(queries: MoreQueries, headline: HeadlineMaker) -> list[Headline]:
    """The front sheet's figures of referrals, relief and mentoring, in this order."""

    def made(code: str, counts: Counts, *, events: bool = True) -> Headline:
        per, (total, persons_total) = counts
        persons = {i: v[1] for i, v in per.items()}
        values: dict[int, float] = {i: float(v[0] if events else v[1]) for i, v in per.items()}
        shown = total if events else persons_total
        return headline(code, MORE_HEADLINES[code], values, shown, persons, persons_total)

    referrals = queries.referrals()
    return [
        made("referred_relatives", referrals, events=False),
        made("referrals", referrals),
        made("relief_granted", queries.relief_granted()),
        made("mentor_started", queries.mentor_started()),
        made("mentor_ended", queries.mentor_ended(helped=False)),
        made("mentor_helped", queries.mentor_ended(helped=True)),
    ]
