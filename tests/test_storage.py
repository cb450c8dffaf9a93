"""Storage on SQLite and PostgreSQL: UTC datetimes, SQLite's settings and IMMEDIATE writes,
the migration against the models, the verified backup, enums as CHECK-constrained text."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from factories import make_user, record_with_actions, register_family
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.schema import CreateTable

from advisor_app.domain.actor import Actor
from advisor_app.domain.backup_rules import BackupKind
from advisor_app.locations import migrations_dir
from advisor_app.persistence import backups as backup_files
from advisor_app.persistence import migrations
from advisor_app.persistence.database import SQLITE_BUSY_TIMEOUT_MS, Database, sqlite_url
from advisor_app.persistence.models import Advisor, Base
from advisor_app.services.facade import Services, open_services


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    """A database migrated here from empty, without the services on top."""
    database = Database(empty_db_url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = Database(sqlite_url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


def add_advisor(db: Database, username: str, created_at: datetime) -> int:
    with db.begin() as session:
        row = Advisor(
            username=username,
            display_name=username,
            role="advisor",
            active=True,
            created_at=created_at,
        )
        session.add(row)
        session.flush()
        return row.id


def read_created_at(db: Database, advisor_id: int) -> datetime:
    with db.begin() as session:
        value = session.scalar(select(Advisor.created_at).where(Advisor.id == advisor_id))
        assert value is not None
        return value


# ---- UTC datetimes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC),  # the hour before Danish DST
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # inside the repeated Danish hour
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    ],
    ids=["utc-dst-eve", "utc-repeated-hour", "utc-microseconds", "plus-2", "minus-9-30"],
)
def test_aware_datetimes_come_back_as_the_same_instant_in_utc(
    db: Database, moment: datetime
) -> None:
    advisor_id = add_advisor(db, "a", moment)
    back = read_created_at(db, advisor_id)
    assert back == moment
    assert back.utcoffset() == timedelta(0)
    assert back.tzinfo == UTC
    assert back.replace(tzinfo=None) == moment.astimezone(UTC).replace(tzinfo=None)


def test_sqlite_stores_the_utc_wall_clock(sqlite_db: Database) -> None:
    add_advisor(sqlite_db, "a", datetime(2026, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    with sqlite_db.engine.connect() as connection:
        raw = connection.execute(text("SELECT created_at FROM advisor")).scalar_one()
    assert str(raw).startswith("2026-07-01 12:00:00")


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"):
        add_advisor(db, "a", datetime(2026, 7, 1, 12, 0))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM advisor")).scalar_one() == 0


@pytest.mark.postgres
def test_postgresql_columns_are_timestamptz(postgresql_url: str) -> None:
    database = Database(postgresql_url)
    try:
        database.upgrade()
        columns = {c["name"]: c["type"] for c in inspect(database.engine).get_columns("advisor")}
        assert columns["created_at"].timezone is True  # type: ignore[attr-defined]
    finally:
        database.dispose()


# ---- SQLite settings ----------------------------------------------------------------------------
def test_sqlite_pragmas_are_in_force_on_every_connection(sqlite_db: Database) -> None:
    # Raw pool connections: each is a new DBAPI connection through the "connect" hook, and
    # none begins a transaction (which, IMMEDIATE, would make the second wait for the first).
    connections = [sqlite_db.engine.raw_connection() for _ in range(3)]
    try:
        for connection in connections:
            cursor = connection.cursor()
            try:

                def pragma(name: str, cursor: Any = cursor) -> object:
                    return cursor.execute(f"PRAGMA {name}").fetchone()[0]

                assert pragma("journal_mode") == "wal"
                assert pragma("synchronous") == 2  # FULL
                assert pragma("foreign_keys") == 1
                assert pragma("busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
            finally:
                cursor.close()
    finally:
        for connection in connections:
            connection.close()


def test_sqlite_transactions_take_the_write_lock_at_begin(sqlite_db: Database) -> None:
    """BEGIN IMMEDIATE: even a transaction that has only read holds the write lock, so a
    second writer is told "busy" at its own BEGIN, never halfway through its work."""
    path = sqlite_db.sqlite_path
    assert path is not None
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        with sqlite_db.begin() as session:
            session.execute(select(Advisor.id)).all()  # a read only
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_two_read_then_write_transactions_wait_instead_of_failing(sqlite_url: str) -> None:
    """With deferred transactions both read, then the second to write fails at once with
    "database is locked" (its snapshot is stale; the busy timeout is not even tried). With
    IMMEDIATE the second waits at BEGIN for the first to commit, then does its work."""
    first_db, second_db = Database(sqlite_url), Database(sqlite_url)
    first_db.upgrade()
    first_has_read = threading.Event()
    second_is_starting = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with first_db.begin() as session:
                count = len(session.execute(select(Advisor.id)).all())
                first_has_read.set()
                second_is_starting.wait(5)
                second_is_starting.wait(0.3)  # give the second every chance to barge in
                add = Advisor(
                    username=f"first{count}",
                    display_name="x",
                    role="advisor",
                    active=True,
                    created_at=datetime.now(UTC),
                )
                session.add(add)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=first)
    try:
        worker.start()
        assert first_has_read.wait(5)
        second_is_starting.set()
        with second_db.begin() as session:
            count = len(session.execute(select(Advisor.id)).all())
            session.add(
                Advisor(
                    username=f"second{count}",
                    display_name="x",
                    role="advisor",
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
        worker.join(10)
        assert not errors, errors
        with second_db.begin() as session:
            names = sorted(session.scalars(select(Advisor.username)))
        assert names == ["first0", "second1"]  # the second saw the first's row: serialised
    finally:
        worker.join(10)
        first_db.dispose()
        second_db.dispose()


# ---- migrations against the models --------------------------------------------------------------
def test_the_migration_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_migration_creates_every_check_constraint_of_the_models(db: Database) -> None:
    """compare_metadata does not look at CHECK constraints: compare their names here."""
    inspector = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=db.engine.dialect))
        wanted = set(re.findall(r"CONSTRAINT (\w+) CHECK", ddl))
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert found == wanted, table.name


def test_the_database_is_at_head_after_upgrade(db: Database) -> None:
    assert migrations.current_revision(db) == migrations.head_revision(db) is not None


# ---- enums as text with CHECK constraints -------------------------------------------------------
def test_enums_are_stored_as_their_text_values(services: Services, actor: Actor) -> None:
    register_family(services, actor)
    with services.db.engine.connect() as connection:
        row = connection.execute(text("SELECT language, employment FROM relative")).one()
        assert tuple(row) == ("da", "unknown")
        assert connection.execute(text("SELECT role FROM advisor")).scalar_one() == "advisor"
        assert connection.execute(text("SELECT relation_type FROM care_relation")).scalar_one() == (
            "spouse"
        )
        conditions = connection.execute(
            text("SELECT condition FROM citizen_condition ORDER BY condition")
        ).scalars()
        assert list(conditions) == ["dementia", "heart"]


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        ("UPDATE relative SET language = :v", "DANISH"),
        ("UPDATE relative SET employment = :v", "astronaut"),
        ("UPDATE care_relation SET relation_type = :v", "SPOUSE"),
        ("UPDATE advisor SET role = :v", "superuser"),
    ],
)
def test_the_database_rejects_a_bad_enum_value(
    services: Services, actor: Actor, statement: str, value: str
) -> None:
    register_family(services, actor)
    with pytest.raises(IntegrityError), services.db.begin() as session:
        session.execute(text(statement), {"v": value})


def test_the_database_rejects_an_anonymous_session_with_a_case(
    services: Services, actor: Actor
) -> None:
    detail = register_family(services, actor)
    record_with_actions(services, actor, detail.id)
    with pytest.raises(IntegrityError), services.db.begin() as session:
        session.execute(text("UPDATE advisory_session SET anonymous = :t"), {"t": True})


# ---- start-up migration and its verified backup (SQLite) ----------------------------------------
def backups(path: Path) -> list[Path]:
    return [made.path for made in backup_files.list_backups(path)] + sorted(
        path.parent.glob(f"{path.stem}*.bak")
    )


def test_a_brand_new_file_is_migrated_without_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    services, backup = open_services(sqlite_url)
    try:
        assert backup is None
        assert services.db.sqlite_path is not None
        assert backups(services.db.sqlite_path) == []
        assert migrations.current_revision(services.db) == migrations.head_revision(services.db)
    finally:
        services.db.dispose()


def test_a_file_at_head_is_left_alone(sqlite_url: str) -> None:
    services, _ = open_services(sqlite_url)
    services.db.dispose()
    again, backup = open_services(sqlite_url)
    try:
        assert backup is None
        assert again.db.sqlite_path is not None
        assert backups(again.db.sqlite_path) == []
    finally:
        again.db.dispose()


def row_count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(count)
    finally:
        connection.close()


def test_a_backup_is_a_verified_copy_of_everything(sqlite_url: str) -> None:
    services, _ = open_services(sqlite_url)
    try:
        actor = make_user(services, "testadvisor")
        register_family(services, actor)  # rows still in the WAL file, not yet checkpointed
        path = services.db.sqlite_path
        assert path is not None
        head = migrations.head_revision(services.db)
        made = backup_files.make_backup(path, BackupKind.MIGRATION)
        copy = made.path
        assert copy.parent == backup_files.backup_folder(path) and "-migration" in copy.name
        for table in ("relative", "citizen", "consent", "audit_event", "topic"):
            assert row_count(copy, table) == row_count(path, table) > 0
        check = sqlite3.connect(copy)
        try:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert check.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        finally:
            check.close()
    finally:
        services.db.dispose()


NEXT_MIGRATION = '''"""a later release: a test table

