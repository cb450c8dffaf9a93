"""The drafts' local store: one JSON file per dialog opened, in a folder per database and user
on this computer, beside a SQLite file (``advisor_app.sqlite3.drafts/user-7/``) or, for a team
database, in the user's data directory under a hash of the server's address.

Why files and not a table: a draft must survive what stops a save (a dropped connection to
the server, a locked or full database, a killed process in the middle of a transaction), and
it must never count as data (statistics, exports, the access log) until it is saved. Why it
does not pass the door: it is the advisor's own unsaved typing on their own machine, read
and written by nobody else; the saved session or check-in passes the door and is logged.

Protection as the database file's: the folders are 0700 and the files 0600, each written to
a temporary name, flushed to disk and renamed over the old one, so a kill leaves the old
draft or the new one, never half of one. Nothing of a draft's content is logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import uuid
from pathlib import Path

from advisor_app.domain.actor import Actor
from advisor_app.domain.drafts import Draft, DraftError, DraftSubject, from_json, to_json
from advisor_app.persistence.database import Database

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SUFFIX = ".json"


def new_draft_id() -> str:
    return uuid.uuid4().hex


def drafts_root(db: Database) -> Path | None:
    """The folder of one database's drafts; None for an in-memory database."""
    path = db.sqlite_path
    if path is not None:
        return path.parent / f"{path.name}.drafts"
    if db.is_sqlite:
        return None
    from platformdirs import user_data_path

    where = db.url.set(password=None).render_as_string(hide_password=True)
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return user_data_path("advisor_app", appauthor=False) / "drafts" / digest


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); where a folder cannot be opened, nothing to do."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class DraftStore:
    """The drafts of one user on one database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_user(cls, db: Database, actor: Actor) -> DraftStore | None:
        root = drafts_root(db)
        return None if root is None else cls(root / f"user-{int(actor.advisor_id)}")

    def _path(self, draft: Draft) -> Path:
        return self.folder / f"{draft.subject.file_prefix()}.{draft.draft_id}{SUFFIX}"

    def save(self, draft: Draft) -> None:
        """Write ``draft`` whole or not at all; an OSError (full disk, read-only folder) is
        the caller's to report, and the earlier draft stays as it was."""
        if not draft.draft_id.isalnum():
            raise ValueError("a draft id is letters and digits only")
        _private_folder(self.folder.parent)
        _private_folder(self.folder)
        target = self._path(draft)
        temporary = target.with_name(f".{target.name}.{new_draft_id()}.tmp")
        data = to_json(draft).encode("utf-8", "surrogatepass")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            try:
                _write_all(handle, data)
                os.fsync(handle)
            finally:
                os.close(handle)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        _sync_folder(self.folder)

    def drafts(self, subject: DraftSubject | None = None) -> list[Draft]:
        """The drafts kept (of ``subject``, or all), newest first. A file that cannot be read
        is left alone and named in the log by its file name only (ids, no content)."""
        if not self.folder.is_dir():
            return []
        prefix = None if subject is None else f"{subject.file_prefix()}."
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            if path.name.startswith(".") or (prefix and not path.name.startswith(prefix)):
                continue
            try:
                draft = from_json(path.read_bytes().decode("utf-8", "surrogatepass"))
            except (OSError, UnicodeDecodeError, DraftError) as exc:
                log.warning("draft file %s not read: %s", path.name, type(exc).__name__)
                continue
            if subject is None or draft.subject == subject:
                found.append(draft)
        found.sort(key=lambda d: d.saved_at, reverse=True)
        return found

    def discard(self, draft: Draft) -> None:
        """Remove a draft (saved, or thrown away on purpose); gone already is fine."""
        with contextlib.suppress(FileNotFoundError):
            self._path(draft).unlink()
        _sync_folder(self.folder)

    def clean_temporary(self) -> None:
        """Temporary files a kill left behind mid-write (never a whole draft)."""
        if self.folder.is_dir():
            for path in self.folder.glob(f".*{SUFFIX}.*.tmp"):
                with contextlib.suppress(OSError):
                    path.unlink()


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]
