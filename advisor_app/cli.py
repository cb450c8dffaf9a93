"""Entry point ``advisor-app``: the GUI, and the scriptable commands.

advisor-app [--db URL] [--lang da|en]            start the window
advisor-app --db URL --screenshot FILE.png       render the window offscreen and exit
            [--screenshot-tab wellbeing]         ... on that tab of the relative's page
advisor-app --version
advisor-app [--db URL] db upgrade                migrate (after a verified backup)
advisor-app [--db URL] demo-data --relatives N --seed S
advisor-app instrument list                      the shipped check-in instruments
advisor-app instrument score ID --answers A,B,.. [--json]
                                                 score answers (no database); exit 2 if bad
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from advisor_app import __version__

if TYPE_CHECKING:
    from advisor_app.domain.instruments import Instrument

log = logging.getLogger("advisor_app")

DB_ENV = "ADVISOR_APP_DB"
SCREENSHOT_TABS = ("overview", "sessions", "follow-ups", "wellbeing")  # the page's tab order


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
    parser.add_argument(
        "--screenshot-tab",
        choices=SCREENSHOT_TABS,
        default="overview",
        help="with --screenshot: the tab of the relative's page to show (wellbeing picks "
        "the first listed relative with three or more check-ins)",
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
    instrument = sub.add_parser(
        "instrument", help="the check-in instruments (WHO-5 and others); needs no database"
    )
    instrument_sub = instrument.add_subparsers(dest="instrument_command", required=True)
    instrument_sub.add_parser("list", help="list the shipped instruments")
    score = instrument_sub.add_parser(
        "score",
        help="score one set of answers",
        description="Score answers by the instrument's rule: raw, score, band and low items. "
        "A screening thermometer, never a diagnosis. Give a negative number as --answers=-1,...",
    )
    score.add_argument("instrument_id", metavar="ID", help="an id from 'instrument list'")
    score.add_argument(
        "--answers",
        required=True,
        metavar="A,B,...",
        help="one whole number per scale item, comma-separated, in item order",
    )
    score.add_argument("--json", action="store_true", help="print one JSON object")
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
    if args.command == "instrument":  # before the database URL: these need no database
        return instrument_command(args)
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
        from advisor_app.devtools.demo import DemoDataGenerator
        from advisor_app.services.facade import open_services

        if args.relatives < 1 or args.sessions_per_relative < 0:
            parser.error("--relatives must be at least 1 and --sessions-per-relative not negative")
        services, _backup = open_services(url)
        actor = services.advisors.ensure(args.user or login_name())
        started = time.perf_counter()
        summary = DemoDataGenerator(services.db).generate(
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
        url,
        language=args.lang,
        screenshot=args.screenshot,
        screenshot_tab=SCREENSHOT_TABS.index(args.screenshot_tab),
        user=args.user or login_name(),
    )


# ---- instrument list / instrument score ---------------------------------------------------
def instrument_command(args: argparse.Namespace) -> int:
    """``instrument list`` and ``instrument score``: a user error (a ValidationError) is one
    line on stderr and exit code 2, as argparse does for bad options; nothing on stdout."""
    from advisor_app.domain.errors import ValidationError

    try:
        if args.instrument_command == "list":
            lines = instrument_list_lines()
        else:
            lines = instrument_score_lines(args.instrument_id, args.answers, as_json=args.json)
    except ValidationError as exc:
        print(f"advisor-app: error: {exc.message}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


def instrument_list_lines() -> list[str]:
    from advisor_app.services.instruments import shipped_instruments

    return [_describe(instrument) for instrument in shipped_instruments().values()]


def _describe(instrument: Instrument) -> str:
    count = f"{len(instrument.items)} items"
    if instrument.text_items:
        count += f" ({len(instrument.scale_items)} on the scale)"
    return (
        f"{instrument.id:<13} {instrument.audience:<6} {instrument.licence:<9} "
        f"{count:<24} scale {instrument.scale_min}-{instrument.scale_max:<3} "
        f"{instrument.name_in('en')}"
    )


def parse_answers(text: str) -> list[str]:
    """Comma-separated answers; the instrument checks each one (an empty one is no number)."""
    return [] if not text.strip() else [part.strip() for part in text.split(",")]


def instrument_score_lines(instrument_id: str, answers: str, *, as_json: bool) -> list[str]:
    from advisor_app.domain.instruments import BAND_TEXTS
    from advisor_app.services.instruments import shipped

    instrument = shipped(instrument_id)
    result = instrument.score(parse_answers(answers))
    if as_json:
        data = {
            "instrument": result.instrument_id,
            "version": result.instrument_version,
            "answers": list(result.answers),
            "raw": result.raw,
            "score": result.score,
            "band": result.band,
            "low_items": list(result.low_items),
        }
        return [json.dumps(data, ensure_ascii=False)]
    band = "-"
    if result.band is not None:
        words = BAND_TEXTS.get(result.band)
        band = f"{result.band} ({words})" if words else result.band
    low = ", ".join(result.low_items) or "none"
    if instrument.low_item_max is None:
        low = "- (this instrument flags no single item)"
    return [
        f"instrument: {instrument.id} {instrument.name_in('en')} (version {instrument.version})",
        f"answers: {','.join(str(a) for a in result.answers)}",
        f"raw: {_or_dash(result.raw)}",
        f"score: {_or_dash(result.score)}" + (" (not scored)" if result.score is None else ""),
        f"band: {band}",
        f"low items: {low}",
    ]


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)
