"""Alembic, driven from code: the scripts live in ``db/`` (found by advisor_app.locations)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError

from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.errors import N_, ServiceError
from advisor_app.locations import migrations_dir
from advisor_app.persistence import backups
from advisor_app.persistence.backups import BackupError as BackupError

if TYPE_CHECKING:
    from advisor_app.persistence.database import Database


class UnknownSchemaError(ServiceError):
    """The file's schema revision is none this program knows: a newer version wrote it.
    Refused before anything is written (no migration, and no backup on every attempt)."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "The database was made by a newer version of the program. Update the program;"
                " nothing was changed."
            )
        )


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


def known_revision(db: Database, revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config(db)).get_revision(revision) is not None
    except (CommandError, ResolutionError):
        return False


def upgrade(db: Database, *, backup: bool = True) -> Path | None:
    """Migrate to head; a file with data is first copied to a verified backup generation
    (persistence/backups.py). Returns that copy's path, or None when none was needed."""
    current = current_revision(db)
    if current == head_revision(db):
        return None
    if current is not None and not known_revision(db, current):
        raise UnknownSchemaError()
    made: Path | None = None
    path = db.sqlite_path
    if backup and current is not None and path is not None and path.exists():
        made = backups.make_backup(path, BackupKind.MIGRATION).path
    command.upgrade(alembic_config(db), "head")
    return made
