"""Entry point ``advisor-app``: the GUI, and the scriptable commands.

advisor-app [--db URL] [--lang da|en]            start the window
advisor-app --db URL --screenshot FILE.png       render the window offscreen and exit
            [--screenshot-tab wellbeing]         ... on that tab of the relative's page,
                                                 or a page of the window (today, offers, ...)
advisor-app --version
advisor-app [--db URL] db upgrade                migrate (after a verified backup; on
                                                 PostgreSQL pg_dump's, or the server's own)
advisor-app [--db URL] [--user NAME] backup -o FILE   a verified copy of the database (admin)
advisor-app [--db URL] restore FILE              put a verified backup in the database's place
                                                 (keeps a copy of what it replaces)
advisor-app --db POSTGRES-URL db roles           group roles and grants (the owner runs it)
advisor-app [--db URL] [--user NAME] users add|list|unlock|disable|passwd ...
advisor-app [--db URL] [--user NAME] audit verify [--expect-head HASH]
advisor-app [--db URL] [--user NAME] stats export --from D --to D --by month|quarter
            --format xlsx|csv|pdf -o FILE [--min-cell N]
advisor-app [--db URL] demo-data --relatives N --seed S
advisor-app [--db URL] [--user NAME] offers export FILE.csv|FILE.xlsx
advisor-app [--db URL] [--user NAME] offers import FILE.csv|FILE.xlsx
advisor-app [--db URL] [--user NAME] offers publish -o DIR [--stylesheet F] [--logo F]
                                                 the offer catalogue (cli_offers.py)
advisor-app [--db URL] [--user NAME] mentors suggest --relative ID [--json]
advisor-app [--db URL] [--user NAME] mentors assign [--json]      (neither saves anything)

Signing in: --user NAME (default: the login name), the password from $ADVISOR_PASSWORD or a
prompt. Exit codes: 0 done, 1 a check found a problem, 2 bad usage or input, 3 sign-in
refused or not permitted. Errors are one line on stderr in the --lang language.
advisor-app instrument list                      the shipped check-in instruments
advisor-app instrument score ID --answers A,B,.. [--json]
                                                 score answers (no database); exit 2 if bad
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from advisor_app import __version__
from advisor_app.atomic_write import write_bytes_atomically

if TYPE_CHECKING:
    from advisor_app.domain.actor import Actor
    from advisor_app.domain.instruments import Instrument
    from advisor_app.persistence.database import Database
    from advisor_app.services.facade import Services

log = logging.getLogger("advisor_app")

DB_ENV = "ADVISOR_APP_DB"
PASSWORD_ENV = "ADVISOR_PASSWORD"
NEW_PASSWORD_ENV = "ADVISOR_NEW_PASSWORD"
DEMO_PASSWORD_ENV = "ADVISOR_DEMO_PASSWORD"
SCREENSHOT_TABS = ("overview", "sessions", "follow-ups", "wellbeing")  # the page's tab order
# The advisor's window's top-level pages, in their order (ui/main_window.py).
SCREENSHOT_PAGES = (
    "today",
    "relatives",
    "all-follow-ups",
    "wellbeing-follow-up",
    "offers",
    "mentor-matching",
)


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
        help="database URL: sqlite+pysqlite:///FILE or postgresql+psycopg://USER@HOST/DB, or "
        "a plain path to a SQLite file (default: a file in the user's data directory, or "
        f"${DB_ENV}); a new file is made only in an existing folder",
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
        choices=SCREENSHOT_TABS + SCREENSHOT_PAGES,
        default="overview",
        help="with --screenshot: the tab of the relative's page to show (wellbeing picks "
        "the first listed relative with three or more check-ins), or a page of the window "
        "(today is the start page)",
    )
    parser.add_argument(
        "--user",
        default=None,
        help="the user to sign in as (default: the login name); the password comes from "
        f"${PASSWORD_ENV} or a prompt",
    )
    sub = parser.add_subparsers(dest="command")
    db_cmd = sub.add_parser("db", help="database maintenance")
    db_sub = db_cmd.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser(
        "upgrade",
        help="migrate the database to the newest schema, after a verified backup: on SQLite "
        "a copy beside the file; on PostgreSQL a pg_dump file (mode 0600) in the user's data "
        "folder's backups/ when pg_dump is installed, otherwise the server's own backup is "
        "relied on (said on stderr)",
    )
    db_sub.add_parser(
        "roles",
        help="PostgreSQL: create the group roles and GRANTs that make the server enforce "
        "the program's roles (run by the database's owner)",
    )
    backup = sub.add_parser(
        "backup",
        help="write a verified copy of the workstation's database (an administrator's)",
        description="Through SQLite's backup API to a temporary name, checked with "
        "integrity_check, then renamed: FILE is whole or not there. Mode 0600. On a team "
        "database (PostgreSQL) the server's own backup is relied on.",
    )
    backup.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    restore = sub.add_parser(
        "restore",
        help="replace the workstation's database with a backup",
        description="FILE must be a whole advisor_app database of a known version (it is "
        "checked first). A copy of the database it replaces is kept in the backup folder "
        "beside it. Needs no sign-in: it must work when the database is too damaged to "
        "sign in to. Close the program first.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    users = sub.add_parser("users", help="the program's users (an administrator's work)")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser(
        "add",
        help="add a user; on a database without users the first must be an admin, and "
        "needs no sign-in",
        description=f"The new user's password comes from ${NEW_PASSWORD_ENV} or a prompt "
        "(at least 12 characters). On PostgreSQL the login must exist (createuser); it is "
        "granted its role's group.",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=("advisor", "manager", "admin", "auditor"))
    add.add_argument("--display-name", default=None, metavar="TEXT")
    users_sub.add_parser("list", help="list the users")
    for verb, text in (
        ("unlock", "unlock an account locked after wrong passwords"),
        ("disable", "disable a user (their history stays)"),
        ("passwd", f"set a user's password (from ${NEW_PASSWORD_ENV} or a prompt)"),
    ):
        users_sub.add_parser(verb, help=text).add_argument("name", metavar="NAME")
    audit = sub.add_parser("audit", help="the access log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="check the access log's hash chain (auditor or admin): exit 0 and the head, "
        "or exit 1 and the first broken event",
    )
    verify.add_argument(
        "--expect-head",
        metavar="HASH",
        default=None,
        help="the head noted at an earlier check: also catches a cut-off tail",
    )
    stats = sub.add_parser("stats", help="session statistics for management (a manager's)")
    stats_sub = stats.add_subparsers(dest="stats_command", required=True)
    export = stats_sub.add_parser(
        "export",
        help="aggregated, anonymous figures for a period as XLSX, CSV or PDF",
        description="Cells counting fewer than --min-cell persons show as <N, with secondary "
        "suppression so no total gives them away. Usable from a scheduled job: the password "
        f"from ${PASSWORD_ENV}.",
    )
    export.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--by", choices=("month", "quarter"), default="month")
    export.add_argument("--format", choices=("xlsx", "csv", "pdf"), required=True)
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.add_argument("--min-cell", type=int, default=5, metavar="N")
    relief = sub.add_parser("relief", help="relief arrangements (an advisor's)")
    relief_sub = relief.add_subparsers(dest="relief_command", required=True)
    ics = relief_sub.add_parser(
        "ics",
        help="a relative's relief plan for the coming year as an iCalendar (.ics) file",
        description="Kind, provider and times only (Europe/Copenhagen); logged as an export.",
    )
    ics.add_argument("--relative", required=True, type=int, metavar="ID")
    ics.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.ics")
    handout = sub.add_parser(
        "handout",
        help="a relative's handout as a PDF (an advisor's), recorded as given",
        description="The same handout the program prints: under the consent gate (what it "
        "leaves out is said on stderr), recorded with the PDF's SHA-256.",
    )
    handout.add_argument("--relative", type=int, required=True, metavar="ID")
    handout.add_argument("--session", type=int, default=None, metavar="ID")
    handout.add_argument("--variant", choices=("standard", "easy", "child"), default=None)
    handout.add_argument("--language", choices=("da", "en"), default=None)
    handout.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    demo = sub.add_parser(
        "demo-data",
        help="fill the database with realistic Danish demo data",
        description="On a database without users it needs no sign-in and creates "
        f"demo-advisor, demo-manager, demo-admin and demo-auditor (password from "
        f"${DEMO_PASSWORD_ENV}, or a random one it prints); otherwise sign in as an admin.",
    )
    demo.add_argument("--relatives", type=int, default=200, metavar="N")
    demo.add_argument(
        "--sessions-per-relative", type=finite_non_negative, default=10.0, metavar="K"
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    from advisor_app.cli_offers import add_parser as add_offers_parser

    add_offers_parser(sub)
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
    from advisor_app import cli_mentors

    cli_mentors.add_parser(sub)
    return parser


def finite_non_negative(text: str) -> float:
    """argparse type: a finite number >= 0 (float() also takes nan, inf and -1e9)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number, 0 or more: {text!r}")
    return value


