"""The access log at scale: append N events through the chain (in batches, as many calls
would) and time `verify` over all of them. Not part of the test run.

    .venv/bin/python benchmarks/access_log.py --events 1000000
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import AuditAction, Purpose, Role
from advisor_app.persistence.database import sqlite_url
from advisor_app.services import audit_log
from advisor_app.services.facade import open_services

BATCH = 10_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    workdir = None
    url = args.db
    if url is None:
        workdir = Path(tempfile.mkdtemp(prefix="advisor-log-"))
        url = sqlite_url(workdir / "log.sqlite3")
    services, _ = open_services(url)
    try:
        admin = services.accounts.create_first_admin("admin", "Admin", "benchmark-kodeord")
        services.accounts.add_user(admin, "revisor", Role.AUDITOR, "Revisor", "benchmark-kodeord")
        auditor = services.accounts.sign_in("revisor", "benchmark-kodeord")
        actor = Actor(AdvisorId(admin.advisor_id), "anna", Role.ADVISOR, Purpose.ADVISORY)
        now = datetime.now(UTC)
        started = time.perf_counter()
        for start in range(0, args.events, BATCH):
            events = [
                audit_log.PendingEvent.by(
                    actor, now, AuditAction.READ, "relative", entity_id=n, relative_id=n
                )
                for n in range(start, min(start + BATCH, args.events))
            ]
            with services.db.begin() as session:
                audit_log.append(session, events)
        appended = time.perf_counter() - started
        print(f"appended {args.events:,} events in {appended:.1f} s")
        started = time.perf_counter()
        verdict = services.audit.verify(auditor)
        took = time.perf_counter() - started
        print(f"verify: ok={verdict.ok} count={verdict.count:,} in {took:.1f} s")
    finally:
        services.db.dispose()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
