"""Alembic, driven from code: the scripts live in ``db/`` (found by advisor_app.locations)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from advisor_app.domain.errors import NewerSchema
from advisor_app.locations import migrations_dir
from advisor_app.persistence.file_checks import private_files

if TYPE_CHECKING:
    from advisor_app.persistence.database import Database


class BackupError(RuntimeError):
    """The copy made before a migration could not be verified; nothing was migrated."""


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


def backup_sqlite(source: Path, current: str | None) -> Path:
    """A consistent copy via SQLite's backup API, checked with integrity_check."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(
        f"{source.stem}.before-{current or 'none'}-{stamp}{source.suffix}.bak"
    )
    src = sqlite3.connect(source)
    with private_files():  # 0600, like the database it copies
        dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
    finally:
        dst.close()
        src.close()
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise BackupError("the backup copy failed its integrity check")
    return target


def known_revision(db: Database, revision: str | None) -> bool:
    """Whether this program's migrations know ``revision`` (None: an empty database)."""
    if revision is None:
        return True
    return revision in {script.revision for script in _scripts(db).walk_revisions()}


def _scripts(db: Database) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(db))


def upgrade(db: Database, *, backup: bool = True) -> Path | None:
    current = current_revision(db)
    if current == head_revision(db):
        return None
    if not known_revision(db, current):
        # A newer program's schema: refused before anything is copied or written.
        raise NewerSchema()
    made: Path | None = None
    path = db.sqlite_path
    if backup and current is not None and path is not None and path.exists():
        made = backup_sqlite(path, current)
    command.upgrade(alembic_config(db), "head")
    return made
