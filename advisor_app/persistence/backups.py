"""Backups (sikkerhedskopier) of the workstation's SQLite file, and restoring one.

A backup is written through SQLite's online backup API (a consistent copy while the program
runs, WAL included) to a temporary name in the backup folder, switched to a single-file
journal, checked with ``PRAGMA integrity_check``, fsynced, and only then renamed to its final
name: a file with a backup's name was verified when it was made, and a failed backup (a full
disk, a damaged source) leaves nothing behind, not even a 0-byte file. Files are 0600, the
folder 0700: a backup holds the same personal data as the database.

The folder sits next to the database (``advisor_app-backups`` beside ``advisor_app.sqlite3``);
a name says when and why a copy was made: ``advisor_app-20261201T040000123456Z-daily.sqlite3``.
Which copies to keep is the domain's rule (domain/backup_rules.py); this module only deletes
what that rule gives up, and never a file whose name it did not write.

A PostgreSQL (team) database is not backed up here: the server's own backup is relied on.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from advisor_app.domain.backup_rules import SPECIAL_KINDS, BackupKind, Generation, to_prune

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_HEADER = b"SQLite format 3\x00"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<kind>[a-z]+)\.sqlite3$")
_BUSY_MS = 10_000


class BackupError(RuntimeError):
    """A backup could not be written or failed its check; nothing was left behind.
    ``reason`` is "full" (no room), "damaged" (the copy failed integrity_check) or "io"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the backup failed ({reason})")
        self.reason = reason


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime
    kind: BackupKind
    size: int
    verified: bool  # passed integrity_check when made, and still starts as a SQLite file


def backup_folder(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}-backups")


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _classify(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in (28, 27, 122):  # ENOSPC, EFBIG, EDQUOT
        return "full"
    if "full" in text or "disk i/o" in text:
        return "full"
    return "io"


def integrity_verdict(connection: sqlite3.Connection) -> str:
    """``PRAGMA integrity_check``'s answer: "ok", or the first problem found."""
    (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    return str(verdict)


def copy_database(source: Path, target: Path) -> int:
    """A verified copy of ``source`` at ``target`` (replaced atomically if it exists);
    returns its size. On any failure no file is left at ``target`` or at the temporary name
    and a BackupError says why."""
    target = target.absolute()
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        os.close(fd)
        os.chmod(temporary, FILE_MODE)  # whatever the umask
        src = sqlite3.connect(source, timeout=_BUSY_MS / 1000)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
                # The copy stands alone: no -wal or -shm beside it when opened later.
                dst.execute("PRAGMA journal_mode = DELETE")
                verdict = integrity_verdict(dst)
            finally:
                dst.close()
        finally:
            src.close()
        if verdict != "ok":
            raise BackupError("damaged")
        fd = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        _fsync_folder(target.parent)
        return target.stat().st_size
    except BackupError:
        _remove_partial(temporary)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove_partial(temporary)
        raise BackupError(_classify(exc)) from None


def _remove_partial(temporary: Path) -> None:
    for leftover in (temporary, Path(f"{temporary}-journal"), Path(f"{temporary}-wal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def make_backup(db_path: Path, kind: BackupKind, *, now: datetime | None = None) -> BackupFile:
    """A new verified generation of ``db_path`` in its backup folder."""
    folder = backup_folder(db_path)
    folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, FOLDER_MODE)
    made_at = (now or datetime.now(UTC)).astimezone(UTC)
    target = folder / f"{db_path.stem}-{made_at.strftime(_STAMP)}-{kind.value}.sqlite3"
    size = copy_database(db_path, target)
    return BackupFile(target, made_at, kind, size, True)


def raw_copy(db_path: Path, kind: BackupKind) -> Path:
    """A byte-for-byte copy (of a damaged file that a restore replaces: the backup API may
    not read it). Never counted as verified."""
    folder = backup_folder(db_path)
    folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
    made_at = datetime.now(UTC)
    target = folder / f"{db_path.stem}-{made_at.strftime(_STAMP)}-{kind.value}.sqlite3"
    temporary = target.with_name(f".{target.name}.partial")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out, db_path.open("rb") as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        _remove_partial(temporary)
        raise BackupError(_classify(exc)) from None
    return target


def looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def list_backups(db_path: Path) -> list[BackupFile]:
    """The generations in the folder, newest first (files of other names are ignored)."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    found: list[BackupFile] = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != db_path.stem:
            continue
        try:
            kind = BackupKind(match["kind"])
            made_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        verified = kind is not BackupKind.DAMAGED and size > 0 and looks_like_sqlite(path)
        found.append(BackupFile(path, made_at, kind, size, verified))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def prune(db_path: Path, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the generations the rule gives up; returns what was deleted."""
    existing = list_backups(db_path)
    generations = [
        Generation(b.path.name, b.made_at, b.verified, b.kind in SPECIAL_KINDS) for b in existing
    ]
    doomed = to_prune(generations, daily=daily, weekly=weekly, monthly=monthly)
    deleted: list[Path] = []
    for backup in existing:
        if backup.path.name in doomed:
            with contextlib.suppress(OSError):
                backup.path.unlink()
                deleted.append(backup.path)
    return deleted


def check_file(path: Path) -> str | None:
    """None when ``path`` is a whole SQLite file (integrity_check), else why not:
    "missing", "not_sqlite" or "damaged". Opened read-only: nothing is written to it."""
    if not path.is_file():
        return "missing"
    if not looks_like_sqlite(path):
        return "not_sqlite"
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return "damaged"
    return None if verdict == "ok" else "damaged"


def revision_of(path: Path) -> str | None:
    """The Alembic revision stored in an advisor_app file (None when it has none)."""
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def newest_verified(db_path: Path, *, recheck: bool = True) -> BackupFile | None:
    """The newest generation that is whole; ``recheck`` runs integrity_check on it again
    (and on older ones until one passes)."""
    for backup in list_backups(db_path):
        if backup.verified and (not recheck or check_file(backup.path) is None):
            return backup
    return None


def replace_database(db_path: Path, replacement: Path) -> None:
    """Put a verified copy of ``replacement`` in place of ``db_path`` (atomically), and
    remove the old file's -wal and -shm: they belong to the file that was replaced. Every
    connection to ``db_path`` must be closed (the engine disposed) before."""
    staged = db_path.with_name(f".{db_path.name}.restore.{secrets.token_hex(4)}")
    copy_database(replacement, staged)
    try:
        for sidecar in _sidecars(db_path):
            with contextlib.suppress(FileNotFoundError):
                sidecar.unlink()
        os.replace(staged, db_path)
        _fsync_folder(db_path.parent)
    except OSError as exc:
        _remove_partial(staged)
        raise BackupError(_classify(exc)) from None


def _sidecars(db_path: Path) -> Iterable[Path]:
    return (Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal"))
