"""Errors the user can act on. Anything else that escapes a service is our bug.

A message is an English source template marked with ``N_`` (so the catalog extraction finds
it) plus parameters; the UI shows ``error.translated(gettext)``. String parameters are labels
(English source strings too) and are translated the same way. No personal data goes into a
message: messages may end up in logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(message: str) -> str:
    return message


class ServiceError(Exception):
    """A problem the advisor can act on."""

    def __init__(self, template: str, *, field: str | None = None, **params: object) -> None:
        self.template = template
        self.params = params
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, gettext: Callable[[str], str]) -> str:
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return gettext(self.template).format(**params)


class ValidationError(ServiceError):
    """Input that breaks a rule; ``field`` names the form field when there is one."""


class NotFoundError(ServiceError):
    """The record no longer exists (deleted by someone else, or a stale id)."""


class ConflictError(ServiceError):
    """Someone else changed the record since it was opened (optimistic concurrency)."""


class AccessDeniedError(ServiceError):
    """The actor's role or purpose does not allow this."""


# ---- storage trouble ----------------------------------------------------------------------
# Raised by the door (persistence/storage_errors.py maps the driver's errors in one place) and
# by the checks made before a database file is opened (persistence/file_checks.py). Each says
# what happened and what to do; none names a file (a path can hold a person's name).


class StorageError(ServiceError):
    """The database could not do what was asked; nothing was saved (the transaction was
    rolled back), so the form keeps what was typed and the advisor can try again."""

    DEFAULT = N_("The database could not save this. Nothing was saved; what you typed is kept.")

    def __init__(self, template: str | None = None, **params: Any) -> None:
        super().__init__(template or self.DEFAULT, **params)


class DatabaseBusy(StorageError):
    """SQLITE_BUSY/LOCKED beyond the busy timeout, or a PostgreSQL lock timeout."""

    DEFAULT = N_(
        "Another program holds the database right now. Nothing was saved; what you typed is "
        "kept. Try again in a moment."
    )


class DiskFull(StorageError):
    DEFAULT = N_(
        "The disk is full. Nothing was saved; what you typed is kept. Free some space on the "
        "disk, then save again."
    )


class ReadOnlyDatabase(StorageError):
    DEFAULT = N_(
        "The database can be read but not changed (a read-only file, folder or drive). "
        "Nothing was saved; what you typed is kept. Ask your IT support to make it writable."
    )


class DatabaseDamaged(StorageError):
    DEFAULT = N_(
        "The database file is damaged. Nothing was saved. Close the program and restore the "
        "newest backup (ask your IT support)."
    )


class DatabaseUnavailable(StorageError):
    """SQLITE_CANTOPEN and SQLITE_IOERR: the file cannot be reached or read and written."""

    DEFAULT = N_(
        "The database file could not be read or written (a disconnected drive, a missing "
        "folder or no permission). Nothing was saved; what you typed is kept. Check the "
        "drive, then try again."
    )


class NotADatabase(StorageError):
    """Found before opening: the path is a text file, a folder, a device or a system file."""

    DEFAULT = N_(
        "The file given as the database is not a database of this program. Check the path."
    )


class EmptyDatabaseFile(StorageError):
    """A 0-byte file: SQLite would silently make it a new, empty database (lost data)."""

    DEFAULT = N_(
        "The database file is empty (0 bytes). It is not turned into a new database: restore "
        "a backup or give the right path."
    )


class DatabaseFolderMissing(StorageError):
    """A typo in a path must not look like lost data: only the default folder is created."""

    DEFAULT = N_(
        "The database's folder does not exist. Check the path for a typo; only the default "
        "data folder is created."
    )


class NewerSchema(StorageError):
    DEFAULT = N_(
        "This database was made by a newer version of the program. Install that version; "
        "this one leaves the file as it is."
    )


class ServerUnreachable(StorageError):
    DEFAULT = N_(
        "The database server cannot be reached. Check the network and the server's address, "
        "then try again."
    )


class ConnectionLost(StorageError):
    DEFAULT = N_(
        "The connection to the database server was lost. Nothing was saved; what you typed "
        "is kept. Try again when the network is back."
    )


class AlreadyOpen(StorageError):
    DEFAULT = N_(
        "The program is already open on this database (perhaps in another window or by "
        "another user). Use that window, or close it first."
    )


# A team database's collisions (services/contention.py) are storage trouble too, with the
# colleague named in their messages: the same families, so a caller catching one catches both.
class BusyError(DatabaseBusy):
    """A team database: another client holds what this call needs (a lock) longer than the
    lock timeout, or the server took longer than the statement timeout. Nothing was saved;
    trying again later may work."""


class ConnectionLostError(ConnectionLost):
    """The connection to the database server broke during the call. Nothing of the call
    was saved (or, at the commit, it cannot be known); the next call reconnects."""
