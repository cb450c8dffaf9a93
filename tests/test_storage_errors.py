"""Storage trouble on SQLite is a typed, translated error with what to do, never a bug:
a full disk, a write lock held too long, a read-only or damaged file. Before a file is
opened it is checked (text, 0 bytes, a missing folder, a system path, a newer schema); the
files the program makes are 0600; one window per file (a lock a killed process leaves is
stale); exports are written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factories import FAST_HASHER, make_user, register_family, session_input, table_counts
from sqlalchemy import event, text

from advisor_app.atomic_write import atomic_path, write_bytes_atomically
from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.errors import (
    AlreadyOpen,
    ConnectionLost,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseFolderMissing,
    DatabaseUnavailable,
    DiskFull,
    EmptyDatabaseFile,
    NewerSchema,
    NotADatabase,
    ReadOnlyDatabase,
    ServerUnreachable,
    StorageError,
)
from advisor_app.i18n import catalog
from advisor_app.persistence import backups
from advisor_app.persistence.database import Database, sqlite_url
from advisor_app.persistence.file_checks import private_files
from advisor_app.persistence.instance_lock import InstanceLock, lock_path
from advisor_app.persistence.storage_errors import storage_error
from advisor_app.services.facade import Services, open_services

LONG_NOTE = ("Talte længe om aflastning og om nætterne. " * 400).strip()  # ~17 kB: new pages


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "advisor.sqlite3"


@pytest.fixture
def opened(path: Path) -> Iterator[Services]:
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        yield services
    finally:
        services.db.dispose()


def digest(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def integrity(file: Path) -> str:
    connection = sqlite3.connect(file)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


class FullDisk:
    """A full disk: while ``on``, a new connection may not grow the file beyond its size
    then (``max_page_count`` is per connection, so the pool is emptied on each switch)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.on = False
        event.listen(db.engine, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        if self.on:
            (pages,) = dbapi_connection.execute("PRAGMA page_count").fetchone()
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    def switch(self, on: bool) -> None:
        self.db.engine.dispose()
        self.on = on


# ---- the door's errors ------------------------------------------------------------------
def test_a_full_disk_is_a_typed_error_and_nothing_is_half_saved(
    opened: Services, path: Path
) -> None:
    actor = make_user(opened, "anna", "Anna")
    relative = register_family(opened, actor)
    before = table_counts(opened.db)
    disk = FullDisk(opened.db)
    disk.switch(True)
    with pytest.raises(DiskFull) as raised:
        opened.sessions.record(actor, session_input(relative.id, notes=LONG_NOTE))
    assert "disk is full" in raised.value.message
    assert "Disken er fuld" in raised.value.translated(catalog("da").gettext)
    disk.switch(False)
    assert table_counts(opened.db) == before
    assert integrity(path) == "ok"
    # Space freed: the same input saves.
    saved = opened.sessions.record(actor, session_input(relative.id, notes=LONG_NOTE))
    assert saved.notes == LONG_NOTE


def test_a_write_lock_held_beyond_the_busy_timeout_says_try_again(path: Path) -> None:
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    actor = make_user(services, "anna", "Anna")
    services.db.dispose()
    db = Database(sqlite_url(path), busy_timeout_ms=50)  # the default waits 10 s
    quick = Services.build(db, hasher=FAST_HASHER)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program writing, and not letting go
        with pytest.raises(DatabaseBusy) as raised:
            register_family(quick, actor)
        assert "Try again in a moment" in raised.value.message
        other.execute("ROLLBACK")
        assert register_family(quick, actor).id > 0  # let go: the same call works
    finally:
        other.close()
        db.dispose()


def test_a_read_only_database_refuses_writes_with_a_message(path: Path) -> None:
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    services.db.dispose()
    before = digest(path)
    read_only = f"sqlite+pysqlite:///file:{path}?mode=ro&uri=true"
    services, _ = open_services(read_only, hasher=FAST_HASHER)
    try:
        assert not services.db.accepts_writes()
        assert not services.accounts.has_users()  # reading works
        with pytest.raises(ReadOnlyDatabase) as raised:
            services.accounts.create_first_admin("admin", "Anne Admin", "x" * 16)
        assert "read-only" in raised.value.message
    finally:
        services.db.dispose()
    assert digest(path) == before
    writable, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        assert writable.db.accepts_writes()
    finally:
        writable.db.dispose()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a 0444 file")
def test_a_file_without_write_permission_is_read_only(path: Path) -> None:
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    services.db.dispose()
    path.chmod(0o400)
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        with pytest.raises(ReadOnlyDatabase):
            services.accounts.create_first_admin("admin", "Anne Admin", "x" * 16)
    finally:
        services.db.dispose()


def test_a_damaged_file_is_said_to_be_damaged(opened: Services, path: Path) -> None:
    actor = make_user(opened, "anna", "Anna")
    register_family(opened, actor)
    opened.db.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xff" * (len(data) - page)  # every table's pages overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged) as raised:
        opened.relatives.search(actor, "Søren")
    assert "restore the newest backup" in raised.value.message


@pytest.mark.parametrize(
    ("code", "words", "expected"),
    [
        (5, "database is locked", DatabaseBusy),
        (6, "database table is locked", DatabaseBusy),
        (13, "database or disk is full", DiskFull),
        (8, "attempt to write a readonly database", ReadOnlyDatabase),
        (11, "database disk image is malformed", DatabaseDamaged),
        (26, "file is not a database", DatabaseDamaged),
        (14, "unable to open database file", DatabaseUnavailable),
        (10 | (3 << 8), "disk I/O error", DatabaseUnavailable),  # SQLITE_IOERR_WRITE
        (None, "database is locked", DatabaseBusy),  # no code: the words decide
        (1, "no such table: nowhere", None),  # a bug stays a bug
    ],
)
def test_sqlite_errors_map_by_code(code: int | None, words: str, expected: type | None) -> None:
    error = sqlite3.OperationalError(words)
    if code is not None:
        error.sqlite_errorcode = code  # type: ignore[attr-defined]
    found = storage_error(error)
    assert type(found) is expected if expected else found is None


def test_postgresql_errors_map_by_sqlstate() -> None:
    import psycopg

    def made(cls: type[Exception], state: str | None, words: str = "x") -> Exception:
        error = cls(words)
        if state is not None:
            error.sqlstate = state  # type: ignore[attr-defined]
        return error

    assert isinstance(storage_error(made(psycopg.errors.LockNotAvailable, "55P03")), DatabaseBusy)
    assert isinstance(storage_error(made(psycopg.errors.DiskFull, "53100")), DiskFull)
    assert isinstance(storage_error(made(psycopg.OperationalError, "57P01")), ConnectionLost)
    assert isinstance(
        storage_error(made(psycopg.OperationalError, None, "server closed the connection")),
        ConnectionLost,
    )
    assert isinstance(
        storage_error(made(psycopg.OperationalError, None, "connection refused")),
        ServerUnreachable,
    )
    refused = made(psycopg.OperationalError, None, "password authentication failed for user")
    assert storage_error(refused) is None  # the sign-in says that itself
    assert storage_error(made(psycopg.errors.UniqueViolation, "23505")) is None


def test_every_storage_message_is_in_danish() -> None:
    import advisor_app.domain.errors as errors

    danish = catalog("da").gettext
    kinds = [
        k for k in vars(errors).values() if isinstance(k, type) and issubclass(k, StorageError)
    ]
    assert len(kinds) >= 12
    for kind in kinds:
        message = kind().message
        assert danish(message) != message, kind.__name__


# ---- checked before opening ------------------------------------------------------------
def test_a_text_file_is_not_a_database_and_stays_as_it_was(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Indkøbsliste: mælk, brød\n" * 50)
    before = digest(notes)
    with pytest.raises(NotADatabase):
        Database(sqlite_url(notes))
    assert digest(notes) == before


def test_a_zero_byte_file_is_refused_not_turned_into_a_new_database(tmp_path: Path) -> None:
    empty = tmp_path / "advisor.sqlite3"
    empty.touch()
    with pytest.raises(EmptyDatabaseFile):
        open_services(sqlite_url(empty))
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advisor.sqlite3"]


def test_a_folder_that_does_not_exist_is_refused_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "Dokumentr" / "advisor.sqlite3"
    with pytest.raises(DatabaseFolderMissing):
        Database(sqlite_url(typo))
    assert not typo.parent.exists()
    made = Database(sqlite_url(typo), create_folder=True)  # the default data folder only
    try:
        assert typo.is_file() and stat.S_IMODE(typo.parent.stat().st_mode) == 0o700
    finally:
        made.dispose()


@pytest.mark.parametrize("where", ["/proc/self/status", "/proc/new.sqlite3", "/dev/null"])
def test_system_paths_are_refused(where: str) -> None:
    with pytest.raises(NotADatabase):
        Database(sqlite_url(Path(where)))


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase):
        Database(sqlite_url(tmp_path))


def test_a_newer_schema_is_refused_without_a_backup_each_time(opened: Services, path: Path) -> None:
    with opened.db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    opened.db.dispose()
    before = digest(path)
    for _attempt in range(3):
        with pytest.raises(NewerSchema) as raised:
            open_services(sqlite_url(path))
        assert "newer version" in raised.value.message
    assert sorted(p.name for p in path.parent.iterdir() if p.suffix == ".bak") == []
    assert digest(path) == before


# ---- private files ------------------------------------------------------------------------
@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual: world-readable unless told otherwise
    try:
        yield
    finally:
        os.umask(previous)


def mode(file: Path) -> int:
    return stat.S_IMODE(file.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_database_wal_shm_backup_and_lock_files_are_0600(path: Path) -> None:
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        make_user(services, "anna", "Anna")
        wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
        assert wal.exists() and shm.exists()
        assert {f.name: mode(f) for f in (path, wal, shm)} == {
            f.name: 0o600 for f in (path, wal, shm)
        }
        backup = backups.make_backup(path, BackupKind.MIGRATION).path
        assert mode(backup) == 0o600
    finally:
        services.db.dispose()
    with InstanceLock(path):
        assert mode(lock_path(path)) == 0o600
    assert os.umask(0o022) == 0o022  # restored after the private creation


@pytest.mark.usefixtures("open_umask")
def test_companions_of_an_older_file_are_made_no_wider_than_the_file(path: Path) -> None:
    with private_files():
        services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    services.db.dispose()
    wal = path.with_name(path.name + "-wal")
    wal.touch()
    wal.chmod(0o644)  # left by another tool
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        services.accounts.has_users()
        assert mode(wal) == 0o600
    finally:
        services.db.dispose()


# ---- one window per file -------------------------------------------------------------------
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from advisor_app.persistence.instance_lock import InstanceLock
    InstanceLock(Path(sys.argv[1])).acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


def test_a_second_instance_is_told_and_a_killed_ones_lock_is_stale(path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyOpen) as raised:
            InstanceLock(path).acquire()
        assert "already open on this database" in raised.value.message
        holder.send_signal(signal.SIGKILL)  # no clean-up: the lock file stays behind
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    assert lock_path(path).exists()
    lock = InstanceLock(path).acquire()  # stale: taken at once
    try:
        assert lock.held
    finally:
        lock.release()


# ---- exports written whole or not at all -------------------------------------------------
def test_a_failed_write_leaves_no_partial_file_and_the_old_one_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "statistik.xlsx"
    target.write_bytes(b"the earlier export")

    def no_space(_fd: int) -> None:  # a full disk shows when the data is flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        write_bytes_atomically(target, b"x" * 1_000_000)
    assert target.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["statistik.xlsx"]


def test_a_writer_that_fails_midway_leaves_nothing_under_the_name(tmp_path: Path) -> None:
    target = tmp_path / "handout.pdf"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("renderer failed")
    assert list(tmp_path.iterdir()) == []
    write_bytes_atomically(target, b"%PDF-1.4 whole")
    assert target.read_bytes() == b"%PDF-1.4 whole" and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]
