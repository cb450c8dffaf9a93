"""The driver's errors that mean storage trouble, mapped once to the domain's typed errors.

The door (services/door.py) calls ``raise_storage_error`` on every ``DBAPIError`` that
leaves a unit of work; the start-up (cli.py, ui/app.py) calls ``storage_error`` on what
opening the database raised. A mapped error says what happened and what to do; anything
not mapped here (an IntegrityError, a syntax error) stays what it is: a bug or a case the
door handles itself.

SQLite is read by its result code (``sqlite_errorcode``, Python 3.11+; the primary code is
its low byte), with the message as a fallback for the few errors raised without one.
PostgreSQL (psycopg 3) by SQLSTATE, and a connection that failed or broke by SQLAlchemy's
``connection_invalidated`` and psycopg's own words.
"""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy.exc import DBAPIError

from advisor_app.domain.errors import (
    ConnectionLost,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseUnavailable,
    DiskFull,
    ReadOnlyDatabase,
    ServerUnreachable,
    StorageError,
)

log = logging.getLogger(__name__)

# SQLite's primary result codes (https://sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_NOTADB = 26

_SQLITE_CODES: dict[int, type[StorageError]] = {
    SQLITE_BUSY: DatabaseBusy,
    SQLITE_LOCKED: DatabaseBusy,
    SQLITE_FULL: DiskFull,
    SQLITE_READONLY: ReadOnlyDatabase,
    SQLITE_CORRUPT: DatabaseDamaged,
    SQLITE_NOTADB: DatabaseDamaged,
    SQLITE_CANTOPEN: DatabaseUnavailable,
    SQLITE_IOERR: DatabaseUnavailable,
}

_SQLITE_WORDS: tuple[tuple[str, type[StorageError]], ...] = (
    ("database is locked", DatabaseBusy),
    ("database table is locked", DatabaseBusy),
    ("disk is full", DiskFull),
    ("readonly database", ReadOnlyDatabase),
    ("malformed", DatabaseDamaged),
    ("not a database", DatabaseDamaged),
    ("unable to open database", DatabaseUnavailable),
    ("disk i/o error", DatabaseUnavailable),
)

# PostgreSQL SQLSTATEs (and classes: the first two characters).
_PG_STATES: dict[str, type[StorageError]] = {
    "55P03": DatabaseBusy,  # lock_not_available (lock_timeout)
    "57014": DatabaseBusy,  # query_canceled (statement_timeout)
    "53100": DiskFull,  # disk_full
    "25006": ReadOnlyDatabase,  # read_only_sql_transaction (a standby, a read-only database)
    "XX001": DatabaseDamaged,  # data_corrupted
    "XX002": DatabaseDamaged,  # index_corrupted
    "57P01": ConnectionLost,  # admin_shutdown
    "57P02": ConnectionLost,  # crash_shutdown
    "57P03": ServerUnreachable,  # cannot_connect_now (starting up)
    "53300": ServerUnreachable,  # too_many_connections
}
_PG_CLASSES: dict[str, type[StorageError]] = {
    "08": ConnectionLost,  # connection_exception
}
_PG_LOST_WORDS = (
    "server closed the connection",
    "connection is closed",
    "terminating connection",
    "consuming input failed",
    "connection is lost",
)
_PG_AUTH_WORDS = ("password authentication failed", "no password supplied")


def storage_error(exc: BaseException) -> StorageError | None:
    """The typed error ``exc`` (a DBAPIError or a driver error) stands for, or None when it
    is no storage trouble."""
    if isinstance(exc, StorageError):
        return exc
    orig: BaseException = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        return _from_sqlite(orig)
    if type(orig).__module__.split(".")[0] == "psycopg":
        invalidated = isinstance(exc, DBAPIError) and exc.connection_invalidated
        return _from_psycopg(orig, invalidated=invalidated)
    return None


def raise_storage_error(exc: DBAPIError) -> None:
    """Raise the typed error ``exc`` stands for; return (so the caller re-raises ``exc``)
    when it is no storage trouble."""
    found = storage_error(exc)
    if found is not None:
        _note(found, exc)
        raise found from None  # the driver's message may hold the statement's parameters


def _note(found: StorageError, exc: BaseException) -> None:
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    log.debug("storage trouble: %s (%s)", type(found).__name__, code or type(orig).__name__)


def _from_sqlite(orig: sqlite3.Error) -> StorageError | None:
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        kind = _SQLITE_CODES.get(code & 0xFF)
        if kind is not None:
            return kind()
    text = str(orig).lower()
    for words, kind in _SQLITE_WORDS:
        if words in text:
            return kind()
    return None


def _from_psycopg(orig: BaseException, *, invalidated: bool) -> StorageError | None:
    text = str(orig).lower()
    if any(words in text for words in _PG_AUTH_WORDS):
        return None  # a refused sign-in: the caller says so (facade.server_refused_sign_in)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        kind = _PG_STATES.get(state) or _PG_CLASSES.get(state[:2])
        if kind is not None:
            return kind()
    if invalidated or any(words in text for words in _PG_LOST_WORDS):
        return ConnectionLost()
    if type(orig).__name__ == "OperationalError":
        # No SQLSTATE and no broken session: the connection could not be made at all.
        return ServerUnreachable()
    return None
