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

Two tables break the referrals down by the offer's kind and the relief granted by the
arrangement's kind: per kind and period the events and the distinct relatives, suppressed
by the relatives as the session tables are (a relative referred to two kinds counts in
both rows, once in the column's total).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from advisor_app.domain.enums import OfferKind
from advisor_app.domain.labels import LABELS
from advisor_app.domain.mentoring import MatchOutcome
from advisor_app.domain.offers import KIND_LABELS
from advisor_app.domain.relief import ReliefKind, ReliefStatus
from advisor_app.domain.statistics import (
    KIND_MEASURES,
    Breakdown,
    Cell,
    Headline,
    Period,
    StatsRequest,
    Table,
)
from advisor_app.domain.suppression import Grid, suppress
from advisor_app.i18n import N_, catalog
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


@dataclass(frozen=True)
class KindCounts:
    """A breakdown by kind: (events, distinct relatives) per (kind, period), per kind, per
    period, and over the report."""

    cells: dict[tuple[str, int], tuple[int, int]]
    rows: dict[str, tuple[int, int]]
    columns: dict[int, tuple[int, int]]
    total: tuple[int, int]


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

    def _by_kind(self, bucket: ColumnElement[Any], where: Any, source: Any) -> KindCounts:
        """Four GROUP BYs, since distinct relatives do not add up across kinds or periods."""
        kind, relative = source.c.kind, source.c.relative_id
        measures = (func.count(), func.count(relative.distinct()))

        def run(*keys: Any) -> list[Any]:
            statement = select(*keys, *measures).select_from(source).where(where)
            return list(self.session.execute(statement.group_by(*keys) if keys else statement))

        return KindCounts(
            {(str(k), int(p)): (int(n), int(r)) for k, p, n, r in run(kind, bucket)},
            {str(k): (int(n), int(r)) for k, n, r in run(kind)},
            {int(p): (int(n), int(r)) for p, n, r in run(bucket)},
            next((int(n), int(r)) for n, r in run()),
        )

    def _referrals(self) -> tuple[Any, ColumnElement[Any], Any]:
        r = stats_referral
        where = and_(r.c.referred_on >= self.first, r.c.referred_on <= self.last)
        return r, self.day_bucket(r.c.referred_on), where

    def referrals(self) -> Counts:
        source, bucket, where = self._referrals()
        return self._count(bucket, where, source.c.relative_id, source)

    def referrals_by_kind(self) -> KindCounts:
        source, bucket, where = self._referrals()
        return self._by_kind(bucket, where, source)

    def _granted(self) -> tuple[Any, ColumnElement[Any], Any]:
        c = stats_relief_change
        granted = (
            select(
                c.c.arrangement_id,
                c.c.relative_id,
                c.c.kind,
                func.min(c.c.changed_on).label("granted_on"),
            )
            .where(c.c.status.in_(GRANTED))
            .group_by(c.c.arrangement_id, c.c.relative_id, c.c.kind)
            .subquery()
        )
        on = granted.c.granted_on
        return granted, self.day_bucket(on), and_(on >= self.first, on <= self.last)

    def relief_granted(self) -> Counts:
        source, bucket, where = self._granted()
        return self._count(bucket, where, source.c.relative_id, source)

    def relief_by_kind(self) -> KindCounts:
        source, bucket, where = self._granted()
        return self._by_kind(bucket, where, source)

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


def kind_table(
    which: Breakdown, counts: KindCounts, request: StatsRequest, periods: Sequence[Period]
) -> list[Table]:
    """The two tables (events, relatives) of a breakdown by kind, suppressed together by
    the relatives; rows in the order of the labels as shown."""
    gettext = catalog(request.language).gettext
    if which is Breakdown.OFFER_KIND:
        labels = {k: gettext(KIND_LABELS[OfferKind(k)]) for k in counts.rows}
    else:
        labels = {k: gettext(LABELS[ReliefKind(k)]) for k in counts.rows}
    keys = sorted(counts.rows, key=lambda k: (labels[k].casefold(), k))
    n = len(periods)
    none = (0, 0)

    def at(k: str, i: int) -> tuple[int, int]:
        return counts.cells.get((k, i), none)

    mask = suppress(
        Grid(
            tuple(tuple(at(k, i)[1] for i in range(n)) for k in keys),
            tuple(counts.rows[k][1] for k in keys),
            tuple(counts.columns.get(i, none)[1] for i in range(n)),
            counts.total[1],
            tuple(tuple(float(at(k, i)[0]) for i in range(n)) for k in keys),
        ),
        request.min_cell,
    )

    def cell(figures: tuple[int, int], hidden: bool, which_figure: int) -> Cell:
        return Cell(None, True) if hidden else Cell(float(figures[which_figure]))

    return [
        Table(
            breakdown=which,
            measure=measure,
            rows=tuple(keys),
            row_labels=tuple(labels[k] for k in keys),
            cells=tuple(
                tuple(cell(at(k, i), mask.cells[r][i], f) for i in range(n))
                for r, k in enumerate(keys)
            ),
            row_totals=tuple(
                cell(counts.rows[k], mask.row_totals[r], f) for r, k in enumerate(keys)
            ),
            column_totals=tuple(
                cell(counts.columns.get(i, none), mask.column_totals[i], f) for i in range(n)
            ),
            total=cell(counts.total, mask.total, f),
        )
        for f, measure in enumerate(KIND_MEASURES[which])
    ]


def kind_tables(
    queries: MoreQueries, request: StatsRequest, periods: Sequence[Period]
) -> list[Table]:
    """Referrals by offer kind, then relief granted by kind."""
    return [
        *kind_table(Breakdown.OFFER_KIND, queries.referrals_by_kind(), request, periods),
        *kind_table(Breakdown.RELIEF_KIND, queries.relief_by_kind(), request, periods),
    ]
