"""The one Database object built at start-up: engine, sessions, SQLite settings, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from advisor_app.persistence import file_checks, migrations

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
    return Database.path_of(url)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, path: Path | None) -> None:
    """WAL, synchronous=FULL, foreign keys, busy timeout, and every transaction begun
    IMMEDIATE: a read that later upgrades to a write is what makes "database is locked"."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        if path is not None:
            file_checks.keep_companions_private(path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Engine plus session factory. Services open one session per user action with
    ``with db.begin() as session:``; nothing here commits on anyone's behalf.

    A SQLite file is checked before use (persistence/file_checks.py): an existing file must
    be a SQLite database (not empty, not text); a new one is created at once, 0600, and only
    in an existing folder unless ``create_folder`` (the default data folder). A URI filename
    (``file:...?mode=ro&uri=true``) is passed to SQLite as it is."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
        create_folder: bool = False,
        lock_timeout_ms: int = PG_LOCK_TIMEOUT_MS,
        statement_timeout_ms: int = PG_STATEMENT_TIMEOUT_MS,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._migration_lock_depth = 0
        path = self.sqlite_path
        if path is not None:
            file_checks.check_sqlite_file(path, create_folder=create_folder)
            if not self._is_uri and not path.exists():
                file_checks.create_sqlite_file(path)
        connect_args: dict[str, Any] = {}
        if not self.is_sqlite:
            connect_args["options"] = _pg_options(
                self.url.query.get("options"), lock_timeout_ms, statement_timeout_ms
            )
        self.engine = create_engine(
            self.url, echo=echo, pool_pre_ping=not self.is_sqlite, connect_args=connect_args
        )
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_ms, path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def _is_uri(self) -> bool:
        return _is_uri(self.url)

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database (also of a ``file:`` URI), else None."""
        return _sqlite_path(self.url) if self.is_sqlite else None

    @staticmethod
    def path_of(url: str) -> Path | None:
        """The SQLite file ``url`` names, without connecting; None for a server or memory."""
        parsed = make_url(url)
        return _sqlite_path(parsed) if parsed.get_backend_name() == "sqlite" else None

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

    def accepts_writes(self) -> bool:
        """SQLite: whether the file can be written (a write to the schema's version row,
        rolled back). A read-only file or drive shows only when the first save fails, which
        for a database without users is the first administrator's: asked at start instead.
        PostgreSQL: the server's grants decide, per statement; True."""
        if not self.is_sqlite:
            return True
        from sqlalchemy.exc import OperationalError

        from advisor_app.domain.errors import ReadOnlyDatabase
        from advisor_app.persistence.storage_errors import storage_error

        with self.engine.connect() as connection:
            try:
                connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            except OperationalError as exc:
                trouble = storage_error(exc)
                if isinstance(trouble, ReadOnlyDatabase):
                    return False
                if trouble is not None:
                    raise trouble from None
                # No version row yet (an empty file): nothing to say about writing.
            finally:
                connection.rollback()
        return True

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


def _is_uri(url: URL) -> bool:
    return str(url.query.get("uri", "")).lower() == "true"


def _sqlite_path(url: URL) -> Path | None:
    name = url.database
    if not name or name == ":memory:" or "mode=memory" in str(url):
        return None
    if _is_uri(url) and name.startswith("file:"):
        name = name.removeprefix("file:").split("?", 1)[0]
        if not name or name == ":memory:":
            return None
    return Path(name)


def utcnow() -> datetime:
    return datetime.now(UTC)
