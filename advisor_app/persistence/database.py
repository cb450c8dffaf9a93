"""The one Database object built at start-up: engine, sessions, SQLite settings, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from advisor_app.persistence import migrations

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A team database: how long a statement waits for a lock a colleague's program holds, and
# how long any statement may run, before the server gives up with an error the door turns
# into a message (services/contention.py) instead of the window waiting without end. The
# demo-data bulk load and the migrations lift them for their own transaction.
PG_LOCK_TIMEOUT_MS = 5_000
PG_STATEMENT_TIMEOUT_MS = 60_000


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def sqlite_path_of(url: str) -> Path | None:
    """The file of a SQLite URL (None for a server or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Path(parsed.database)
    return None


def _configure_sqlite(engine: Engine) -> None:
    """WAL, synchronous=FULL, foreign keys, busy timeout, and every transaction begun
    IMMEDIATE: a read that later upgrades to a write is what makes "database is locked"."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Engine plus session factory. Services open one session per user action with
    ``with db.begin() as session:``; nothing here commits on anyone's behalf."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        lock_timeout_ms: int = PG_LOCK_TIMEOUT_MS,
        statement_timeout_ms: int = PG_STATEMENT_TIMEOUT_MS,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._migration_lock_depth = 0
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {}
        if not self.is_sqlite:
            connect_args["options"] = _pg_options(
                self.url.query.get("options"), lock_timeout_ms, statement_timeout_ms
            )
        self.engine = create_engine(
            self.url, echo=echo, pool_pre_ping=not self.is_sqlite, connect_args=connect_args
        )
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite_path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        """PostgreSQL: one program at a time migrates and seeds (three starting at once on a
        new database raced to create ``alembic_version``). A session-level advisory lock on
        a connection of its own, re-entrant within this Database; SQLite: nothing (its
        writers take turns)."""
        if self.is_sqlite or self._migration_lock_depth:
            self._migration_lock_depth += 1
            try:
                yield
            finally:
                self._migration_lock_depth -= 1
            return
        with migrations.advisory_lock(self.engine):
            self._migration_lock_depth = 1
            try:
                yield
            finally:
                self._migration_lock_depth = 0

    def schema_behind(self) -> bool:
        return migrations.current_revision(self) != migrations.head_revision(self)

    def upgrade(self, *, backup: bool = True, backup_dir: Path | None = None) -> Path | None:
        """Bring the schema to the newest migration; back the file up first when it has data
        and is behind. Returns the backup's path when one was made."""
        with self.migration_lock():
            return migrations.upgrade(self, backup=backup, backup_dir=backup_dir)

    def login_works(self, password: str) -> bool:
        """PostgreSQL: whether the server accepts this login with ``password`` (a fresh
        connection of its own; the idle lock asks this). Where the server trusts the login
        without a password (Kerberos, trust), any password passes: the server decides."""
        from sqlalchemy.exc import OperationalError

        probe = create_engine(self.url.set(password=password), poolclass=NullPool)
        try:
            with probe.connect():
                return True
        except OperationalError:
            return False
        finally:
            probe.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


def _pg_options(given: object, lock_timeout_ms: int, statement_timeout_ms: int) -> str:
    """libpq's ``options``: the timeouts, then any the URL sets (which win, so a site can
    choose its own); the server applies them at connect, so no pooled connection is without."""
    ours = (
        f"-c lock_timeout={int(lock_timeout_ms)} -c statement_timeout={int(statement_timeout_ms)}"
    )
    if isinstance(given, tuple):
        given = " ".join(given)
    return f"{ours} {given}" if isinstance(given, str) and given.strip() else ours


def utcnow() -> datetime:
    return datetime.now(UTC)
