"""Migrating a team database: three programs starting at once on a new database (serialised
by an advisory lock), the copy ``db upgrade`` takes with pg_dump first (or says plainly that
the server's own backup is relied on), and 0012's one open course per relative."""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from factories import FAST_HASHER, make_user, relative_input, session_input
from sqlalchemy import func, select

from advisor_app.cli import main
from advisor_app.persistence import migrations
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import AdvisorySession, Case, Offer, Topic
from advisor_app.services.facade import Services
from advisor_app.services.offers import load_offer_seed
from advisor_app.services.reference import load_topic_seed

START_TOGETHER = textwrap.dedent(
    """
    import sys
    from advisor_app.services.facade import open_services
    print("ready", flush=True)
    sys.stdin.readline()  # the barrier: every child has imported, now all start
    services, _ = open_services(sys.argv[1])
    services.db.dispose()
    print("started", flush=True)
    """
)


@pytest.mark.postgres
def test_three_programs_starting_at_once_on_a_new_database_all_start(
    postgresql_url: str,
) -> None:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", START_TOGETHER, postgresql_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err[-2000:]
        assert out.strip() == "started"
    db = Database(postgresql_url)
    try:
        assert migrations.current_revision(db) == migrations.head_revision(db)
        with db.begin() as session:
            # Seeded once, not three times.
            assert session.scalar(select(func.count(Topic.id))) == len(load_topic_seed())
            assert session.scalar(select(func.count(Offer.id))) == len(load_offer_seed())
    finally:
        db.dispose()


def _at_0011_with_two_open_courses(url: str) -> tuple[Database, int]:
    """A database at 0011 where one relative has two open courses with a session in each
    (what two first sessions at once left behind before 0012)."""
    db = Database(url)
    command.upgrade(migrations.alembic_config(db), "0011")
    services = Services.build(db, hasher=FAST_HASHER)
    actor = make_user(services, "mig", "Migrating")
    relative = services.relatives.register(actor, relative_input())
    services.sessions.record(actor, session_input(relative.id))
    with db.begin() as session:
        first = session.scalars(select(Case)).one()
        session.add(
            Case(
                relative_id=relative.id,
                advisor_id=actor.advisor_id,
                opened_at=first.opened_at.replace(year=first.opened_at.year + 1),
            )
        )
    services.sessions.record(actor, session_input(relative.id))  # into the newer course
    with db.begin() as session:
        assert session.scalar(select(func.count(Case.id))) == 2
    return db, relative.id


def test_0012_merges_a_relative_s_open_courses_into_the_oldest(
    empty_db_url: str, tmp_path: Path
) -> None:
    db, relative_id = _at_0011_with_two_open_courses(empty_db_url)
    try:
        with db.begin() as session:
            oldest = session.scalar(select(func.min(Case.id)))
        db.upgrade(backup_dir=tmp_path)
        with db.begin() as session:
            courses = session.scalars(select(Case.id).where(Case.relative_id == relative_id))
            assert list(courses) == [oldest]
            in_course = session.scalar(
                select(func.count(AdvisorySession.id)).where(AdvisorySession.case_id == oldest)
            )
            assert in_course == 2
    finally:
        db.dispose()


@pytest.mark.postgres
def test_db_upgrade_on_postgresql_takes_a_private_verified_pg_dump_first(
    postgresql_url: str, tmp_path: Path
) -> None:
    pg_dump = migrations.find_pg_dump()
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    db, _ = _at_0011_with_two_open_courses(postgresql_url)
    try:
        made = db.upgrade(backup_dir=tmp_path / "backups")
        assert made is not None and made.parent == tmp_path / "backups"
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
        assert made.stat().st_size > 0
        assert not list(made.parent.glob("*.partial"))
        listed = subprocess.run(
            [str(pg_dump.with_name("pg_restore")), "--list", str(made)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "advice_case" in listed and "advisory_session" in listed
        assert migrations.current_revision(db) == migrations.head_revision(db)
    finally:
        db.dispose()


@pytest.mark.postgres
def test_db_upgrade_without_pg_dump_says_the_server_s_backup_is_relied_on(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = _at_0011_with_two_open_courses(postgresql_url)
    db.dispose()
    monkeypatch.setattr(migrations, "find_pg_dump", lambda: None)
    assert main(["--db", postgresql_url, "--lang", "en", "db", "upgrade"]) == 0
    out, err = capsys.readouterr()
    assert "server's own backup is relied on" in err
    assert "database is at the newest schema" in out


@pytest.mark.postgres
def test_a_failing_pg_dump_migrates_nothing(
    postgresql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(migrations, "find_pg_dump", lambda: fake)
    db, _ = _at_0011_with_two_open_courses(postgresql_url)
    try:
        with pytest.raises(migrations.BackupError, match="version mismatch"):
            db.upgrade(backup_dir=tmp_path / "backups")
        assert migrations.current_revision(db) == "0011"
        assert not any((tmp_path / "backups").iterdir())  # no partial file left
    finally:
        db.dispose()


def test_the_db_upgrade_help_says_how_a_team_database_is_backed_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["db", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "pg_dump" in out and "server's own backup" in out