def database_url(given: str | None) -> tuple[str, bool]:
    """The URL to open and whether its folder may be created. Only the default data folder
    is made on demand: a typo in --db or $ADVISOR_APP_DB must not look like lost data. A
    --db without "://" is a path to a SQLite file (made absolute here)."""
    if given is None:
        from_env = os.environ.get(DB_ENV)
        if from_env:
            return database_url(from_env)[0], False
        return default_db_url(), True
    if "://" in given:
        return given, False
    from advisor_app.persistence.database import sqlite_url

    return sqlite_url(Path(given).expanduser().absolute()), False


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "advisor"


class Refused(Exception):
    """Sign-in refused or not permitted: exit code 3."""


class BadInput(Exception):
    """Bad usage or input: exit code 2."""


def _say(message: str) -> None:
    print(f"advisor-app: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its set-up chatter on every start
    from advisor_app import i18n

    i18n.set_language(args.lang or i18n.DEFAULT_LANGUAGE)
    if args.command == "instrument":  # before the database URL: these need no database
        return instrument_command(args)
    if args.command == "demo-data" and (args.relatives < 1 or args.sessions_per_relative < 0):
        parser.error("--relatives must be at least 1 and --sessions-per-relative not negative")
    url, create_folder = database_url(args.db)
    if args.command is None:
        from advisor_app.ui.app import run_gui

        return run_gui(
            team_url(url, args.user),
            create_folder=create_folder,
            language=args.lang,
            screenshot=args.screenshot,
            screenshot_tab=SCREENSHOT_TABS.index(args.screenshot_tab)
            if args.screenshot_tab in SCREENSHOT_TABS
            else 0,
            screenshot_page=SCREENSHOT_PAGES.index(args.screenshot_tab)
            if args.screenshot_tab in SCREENSHOT_PAGES
            else None,
            user=args.user,
            password=os.environ.get(PASSWORD_ENV),
        )
    from advisor_app.domain.errors import AccessDeniedError, ServiceError

    try:
        return run_command(args, url, create_folder=create_folder)
    except (Refused, AccessDeniedError) as exc:
        _say(_message(exc))
        return 3
    except (BadInput, ServiceError) as exc:
        _say(_message(exc))
        return 2
    except Exception as exc:
        # Storage trouble outside a service call (a migration, reference data): in words.
        from advisor_app.services.facade import storage_trouble

        trouble = storage_trouble(exc)
        if trouble is None:
            raise
        _say(_message(trouble))
        return 2


def _message(exc: Exception) -> str:
    from advisor_app import i18n
    from advisor_app.domain.errors import ServiceError

    if isinstance(exc, ServiceError):
        return exc.translated(i18n._)
    return str(exc)


def team_url(url: str, user: str | None) -> str:
    """On PostgreSQL each user connects as their own login: --user and $ADVISOR_PASSWORD go
    into the connection (never onto the command line, never into a log)."""
    from advisor_app.services.facade import with_login

    return with_login(url, user, os.environ.get(PASSWORD_ENV))


def open_for_cli(url: str, user: str | None, *, create_folder: bool = False) -> Services:
    from advisor_app.domain.errors import ServiceError
    from advisor_app.services.facade import open_services

    try:
        services, backup = open_services(team_url(url, user), create_folder=create_folder)
    except ServiceError:
        raise  # a damaged file (with the restore command to run), a newer schema: exit 2
    except Exception as exc:
        raise _database_trouble(exc) from None
    if backup is not None:
        print(f"backup: {backup}", file=sys.stderr)
    return services


def _database_trouble(exc: Exception) -> Refused | BadInput:
    """What a failure to open or use the database means to the user (exit 3 or 2)."""
    from advisor_app import i18n
    from advisor_app.services.facade import storage_trouble

    if _is_auth_failure(exc):
        return Refused(i18n._("The database refused the sign-in."))
    trouble = storage_trouble(exc)
    if trouble is not None:
        return BadInput(trouble.translated(i18n._))
    log_error(exc)
    return BadInput(
        i18n._("The database could not be opened ({kind}). Check the --db address.").format(
            kind=type(exc).__name__
        )
    )


def _is_auth_failure(exc: Exception) -> bool:
    from advisor_app.services.facade import server_refused_sign_in

    return server_refused_sign_in(exc)


def log_error(exc: Exception) -> None:
    """Type and place only: a message can hold a URL or personal data."""
    log.debug("error of type %s", type(exc).__name__)


def read_password(env: str, prompt: str, *, confirm: bool = False) -> str:
    from_env = os.environ.get(env)
    if from_env is not None:
        return from_env
    import getpass

    if not sys.stdin or not sys.stdin.isatty():
        from advisor_app import i18n

        raise Refused(i18n._("No password: set {env} or run from a terminal.").format(env=env))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(prompt) != first:
        from advisor_app import i18n

        raise BadInput(i18n._("The two passwords differ."))
    return first


def sign_in(services: Services, user: str | None) -> Actor:
    from advisor_app import i18n

    name = user or login_name()
    if not services.accounts.has_users():
        raise Refused(
            i18n._(
                "The database has no users yet: add the first with 'users add NAME --role admin'."
            )
        )
    password = None
    if services.db.is_sqlite:
        password = read_password(PASSWORD_ENV, i18n._("Password for {user}: ").format(user=name))
    return services.accounts.sign_in(name, password)


def run_command(args: argparse.Namespace, url: str, *, create_folder: bool = False) -> int:
    if args.command == "db":
        return db_command(args, url, create_folder=create_folder)
    if args.command == "restore":
        return restore_command(args, url)
    services = open_for_cli(url, args.user, create_folder=create_folder)
    try:
        if args.command == "users":
            return users_command(services, args)
        if args.command == "audit":
            return audit_command(services, args)
        if args.command == "stats":
            return stats_command(services, args)
        if args.command == "relief":
            return relief_command(services, args)
        if args.command == "offers":
            from advisor_app.cli_offers import offers_command

            return offers_command(services, args)
        if args.command == "mentors":
            from advisor_app import cli_mentors

            return cli_mentors.run(services, sign_in(services, args.user), args)
        if args.command == "handout":
            return handout_command(services, args)
        if args.command == "backup":
            return backup_command(services, args)
        return demo_command(services, args)
    finally:
        services.db.dispose()


def db_command(args: argparse.Namespace, url: str, *, create_folder: bool = False) -> int:
    from advisor_app import i18n
    from advisor_app.domain.errors import ServiceError
    from advisor_app.persistence.database import Database, sqlite_path_of
    from advisor_app.persistence.integrity import refuse_damaged

    db: Database | None = None
    try:
        refuse_damaged(sqlite_path_of(url))
        db = Database(team_url(url, args.user), create_folder=create_folder)
        if args.db_command == "upgrade":
            return _db_upgrade(db)
        if db.is_sqlite:
            raise BadInput(i18n._("'db roles' is for a PostgreSQL database."))
        from advisor_app.persistence import pg_roles

        with db.engine.begin() as connection:
            groups = pg_roles.apply(connection)
        print("group roles: " + ", ".join(groups))
        return 0
    except (BadInput, Refused, ServiceError):
        raise
    except Exception as exc:
        raise _database_trouble(exc) from None
    finally:
        if db is not None:
            db.dispose()


def backup_command(services: Services, args: argparse.Namespace) -> int:
    """``backup -o FILE``: a verified copy, logged as an export."""
    actor = sign_in(services, args.user)
    made = services.backups.make(actor, args.output)
    print(f"{args.output}: {made.size:,} bytes, integrity_check ok")
    return 0


def restore_command(args: argparse.Namespace, url: str) -> int:
    """``restore FILE``: checked, a copy of the current file kept, then put in its place and
    opened once (an older backup is migrated, after its own backup)."""
    from advisor_app import i18n
    from advisor_app.services.facade import restore_file

    kept = restore_file(url, args.file)
    if kept is not None:
        print(i18n._("The replaced database was kept as {file}").format(file=kept))
    services = open_for_cli(url, args.user)
    services.db.dispose()
    print(i18n._("Restored {file}.").format(file=args.file))
    return 0


def _db_upgrade(db: Database) -> int:
    """Migrate, seed and renew the grants, one program at a time (an advisory lock on
    PostgreSQL), after a verified backup: SQLite's copy beside the file, pg_dump's on a team
    database when the machine has pg_dump, else the server's own backup is relied on."""
    from advisor_app import i18n
    from advisor_app.domain.clock import SystemClock
    from advisor_app.persistence import migrations
    from advisor_app.services.reference import seed_reference_data

    with db.migration_lock():
        current = migrations.current_revision(db)
        behind = current != migrations.head_revision(db)
        try:
            backup = db.upgrade()
        except migrations.BackupError as exc:
            print(
                i18n._(
                    "The backup before the migration failed ({reason}); nothing was migrated."
                ).format(reason=exc),
                file=sys.stderr,
            )
            return 1
        seed_reference_data(db, SystemClock())
        if not db.is_sqlite:
            from advisor_app.persistence import pg_roles

            with db.engine.begin() as connection:
                if pg_roles.groups_exist(connection):
                    pg_roles.apply(connection)  # new tables get their grants at once
                    print("grants renewed")
    if backup is not None:
        print(f"backup: {backup}")
    elif behind and current is not None and not db.is_sqlite:
        print(
            i18n._(
                "No pg_dump on this machine: no copy was taken before the migration; the"
                " database server's own backup is relied on."
            ),
            file=sys.stderr,
        )
    print("database is at the newest schema")
    return 0


def users_command(services: Services, args: argparse.Namespace) -> int:
    from advisor_app import i18n
    from advisor_app.domain.enums import Role

    accounts = services.accounts
    if args.users_command == "add" and not accounts.has_users():
        if args.role != Role.ADMIN.value:
            raise BadInput(i18n._("The first user must be an admin (--role admin)."))
        password = _new_password(services)
        accounts.create_first_admin(args.name, args.display_name or args.name, password)
        print(f"added {args.name.lower()} (admin)")
        return 0
    actor = sign_in(services, args.user)
    if args.users_command == "add":
        view = accounts.add_user(
            actor, args.name, Role(args.role), args.display_name, _new_password(services)
        )
        print(f"added {view.username} ({view.role.value})")
    elif args.users_command == "list":
        for user in accounts.list_users(actor):
            state = "active" if user.active else "disabled"
            if user.locked_until is not None and user.locked_until > services.clock.now():
                state = "locked"
            print(f"{user.username:<24} {user.role.value:<8} {state:<8} {user.display_name}")
    elif args.users_command == "unlock":
        print(f"unlocked {accounts.unlock(actor, args.name).username}")
    elif args.users_command == "disable":
        print(f"disabled {accounts.disable(actor, args.name).username}")
    else:
        view = accounts.set_password(actor, args.name, _new_password(services) or "")
        print(f"password set for {view.username}")
    return 0


def _new_password(services: Services) -> str | None:
    from advisor_app import i18n

    if not services.db.is_sqlite:
        return None  # the server holds the password
    return read_password(NEW_PASSWORD_ENV, i18n._("New password: "), confirm=True)


def audit_command(services: Services, args: argparse.Namespace) -> int:
    from advisor_app import i18n

    actor = sign_in(services, args.user)
    verdict = services.audit.verify(actor, args.expect_head)
    if verdict.ok:
        print(f"ok: {verdict.count} events, head {verdict.head}")
        return 0
    reason = i18n._(verdict.reason or "").format(id=verdict.broken_id)
    print(f"broken: {reason}")
    if verdict.broken_id is not None:
        print(f"first broken event: {verdict.broken_id}")
    print(f"last good: {verdict.count} events, head {verdict.head}")
    return 1


def parse_day(text: str, what: str) -> date:
    from advisor_app import i18n

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            i18n._("{what} is not a date of the form YYYY-MM-DD.").format(what=what)
        ) from None


