"""Statistics at scale: a year's report on the demo data (100,000 relatives, 1,000,000
sessions by default), against the same aggregate queries run by hand as plain SQL text in
the same run. Not part of the test run.

    .venv/bin/python benchmarks/stats_report.py --relatives 100000
    .venv/bin/python benchmarks/stats_report.py --db URL --skip-generate   # an existing file
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from advisor_app.devtools import demo_users
from advisor_app.devtools.demo import DemoDataGenerator
from advisor_app.domain.enums import Role
from advisor_app.domain.statistics import Granularity, StatsRequest
from advisor_app.persistence.database import sqlite_url
from advisor_app.services.facade import open_services

REPEATS = 3


def captured_sql(services: Any, manager: Any, request: StatsRequest) -> list[tuple[str, Any]]:
    """Every statement (with its parameters) one report sends to the database."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "stats_" in statement:
            captured.append((statement, parameters))

    event.listen(services.db.engine, "before_cursor_execute", capture)
    try:
        services.statistics.report(manager, request)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", capture)
    return captured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--relatives", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    workdir = None
    url = args.db
    if url is None:
        workdir = Path(tempfile.mkdtemp(prefix="advisor-stats-"))
        url = sqlite_url(workdir / "stats.sqlite3")
    services, _ = open_services(url)
    try:
        password = os.environ.get("ADVISOR_PASSWORD") or secrets.token_urlsafe(12)
        if not services.accounts.has_users():
            demo_users.create(services, password)
        if not args.skip_generate:
            started = time.perf_counter()
            DemoDataGenerator(services.db).generate(
                demo_users.author(services), relatives=args.relatives, seed=1
            )
            print(
                f"demo data: {args.relatives:,} relatives in {time.perf_counter() - started:.1f} s"
            )
        manager = services.accounts.sign_in("demo-manager", password)
        assert manager.role is Role.MANAGER
        today = date.today()
        end = today.replace(day=1) - timedelta(days=1)
        request = StatsRequest(
            end.replace(year=end.year - 1) + timedelta(days=1), end, Granularity.MONTH
        )
        report_times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            report = services.statistics.report(manager, request)
            report_times.append(time.perf_counter() - started)
        sql = captured_sql(services, manager, request)
        sql_times = []
        raw = services.db.engine.raw_connection()
        try:
            for _ in range(REPEATS):
                started = time.perf_counter()
                cursor = raw.cursor()
                for statement, parameters in sql:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
                cursor.close()
                sql_times.append(time.perf_counter() - started)
        finally:
            raw.close()
        sessions = next(h for h in report.headlines if h.code == "sessions").total.value
        best_report, best_sql = min(report_times), min(sql_times)
        print(f"a year by month ({request.start}..{request.end}), {sessions:,.0f} sessions:")
        print(
            f"  report (all breakdowns, headlines, suppression): best {best_report:.2f} s, "
            f"median {statistics.median(report_times):.2f} s"
        )
        print(f"  its {len(sql)} aggregate statements by hand (DB-API): best {best_sql:.2f} s")
        print(f"  report / plain SQL: {best_report / best_sql:.2f}x (the issue asks <= 1.5x)")
    finally:
        services.db.dispose()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
