"""Alembic, driven from code: the scripts live in ``db/`` (found by advisor_app.locations)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Engine, text

from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.errors import NewerSchema
from advisor_app.locations import migrations_dir
from advisor_app.persistence import backups
from advisor_app.persistence.backups import BackupError as BackupError

if TYPE_CHECKING:
    from advisor_app.persistence.database import Database

# pg_advisory_lock's key for "migrating and seeding": one program at a time.
MIGRATION_LOCK_KEY = 0x6D696772617465  # "migrate"
# How long a program waits for another's migration before giving up.
MIGRATION_LOCK_WAIT = "10min"
PG_DUMP_TIMEOUT_S = 3600


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = db.engine
    return config


def head_revision(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revision(db: Database, revision: str | None) -> bool:
    """Whether this program's migrations know ``revision`` (None: an empty database)."""
    if revision is None:
        return True
    try:
        return ScriptDirectory.from_config(alembic_config(db)).get_revision(revision) is not None
    except (CommandError, ResolutionError):
        return False


@contextmanager
def advisory_lock(engine: Engine) -> Iterator[None]:
    """Hold PostgreSQL's session-level advisory lock for migrating, on a connection of its
    own, waiting up to MIGRATION_LOCK_WAIT (not the everyday lock timeout) for another
    program's migration to end."""
    with engine.connect() as connection:
        connection.execute(text(f"SET lock_timeout = '{MIGRATION_LOCK_WAIT}'"))
        connection.execute(text("SET statement_timeout = 0"))
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.execute(text("RESET lock_timeout"))
            connection.execute(text("RESET statement_timeout"))
            connection.commit()


def default_backup_dir() -> Path:
    """Where a team database's copy before a migration goes: the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("advisor_app", appauthor=False) / "backups"


def find_pg_dump() -> Path | None:
    """pg_dump, newest first from /usr/lib/postgresql/*/bin (a newer pg_dump reads an older
    server, not the other way round), then PATH; None when the machine has none."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.parent.parent.name))

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), key=version, reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        found.append(Path(on_path))
    return next((p for p in found if p.is_file() and os.access(p, os.X_OK)), None)


def _pg_environment(db: Database) -> dict[str, str]:
    """libpq's environment for the database's URL (over the user's own PG* settings, as
    the program's connection does): the password never on a command line."""
    url = db.url
    env = dict(os.environ)
    host = url.query.get("host", url.host)
    port = url.query.get("port", url.port)
    values = {
        "PGHOST": host,
        "PGPORT": port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    for key, value in values.items():
        if isinstance(value, tuple):
            value = value[0] if value else None
        if value is not None and str(value) != "":
            env[key] = str(value)
    return env


def backup_postgresql(db: Database, current: str, directory: Path, pg_dump: Path) -> Path:
    """pg_dump's custom format to a 0600 file (written to a temporary name, then renamed),
    verified non-empty and readable by pg_restore --list when that is beside pg_dump."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", db.url.database or "database")
    target = directory / f"{name}.before-{current}-{stamp}.dump"
    partial = target.with_name(target.name + ".partial")
    env = _pg_environment(db)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            run = subprocess.run(
                [str(pg_dump), "--format=custom", "--no-password"],
                stdout=out,
                stderr=subprocess.PIPE,
                env=env,
                timeout=PG_DUMP_TIMEOUT_S,
                check=False,
            )
            out.flush()
            os.fsync(out.fileno())
        if run.returncode != 0:
            first = run.stderr.decode(errors="replace").strip().splitlines()[:1]
            raise BackupError(
                "pg_dump failed: " + (first[0] if first else f"exit {run.returncode}")
            )
        if partial.stat().st_size == 0:
            raise BackupError("pg_dump wrote an empty file")
        pg_restore = pg_dump.with_name("pg_restore")
        if pg_restore.is_file():
            listed = subprocess.run(
                [str(pg_restore), "--list", str(partial)],
                capture_output=True,
                timeout=PG_DUMP_TIMEOUT_S,
                check=False,
            )
            if listed.returncode != 0 or not listed.stdout.strip():
                raise BackupError("the pg_dump file cannot be read back (pg_restore --list)")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def upgrade(db: Database, *, backup: bool = True, backup_dir: Path | None = None) -> Path | None:
    """Migrate to head after a verified backup when there is data: SQLite's backup API
    beside the file; on PostgreSQL pg_dump when the machine has it (otherwise the server's
    own backup is relied on: ``find_pg_dump`` says which). Run under ``db.migration_lock``.
    A newer program's schema is refused before anything is copied or written."""
    current = current_revision(db)
    if current == head_revision(db):
        return None
    if not known_revision(db, current):
        raise NewerSchema()
    made: Path | None = None
    path = db.sqlite_path
    if backup and current is not None and path is not None and path.exists():
        made = backups.make_backup(path, BackupKind.MIGRATION).path
    if backup and current is not None and not db.is_sqlite:
        pg_dump = find_pg_dump()
        if pg_dump is not None:
            made = backup_postgresql(db, current, backup_dir or default_backup_dir(), pg_dump)
    command.upgrade(alembic_config(db), "head")
    return made