Revision ID: 9001
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("later_release", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("later_release")
'''


def install_next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of db/ with one more migration, used from now on: a file at the old head is
    then behind. Returns the old head."""
    scripts = tmp_path / "release" / "db"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    versions = sorted((scripts / "versions").glob("0*.py"))
    head = versions[-1].name.split("_")[0]
    (scripts / "versions" / "9001_later_release.py").write_text(NEXT_MIGRATION.format(head=head))
    monkeypatch.setattr(migrations, "migrations_dir", lambda: scripts)
    return head


def test_a_file_behind_head_is_backed_up_before_it_is_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path / "behind.sqlite3")
    services, _ = open_services(url)
    actor = make_user(services, "testadvisor")
    register_family(services, actor)
    services.db.dispose()

    head = install_next_release(tmp_path, monkeypatch)
    upgraded, backup = open_services(url)
    try:
        assert backup is not None and backup.exists()
        assert backup.name.endswith("-migration.sqlite3")
        assert migrations.current_revision(upgraded.db) == "9001"
        live = tmp_path / "behind.sqlite3"
        assert row_count(live, "later_release") == 0
        assert row_count(backup, "relative") == row_count(live, "relative") == 1
        old = sqlite3.connect(backup)
        try:
            assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
            tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
            assert "later_release" not in tables
        finally:
            old.close()
    finally:
        upgraded.db.dispose()


def test_no_migration_when_the_backup_cannot_be_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path / "behind.sqlite3")
    services, _ = open_services(url)
    services.db.dispose()
    head = install_next_release(tmp_path, monkeypatch)

    def broken(source: Path, kind: BackupKind) -> Path:
        raise migrations.BackupError("damaged")

    monkeypatch.setattr(backup_files, "make_backup", broken)
    database = Database(url)
    try:
        with pytest.raises(migrations.BackupError):
            database.upgrade()
        assert migrations.current_revision(database) == head
    finally:
        database.dispose()