def stats_command(services: Services, args: argparse.Namespace) -> int:
    """``stats export``: the report, rendered, written, then its export logged."""
    import hashlib

    from advisor_app import i18n
    from advisor_app.domain.statistics import Granularity, StatsRequest

    request = StatsRequest(
        parse_day(args.start, "--from"),
        parse_day(args.end, "--to"),
        Granularity(args.by),
        args.min_cell,
        args.lang or i18n.DEFAULT_LANGUAGE,
    ).checked()
    actor = sign_in(services, args.user)
    report = services.statistics.report(actor, request)
    from advisor_app.reports.stats_export import render

    data = render(report, args.format)
    try:
        write_bytes_atomically(args.output, data)
    except OSError:
        raise BadInput(i18n._("The file could not be written.")) from None
    digest = hashlib.sha256(data).hexdigest()
    services.statistics.record_export(actor, request, args.format, digest)
    print(f"{args.output}: {len(data):,} bytes, sha256 {digest}")
    return 0


def relief_command(services: Services, args: argparse.Namespace) -> int:
    """``relief ics``: the relative's relief plan written as a calendar file."""
    from advisor_app import i18n
    from advisor_app.reports.relief_ics import render_calendar

    actor = sign_in(services, args.user)
    data = render_calendar(services.relief.calendar(actor, args.relative))
    try:
        write_bytes_atomically(args.output, data)
    except OSError:
        raise BadInput(i18n._("The file could not be written.")) from None
    print(f"{args.output}: {len(data):,} bytes")
    return 0


