"""The statistics' figures of referrals, relief and mentoring on known data, on both
backends: what each headline counts, what it leaves out, and that small counts are hidden
(the report's own period and the whole report alike). The demo data's figures are compared
with the raw rows in tests/test_statistics.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from factories import FAST_HASHER, make_user, register_family
from mentor_factories import active, proposed
from relief_factories import make_arrangement

from advisor_app.domain.actor import Actor
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import OfferKind, Role
from advisor_app.domain.mentoring import EndReason, MatchOutcome
from advisor_app.domain.offers import OfferContent
from advisor_app.domain.relief import ReliefStatus
from advisor_app.domain.statistics import (
    Breakdown,
    Granularity,
    Measure,
    StatsReport,
    StatsRequest,
    measures_of,
)
from advisor_app.services.facade import Services, open_services
from advisor_app.services.mentor_dto import EndInput
from advisor_app.services.statistics_more import MORE_HEADLINES

# Noon of the machine's day (the factories date consents by the machine's clock).
NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
TODAY = NOW.date()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)
MONTH_END = (THIS_MONTH + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def offer(services: Services, admin: Actor, kind: OfferKind, title: str) -> int:
    content = OfferContent(
        kind,
        title,
        "Hvad tilbuddet er",
        "Pårørende",
        "Frivilligcentret",
        "Tirsdage kl. 19",
        "Ring og tilmeld dig",
        valid_from=LAST_MONTH - timedelta(days=40),
    )
    return services.offers.create(admin, content).offer_id


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    built, _ = open_services(db_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def known(services: Services) -> Services:
    """Referrals, relief and mentor matches whose figures are worked out by hand below."""
    admin = make_user(services, "admin", "Anne Admin", Role.ADMIN)
    advisor = make_user(services, "advisor", "Ada Advisor", Role.ADVISOR)
    group = offer(services, admin, OfferKind.GROUP, "Samtalegruppe")
    course = offer(services, admin, OfferKind.COURSE, "Pårørendeskole")
    families = [
        register_family(services, advisor, f"Pårørende {n} Jensen", f"Borger {n} Jensen", cpr=None)
        for n in range(6)
    ]
    # Referrals: three relatives last month; four this month, one of them to two offers
    # (five referrals), one of them referred last month too (six relatives in all).
    for family in families[3:]:
        services.offers.refer(advisor, family.id, (group,), LAST_MONTH + timedelta(days=3))
    for family in families[:4]:
        services.offers.refer(advisor, family.id, (group,))
    services.offers.refer(advisor, families[0].id, (course,))
    # Relief: granted at once (three), requested then started without a grant (one),
    # requested and still waiting (none), granted then started (counted once).
    for family in families[:3]:
        make_arrangement(services, advisor, family.relations[0].id, TODAY)
    waiting = make_arrangement(
        services, advisor, families[3].relations[0].id, TODAY, status=ReliefStatus.REQUESTED
    )
    services.relief.change_status(advisor, waiting.id, waiting.version, ReliefStatus.ACTIVE)
    make_arrangement(
        services, advisor, families[4].relations[0].id, TODAY, status=ReliefStatus.REQUESTED
    )
    granted = make_arrangement(services, advisor, families[5].relations[0].id, TODAY)
    services.relief.change_status(advisor, granted.id, granted.version, ReliefStatus.ACTIVE)
    # Mentoring: four matches started; three of them ended (two helped, one partly); one
    # proposal declined before it started (not counted as started nor as ended).
    matches = [active(services, advisor, f"M{n}", TODAY) for n in range(4)]
    outcomes = (MatchOutcome.HELPED, MatchOutcome.HELPED, MatchOutcome.PARTLY)
    for match, outcome in zip(matches, outcomes, strict=False):
        services.mentors.end(
            advisor, match.id, match.version, EndInput(EndReason.COMPLETED, outcome)
        )
    declined = proposed(services, advisor, "D")
    services.mentors.end(
        advisor, declined.id, declined.version, EndInput(EndReason.DECLINED, MatchOutcome.UNKNOWN)
    )
    return services


def report_of(services: Services, min_cell: int) -> StatsReport:
    manager = make_user(services, f"leder{min_cell}", "Lene Leder", Role.MANAGER)
    request = StatsRequest(LAST_MONTH, MONTH_END, Granularity.MONTH, min_cell, "en")
    return services.statistics.report(manager, request)


def figures(report: StatsReport) -> dict[str, tuple[list[float | None], float | None]]:
    return {
        h.code: ([c.value for c in h.per_period], h.total.value)
        for h in report.headlines
        if h.code in MORE_HEADLINES
    }


def test_the_figures_on_known_data(known: Services) -> None:
    report = report_of(known, 3)
    assert [h.code for h in report.headlines][-len(MORE_HEADLINES) :] == list(MORE_HEADLINES)
    assert figures(report) == {
        "referred_relatives": ([3.0, 4.0], 6.0),
        "referrals": ([3.0, 5.0], 8.0),
        "relief_granted": ([0.0, 5.0], 5.0),
        "mentor_started": ([0.0, 4.0], 4.0),
        "mentor_ended": ([0.0, 3.0], 3.0),
        "mentor_helped": ([0.0, None], None),  # two relatives: hidden, and so is the total
    }
    labels = {h.code: h.label for h in report.headlines}
    assert labels["mentor_helped"] == "Ended mentor matches that helped"


def test_small_counts_are_hidden_and_cannot_be_worked_out(known: Services) -> None:
    shown = figures(report_of(known, 5))
    # Three and four relatives are hidden; the six of the whole report are not.
    assert shown["referred_relatives"] == ([None, None], 6.0)
    assert shown["referrals"] == ([None, None], 8.0)
    assert shown["relief_granted"] == ([0.0, 5.0], 5.0)  # five relatives: shown
    for code in ("mentor_started", "mentor_ended", "mentor_helped"):
        assert shown[code] == ([0.0, None], None), code


def test_the_figures_in_danish(known: Services) -> None:
    manager = make_user(known, "leder", "Lene Leder", Role.MANAGER)
    request = StatsRequest(LAST_MONTH, MONTH_END, Granularity.MONTH, 3, "da")
    labels = {h.code: h.label for h in known.statistics.report(manager, request).headlines}
    assert labels["referred_relatives"] == "Pårørende henvist til et tilbud"
    assert labels["relief_granted"] == "Aflastningsordninger bevilget"


def test_a_report_before_any_of_it_counts_nothing(known: Services) -> None:
    manager = make_user(known, "leder", "Lene Leder", Role.MANAGER)
    early = LAST_MONTH - timedelta(days=200)
    request = StatsRequest(early, early + timedelta(days=27), Granularity.MONTH, 3, "en")
    for _code, (cells, total) in figures(known.statistics.report(manager, request)).items():
        assert set(cells) == {0.0} and total == 0.0


def test_every_export_carries_the_figures(known: Services) -> None:
    import csv
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from advisor_app.reports.stats_csv import TOTAL_PERIOD
    from advisor_app.reports.stats_export import render

    report = report_of(known, 3)
    ours = [h for h in report.headlines if h.code in MORE_HEADLINES]
    written_csv = render(report, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(written_csv), delimiter=";"))
    for headline in ours:
        written = {r[4]: r[5] for r in rows if r[0] == "headline" and r[3] == headline.code}
        keys = [p.key for p in report.periods] + [TOTAL_PERIOD]
        cells = (*headline.per_period, headline.total)
        assert written == {k: report.shown(c) for k, c in zip(keys, cells, strict=True)}
    front = load_workbook(io.BytesIO(render(report, "xlsx")), read_only=True).worksheets[0]
    lines = {
        str(row[0]): [v for v in row[1:] if v is not None]
        for row in front.iter_rows(values_only=True)
        if row and row[0] is not None
    }
    for headline in ours:
        expected = [
            f"<{report.request.min_cell}" if c.suppressed else c.value
            for c in (*headline.per_period, headline.total)
        ]
        assert lines[headline.label][: len(expected)] == expected, headline.code
    text = " ".join(
        (page.extract_text() or "") for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages
    )
    flat = " ".join(text.split())
    for headline in ours:
        assert headline.label in flat, headline.code
    assert "Relief arrangements granted 0 5 5" in flat


def test_referrals_and_relief_by_kind(known: Services) -> None:
    report = report_of(known, 3)

    def read(which: Breakdown) -> dict[str, tuple[list[float | None], float | None]]:
        events, persons = (report.table(which, m) for m in measures_of(which))
        assert events.rows == persons.rows
        return {
            f"{key}/{measure}": ([c.value for c in cells], total.value)
            for table, measure in ((events, "events"), (persons, "persons"))
            for key, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
        } | {
            f"all/{measure}": ([c.value for c in table.column_totals], table.total.value)
            for table, measure in ((events, "events"), (persons, "persons"))
        }

    # Groups: three relatives last month, four this month (six in all); the course: one
    # relative this month, hidden, and with it the groups' month and the groups' total
    # (the column's and the report's totals would give it away).
    assert read(Breakdown.OFFER_KIND) == {
        "course/events": ([0.0, None], None),
        "course/persons": ([0.0, None], None),
        "group/events": ([3.0, None], None),
        "group/persons": ([3.0, None], None),
        "all/events": ([3.0, 5.0], 8.0),
        "all/persons": ([3.0, 4.0], 6.0),
    }
    assert report.table(Breakdown.OFFER_KIND, Measure.REFERRALS).row_labels == (
        "Course for relatives",
        "Peer or self-help group",
    )
    # Relief: five day-centre arrangements granted this month, one not (still requested).
    assert read(Breakdown.RELIEF_KIND) == {
        "day_centre/events": ([0.0, 5.0], 5.0),
        "day_centre/persons": ([0.0, 5.0], 5.0),
        "all/events": ([0.0, 5.0], 5.0),
        "all/persons": ([0.0, 5.0], 5.0),
    }


def test_the_breakdowns_by_kind_in_every_export(known: Services) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from advisor_app.reports.stats_export import render

    report = report_of(known, 3)
    written = render(report, "csv").decode("utf-8-sig")
    assert "row_total;offer_kind;Peer or self-help group;referrals;total;<3" in written
    assert f"cell;offer_kind;Peer or self-help group;referred;{report.periods[0].key};3" in written
    assert "total;relief_kind;;relieved;total;5" in written
    book = load_workbook(io.BytesIO(render(report, "xlsx")), read_only=True)
    assert {"Offer kind", "Relief kind"} <= set(book.sheetnames)
    rows = [r for r in book["Relief kind"].iter_rows(values_only=True) if r and r[0]]
    assert ("Day centre (aflastning)", 0, 5, 5) in [tuple(r[:4]) for r in rows]
    text = " ".join(
        (page.extract_text() or "") for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages
    )
    flat = " ".join(text.split())
    assert "Referrals by offer kind" in flat and "Relief granted by kind" in flat
    assert "Day centre (aflastning) 0 5 5" in flat


def test_migration_0009_creates_the_views_and_takes_them_away(empty_db_url: str) -> None:
    """Down to 0008 and up again: 0009's views come and go, 0004's stay."""
    from alembic import command
    from sqlalchemy import inspect

    from advisor_app.persistence import migrations
    from advisor_app.persistence.database import Database
    from advisor_app.persistence.stats_views import MORE_VIEWS, VIEWS

    db = Database(empty_db_url)
    try:
        db.upgrade()

        def views() -> set[str]:
            with db.engine.connect() as connection:
                return set(inspect(connection).get_view_names())

        assert set(MORE_VIEWS) | set(VIEWS) <= views()
        command.downgrade(migrations.alembic_config(db), "0008")
        assert not set(MORE_VIEWS) & views() and set(VIEWS) <= views()
        command.upgrade(migrations.alembic_config(db), "head")
        assert set(MORE_VIEWS) <= views()
    finally:
        db.dispose()
