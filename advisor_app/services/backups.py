"""Backups (sikkerhedskopier) of the workstation's file: the administrator's calls through the
door, and the program's own automatic copies.

An administrator lists the generations, makes one now (logged like an export: it is a copy
of everything) and restores one. A restore replaces the file under the running program, so
it is two steps: ``plan_restore`` passes the door (permission, the backup verified again,
the access event written in the database being replaced, so the copy kept of it holds the
event), then ``restore_into`` works on the file with the engine disposed: it keeps a copy of
what it replaces (a verified backup, or a raw copy when that file is damaged) and puts a
verified copy of the backup in its place. The program then opens the database again (the
window asks to be started again; the command line is done).

The automatic copies (on closing the window, daily while it is open, before a migration,
before a restore) are the program's, not a user's: they pass no door and write no access
event, and after each the generations are pruned by the municipality's counts
(domain/backup_rules.py, settings backups.daily/weekly/monthly).

On a team database (PostgreSQL) the server's own backup is relied on: these calls say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from advisor_app.domain.backup_rules import BackupKind, backup_due
from advisor_app.domain.enums import AuditAction
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.settings import BACKUPS_DAILY, BACKUPS_MONTHLY, BACKUPS_WEEKLY
from advisor_app.persistence import backups, integrity, migrations
from advisor_app.persistence.backups import BackupError, BackupFile
from advisor_app.persistence.database import Database
from advisor_app.persistence.integrity import DamagedDatabaseError
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.settings import read_settings

__all__ = [
    "BackupFailedError",
    "BackupService",
    "BackupView",
    "DamagedDatabaseError",
    "RestorePlan",
    "automatic_backup",
    "restore_into",
    "verify_restorable",
]

log = logging.getLogger(__name__)
ENTITY = "backup"
TEAM_DATABASE = N_(
    "On a team database the server's own backup is relied on: ask its administrator."
)


class BackupFailedError(ServiceError):
    """A backup could not be written; nothing was left behind."""

    def __init__(self, reason: str) -> None:
        if reason == "full":
            super().__init__(
                N_("The backup could not be written: the disk is full. Nothing was left behind.")
            )
        elif reason == "damaged":
            super().__init__(
                N_("The backup failed its integrity check and was removed. Nothing was changed.")
            )
        else:
            super().__init__(
                N_("The backup could not be written to its folder. Nothing was left behind.")
            )


@dataclass(frozen=True)
class BackupView:
    name: str
    made_at: datetime
    kind: BackupKind
    size: int
    verified: bool


@dataclass(frozen=True)
class RestorePlan:
    """A backup the door let an administrator restore, verified again."""

    source: Path
    made_at: datetime | None
    revision: str


def _view(made: BackupFile, name: str | None = None) -> BackupView:
    return BackupView(name or made.path.name, made.made_at, made.kind, made.size, made.verified)


def _workstation_file(db: Database) -> Path:
    path = db.sqlite_path
    if path is None:
        raise ValidationError(TEAM_DATABASE)
    return path


def verify_restorable(db: Database, source: Path) -> str:
    """The Alembic revision of ``source`` when it is a whole advisor_app database this
    program knows; else a ValidationError saying what is wrong with it."""
    problem = backups.check_file(source)
    if problem == "missing":
        raise ValidationError(N_("There is no such backup file."), field="file")
    if problem == "not_sqlite":
        raise ValidationError(N_("The file is not a database backup."), field="file")
    if problem is not None:
        raise ValidationError(N_("The backup file is damaged; it cannot be restored."))
    revision = backups.revision_of(source)
    if revision is None:
        raise ValidationError(N_("The file is not a backup of this program's database."))
    if not migrations.known_revision(db, revision):
        raise ValidationError(
            N_("The backup was made by a newer version of the program; update the program.")
        )
    return revision


def _prune(session: Session, path: Path) -> list[Path]:
    """Prune by the municipality's counts (settings backups.daily/weekly/monthly)."""
    values = read_settings(session).values

    def count(key: str) -> int:
        value = values.get(key)
        return int(value) if isinstance(value, int) else 0

    return backups.prune(path, count(BACKUPS_DAILY), count(BACKUPS_WEEKLY), count(BACKUPS_MONTHLY))


def automatic_backup(
    db: Database, kind: BackupKind, *, now: datetime, only_if_due: bool = False
) -> Path | None:
    """The program's own copy (on close, daily, before a restore); None on a team database,
    a file not yet made, or (``only_if_due``) when today's copy exists. A failure raises
    BackupFailedError and leaves nothing behind."""
    path = db.sqlite_path
    if path is None or not path.exists():
        return None
    moment = now.astimezone(UTC)  # the services' clock (Services.backup_automatically)
    if only_if_due:
        existing = backups.list_backups(path)
        if not backup_due(existing[0].made_at if existing else None, moment):
            return None
    try:
        made = backups.make_backup(path, kind, now=moment)
    except BackupError as error:
        raise BackupFailedError(error.reason) from None
    with db.begin() as session:
        _prune(session, path)
    return made.path


def restore_into(db: Database, source: Path) -> Path | None:
    """Replace ``db``'s file by a verified copy of ``source``; returns the copy kept of what
    was replaced (None when there was no file). The engine is disposed first; the caller
    opens the database again (open_services, which migrates an older backup)."""
    path = _workstation_file(db)
    verify_restorable(db, source)
    db.dispose()
    kept: Path | None = None
    try:
        if path.exists():
            if integrity.quick_check(path):
                kept = backups.make_backup(path, BackupKind.RESTORE).path
            else:
                kept = backups.raw_copy(path, BackupKind.DAMAGED)
        backups.replace_database(path, source)
    except BackupError as error:
        raise BackupFailedError(error.reason) from None
    return kept


class BackupService(Gated):
    """The administrator's backups page and the command line's ``backup``."""

    @door(Permission.BACKUP_READ)
    def generations(self, work: Work) -> list[BackupView]:
        """Newest first: when, why, how large, and whether verified."""
        path = _workstation_file(self._door.db)
        return [_view(made) for made in backups.list_backups(path)]

    @door(Permission.BACKUP_MAKE)
    def make(self, work: Work, target: Path | None = None) -> BackupView:
        """A verified copy now: a new generation in the backup folder, or at ``target``
        (the command line's ``backup -o FILE``). Logged as an export of everything."""
        path = _workstation_file(self._door.db)
        try:
            if target is None:
                made = backups.make_backup(path, BackupKind.MANUAL, now=work.now())
            else:
                size = backups.copy_database(path, target)
                made = BackupFile(target, work.now(), BackupKind.MANUAL, size, True)
        except BackupError as error:
            raise BackupFailedError(error.reason) from None
        work.log(AuditAction.EXPORT, ENTITY, detail="file" if target else "generation")
        if target is None:
            _prune(work.session, path)
        return _view(made, None if target is None else str(target))

    @door(Permission.BACKUP_RESTORE)
    def plan_restore(self, work: Work, name: str) -> RestorePlan:
        """The generation ``name`` checked again (integrity, a known revision); the access
        event is written now, in the database about to be replaced. Then ``restore_into``."""
        path = _workstation_file(self._door.db)
        found = {made.path.name: made for made in backups.list_backups(path)}
        chosen = found.get(name)
        if chosen is None:
            raise ValidationError(N_("There is no such backup file."), field="file")
        revision = verify_restorable(self._door.db, chosen.path)
        work.log(AuditAction.UPDATE, ENTITY, detail="restore")
        return RestorePlan(chosen.path, chosen.made_at, revision)