def handout_command(services: Services, args: argparse.Namespace) -> int:
    """``handout``: composed under the consent gate, rendered, written, then recorded."""
    import hashlib

    from advisor_app import i18n
    from advisor_app.domain.enums import Language
    from advisor_app.domain.handout import HandoutDelivery, HandoutVariant
    from advisor_app.reports.handout_pdf import HandoutRenderer

    actor = sign_in(services, args.user)
    draft = services.handouts.compose(
        actor,
        args.relative,
        HandoutVariant(args.variant) if args.variant else None,
        Language(args.language) if args.language else None,
        session_id=args.session,
    )
    for reason in draft.omitted:
        _say(i18n._(reason))
    data = HandoutRenderer().render(draft.handout)
    try:
        write_bytes_atomically(args.output, data)
    except OSError:
        raise BadInput(i18n._("The file could not be written.")) from None
    digest = hashlib.sha256(data).hexdigest()
    services.handouts.record(actor, draft, digest, HandoutDelivery.SAVED)
    print(f"{args.output}: {len(data):,} bytes, sha256 {digest}")
    return 0


def demo_command(services: Services, args: argparse.Namespace) -> int:
    from advisor_app import i18n
    from advisor_app.devtools import demo_users
    from advisor_app.devtools.demo import DemoDataGenerator
    from advisor_app.domain.enums import Role

    admin = None
    if services.accounts.has_users():
        admin = sign_in(services, args.user)
        if admin.role is not Role.ADMIN:
            raise Refused(i18n._("Only an administrator can add demo data."))
    password = os.environ.get(DEMO_PASSWORD_ENV) or secrets.token_urlsafe(12)
    made = demo_users.create(services, password, admin)
    if made and DEMO_PASSWORD_ENV not in os.environ:
        print(f"demo users: {', '.join(made)}; password: {password}")
    author = demo_users.author(services)
    started = time.perf_counter()
    summary = DemoDataGenerator(services.db).generate(
        author,
        relatives=args.relatives,
        sessions_per_relative=args.sessions_per_relative,
        seed=args.seed,
        progress=lambda text: print(text, file=sys.stderr),
    )
    print(f"{summary} in {time.perf_counter() - started:.1f} s")
    return 0


# ---- instrument list / instrument score ---------------------------------------------------
def instrument_command(args: argparse.Namespace) -> int:
    """``instrument list`` and ``instrument score``: a user error (a ValidationError) is one
    line on stderr and exit code 2, as argparse does for bad options; nothing on stdout."""
    from advisor_app import i18n
    from advisor_app.domain.errors import ValidationError

    try:
        if args.instrument_command == "list":
            lines = instrument_list_lines()
        else:
            lines = instrument_score_lines(args.instrument_id, args.answers, as_json=args.json)
    except ValidationError as exc:
        print(f"advisor-app: error: {exc.translated(i18n._)}", file=sys.stderr)
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
