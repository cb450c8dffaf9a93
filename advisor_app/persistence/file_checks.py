"""Checks made on a SQLite database file before anything connects to it, and private files.

``sqlite3.connect`` turns a missing file, and a 0-byte one, into a new empty database, and
creates it (and its -wal and -shm) with the process's umask, usually world-readable. So:

- a path that does not exist yet is the only one created, and only in an existing folder
  (the default data folder is the one made on demand): a typo must not look like lost data;
- a 0-byte file, a text file, a folder, a device or anything under /proc, /sys or /dev is
  refused before SQLite sees it;
- the files the program makes (the database, its -wal and -shm, backups, the instance lock)
  are 0600: readable by the OS account only.

The checks are cheap (a stat and 16 bytes). The integrity check of an existing file and the
offer to restore a backup are made by the start-up on top of these (a separate step).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from advisor_app.domain.errors import (
    DatabaseFolderMissing,
    DatabaseUnavailable,
    EmptyDatabaseFile,
    NotADatabase,
)

SQLITE_HEADER = b"SQLite format 3\x00"
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
PRIVATE_MODE = 0o600
PRIVATE_UMASK = 0o077


def check_sqlite_file(path: Path, *, create_folder: bool = False) -> None:
    """Refuse a path SQLite would misread; pass a SQLite file or a new path in an existing
    folder (``create_folder``: make the folder, for the default data folder only)."""
    resolved = path.expanduser().resolve()
    if any(str(resolved) == top or str(resolved).startswith(top + "/") for top in SYSTEM_FOLDERS):
        raise NotADatabase()
    try:
        info = resolved.stat()
    except FileNotFoundError:
        _check_new(resolved, create_folder=create_folder)
        return
    except OSError:
        raise DatabaseUnavailable() from None
    if not stat.S_ISREG(info.st_mode):
        raise NotADatabase()
    if info.st_size == 0:
        raise EmptyDatabaseFile()
    try:
        with resolved.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        raise DatabaseUnavailable() from None
    if header != SQLITE_HEADER:
        raise NotADatabase()


def _check_new(path: Path, *, create_folder: bool) -> None:
    folder = path.parent
    if folder.is_dir():
        return
    if folder.exists() or not create_folder:
        raise DatabaseFolderMissing()
    try:
        folder.mkdir(parents=True, mode=0o700)
    except OSError:
        raise DatabaseUnavailable() from None


@contextmanager
def private_files() -> Iterator[None]:
    """Files created inside are readable by the OS account only (umask 077). The umask is
    the process's: used around the short, start-up-time creation of a file."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def create_sqlite_file(path: Path) -> None:
    """Make the new database file now, 0600 and in WAL mode, so that it is never a 0-byte
    file (which the next start would refuse) and its -wal and -shm inherit its mode. Made
    under a temporary name and linked into place: a kill halfway leaves no empty file, and
    a file another process made meanwhile is kept, not replaced."""
    with private_files():
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    temporary = Path(name)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # made by another process meanwhile: theirs is the database
        except OSError:
            if not path.exists():  # a file system without hard links
                os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def keep_companions_private(path: Path) -> None:
    """The -wal and -shm files no more readable than the database itself (SQLite gives them
    its mode; a file made by an older version, or another tool, may differ)."""
    try:
        allowed = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(companion.stat().st_mode)
            if mode & ~allowed:
                companion.chmod(mode & allowed)
        except OSError:
            continue
