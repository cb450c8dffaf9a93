"""Statistics for management, checked against figures computed independently from the raw
rows of a generated dataset, on SQLite and PostgreSQL; suppression in the result; the
command line's exit codes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from factories import FAST_HASHER, make_user
from sqlalchemy import select

from advisor_app.cli import main
from advisor_app.devtools.demo import DemoDataGenerator
from advisor_app.domain.enums import ActionStatus, Role, SessionForm
from advisor_app.domain.errors import AccessDeniedError, ValidationError
from advisor_app.domain.statistics import (
    SESSION_BREAKDOWNS,
    Breakdown,
    Cell,
    Granularity,
    Measure,
    StatsReport,
    StatsRequest,
    measures_of,
)
from advisor_app.persistence.models import (
    Action,
    AdvisorySession,
    CareRelation,
    Case,
    CheckIn,
    CitizenCondition,
    Relative,
    Topic,
    session_topic,
)
from advisor_app.services.facade import Services, open_services
from advisor_app.services.statistics import strategy_goals

LOCAL = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def dataset(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    """400 relatives with about 3,600 sessions, generated once per backend for this module."""
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path_factory.mktemp('stats') / 'stats.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database())
    services, _ = open_services(url, hasher=FAST_HASHER)
    author = make_user(services, "demo", "Demo Advisor")
    DemoDataGenerator(services.db).generate(
        author, relatives=400, sessions_per_relative=9, seed=11, now=NOW
    )
    yield services
    services.db.dispose()


@pytest.fixture(scope="module")
def manager(dataset: Services) -> object:
    return make_user(dataset, f"leder-{id(dataset)}", "Lene Leder", Role.MANAGER)


# ---- an independent reading of the raw rows ------------------------------------------------------
@dataclass
class Raw:
    sessions: list[tuple[int, datetime, int, str, bool, int, int | None, int | None]]
    topics: dict[int, set[str]]
    conditions: dict[int, set[str]]  # relative -> conditions of the citizens cared for
    relations: dict[int, set[str]]  # relative -> relation types
    first_case: dict[int, datetime]
    follow_ups: list[tuple[date | None, str, datetime | None]]
    check_ins: list[tuple[int, int, datetime, str, int | None]]


def read_raw(services: Services) -> Raw:
    with services.db.begin() as s:
        relatives = {r.id: r.birth_year for r in s.scalars(select(Relative))}
        cases = {c.id: c.relative_id for c in s.scalars(select(Case))}
        sessions = [
            (
                x.id,
                x.started_at,
                x.duration_minutes,
                x.form.value,
                x.anonymous,
                x.advisor_id,
                cases.get(x.case_id) if x.case_id else None,
                relatives.get(cases[x.case_id]) if x.case_id else None,
            )
            for x in s.scalars(select(AdvisorySession))
        ]
        codes = {t.id: t.code for t in s.scalars(select(Topic))}
        topics: dict[int, set[str]] = defaultdict(set)
        for sid, tid in s.execute(select(session_topic.c.session_id, session_topic.c.topic_id)):
            topics[sid].add(codes[tid])
        citizen_conditions: dict[int, set[str]] = defaultdict(set)
        for c in s.scalars(select(CitizenCondition)):
            citizen_conditions[c.citizen_id].add(c.condition.value)
        conditions: dict[int, set[str]] = defaultdict(set)
        relations: dict[int, set[str]] = defaultdict(set)
        for rel in s.scalars(select(CareRelation)):
            conditions[rel.relative_id] |= citizen_conditions[rel.citizen_id]
            relations[rel.relative_id].add(rel.relation_type.value)
        first_case: dict[int, datetime] = {}
        for c in s.scalars(select(Case)):
            if c.relative_id not in first_case or c.opened_at < first_case[c.relative_id]:
                first_case[c.relative_id] = c.opened_at
        follow_ups = [(a.due_on, a.status.value, a.completed_at) for a in s.scalars(select(Action))]
        check_ins = [
            (c.id, cases[c.case_id], c.taken_at, c.instrument_id, c.score)
            for c in s.scalars(select(CheckIn))
        ]
    return Raw(sessions, topics, conditions, relations, first_case, follow_ups, check_ins)


def month_of(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m")


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


REQUEST = StatsRequest(date(2025, 12, 1), date(2026, 11, 30), Granularity.MONTH, 5, "en")


def in_report(moment: datetime) -> bool:
    return REQUEST.start <= local_day(moment) <= REQUEST.end


def expected_by(raw: Raw, which: Breakdown) -> dict[tuple[str, str], dict[str, float]]:
    """(category, month) -> sessions, hours, persons, anonymous, group, computed in Python."""
    goal_of = {t: g.code for g in strategy_goals() for t in g.topics}
    cells: dict[tuple[str, str], list[tuple[int, int, bool, str, int | None]]] = defaultdict(list)
    for sid, started, minutes, form, anonymous, advisor, relative, birth_year in raw.sessions:
        if not in_report(started):
            continue
        if which is Breakdown.ADVISOR:
            categories = {str(advisor)}
        elif which is Breakdown.FORM:
            categories = {form}
        elif which is Breakdown.AGE_GROUP:
            if relative is None:
                categories = {"anonymous"}
            elif birth_year is None:
                categories = {"unknown"}
            else:
                age = started.astimezone(UTC).year - birth_year
                categories = {"child" if age < 18 else "adult"}
        elif which is Breakdown.TOPIC:
            categories = raw.topics.get(sid, set())
        elif which is Breakdown.GOAL:
            categories = {goal_of[t] for t in raw.topics.get(sid, set()) if t in goal_of}
        elif which is Breakdown.CONDITION:
            categories = raw.conditions.get(relative, set()) if relative else set()
        else:
            categories = raw.relations.get(relative, set()) if relative else set()
        for category in categories:
            cells[(category, month_of(started))].append((sid, minutes, anonymous, form, relative))
    figures = {}
    for key, rows in cells.items():
        anonymous = sum(1 for r in rows if r[2])
        figures[key] = {
            "sessions": len(rows),
            "hours": round(sum(r[1] for r in rows) / 60, 1),
            "persons": len({r[4] for r in rows if r[4] is not None}) + anonymous,
            "anonymous": anonymous,
            "group": sum(1 for r in rows if r[3] == SessionForm.GROUP.value),
        }
    return figures


MEASURE_KEYS = {
    Measure.SESSIONS: "sessions",
    Measure.HOURS: "hours",
    Measure.PERSONS: "persons",
    Measure.ANONYMOUS: "anonymous",
    Measure.GROUP: "group",
}


@pytest.fixture(scope="module")
def report(dataset: Services, manager: object) -> StatsReport:
    return dataset.statistics.report(manager, REQUEST)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def raw(dataset: Services) -> Raw:
    return read_raw(dataset)


@pytest.mark.parametrize("which", SESSION_BREAKDOWNS)
def test_every_shown_cell_matches_the_raw_rows(
    report: StatsReport, raw: Raw, which: Breakdown
) -> None:
    expected = expected_by(raw, which)
    months = [p.key for p in report.periods]
    assert months[0] == "2025-12" and months[-1] == "2026-11" and len(months) == 12
    shown = 0
    for measure, key in MEASURE_KEYS.items():
        table = report.table(which, measure)
        persons = report.table(which, Measure.PERSONS)
        for r, category in enumerate(table.rows):
            for i, month in enumerate(months):
                cell = table.cells[r][i]
                want = expected.get((category, month), {}).get(key, 0)
                people = expected.get((category, month), {}).get("persons", 0)
                if cell.suppressed:
                    assert persons.cells[r][i].suppressed  # a cell hides all its measures
                    continue
                shown += 1
                assert cell.value == pytest.approx(want), (which, measure, category, month)
                assert people == 0 or people >= REQUEST.min_cell  # no small cell shows
    assert shown > 0
    # Every category with sessions in the period has a row.
    assert {c for c, _m in expected} == set(report.table(which, Measure.SESSIONS).rows)


def test_the_totals_count_each_session_once(report: StatsReport, raw: Raw) -> None:
    sessions = [x for x in raw.sessions if in_report(x[1])]
    total = report.table(Breakdown.TOPIC, Measure.SESSIONS).total
    with_topic = sum(1 for x in sessions if raw.topics.get(x[0]))
    assert total == Cell(float(with_topic))
    overall = report.table(Breakdown.FORM, Measure.SESSIONS).total
    assert overall == Cell(float(len(sessions)))
    headline = next(h for h in report.headlines if h.code == "sessions")
    assert headline.total == overall
    per_month = defaultdict(int)
    for x in sessions:
        per_month[month_of(x[1])] += 1
    assert [c.value for c in headline.per_period] == [
        float(per_month[p.key]) for p in report.periods
    ]


def test_headlines_match_the_raw_rows(report: StatsReport, raw: Raw) -> None:
    figures = {h.code: h for h in report.headlines}
    months = [p.key for p in report.periods]

    def check(code: str, per_month: dict[str, int], total: int) -> None:
        headline = figures[code]
        for i, month in enumerate(months):
            cell = headline.per_period[i]
            if not cell.suppressed:
                assert cell.value == per_month.get(month, 0), (code, month)
        if not headline.total.suppressed:
            assert headline.total.value == total, code

    new = defaultdict(int)
    for _rid, first in raw.first_case.items():
        if in_report(first):
            new[month_of(first)] += 1
    check("new_relatives", new, sum(new.values()))

    due: dict[str, int] = defaultdict(int)
    on_time: dict[str, int] = defaultdict(int)
    for due_on, status, completed in raw.follow_ups:
        if due_on is None or not REQUEST.start <= due_on <= REQUEST.end:
            continue
        due[due_on.strftime("%Y-%m")] += 1
        if (
            status == ActionStatus.DONE.value
            and completed
            and completed.astimezone(UTC).date() <= due_on
        ):
            on_time[due_on.strftime("%Y-%m")] += 1
    check("follow_ups_due", due, sum(due.values()))
    check("follow_ups_on_time", on_time, sum(on_time.values()))

    checks = defaultdict(int)
    for _cid, _rid, taken, _instrument, _score in raw.check_ins:
        if in_report(taken):
            checks[month_of(taken)] += 1
    check("check_ins", checks, sum(checks.values()))

    # WHO-5: the latest in each month against the relative's first ever.
    by_relative: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    for cid, rid, taken, instrument, score in raw.check_ins:
        if instrument == "who5" and score is not None and local_day(taken) <= REQUEST.end:
            by_relative[rid].append((taken, cid, score))
    pairs: dict[str, int] = defaultdict(int)
    up: dict[str, int] = defaultdict(int)
    down: dict[str, int] = defaultdict(int)
    overall = [0, 0, 0]
    for rows in by_relative.values():
        rows.sort()
        first = rows[0][2]
        later = [r for r in rows[1:] if in_report(r[0])]
        latest: dict[str, int] = {}
        for taken, _cid, score in later:
            latest[month_of(taken)] = score
        for month, score in latest.items():
            pairs[month] += 1
            up[month] += score - first >= 10
            down[month] += score - first <= -10
        if later:
            change = later[-1][2] - first
            overall[0] += 1
            overall[1] += change >= 10
            overall[2] += change <= -10
    check("who5_pairs", pairs, overall[0])
    check("who5_improved", up, overall[1])
    check("who5_worsened", down, overall[2])


@pytest.mark.parametrize("which", list(Breakdown))
def test_no_suppressed_cell_can_be_recovered_from_a_total(
    report: StatsReport, which: Breakdown
) -> None:
    table = report.table(which, measures_of(which)[0])  # sessions, referrals, arrangements
    lines = [(row, table.row_totals[r]) for r, row in enumerate(table.cells)]
    lines += [
        (tuple(row[i] for row in table.cells), table.column_totals[i])
        for i in range(len(report.periods))
    ]
    lines.append((table.row_totals, table.total))
    lines.append((table.column_totals, table.total))
    for members, total in lines:
        if total.suppressed:
            continue
        hidden = sum(1 for c in members if c.suppressed)
        assert hidden != 1, which


def test_the_report_is_for_a_manager_only(dataset: Services) -> None:
    advisor = make_user(dataset, f"vejleder-{id(dataset)}", "Vera Vejleder")
    with pytest.raises(AccessDeniedError):
        dataset.statistics.report(advisor, REQUEST)


@pytest.mark.parametrize(
    ("start", "end", "min_cell"),
    [(date(2026, 5, 1), date(2026, 4, 30), 5), (date(2026, 1, 1), date(2026, 3, 1), 2)],
)
def test_bad_requests_are_explained(
    dataset: Services, manager: object, start: date, end: date, min_cell: int
) -> None:
    with pytest.raises(ValidationError):
        dataset.statistics.report(manager, StatsRequest(start, end, min_cell=min_cell))  # type: ignore[arg-type]


def test_quarters_in_danish(dataset: Services, manager: object) -> None:
    quarterly = dataset.statistics.report(  # type: ignore[arg-type]
        manager, StatsRequest(date(2026, 2, 10), date(2026, 11, 30), Granularity.QUARTER, 5, "da")
    )
    assert [p.label for p in quarterly.periods] == ["2026 K1", "2026 K2", "2026 K3", "2026 K4"]
    assert quarterly.periods[0].start == date(2026, 2, 10)


# ---- the command line ---------------------------------------------------------------------------
PASSWORD = "lederens lange kodeord"


@pytest.fixture
def cli_db(sqlite_url: str) -> str:
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "leder", Role.MANAGER, "Lene Leder", PASSWORD)
        services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna", PASSWORD)
    finally:
        services.db.dispose()
    return sqlite_url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2026-13-01", "--to", "2026-12-31"],
            "--from is not a date of the form YYYY-MM-DD.",
        ),
        (["--from", "2026-06-01", "--to", "2026-01-01"], "The period ends before it starts."),
        (
            ["--from", "2026-01-01", "--to", "2026-06-30", "--min-cell", "2"],
            "Cells are hidden below 3 persons at the least.",
        ),
    ],
)
def test_stats_export_refuses_bad_input_with_exit_2(
    cli_db: str,
    tmp_path,
    capsys,
    monkeypatch,
    args,
    message,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    out = tmp_path / "x.csv"
    code = main(
        [
            "--db",
            cli_db,
            "--lang",
            "en",
            "--user",
            "leder",
            "stats",
            "export",
            *args,
            "--format",
            "csv",
            "-o",
            str(out),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err == f"advisor-app: {message}\n"
    assert not out.exists()


def test_stats_export_is_a_manager_s(cli_db: str, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    out = tmp_path / "x.csv"
    base = [
        "--db",
        cli_db,
        "--lang",
        "en",
        "stats",
        "export",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--format",
        "csv",
        "-o",
        str(out),
    ]
    assert main(["--user", "anna", *base]) == 3
    assert capsys.readouterr().err == "advisor-app: Only a manager can see the statistics.\n"
    assert not out.exists()


# ---- the exports hold no person ------------------------------------------------------------------
def test_no_name_note_or_cpr_reaches_any_export(
    dataset: Services,
    report: StatsReport,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Every relative's and citizen's name, every CPR number and every session note of the
    generated data is searched for in the CSV, in the XLSX as LibreOffice reads it, and in
    the PDF as pdftotext reads it."""
    import subprocess

    from test_stats_reports import LIBREOFFICE_CSV, need

    from advisor_app.persistence.models import Citizen
    from advisor_app.reports.stats_export import render

    with dataset.db.begin() as s:
        names = {r.name for r in s.scalars(select(Relative))} | {
            c.name for c in s.scalars(select(Citizen))
        }
        cprs = {c.cpr for c in s.scalars(select(Citizen)) if c.cpr}
        notes = {x.notes for x in s.scalars(select(AdvisorySession)) if len(x.notes) > 20}
    assert len(names) > 500 and cprs and notes
    texts = {"csv": render(report, "csv").decode("utf-8-sig")}
    (tmp_path / "s.xlsx").write_bytes(render(report, "xlsx"))
    subprocess.run(
        [
            need("soffice"),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            LIBREOFFICE_CSV,
            "--outdir",
            str(tmp_path / "x"),
            str(tmp_path / "s.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    texts["xlsx"] = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "x").glob("*.csv"))
    (tmp_path / "s.pdf").write_bytes(render(report, "pdf"))
    texts["pdf"] = subprocess.run(
        [need("pdftotext"), str(tmp_path / "s.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for kind, text in texts.items():
        assert len(text) > 1000, kind
        assert "Demo Advisor" in text or kind == "pdf"  # staff appear: the advisor breakdown
        for name in names:
            assert name not in text, (kind, name)
        for cpr in cprs:
            assert cpr not in text.replace("-", ""), kind
        for note in notes:
            assert note not in text, kind


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_stats_export_writes_the_file_and_logs_it(
    cli_db: str,
    tmp_path,
    capsys,
    monkeypatch,
    file_format,  # type: ignore[no-untyped-def]
) -> None:
    import hashlib

    from advisor_app.domain.enums import AuditAction
    from advisor_app.services.audit import AuditFilter

    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    out = tmp_path / f"statistik.{file_format}"
    code = main(
        [
            "--db",
            cli_db,
            "--user",
            "leder",
            "stats",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--by",
            "quarter",
            "--format",
            file_format,
            "-o",
            str(out),
        ]
    )
    assert code == 0
    data = out.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert capsys.readouterr().out.strip().endswith(digest)
    assert data[:4] in {b"\xef\xbb\xbfs", b"PK\x03\x04", b"%PDF"}
    services, _ = open_services(cli_db, hasher=FAST_HASHER)
    try:
        admin = services.accounts.sign_in("admin", PASSWORD)
        services.accounts.add_user(admin, "revisor", Role.AUDITOR, "Rikke", PASSWORD)
        auditor = services.accounts.sign_in("revisor", PASSWORD)
        (event,) = services.audit.events(auditor, AuditFilter(action=AuditAction.EXPORT)).rows
        assert (event.username, event.entity) == ("leder", "statistics")
        assert event.detail is not None and event.detail.startswith(file_format)
        assert digest[:16] in event.detail
    finally:
        services.db.dispose()


def test_referral_relief_and_mentor_headlines_match_the_raw_rows(
    dataset: Services, report: StatsReport
) -> None:
    """The demo data's referrals, relief and matches, counted in Python from the tables."""
    from advisor_app.persistence.models import MentorMatch, OfferReferral, OfferVersion
    from advisor_app.persistence.relief_models import ReliefArrangement, ReliefStatusChange

    events: dict[str, list[tuple[str, int]]] = defaultdict(list)  # code -> (month, relative)
    kinds: dict[str, list[tuple[str, str, int]]] = defaultdict(list)  # (kind, month, relative)
    with dataset.db.begin() as s:
        cases = {c.id: c.relative_id for c in s.scalars(select(Case))}
        kind_of = {v.id: v.kind.value for v in s.scalars(select(OfferVersion))}
        for r in s.scalars(select(OfferReferral)):
            if REQUEST.start <= r.referred_on <= REQUEST.end:
                month = r.referred_on.strftime("%Y-%m")
                events["referrals"].append((month, cases[r.case_id]))
                kinds["offer_kind"].append((kind_of[r.offer_version_id], month, cases[r.case_id]))
        relation_of = {a.id: a.relation_id for a in s.scalars(select(ReliefArrangement))}
        relief_kind = {a.id: a.kind.value for a in s.scalars(select(ReliefArrangement))}
        relative_of = {c.id: c.relative_id for c in s.scalars(select(CareRelation))}
        granted: dict[int, date] = {}
        for change in s.scalars(select(ReliefStatusChange)):
            if change.status.value in ("granted", "active"):
                first = granted.get(change.arrangement_id, change.changed_on)
                granted[change.arrangement_id] = min(first, change.changed_on)
        for arrangement, day in granted.items():
            if REQUEST.start <= day <= REQUEST.end:
                relative = relative_of[relation_of[arrangement]]
                events["relief_granted"].append((day.strftime("%Y-%m"), relative))
                kinds["relief_kind"].append(
                    (relief_kind[arrangement], day.strftime("%Y-%m"), relative)
                )
        for m in s.scalars(select(MentorMatch)):
            if m.first_meeting_on and REQUEST.start <= m.first_meeting_on <= REQUEST.end:
                events["mentor_started"].append((m.first_meeting_on.strftime("%Y-%m"), m.mentee_id))
            if m.ended_at and m.first_meeting_on and in_report(m.ended_at):
                events["mentor_ended"].append((month_of(m.ended_at), m.mentee_id))
                if m.outcome is not None and m.outcome.value == "helped":
                    events["mentor_helped"].append((month_of(m.ended_at), m.mentee_id))
    events["referred_relatives"] = events["referrals"]
    assert len(events["referrals"]) > 50 and len(events["relief_granted"]) > 20
    figures = {h.code: h for h in report.headlines}
    for code in ("referred_relatives", "referrals", "relief_granted", "mentor_started"):
        persons_only = code == "referred_relatives"
        headline = figures[code]
        for i, period in enumerate(report.periods):
            rows = [e for e in events[code] if e[0] == period.key]
            persons = len({relative for _m, relative in rows})
            expected = persons if persons_only else len(rows)
            cell = headline.per_period[i]
            assert cell.suppressed == (cell.value is None), code
            if 0 < persons < REQUEST.min_cell:
                assert cell.suppressed, (code, period.key)
            if not cell.suppressed:
                assert cell.value == expected, (code, period.key)
        persons_total = len({relative for _m, relative in events[code]})
        total = persons_total if persons_only else len(events[code])
        if not headline.total.suppressed:
            assert headline.total.value == total, code
        if persons_total >= REQUEST.min_cell:
            assert not headline.total.suppressed, code
    for code in ("mentor_ended", "mentor_helped"):
        count = len(events[code])
        assert figures[code].total.value in (count, None), code
    # The breakdowns by kind: events and relatives per kind and month, hidden by relatives.
    for which in (Breakdown.OFFER_KIND, Breakdown.RELIEF_KIND):
        events_table, persons_table = (report.table(which, m) for m in measures_of(which))
        rows = kinds[which.value]
        assert set(events_table.rows) == {k for k, _m, _r in rows}, which
        shown = 0
        for r, kind in enumerate(events_table.rows):
            for i, period in enumerate(report.periods):
                here = [x for x in rows if x[0] == kind and x[1] == period.key]
                persons = len({x[2] for x in here})
                cell, people = events_table.cells[r][i], persons_table.cells[r][i]
                assert cell.suppressed == people.suppressed
                if 0 < persons < REQUEST.min_cell:
                    assert cell.suppressed, (which, kind, period.key)
                if not cell.suppressed:
                    shown += 1
                    assert (cell.value, people.value) == (len(here), persons), (which, kind)
            total = [x for x in rows if x[0] == kind]
            if not events_table.row_totals[r].suppressed:
                assert events_table.row_totals[r].value == len(total)
                assert persons_table.row_totals[r].value == len({x[2] for x in total})
        assert shown > 0, which
        if not events_table.total.suppressed:
            assert events_table.total.value == len(rows)
            assert persons_table.total.value == len({x[2] for x in rows})
