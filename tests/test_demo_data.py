"""The demo-data generator: counts, determinism, appending, valid CPR numbers, child
relatives, Danish search, every detail loading, and referential integrity on SQLite; COPY and
sequences on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, func, inspect, select, text

from advisor_app.domain.actor import Actor
from advisor_app.domain.contact import is_child
from advisor_app.domain.cpr import parse_cpr
from advisor_app.domain.enums import AuditAction, Purpose, Role
from advisor_app.domain.errors import AccessDeniedError
from advisor_app.persistence.database import sqlite_url
from advisor_app.persistence.models import (
    AdvisorySession,
    AuditEvent,
    Base,
    Citizen,
    Consent,
    Relative,
)
from advisor_app.services.demo_data import COLUMNS, TABLE_ORDER, DemoDataService, DemoSummary
from advisor_app.services.dto import RelativeInput
from advisor_app.services.facade import Services, open_services

RELATIVES = 300
NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)

Opener = Callable[[str], tuple[Services, Actor]]


@pytest.fixture
def open_db(tmp_path: Path) -> Iterator[Opener]:
    """Opens fresh migrated SQLite databases by name; all are disposed afterwards."""
    opened: list[Services] = []

    def _open(name: str) -> tuple[Services, Actor]:
        services, _backup = open_services(sqlite_url(tmp_path / f"{name}.sqlite3"))
        opened.append(services)
        return services, services.advisors.ensure("demo", "Demo Advisor")

    yield _open
    for services in opened:
        services.db.dispose()


def _generate(
    services: Services,
    actor: Actor,
    *,
    relatives: int = RELATIVES,
    sessions_per_relative: float = 5.0,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    return DemoDataService(services.db).generate(
        actor,
        relatives=relatives,
        sessions_per_relative=sessions_per_relative,
        seed=seed,
        progress=progress,
        now=now,
    )


def _count(services: Services, table: str) -> int:
    with services.db.begin() as session:
        return int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def test_counts_match_the_summary_and_one_audit_event(open_db: Opener) -> None:
    services, actor = open_db("x")
    lines: list[str] = []
    summary = _generate(services, actor, progress=lines.append)

    assert summary.relatives == summary.cases == RELATIVES
    assert summary.sessions == RELATIVES * 5
    assert summary.anonymous_sessions == RELATIVES * 5 // 100
    assert 0 < summary.citizens <= summary.relations
    assert summary.consents > 0 and summary.actions > 0 and summary.participants > 0
    table_counts = {
        "relative": summary.relatives,
        "citizen": summary.citizens,
        "care_relation": summary.relations,
        "consent": summary.consents,
        "advice_case": summary.cases,
        "advisory_session": summary.sessions,
        "follow_up_action": summary.actions,
        "session_participant": summary.participants,
        "session_topic": summary.session_topics,
        "citizen_condition": summary.conditions,
    }
    for table, expected in table_counts.items():
        assert _count(services, table) == expected, table
    assert str(summary).startswith("demo data: 300 relatives, ")
    assert "1,500 sessions (15 anonymous)" in str(summary)
    assert lines and "300/300 relatives" in lines[0]

    with services.db.begin() as session:
        events = session.scalars(select(AuditEvent)).all()
        anonymous = session.scalar(
            select(func.count()).where(
                AdvisorySession.anonymous.is_(True), AdvisorySession.case_id.is_(None)
            )
        )
    assert [(e.action, e.entity, e.purpose) for e in events] == [
        (AuditAction.CREATE, "demo_data", Purpose.DEMO_DATA)
    ]
    assert events[0].detail is not None and "rel=300" in events[0].detail
    assert anonymous == summary.anonymous_sessions


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_people(
    open_db: Opener,
) -> None:
    def snapshot(services: Services) -> tuple[Sequence[Row[Any]], ...]:
        with services.db.begin() as session:
            return (
                session.execute(text("SELECT * FROM relative ORDER BY id")).all(),
                session.execute(text("SELECT * FROM citizen ORDER BY id")).all(),
                session.execute(text("SELECT * FROM advisory_session ORDER BY id")).all(),
                session.execute(text("SELECT * FROM follow_up_action ORDER BY id")).all(),
            )

    first, actor1 = open_db("a")
    second, actor2 = open_db("b")
    other, actor3 = open_db("c")
    later, actor4 = open_db("d")
    _generate(first, actor1, seed=7, now=NOW)
    _generate(second, actor2, seed=7, now=NOW.replace(hour=16))
    _generate(other, actor3, seed=8, now=NOW)
    _generate(later, actor4, seed=7, now=datetime(2026, 9, 2, 12, tzinfo=UTC))

    assert snapshot(first) == snapshot(second)  # any time on the same day
    names = snapshot(first)[0]
    assert [r.name for r in names] != [r.name for r in snapshot(other)[0]]
    # On another day the dates move, the people stay.
    assert [(r.name, r.phone, r.email) for r in names] == [
        (r.name, r.phone, r.email) for r in snapshot(later)[0]
    ]


def test_appending_twice_keeps_existing_rows_and_continues_the_ids(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor, seed=1)
    with services.db.begin() as session:
        before = session.execute(text("SELECT * FROM relative ORDER BY id")).all()
        sessions_before = session.execute(text("SELECT * FROM advisory_session ORDER BY id")).all()
    _generate(services, actor, seed=2)
    _generate(services, actor, seed=1)  # the same people again: CPR numbers must not clash

    assert _count(services, "relative") == 3 * RELATIVES
    assert _count(services, "advisory_session") == 3 * RELATIVES * 5
    with services.db.begin() as session:
        after = session.execute(text("SELECT * FROM relative ORDER BY id")).all()
        sessions_after = session.execute(text("SELECT * FROM advisory_session ORDER BY id")).all()
        ids = list(session.scalars(select(Relative.id).order_by(Relative.id)))
        cprs = list(session.scalars(select(Citizen.cpr).where(Citizen.cpr.is_not(None))))
    assert after[: len(before)] == before
    assert sessions_after[: len(sessions_before)] == sessions_before
    assert ids == list(range(1, 3 * RELATIVES + 1))
    assert len(cprs) == len(set(cprs))
    assert _count(services, "audit_event") == 3


def test_every_cpr_parses_and_gives_the_stored_birth_date(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor)
    with services.db.begin() as session:
        rows = session.execute(select(Citizen.cpr, Citizen.birth_date, Citizen.birth_year)).all()
    with_cpr = [r for r in rows if r.cpr is not None]
    assert with_cpr and len(with_cpr) < len(rows) // 2  # many citizens have no CPR number
    for cpr, birth_date, birth_year in with_cpr:
        assert cpr is not None
        parsed = parse_cpr(cpr)
        assert parsed.birth_date == birth_date
        assert birth_year == birth_date.year
    assert len({r.cpr for r in with_cpr}) == len(with_cpr)
    assert all(r.birth_date is None for r in rows if r.cpr is None)


def test_child_relatives_exist_and_count_as_children(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor)
    today = date.today()
    with services.db.begin() as session:
        years = list(session.scalars(select(Relative.birth_year)))
    children = [y for y in years if is_child(y, today)]
    assert 0.01 * RELATIVES <= len(children) <= 0.12 * RELATIVES
    assert sum(1 for y in years if y is not None and not is_child(y, today)) > RELATIVES // 2
    with services.db.begin() as session:
        child_id = session.scalar(
            select(Relative.id).where(Relative.birth_year > today.year - 18).limit(1)
        )
    assert child_id is not None
    assert services.relatives.get(actor, child_id).is_child


def test_search_finds_a_soren_by_either_spelling_and_by_phone(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor, relatives=600)
    with services.db.begin() as session:
        soren = session.execute(
            select(Relative.id, Relative.name).where(Relative.name.like("%Søren%")).limit(1)
        ).first()
        phoned = session.execute(
            select(Relative.id, Relative.phone).where(Relative.phone.is_not(None)).limit(1)
        ).first()
    assert soren is not None, "the vocabulary should produce a Søren among 600 relatives"
    for query in ("soren", "Søren", "SØREN"):
        found = services.relatives.search(actor, query, limit=5000)
        assert soren.id in {r.id for r in found.rows}, query
    assert phoned is not None and phoned.phone is not None
    digits = phoned.phone.replace(" ", "")
    assert phoned.phone == " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    for query in (phoned.phone, digits, digits[2:6]):
        found = services.relatives.search(actor, query, limit=5000)
        assert phoned.id in {r.id for r in found.rows}, query


def test_every_relative_detail_loads(open_db: Opener) -> None:
    services, actor = open_db("x")
    summary = _generate(services, actor)
    with services.db.begin() as session:
        ids = list(session.scalars(select(Relative.id)))
    total_sessions = 0
    for relative_id in ids:
        detail = services.relatives.get(actor, relative_id)
        assert detail.relations, "every relative cares for someone"
        total_sessions += detail.session_count
    assert total_sessions == summary.sessions - summary.anonymous_sessions
    views = services.sessions.list_for_relative(actor, ids[0])
    assert all(v.started_at.tzinfo is not None for v in views)
    assert services.sessions.open_actions(actor)


def test_integrity_foreign_keys_and_every_column_filled(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor)
    path = services.db.sqlite_path
    assert path is not None
    services.db.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    for table in TABLE_ORDER:  # the row tuples fill every column the tables have
        assert set(COLUMNS[table]) == set(Base.metadata.tables[table].c.keys()), table


def test_values_read_back_as_the_orm_writes_them(open_db: Opener) -> None:
    services, actor = open_db("x")
    _generate(services, actor, now=NOW)
    with services.db.begin() as session:
        sessions = session.scalars(select(AdvisorySession).limit(50)).all()
        consents = session.scalars(select(Consent).limit(50)).all()
        columns = {c["name"]: c for c in inspect(session.connection()).get_columns("relative")}
        assert all(s.started_at.tzinfo is UTC and s.created_at >= s.started_at for s in sessions)
        assert all(s.started_at < NOW and s.started_at.weekday() < 5 for s in sessions)
        assert all(isinstance(s.anonymous, bool) and s.version == 1 for s in sessions)
        assert all(isinstance(c.given_on, date) and c.recorded_at.tzinfo is UTC for c in consents)
        newest = session.scalar(select(func.max(AdvisorySession.started_at)))
        oldest = session.scalar(select(func.min(AdvisorySession.started_at)))
    assert "search_key" in columns
    assert newest is not None and oldest is not None
    assert (NOW - oldest).days <= 3 * 366 + 10 and (NOW - newest).days < 120


def test_no_sessions_still_gives_cases(open_db: Opener) -> None:
    services, actor = open_db("x")
    summary = _generate(services, actor, relatives=20, sessions_per_relative=0.0)
    assert (summary.relatives, summary.cases, summary.sessions, summary.actions) == (20, 20, 0, 0)


def test_a_manager_cannot_generate_and_bad_arguments_are_refused(open_db: Opener) -> None:
    services, actor = open_db("x")
    manager = services.advisors.ensure("boss", role=Role.MANAGER)
    with pytest.raises(AccessDeniedError):
        _generate(services, manager)
    with pytest.raises(ValueError):
        _generate(services, actor, relatives=0)
    with pytest.raises(ValueError):
        _generate(services, actor, sessions_per_relative=-1.0)
    assert _count(services, "relative") == 0


@pytest.mark.postgres
def test_postgresql_copy_and_sequences_after_explicit_ids(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL rows go in by COPY with explicit ids; the id sequences must be moved on,
    or the next ordinary insert collides with a demo row."""
    try:
        url: str = request.getfixturevalue("postgresql_url")  # tests/conftest.py
    except pytest.FixtureLookupError:
        pytest.skip("no PostgreSQL fixture in this checkout")
    services, _backup = open_services(url)
    try:
        actor = services.advisors.ensure("demo", "Demo Advisor")
        summary = _generate(services, actor, relatives=100)
        assert _count(services, "advisory_session") == summary.sessions == 500
        detail = services.relatives.register(actor, RelativeInput("Åse Ærbøl", phone="20304050"))
        assert detail.id == summary.relatives + 1
        found = services.relatives.search(actor, "aerbol ase")
        assert detail.id in {r.id for r in found.rows}
        with services.db.begin() as session:
            some = list(session.scalars(select(Relative.id).limit(20)))
            started = session.scalar(select(AdvisorySession.started_at).limit(1))
        for relative_id in some:
            services.relatives.get(actor, relative_id)
        assert started is not None and started.utcoffset() is not None
    finally:
        services.db.dispose()
