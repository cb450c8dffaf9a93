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

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(self.url, echo=echo, pool_pre_ping=not self.is_sqlite)
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

    def schema_behind(self) -> bool:
        return migrations.current_revision(self) != migrations.head_revision(self)

    def upgrade(self, *, backup: bool = True) -> Path | None:
        """Bring the schema to the newest migration; back the file up first when it has data
        and is behind. Returns the backup's path when one was made."""
        return migrations.upgrade(self, backup=backup)

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


def utcnow() -> datetime:
    return datetime.now(UTC)
