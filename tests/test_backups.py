"""Backups and restore of the workstation's file, and the start's integrity check.

A backup is verified, 0600, and whole or absent (a full disk leaves nothing); a restore gives
back exactly what was backed up and keeps a copy of what it replaced; a damaged file at
start is refused before anything writes to it, with the newest verified backup named; the
generations are pruned by the municipality's counts and never lose the newest good one.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import FAST_HASHER, record_with_actions, register_family
from hypothesis import given
from hypothesis import strategies as st

from advisor_app import cli
from advisor_app.domain.actor import Actor
from advisor_app.domain.backup_rules import (
    BackupKind,
    Generation,
    backup_due,
    to_keep,
    to_prune,
)
from advisor_app.domain.enums import Role
from advisor_app.domain.errors import NewerSchema, ValidationError
from advisor_app.domain.settings import BACKUPS_DAILY, BACKUPS_MONTHLY, BACKUPS_WEEKLY
from advisor_app.persistence import backups, integrity
from advisor_app.persistence.database import sqlite_url
from advisor_app.services.backups import BackupFailedError, automatic_backup
from advisor_app.services.facade import Services, open_services, restore_file

PASSWORD = "en lang og god adgangskode"


# ---- the rule: which generations to keep (domain) ------------------------------------------
START = datetime(2026, 1, 1, tzinfo=UTC)
moments = st.lists(
    st.integers(min_value=0, max_value=400 * 24 * 60).map(lambda m: START + timedelta(minutes=m)),
    min_size=0,
    max_size=60,
    unique=True,
)
flags = st.lists(st.booleans(), min_size=60, max_size=60)
counts = st.integers(min_value=0, max_value=15)


def generations(
    times: list[datetime], verified: list[bool], special: list[bool]
) -> list[Generation]:
    return [Generation(f"g{i}", t, verified[i], special[i]) for i, t in enumerate(sorted(times))]


@given(moments, flags, flags, counts, counts, counts)
def test_the_newest_verified_backup_is_never_pruned(
    times: list[datetime],
    verified: list[bool],
    special: list[bool],
    daily: int,
    weekly: int,
    monthly: int,
) -> None:
    every = generations(times, verified, special)
    doomed = to_prune(every, daily=daily, weekly=weekly, monthly=monthly)
    assert doomed <= {g.name for g in every}
    good = [g for g in every if g.verified]
    if good:
        assert max(good, key=lambda g: g.made_at).name not in doomed
    # Pruning what is left gives up nothing more: the rule is stable.
    left = [g for g in every if g.name not in doomed]
    assert to_prune(left, daily=daily, weekly=weekly, monthly=monthly) == set()


@given(moments, counts, counts, counts)
def test_each_of_the_last_days_weeks_and_months_keeps_its_newest(
    times: list[datetime], daily: int, weekly: int, monthly: int
) -> None:
    every = [Generation(f"g{i}", t, True) for i, t in enumerate(times)]
    kept = to_keep(every, daily=daily, weekly=weekly, monthly=monthly)
    for period, count in (
        (lambda t: t.date(), daily),
        (lambda t: t.isocalendar()[:2], weekly),
        (lambda t: (t.year, t.month), monthly),
    ):
        newest: dict[object, Generation] = {}
        for g in every:
            key = period(g.made_at)
            if key not in newest or g.made_at > newest[key].made_at:
                newest[key] = g
        latest = sorted(newest, key=lambda k: newest[k].made_at, reverse=True)[:count]
        assert {newest[k].name for k in latest} <= kept
    assert len(kept) <= max(1, daily + weekly + monthly)


def test_the_counts_keep_one_a_day_a_week_and_a_month() -> None:
    every = [
        Generation(f"d{day}-{hour}", START + timedelta(days=day, hours=hour), True)
        for day in range(120)
        for hour in (8, 16)
    ]
    kept = to_keep(every, daily=7, weekly=4, monthly=3)
    newest_days = {f"d{day}-16" for day in range(113, 120)}
    assert newest_days <= kept
    assert "d119-8" not in kept  # the same day's older copy goes
    assert len(kept) <= 7 + 4 + 3
    # Nothing kept by the counts: still the newest good copy, never an unverified one.
    damaged = Generation("broken", START + timedelta(days=200), False)
    assert to_keep([*every, damaged], daily=0, weekly=0, monthly=0) == {"d119-16"}


def test_copies_made_before_a_migration_or_restore_are_kept_apart() -> None:
    ordinary = [Generation(f"o{n}", START + timedelta(days=n), True) for n in range(10)]
    special = [
        Generation(f"s{n}", START + timedelta(days=n, hours=1), True, True) for n in range(5)
    ]
    kept = to_keep(ordinary + special, daily=2, weekly=0, monthly=3)
    assert {"s4", "s3", "s2"} <= kept and "s1" not in kept
    assert {"o9", "o8"} <= kept


def test_the_daily_backup_is_due_once_a_day() -> None:
    now = datetime(2026, 3, 5, 14, tzinfo=UTC)
    assert backup_due(None, now)
    assert backup_due(now - timedelta(days=1), now)
    assert not backup_due(now.replace(hour=1), now)


# ---- the copy itself ------------------------------------------------------------------------
@pytest.fixture
def filled(sqlite_url: str) -> Iterator[tuple[Services, Actor, Actor]]:
    """A workstation file with an admin, an advisor and a family with a session."""
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
    services.accounts.add_user(admin, "testadvisor", Role.ADVISOR, "Test Advisor", PASSWORD)
    advisor = services.accounts.sign_in("testadvisor", PASSWORD)
    family = register_family(services, advisor)
    record_with_actions(services, advisor, family.id)
    try:
        yield services, admin, advisor
    finally:
        services.db.dispose()


def content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in a fixed order: what "equal in content" means here."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


def folder_files(db_path: Path) -> list[str]:
    folder = backups.backup_folder(db_path)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_backup_is_verified_private_and_leaves_no_temporary_file(
    filled: tuple[Services, Actor, Actor],
) -> None:
    services, admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    made = services.backups.make(admin)
    copy = backups.backup_folder(path) / made.name
    assert made.verified and made.kind is BackupKind.MANUAL and made.size == copy.stat().st_size
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.backup_folder(path).stat().st_mode) == 0o700
    assert folder_files(path) == [made.name]  # no -journal, -wal or .partial beside it
    assert backups.check_file(copy) is None
    listed = services.backups.generations(admin)
    assert [(b.name, b.verified) for b in listed] == [(made.name, True)]


def test_a_backup_on_a_full_disk_leaves_no_partial_file(
    filled: tuple[Services, Actor, Actor], tmp_path: Path
) -> None:
    """The file-size limit makes every write past 64 KiB fail as a full disk would."""
    services, admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    elsewhere = tmp_path / "copy.sqlite3"
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(BackupFailedError, match="disk is full"):
            services.backups.make(admin)
        with pytest.raises(BackupFailedError):
            services.backups.make(admin, elsewhere)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert path.stat().st_size > 64 * 1024  # the limit was really in the way
    assert folder_files(path) == []
    assert not elsewhere.exists()
    assert not list(tmp_path.glob(".copy.sqlite3*"))
    assert services.backups.make(admin).verified  # and with room again, it works


def test_a_damaged_copy_is_removed_and_not_counted(
    filled: tuple[Services, Actor, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    services, _admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    monkeypatch.setattr(backups, "integrity_verdict", lambda _c: "*** in page 3: damaged")
    with pytest.raises(backups.BackupError) as failed:
        backups.make_backup(path, BackupKind.DAILY)
    assert failed.value.reason == "damaged"
    assert folder_files(path) == []


# ---- restore --------------------------------------------------------------------------------
def test_backup_then_restore_gives_back_every_row(filled: tuple[Services, Actor, Actor]) -> None:
    services, admin, advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    before = content(path)
    made = services.backups.make(admin)
    copy = backups.backup_folder(path) / made.name
    assert content(copy) == before  # the make's own access event comes after the copy
    register_family(services, advisor, "Efter Kopien", cpr=None)
    services.settings.save(admin, {"municipality.name": "Herning Kommune"})
    assert content(path) != before

    kept = services.restore_backup(admin, made.name)
    assert kept is not None and kept.name.endswith("-restore.sqlite3")
    assert content(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    # The copy of what was replaced holds the later work, and the restore's access event.
    replaced = content(kept)
    assert any("Efter" in repr(row) for row in replaced["relative"])
    assert any("restore" in repr(row) for row in replaced["audit_event"])
    again, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        assert again.settings.current(admin).municipality == ""
        assert again.accounts.sign_in("testadvisor", PASSWORD).username == "testadvisor"
    finally:
        again.db.dispose()


def test_a_restore_refuses_what_is_not_a_whole_known_database(
    filled: tuple[Services, Actor, Actor], tmp_path: Path
) -> None:
    services, admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    url = sqlite_url(path)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    foreign = tmp_path / "other.sqlite3"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    newer = tmp_path / "newer.sqlite3"
    backups.copy_database(path, newer)
    bump = sqlite3.connect(newer)
    bump.execute("UPDATE alembic_version SET version_num = '9999'")
    bump.commit()
    bump.close()
    services.db.dispose()
    original = path.read_bytes()
    for bad, message in (
        (tmp_path / "missing.sqlite3", "no such backup"),
        (text, "not a database backup"),
        (foreign, "not a backup of this program"),
        (newer, "newer version"),
    ):
        with pytest.raises(ValidationError, match=message):
            restore_file(url, bad)
    assert path.read_bytes() == original
    assert folder_files(path) == []
    with pytest.raises(ValidationError, match="no such backup"):
        services.backups.plan_restore(admin, "../advisor.sqlite3")


# ---- the start's integrity check ------------------------------------------------------------
def damage(path: Path) -> None:
    """Random bytes over pages in the middle of the file (its header stays a SQLite one)."""
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as handle:
        handle.seek(3 * 4096)
        handle.write(os.urandom(min(size - 4 * 4096, 16 * 4096)))


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_a_damaged_file_is_refused_at_start_and_never_written(
    filled: tuple[Services, Actor, Actor],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services, admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    good = services.backups.make(admin)
    services.db.dispose()  # checkpointed: the data is in the file itself
    assert not Path(f"{path}-wal").exists()
    damage(path)
    assert not integrity.quick_check(path)
    print_before = fingerprint(path)
    url = sqlite_url(path)

    with pytest.raises(integrity.DamagedDatabaseError) as refused:
        open_services(url)
    assert refused.value.backup is not None
    assert refused.value.backup.path.name == good.name
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    for argv in (["users", "list"], ["db", "upgrade"]):
        assert cli.main(["--lang", "en", "--db", url, *argv]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "damaged" in err[0]
        assert f"advisor-app restore {backups.backup_folder(path) / good.name}" in err[0]
    assert fingerprint(path) == print_before  # not a byte, not even the time
    assert folder_files(path) == [good.name]  # and no backup over the good ones

    assert cli.main(["--lang", "en", "--db", url, "restore", str(refused.value.backup.path)]) == 0
    out = capsys.readouterr().out
    assert "-damaged.sqlite3" in out
    assert integrity.quick_check(path)
    kept = [b for b in backups.list_backups(path) if b.kind is BackupKind.DAMAGED]
    assert len(kept) == 1 and not kept[0].verified
    assert hashlib.sha256(kept[0].path.read_bytes()).hexdigest() == print_before[0]
    reopened, _ = open_services(url, hasher=FAST_HASHER)
    try:
        assert reopened.accounts.sign_in("admin", PASSWORD).username == "admin"
    finally:
        reopened.db.dispose()


def test_a_newer_schema_is_refused_without_a_backup_each_attempt(sqlite_url: str) -> None:
    services, _ = open_services(sqlite_url)
    path = services.db.sqlite_path
    assert path is not None
    with services.db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    services.db.dispose()
    for _attempt in range(3):
        with pytest.raises(NewerSchema):
            open_services(sqlite_url)
    assert folder_files(path) == []
    assert list(path.parent.glob("*.bak")) == []


# ---- the command line and the automatic copies ----------------------------------------------
def test_backup_and_restore_on_the_command_line(
    filled: tuple[Services, Actor, Actor],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services, _admin, advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    url = sqlite_url(path)
    services.db.dispose()
    target = tmp_path / "out" / "kopi.sqlite3"
    target.parent.mkdir()
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    assert (
        cli.main(
            ["--lang", "en", "--db", url, "--user", "testadvisor", "backup", "-o", str(target)]
        )
        == 3
    )
    assert "Only an administrator can make a backup" in capsys.readouterr().err
    assert not target.exists()
    assert cli.main(["--db", url, "--user", "admin", "backup", "-o", str(target)]) == 0
    assert "integrity_check ok" in capsys.readouterr().out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    saved = content(target)

    later, _ = open_services(url, hasher=FAST_HASHER)
    register_family(later, advisor, "Efter Kopien", cpr=None)
    later.db.dispose()
    assert cli.main(["--lang", "en", "--db", url, "restore", str(target)]) == 0
    assert content(path) == saved
    assert [b.kind for b in backups.list_backups(path)] == [BackupKind.RESTORE]
    assert cli.main(["--lang", "en", "--db", url, "restore", str(tmp_path)]) == 2
    assert "no such backup" in capsys.readouterr().err


def test_automatic_copies_are_pruned_by_the_municipality_s_counts(
    filled: tuple[Services, Actor, Actor],
) -> None:
    services, admin, _advisor = filled
    path = services.db.sqlite_path
    assert path is not None
    services.settings.save(admin, {BACKUPS_DAILY: "2", BACKUPS_WEEKLY: "0", BACKUPS_MONTHLY: "0"})
    first = datetime(2026, 2, 1, 10, tzinfo=UTC)
    for day in range(5):
        assert automatic_backup(services.db, BackupKind.DAILY, now=first + timedelta(days=day))
    assert (
        automatic_backup(
            services.db, BackupKind.DAILY, only_if_due=True, now=first + timedelta(days=4, hours=3)
        )
        is None
    )
    made = [b.made_at for b in backups.list_backups(path)]
    assert made == [first + timedelta(days=4), first + timedelta(days=3)]
    # The newest one damaged after the fact: the newest good one stays whatever the counts.
    newest = backups.list_backups(path)[0].path
    newest.write_bytes(b"")
    services.settings.save(admin, {BACKUPS_DAILY: "0"})
    automatic_backup(services.db, BackupKind.CLOSE, now=first + timedelta(days=6))
    left = backups.list_backups(path)
    assert [b.kind for b in left if b.verified] == [BackupKind.CLOSE]


def test_a_team_database_says_the_server_s_backup_is_relied_on(tmp_path: Path) -> None:
    """Said before any connection: no server is needed to be told."""
    team = "postgresql+psycopg://nobody@127.0.0.1:1/advisor_app"
    with pytest.raises(ValidationError, match="server's own backup"):
        restore_file(team, tmp_path / "x.sqlite3")
