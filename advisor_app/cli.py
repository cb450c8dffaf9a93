"""Entry point ``advisor-app``: the GUI, and the scriptable commands.

advisor-app [--db URL] [--lang da|en]            start the window
advisor-app --db URL --screenshot FILE.png       render the window offscreen and exit
advisor-app --version
advisor-app [--db URL] db upgrade                migrate (after a verified backup)
advisor-app [--db URL] demo-data --relatives N --seed S
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from advisor_app import __version__

log = logging.getLogger("advisor_app")

DB_ENV = "ADVISOR_APP_DB"


def default_db_url() -> str:
    """The embedded SQLite file in the user's data directory (or $ADVISOR_APP_DB)."""
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return from_env
    from platformdirs import user_data_path

    from advisor_app.persistence.database import sqlite_url

    return sqlite_url(user_data_path("advisor_app", appauthor=False) / "advisor_app.sqlite3")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor-app",
        description="advisor_app: the relatives' advisor's (pårørendevejleder's) program.",
    )
    parser.add_argument("--version", action="version", version=f"advisor-app {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database URL: sqlite+pysqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
        f"(default: a file in the user's data directory, or ${DB_ENV})",
    )
    parser.add_argument("--lang", choices=("da", "en"), default=None, help="UI language")
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        type=Path,
        default=None,
        help="render the main window offscreen with a relative selected, save it and exit",
    )
    parser.add_argument("--user", default=None, help="advisor user name (default: the login)")
    sub = parser.add_subparsers(dest="command")
    db_cmd = sub.add_parser("db", help="database maintenance")
    db_sub = db_cmd.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="migrate the database to the newest schema")
    demo = sub.add_parser("demo-data", help="fill the database with realistic Danish demo data")
    demo.add_argument("--relatives", type=int, default=200, metavar="N")
    demo.add_argument("--sessions-per-relative", type=float, default=10.0, metavar="K")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    return parser


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "advisor"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    url = args.db or default_db_url()

    if args.command == "db":
        from advisor_app.persistence.database import Database

        db = Database(url)
        backup = db.upgrade()
        if backup is not None:
            print(f"backup: {backup}")
        print("database is at the newest schema")
        db.dispose()
        return 0

    if args.command == "demo-data":
        from advisor_app.services.demo_data import DemoDataService
        from advisor_app.services.facade import open_services

        if args.relatives < 1 or args.sessions_per_relative < 0:
            parser.error("--relatives must be at least 1 and --sessions-per-relative not negative")
        services, _backup = open_services(url)
        actor = services.advisors.ensure(args.user or login_name())
        started = time.perf_counter()
        summary = DemoDataService(services.db).generate(
            actor,
            relatives=args.relatives,
            sessions_per_relative=args.sessions_per_relative,
            seed=args.seed,
            progress=lambda text: print(text, file=sys.stderr),
        )
        print(f"{summary} in {time.perf_counter() - started:.1f} s")
        services.db.dispose()
        return 0

    from advisor_app.ui.app import run_gui

    return run_gui(
        url, language=args.lang, screenshot=args.screenshot, user=args.user or login_name()
    )
