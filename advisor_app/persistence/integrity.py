"""The start's integrity check of the workstation's file, before anything writes to it.

``sqlite3.connect`` opens a damaged file without complaint and the next write can make the
damage worse (or hide it in a backup that replaces a good one). So before the Database is
built (services/facade.py ``open_services``, the command line's ``db upgrade``), a file that
exists is opened read-only and ``PRAGMA quick_check`` is run. A damaged file is refused
with ``DamagedDatabaseError``, which names the newest verified backup to restore: no
migration, no backup, no write.

A file that is not a SQLite file at all (0 bytes, text) is the storage check's business
(it refuses such files with its own message); this check leaves it alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from advisor_app.domain.errors import N_, ServiceError
from advisor_app.persistence import backups
from advisor_app.persistence.backups import BackupFile


class DamagedDatabaseError(ServiceError):
    """The database file failed the start's quick_check; nothing was written to it."""

    def __init__(self, path: Path, backup: BackupFile | None) -> None:
        self.path = path
        self.backup = backup
        if backup is None:
            super().__init__(
                N_(
                    "The database file is damaged and was not opened; nothing was written to"
                    " it. There is no verified backup to restore."
                )
            )
        else:
            super().__init__(
                N_(
                    "The database file is damaged and was not opened; nothing was written to"
                    " it. Restore the newest verified backup: advisor-app restore {file}"
                ),
                file=_quoted(backup.path),
            )


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def quick_check(path: Path) -> bool:
    """True when ``path`` is missing, not a SQLite file (left to the storage check), or
    passes ``PRAGMA quick_check``. Read-only: the file itself is never written."""
    if not path.is_file() or not backups.looks_like_sqlite(path):
        return True
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return True  # cannot be opened or read (locked, no permission): the storage check's
    except sqlite3.DatabaseError:  # "malformed", "not a database": damage
        return False
    return rows == [("ok",)]


def refuse_damaged(path: Path | None) -> None:
    """Raise DamagedDatabaseError when the workstation's file at ``path`` is damaged."""
    if path is None or quick_check(path):
        return
    raise DamagedDatabaseError(path, backups.newest_verified(path))
