"""Session statistics for management (ledelsesstatistik): aggregated in SQL on the database,
from the statistics views only (persistence/stats_views.py), suppressed where a cell counts
fewer than N persons (domain/suppression.py), never a name, note or CPR number.

Periods are local (Danish) months or quarters: their boundaries are computed here in UTC,
DST included, and a session falls in a period by a CASE over those boundaries, the same on
SQLite and PostgreSQL (no time-zone functions in SQL) and served by the index on the
session's start time.

What counts:
- sessions, hours (the sessions' minutes / 60), group sessions, anonymous sessions;
- relatives helped: distinct relatives, and each anonymous session as one person (it cannot
  be linked to anyone, so it cannot be told apart);
- new relatives: relatives whose first course (forløb) opened in the period;
- follow-ups due in the period, and of those done on time (completed on or before the due
  date, by the UTC day of completion);
- referrals to offers, relief arrangements granted and mentor matches started and ended
  (services/statistics_more.py);
- check-ins taken; and of the relatives with a WHO-5 in the period and an earlier one, those
  whose latest WHO-5 in the period is 10 points or more above (improved) or below (worsened)
  their first.
Breakdowns by topic, condition group, relation and strategy goal count a session once in
each category it belongs to, so their rows may add up to more than the total, which counts
each session once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Select,
    String,
    TableClause,
    and_,
    case,
    cast,
    column,
    extract,
    func,
    insert,
    literal,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from advisor_app.domain.enums import ActionStatus, AuditAction, Condition, RelationType, SessionForm
from advisor_app.domain.labels import LABELS
from advisor_app.domain.permissions import Permission
from advisor_app.domain.statistics import (
    SESSION_BREAKDOWNS,
    SESSION_MEASURES,
    Breakdown,
    Cell,
    Granularity,
    Headline,
    Measure,
    Period,
    StatsReport,
    StatsRequest,
    Table,
)
from advisor_app.domain.suppression import Grid, Mask, suppress
from advisor_app.i18n import N_, catalog
from advisor_app.locations import resource
from advisor_app.persistence.models import Advisor
from advisor_app.persistence.stats_views import (
    stats_case,
    stats_check_in,
    stats_follow_up,
    stats_relative_condition,
    stats_relative_relation,
    stats_session,
    stats_session_topic,
)
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.statistics_more import MoreQueries, kind_tables, more_headlines

LOCAL = ZoneInfo("Europe/Copenhagen")
ENTITY = "statistics"
WHO5 = "who5"
SIGNIFICANT = 10
ADULT_AGE = 18
WINDOW: TableClause = table(
    "stats_window",
    column("session_id", Integer),
    column("period", Integer),
    column("duration_minutes", Integer),
    column("form", String),
    column("anonymous", Boolean),
    column("advisor_id", Integer),
    column("relative_id", Integer),
    column("age_group", String),
)
WINDOW_GOAL: TableClause = table(
    "stats_window_goal", column("session_id", Integer), column("goal", String)
)
MEASURES = SESSION_MEASURES


# ---- periods ----------------------------------------------------------------------------------
def periods_of(request: StatsRequest) -> tuple[Period, ...]:
    """The months or quarters from ``start`` to ``end``, cut to the request's days."""
    found: list[Period] = []
    year, month = request.start.year, request.start.month
    if request.by is Granularity.QUARTER:
        month = 3 * ((month - 1) // 3) + 1
    step = 3 if request.by is Granularity.QUARTER else 1
    quarter_word = "K" if request.language == "da" else "Q"
    while date(year, month, 1) <= request.end:
        first = date(year, month, 1)
        next_month = month + step
        next_first = date(year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
        last = next_first - timedelta(days=1)
        if request.by is Granularity.QUARTER:
            key = f"{year}-Q{(month - 1) // 3 + 1}"
            label = f"{year} {quarter_word}{(month - 1) // 3 + 1}"
        else:
            key = label = f"{year}-{month:02d}"
        found.append(Period(key, label, max(first, request.start), min(last, request.end)))
        year, month = next_first.year, next_first.month
    return tuple(found)


def local_midnight(day: date) -> datetime:
    """The UTC moment a local (Danish) day begins."""
    return datetime.combine(day, time(), LOCAL).astimezone(UTC)


def _instant_bucket(column: Any, periods: Sequence[Period]) -> ColumnElement[Any]:
    """The period index of a UTC timestamp inside the report (callers restrict the range)."""
    return case(
        *((column < local_midnight(p.end + timedelta(days=1)), i) for i, p in enumerate(periods)),
        else_=None,
    )


def _day_bucket(column: Any, periods: Sequence[Period]) -> ColumnElement[Any]:
    return case(*((column <= p.end, i) for i, p in enumerate(periods)), else_=None)


# ---- the strategy's goals ----------------------------------------------------------------------
@dataclass(frozen=True)
class Goal:
    code: str
    names: Mapping[str, str]
    topics: tuple[str, ...]


@cache
def strategy_goals() -> tuple[Goal, ...]:
    """resources/seed/strategy.json: the municipality's goals and the topics under each."""
    with resource("seed", "strategy.json").open(encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        Goal(g["code"], {"da": g["da"], "en": g["en"]}, tuple(g["topics"])) for g in data["goals"]
    )


# ---- the measures -------------------------------------------------------------------------------
def _measures(s: FromClause) -> list[ColumnElement[Any]]:
    anonymous = func.coalesce(func.sum(case((s.c.anonymous.is_(True), 1), else_=0)), 0)
    return [
        func.count().label("sessions"),
        func.coalesce(func.sum(s.c.duration_minutes), 0).label("minutes"),
        (func.count(s.c.relative_id.distinct()) + anonymous).label("persons"),
        anonymous.label("anonymous"),
        func.coalesce(func.sum(case((s.c.form == SessionForm.GROUP.value, 1), else_=0)), 0).label(
            "group_sessions"
        ),
    ]


@dataclass
class Figures:
    sessions: int = 0
    minutes: int = 0
    persons: int = 0
    anonymous: int = 0
    group_sessions: int = 0

    @classmethod
    def of(cls, row: Any) -> Figures:
        return cls(
            int(row.sessions),
            int(row.minutes),
            int(row.persons),
            int(row.anonymous),
            int(row.group_sessions),
        )

    def value(self, measure: Measure) -> float:
        if measure is Measure.SESSIONS:
            return float(self.sessions)
        if measure is Measure.HOURS:
            return round(self.minutes / 60, 1)
        if measure is Measure.PERSONS:
            return float(self.persons)
        if measure is Measure.ANONYMOUS:
            return float(self.anonymous)
        return float(self.group_sessions)


@dataclass
class Aggregates:
    """A breakdown's figures: cells[(category, period)], rows[category], columns[period]."""

    cells: dict[tuple[str, int], Figures]
    rows: dict[str, Figures]
    columns: dict[int, Figures]
    total: Figures


class StatisticsQueries:
    """The aggregate queries of one report: each is GROUP BY in the database."""

    def __init__(self, session: Session, request: StatsRequest, periods: Sequence[Period]):
        self.session = session
        self.request = request
        self.periods = periods
        self.start = local_midnight(request.start)
        self.end = local_midnight(request.end + timedelta(days=1))
        self._window_made = False

    def window(self) -> TableClause:
        """The report's sessions, once: a temporary table of the sessions in the period with
        their period already found and their age group, so that each breakdown's queries
        read a few narrow rows instead of joining and bucketing every session again (a
        year at 1,000,000 sessions: several times faster). Dropped with the transaction."""
        if not self._window_made:
            s = stats_session
            age = self._utc_year(s.c.started_at) - s.c.birth_year
            age_group = case(
                (s.c.relative_id.is_(None), literal("anonymous")),
                (s.c.birth_year.is_(None), literal("unknown")),
                (age < ADULT_AGE, literal("child")),
                else_=literal("adult"),
            )
            postgres = self.session.get_bind().dialect.name == "postgresql"
            self.session.execute(text(f"DROP TABLE IF EXISTS {WINDOW.name}"))
            self.session.execute(
                text(
                    f"CREATE TEMPORARY TABLE {WINDOW.name} (session_id INTEGER, period INTEGER,"
                    " duration_minutes INTEGER, form VARCHAR(40), anonymous BOOLEAN,"
                    " advisor_id INTEGER, relative_id INTEGER, age_group VARCHAR(20))"
                    + (" ON COMMIT DROP" if postgres else "")
                )
            )
            self.session.execute(
                insert(WINDOW).from_select(
                    [c.name for c in WINDOW.columns],
                    select(
                        s.c.session_id,
                        _instant_bucket(s.c.started_at, self.periods),
                        s.c.duration_minutes,
                        s.c.form,
                        s.c.anonymous,
                        s.c.advisor_id,
                        s.c.relative_id,
                        age_group,
                    ).where(s.c.started_at >= self.start, s.c.started_at < self.end),
                )
            )
            # The strategy goals of the window's sessions, once (a topic belongs to one goal;
            # a session with two topics of one goal counts once under it).
            self.session.execute(text(f"DROP TABLE IF EXISTS {WINDOW_GOAL.name}"))
            self.session.execute(
                text(
                    f"CREATE TEMPORARY TABLE {WINDOW_GOAL.name} (session_id INTEGER,"
                    " goal VARCHAR(40))" + (" ON COMMIT DROP" if postgres else "")
                )
            )
            goal_of = {topic: goal.code for goal in strategy_goals() for topic in goal.topics}
            t = stats_session_topic
            if goal_of:
                goal = case(*((t.c.topic == topic, code) for topic, code in goal_of.items()))
                self.session.execute(
                    insert(WINDOW_GOAL).from_select(
                        ["session_id", "goal"],
                        select(WINDOW.c.session_id, goal)
                        .join(t, t.c.session_id == WINDOW.c.session_id)
                        .where(t.c.topic.in_(list(goal_of)))
                        .distinct(),
                    )
                )
            self._window_made = True
        return WINDOW

    def close(self) -> None:
        """SQLite keeps a temporary table for the connection's life: drop them here."""
        if self._window_made and self.session.get_bind().dialect.name != "postgresql":
            self.session.execute(text(f"DROP TABLE IF EXISTS {WINDOW.name}"))
            self.session.execute(text(f"DROP TABLE IF EXISTS {WINDOW_GOAL.name}"))

    # -- sessions by a breakdown
    def breakdown(self, which: Breakdown) -> Aggregates:
        s = self.window()
        link, key, category = self._category(which)
        source: FromClause = s if link is None else s.join(link, link.c[key] == s.c[key])
        measures = _measures(s)
        cells = self._run(
            select(category.label("category"), s.c.period, *measures)
            .select_from(source)
            .group_by(category, s.c.period)
        )
        rows = self._run(
            select(category.label("category"), *measures).select_from(source).group_by(category)
        )
        every = select(*measures).select_from(s)
        if link is not None:
            every = every.where(s.c[key].in_(select(link.c[key])))
        columns = self._run(every.add_columns(s.c.period).group_by(s.c.period))
        (total,) = self._run(every)
        return Aggregates(
            {(str(r.category), int(r.period)): Figures.of(r) for r in cells},
            {str(r.category): Figures.of(r) for r in rows},
            {int(r.period): Figures.of(r) for r in columns},
            Figures.of(total),
        )

    def _category(self, which: Breakdown) -> tuple[FromClause | None, str, ColumnElement[Any]]:
        """The link to join (None: the session's own column), the key it joins on (the
        session's id, or its relative's), and the category."""
        s = WINDOW
        if which is Breakdown.ADVISOR:
            return None, "session_id", s.c.advisor_id
        if which is Breakdown.FORM:
            return None, "session_id", s.c.form
        if which is Breakdown.AGE_GROUP:
            return None, "session_id", s.c.age_group
        if which is Breakdown.TOPIC:
            link = stats_session_topic
            return link, "session_id", link.c.topic
        if which is Breakdown.CONDITION:
            conditions = stats_relative_condition
            return conditions, "relative_id", conditions.c.condition
        if which is Breakdown.RELATION:
            relations = stats_relative_relation
            return relations, "relative_id", relations.c.relation_type
        self.window()
        return WINDOW_GOAL, "session_id", WINDOW_GOAL.c.goal

    def _utc_year(self, column: Any) -> ColumnElement[Any]:
        """The UTC year of a timestamp, alike on both backends (whatever the server's zone)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return extract("year", func.timezone("UTC", column))
        return extract("year", column)

    def _utc_day(self, column: Any) -> ColumnElement[Any]:
        """The UTC calendar day of a timestamp, alike on both backends."""
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(func.timezone("UTC", column), Date)
        return func.date(column)

    def _run(self, statement: Select[Any]) -> list[Any]:
        return list(self.session.execute(statement))

    # -- the headline figures that are not sessions
    def new_relatives(self) -> tuple[dict[int, int], int]:
        c = stats_case
        first = (
            select(c.c.relative_id, func.min(c.c.opened_at).label("first"))
            .group_by(c.c.relative_id)
            .subquery()
        )
        bucket = _instant_bucket(first.c.first, self.periods)
        where = and_(first.c.first >= self.start, first.c.first < self.end)
        per = {
            int(p): int(n)
            for p, n in self.session.execute(
                select(bucket, func.count()).where(where).group_by(bucket)
            )
        }
        return per, sum(per.values())

    def follow_ups(self) -> tuple[dict[int, tuple[int, int]], tuple[int, int]]:
        """(due, done on time) per period of the due date."""
        f = stats_follow_up
        bucket = _day_bucket(f.c.due_on, self.periods)
        on_time = case(
            (
                and_(
                    f.c.status == ActionStatus.DONE.value,
                    f.c.completed_at.is_not(None),
                    self._utc_day(f.c.completed_at) <= f.c.due_on,
                ),
                1,
            ),
            else_=0,
        )
        rows = self.session.execute(
            select(bucket, func.count(), func.coalesce(func.sum(on_time), 0))
            .where(f.c.due_on >= self.request.start, f.c.due_on <= self.request.end)
            .group_by(bucket)
        )
        per = {int(p): (int(due), int(done)) for p, due, done in rows}
        return per, (sum(v[0] for v in per.values()), sum(v[1] for v in per.values()))

    def check_ins(self) -> tuple[dict[int, tuple[int, int]], tuple[int, int]]:
        """(check-ins, distinct relatives checked in) per period of the check-in."""
        k = stats_check_in
        bucket = _instant_bucket(k.c.taken_at, self.periods)
        where = and_(k.c.taken_at >= self.start, k.c.taken_at < self.end)
        measures = (func.count(), func.count(k.c.relative_id.distinct()))
        per = {
            int(p): (int(n), int(r))
            for p, n, r in self.session.execute(
                select(bucket, *measures).where(where).group_by(bucket)
            )
        }
        total = self.session.execute(select(*measures).where(where)).one()
        return per, (int(total[0]), int(total[1]))

    def who5_changes(self) -> tuple[dict[int, tuple[int, int, int]], tuple[int, int, int]]:
        """(relatives with a pair, improved, worsened) per period, and over the report."""
        k = stats_check_in
        order = (k.c.taken_at, k.c.check_in_id)
        ranked = (
            select(
                k.c.relative_id,
                k.c.score,
                k.c.taken_at,
                _instant_bucket(k.c.taken_at, self.periods).label("period"),
                func.first_value(k.c.score)
                .over(partition_by=k.c.relative_id, order_by=order)
                .label("first_score"),
                func.row_number().over(partition_by=k.c.relative_id, order_by=order).label("seq"),
            )
            .where(k.c.instrument_id == WHO5, k.c.score.is_not(None), k.c.taken_at < self.end)
            .subquery()
        )
        in_range = ranked.c.taken_at >= self.start
        latest_in_period = (
            select(
                ranked.c.relative_id,
                ranked.c.period,
                ranked.c.score,
                ranked.c.first_score,
                func.row_number()
                .over(
                    partition_by=(ranked.c.relative_id, ranked.c.period),
                    order_by=(ranked.c.taken_at.desc(), ranked.c.seq.desc()),
                )
                .label("rank"),
            )
            .where(in_range, ranked.c.seq > 1)
            .subquery()
        )
        latest_overall = (
            select(
                ranked.c.relative_id,
                ranked.c.score,
                ranked.c.first_score,
                func.row_number()
                .over(
                    partition_by=ranked.c.relative_id,
                    order_by=(ranked.c.taken_at.desc(), ranked.c.seq.desc()),
                )
                .label("rank"),
            )
            .where(in_range, ranked.c.seq > 1)
            .subquery()
        )

        def counted(source: Any) -> tuple[ColumnElement[Any], ...]:
            change = source.c.score - source.c.first_score
            return (
                func.count(),
                func.coalesce(func.sum(case((change >= SIGNIFICANT, 1), else_=0)), 0),
                func.coalesce(func.sum(case((change <= -SIGNIFICANT, 1), else_=0)), 0),
            )

        per = {
            int(p): (int(n), int(up), int(down))
            for p, n, up, down in self.session.execute(
                select(latest_in_period.c.period, *counted(latest_in_period))
                .where(latest_in_period.c.rank == 1)
                .group_by(latest_in_period.c.period)
            )
        }
        total = self.session.execute(
            select(*counted(latest_overall)).where(latest_overall.c.rank == 1)
        ).one()
        return per, (int(total[0]), int(total[1]), int(total[2]))


# ---- building the report ---------------------------------------------------------------------
def _cells(values: Sequence[float], total: float, mask: Mask) -> tuple[tuple[Cell, ...], Cell]:
    row = mask.cells[0]
    return (
        tuple(
            Cell(None, True) if hidden else Cell(v) for v, hidden in zip(values, row, strict=True)
        ),
        Cell(None, True) if mask.row_totals[0] else Cell(total),
    )


class ReportBuilder:
    def __init__(self, request: StatsRequest, periods: Sequence[Period]) -> None:
        self.request = request
        self.periods = periods
        self.gettext = catalog(request.language).gettext

    def headline(
        self,
        code: str,
        label: str,
        per: Mapping[int, float],
        total: float,
        persons: Mapping[int, int] | None,
        persons_total: int | None,
    ) -> Headline:
        """A front-sheet figure; one that counts persons is suppressed like a table row."""
        values = [float(per.get(i, 0)) for i in range(len(self.periods))]
        if persons is None or persons_total is None:
            return Headline(code, self.gettext(label), tuple(Cell(v) for v in values), Cell(total))
        counts = tuple(int(persons.get(i, 0)) for i in range(len(self.periods)))
        mask = suppress(
            Grid((counts,), (persons_total,), counts, persons_total, (tuple(values),)),
            self.request.min_cell,
        )
        cells, shown_total = _cells(values, total, mask)
        return Headline(code, self.gettext(label), cells, shown_total)

    def tables(self, which: Breakdown, data: Aggregates, labels: Mapping[str, str]) -> list[Table]:
        keys = sorted(data.rows, key=lambda k: (labels.get(k, k).casefold(), k))
        n = len(self.periods)
        empty = Figures()
        grid_persons = tuple(
            tuple(data.cells.get((k, i), empty).persons for i in range(n)) for k in keys
        )
        grid_sessions = tuple(
            tuple(float(data.cells.get((k, i), empty).sessions) for i in range(n)) for k in keys
        )
        mask = suppress(
            Grid(
                grid_persons,
                tuple(data.rows[k].persons for k in keys),
                tuple(data.columns.get(i, empty).persons for i in range(n)),
                data.total.persons,
                grid_sessions,
            ),
            self.request.min_cell,
        )

        def cell(figures: Figures, hidden: bool, measure: Measure) -> Cell:
            return Cell(None, True) if hidden else Cell(figures.value(measure))

        return [
            Table(
                breakdown=which,
                measure=measure,
                rows=tuple(keys),
                row_labels=tuple(labels.get(k, k) for k in keys),
                cells=tuple(
                    tuple(
                        cell(data.cells.get((k, i), empty), mask.cells[r][i], measure)
                        for i in range(n)
                    )
                    for r, k in enumerate(keys)
                ),
                row_totals=tuple(
                    cell(data.rows[k], mask.row_totals[r], measure) for r, k in enumerate(keys)
                ),
                column_totals=tuple(
                    cell(data.columns.get(i, empty), mask.column_totals[i], measure)
                    for i in range(n)
                ),
                total=cell(data.total, mask.total, measure),
            )
            for measure in MEASURES
        ]


AGE_GROUP_LABELS = {
    "child": N_("Child relative (under 18)"),
    "adult": N_("Adult relative"),
    "unknown": N_("Age not known"),
    "anonymous": N_("Anonymous"),
}
HEADLINES = {
    "sessions": N_("Sessions"),
    "hours": N_("Hours"),
    "persons": N_("Relatives helped"),
    "new_relatives": N_("New relatives"),
    "anonymous": N_("Anonymous sessions"),
    "group": N_("Group sessions"),
    "follow_ups_due": N_("Follow-ups due"),
    "follow_ups_on_time": N_("Follow-ups done on time"),
    "check_ins": N_("Check-ins taken"),
    "who5_pairs": N_("Relatives with a WHO-5 to compare"),
    "who5_improved": N_("WHO-5 improved by 10 or more"),
    "who5_worsened": N_("WHO-5 worsened by 10 or more"),
}


class StatisticsService(Gated):
    @door(Permission.STATISTICS_READ)
    def report(self, work: Work, request: StatsRequest) -> StatsReport:
        """The whole report for a period: one transaction, aggregated in the database."""
        checked = request.checked()
        periods = periods_of(checked)
        queries = StatisticsQueries(work.session, checked, periods)
        builder = ReportBuilder(checked, periods)
        tables: list[Table] = []
        overall: Aggregates | None = None
        for which in SESSION_BREAKDOWNS:
            data = queries.breakdown(which)
            if which is Breakdown.FORM:
                overall = data
            labels = self._labels(work.session, which, data.rows, checked.language)
            tables.extend(builder.tables(which, data, labels))
        assert overall is not None
        more = MoreQueries(
            work.session,
            periods,
            lambda day: _day_bucket(day, periods),
            lambda moment: _instant_bucket(moment, periods),
            (queries.start, queries.end),
        )
        tables.extend(kind_tables(more, checked, periods))
        headlines = self._headlines(queries, builder, overall, more)
        queries.close()
        work.log(
            AuditAction.READ,
            ENTITY,
            detail=f"{checked.start}..{checked.end} {checked.by.value} min {checked.min_cell}",
        )
        return StatsReport(checked, periods, tuple(headlines), tuple(tables))

    @door(Permission.STATISTICS_READ)
    def record_export(
        self, work: Work, request: StatsRequest, file_format: str, digest: str
    ) -> None:
        """Log an export made from a report (after it was written), with its SHA-256."""
        work.log(
            AuditAction.EXPORT,
            ENTITY,
            detail=f"{file_format} {request.start}..{request.end} {request.by.value} "
            f"min {request.min_cell} sha256 {digest[:16]}",
        )

    def _headlines(
        self,
        queries: StatisticsQueries,
        builder: ReportBuilder,
        overall: Aggregates,
        more: MoreQueries,
    ) -> list[Headline]:
        n = len(builder.periods)
        empty = Figures()
        columns = [overall.columns.get(i, empty) for i in range(n)]
        persons = {i: f.persons for i, f in enumerate(columns)}

        def per(measure: Measure) -> dict[int, float]:
            return {i: f.value(measure) for i, f in enumerate(columns)}

        new, new_total = queries.new_relatives()
        follow, (due_total, on_time_total) = queries.follow_ups()
        checks, (checks_total, checked_people) = queries.check_ins()
        who5, (pairs_total, up_total, down_total) = queries.who5_changes()
        h = builder.headline
        total = overall.total
        return [
            h(
                "sessions",
                HEADLINES["sessions"],
                per(Measure.SESSIONS),
                total.sessions,
                persons,
                total.persons,
            ),
            h(
                "hours",
                HEADLINES["hours"],
                per(Measure.HOURS),
                total.value(Measure.HOURS),
                persons,
                total.persons,
            ),
            h(
                "persons",
                HEADLINES["persons"],
                per(Measure.PERSONS),
                total.persons,
                persons,
                total.persons,
            ),
            h("new_relatives", HEADLINES["new_relatives"], new, new_total, new, new_total),
            h(
                "anonymous",
                HEADLINES["anonymous"],
                per(Measure.ANONYMOUS),
                total.anonymous,
                None,
                None,
            ),
            h("group", HEADLINES["group"], per(Measure.GROUP), total.group_sessions, None, None),
            h(
                "follow_ups_due",
                HEADLINES["follow_ups_due"],
                {i: v[0] for i, v in follow.items()},
                due_total,
                None,
                None,
            ),
            h(
                "follow_ups_on_time",
                HEADLINES["follow_ups_on_time"],
                {i: v[1] for i, v in follow.items()},
                on_time_total,
                None,
                None,
            ),
            h(
                "check_ins",
                HEADLINES["check_ins"],
                {i: v[0] for i, v in checks.items()},
                checks_total,
                {i: v[1] for i, v in checks.items()},
                checked_people,
            ),
            h(
                "who5_pairs",
                HEADLINES["who5_pairs"],
                {i: v[0] for i, v in who5.items()},
                pairs_total,
                {i: v[0] for i, v in who5.items()},
                pairs_total,
            ),
            h(
                "who5_improved",
                HEADLINES["who5_improved"],
                {i: v[1] for i, v in who5.items()},
                up_total,
                {i: v[1] for i, v in who5.items()},
                up_total,
            ),
            h(
                "who5_worsened",
                HEADLINES["who5_worsened"],
                {i: v[2] for i, v in who5.items()},
                down_total,
                {i: v[2] for i, v in who5.items()},
                down_total,
            ),
            *more_headlines(more, h),
        ]

    def _labels(
        self, session: Session, which: Breakdown, keys: Iterable[str], language: str
    ) -> dict[str, str]:
        gettext = catalog(language).gettext
        wanted = list(keys)
        if which is Breakdown.ADVISOR:
            ids = [int(k) for k in wanted]
            return {
                str(aid): name
                for aid, name in session.execute(
                    select(Advisor.id, Advisor.display_name).where(Advisor.id.in_(ids))
                )
            }
        if which is Breakdown.FORM:
            return {k: gettext(LABELS[SessionForm(k)]) for k in wanted}
        if which is Breakdown.CONDITION:
            return {k: gettext(LABELS[Condition(k)]) for k in wanted}
        if which is Breakdown.RELATION:
            return {k: gettext(LABELS[RelationType(k)]) for k in wanted}
        if which is Breakdown.AGE_GROUP:
            return {k: gettext(AGE_GROUP_LABELS[k]) for k in wanted}
        if which is Breakdown.GOAL:
            return {g.code: g.names.get(language, g.names["en"]) for g in strategy_goals()}
        from advisor_app.persistence.models import Topic

        column = Topic.label_da if language == "da" else Topic.label_en
        return {
            code: label
            for code, label in session.execute(
                select(Topic.code, column).where(Topic.code.in_(wanted))
            )
        }
