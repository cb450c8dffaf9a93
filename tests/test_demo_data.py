"""The demo-data generator: counts, determinism, appending, valid CPR numbers, child
relatives, Danish search, every detail loading, referential integrity and row tuples checked
against the models on SQLite; COPY and sequences on PostgreSQL; check-ins scored and prompted as CheckInService scores them, and
read back by its history and follow-up list, on both."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import make_user
from sqlalchemy import Column, MetaData, Row, String, func, inspect, select, text
from sqlalchemy.orm import selectinload

from advisor_app.devtools.demo import TABLE_ORDER, DemoDataGenerator, DemoSummary
from advisor_app.devtools.demo.bulk import COLUMNS, Rows, RowShapes, Values
from advisor_app.domain.actor import Actor
from advisor_app.domain.contact import is_child
from advisor_app.domain.cpr import parse_cpr
from advisor_app.domain.enums import ActionStatus, AuditAction, CheckInMode, Language, Purpose, Role
from advisor_app.domain.errors import AccessDeniedError
from advisor_app.domain.instruments import prompts
from advisor_app.persistence.database import sqlite_url
from advisor_app.persistence.models import (
    Action,
    AdvisorySession,
    AuditEvent,
    Base,
    Case,
    CheckIn,
    Citizen,
    Consent,
    Relative,
)
from advisor_app.services.dto import ActionInput, CheckInInput, InstrumentAnswers, RelativeInput
from advisor_app.services.facade import Services, open_services
from advisor_app.services.instruments import CHILD_DEFAULT, OWN_LIFE, WHO5, shipped

RELATIVES = 300
NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)

Opener = Callable[[str], tuple[Services, Actor]]

TODAY = date.today()  # the demo data is made around the real date


@pytest.fixture
def open_db(tmp_path: Path) -> Iterator[Opener]:
    """Opens fresh migrated SQLite databases by name; all are disposed afterwards."""
    opened: list[Services] = []

    def _open(name: str) -> tuple[Services, Actor]:
        services, _backup = open_services(sqlite_url(tmp_path / f"{name}.sqlite3"))
        opened.append(services)
        return services, make_user(services, "demo", "Demo Advisor")

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
    return DemoDataGenerator(services.db).generate(
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
        "check_in": summary.check_ins,
        "check_in_answer": summary.check_in_answers,
        "relief_arrangement": summary.relief_arrangements,
        "relief_status_change": summary.relief_status_changes,
        "relief_exception": summary.relief_exceptions,
        "relief_need": summary.relief_needs,
        "offer_referral": summary.referrals,
        "mentor": summary.mentors,
        "mentor_request": summary.mentor_requests,
        "mentor_match": summary.mentor_matches,
        "mentor_review": summary.mentor_reviews,
        "record_revision": summary.deleted_records,
        "booking": summary.bookings,
    }
    assert set(table_counts) == set(TABLE_ORDER)
    # A third of the open courses have their next meeting booked; every follow-up has an owner.
    assert 0.15 * RELATIVES < summary.bookings < 0.5 * RELATIVES
    with services.db.begin() as session:
        ownerless = session.scalar(select(func.count()).where(Action.owner_id.is_(None)))
    assert ownerless == 0
    for table, expected in table_counts.items():
        assert _count(services, table) == expected, table
    with services.db.begin() as session:
        from_check_ins = session.scalar(select(func.count()).where(Action.check_in_id.is_not(None)))
        met = session.scalar(
            select(func.count(func.distinct(Case.relative_id))).join(
                CheckIn, CheckIn.case_id == Case.id
            )
        )
    assert from_check_ins == summary.check_in_actions > 0
    assert met is not None and 0.45 * RELATIVES <= met <= 0.75 * RELATIVES  # about 60%
    assert met <= summary.check_ins <= 5 * met
    assert str(summary).startswith("demo data: 300 relatives, ")
    assert "1,500 sessions (15 anonymous)" in str(summary)
    assert f"{summary.check_ins:,} check-ins" in str(summary)
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
    settings = services.settings.current(actor)
    assert settings.municipality.endswith("Kommune") and settings.contact_phone


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
                session.execute(text("SELECT * FROM check_in ORDER BY id")).all(),
                session.execute(
                    text(
                        "SELECT * FROM check_in_answer"
                        " ORDER BY check_in_id, instrument_id, position"
                    )
                ).all(),
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
    assert snapshot(first)[4], "check-ins are part of the demo data"
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
        parsed = parse_cpr(cpr, today=TODAY)
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
    # Every table of the schema is generated, except the reference and bookkeeping ones.
    not_generated = {
        "advisor",
        "topic",
        "audit_event",
        "instrument_text",
        "alembic_version",
        "offer",  # the seeded catalogue the referrals point into
        "offer_version",
    }
    # The municipality's settings are set by their own module, not the bulk writer; a
    # handout is the record of a PDF given, and demo data gives none.
    not_generated |= {"municipal_setting", "handout", "handout_logo"}
    assert set(Base.metadata.tables) - not_generated == set(TABLE_ORDER)


def test_row_tuples_out_of_step_with_the_models_are_refused(open_db: Opener) -> None:
    """The column lists come from the models; a row tuple that no longer fits them (a column
    added, removed or moved in a model) must stop the run, not land in the wrong columns."""
    services, actor = open_db("x")
    _generate(services, actor, relatives=5)
    with services.db.begin() as session:
        connection = session.connection()
        stored = connection.exec_driver_sql(
            f"SELECT {', '.join(COLUMNS['relative'])} FROM relative"
        )
        row = tuple(stored.first() or ())
        values = Values(connection.dialect)
    relative = Base.metadata.tables["relative"]
    shapes = RowShapes({"relative": relative}, values)
    shapes.check("relative", [row])  # what the generator wrote fits

    def refused(shapes: RowShapes, batch: list[tuple[object, ...]], *words: str) -> None:
        with pytest.raises(RuntimeError) as caught:
            shapes.check("relative", batch)
        for word in words:
            assert word in str(caught.value)

    changed = relative.to_metadata(MetaData())
    changed.append_column(Column("nickname", String(40), nullable=False))
    refused(RowShapes({"relative": changed}, values), [row], "15 columns", "nickname")
    refused(shapes, [row, row[:-1]], "[13, 14]")  # any row of the batch, not only the first
    name, birth_year = COLUMNS["relative"].index("name"), COLUMNS["relative"].index("birth_year")
    moved = list(row)
    moved[name], moved[birth_year] = 1960, "Anna Jensen"
    refused(shapes, [tuple(moved)], "relative.name", "int")
    emptied = list(row)
    emptied[name] = None
    refused(shapes, [tuple(emptied)], "relative.name", "NOT NULL")


def test_a_run_whose_rows_do_not_fit_writes_nothing(
    open_db: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, actor = open_db("x")
    add = Rows.add

    def one_value_too_many(self: Rows, table: str, row: tuple[object, ...]) -> None:
        add(self, table, (*row, "extra") if table == "consent" else row)

    monkeypatch.setattr(Rows, "add", one_value_too_many)
    with pytest.raises(RuntimeError, match="consent rows of"):
        _generate(services, actor, relatives=20)
    assert _count(services, "relative") == _count(services, "audit_event") == 0


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
        check_ins = session.scalars(
            select(CheckIn).options(selectinload(CheckIn.answers)).limit(100)
        ).all()
        assert check_ins
        for row in check_ins:
            assert row.taken_at.tzinfo is UTC and row.created_at.tzinfo is UTC
            assert row.taken_at < row.created_at < NOW
            assert isinstance(row.mode, CheckInMode) and isinstance(row.language, Language)
            assert row.advisor_id == actor.advisor_id and isinstance(row.prompts, str)
            assert row.answers, "every check-in keeps its answers item by item"
            for answer in row.answers:
                assert (answer.value is None) != (answer.text is None)
                assert answer.value is None or isinstance(answer.value, int)
                assert answer.instrument_version == shipped(answer.instrument_id).version
        # Every check-in lies within its course (forløb) and before today; saved after it.
        outside = session.scalar(
            select(func.count())
            .select_from(CheckIn)
            .join(Case, Case.id == CheckIn.case_id)
            .where(
                (CheckIn.taken_at < Case.opened_at)
                | (Case.closed_at.is_not(None) & (CheckIn.taken_at > Case.closed_at))
                | (CheckIn.created_at <= CheckIn.taken_at)
                | (CheckIn.created_at >= NOW.replace(hour=0, minute=0))
            )
        )
        assert outside == 0
        actions = session.scalars(select(Action).where(Action.check_in_id.is_not(None))).all()
        assert actions and all(a.session_id is None and a.version == 1 for a in actions)
        assert all(
            isinstance(a.due_on, date) and isinstance(a.status, ActionStatus) for a in actions
        )
    assert "search_key" in columns
    assert newest is not None and oldest is not None
    assert (NOW - oldest).days <= 3 * 366 + 10 and (NOW - newest).days < 120


def test_no_sessions_still_gives_cases(open_db: Opener) -> None:
    services, actor = open_db("x")
    summary = _generate(services, actor, relatives=20, sessions_per_relative=0.0)
    assert (summary.relatives, summary.cases, summary.sessions, summary.actions) == (20, 20, 0, 0)


def test_a_manager_cannot_generate_and_bad_arguments_are_refused(open_db: Opener) -> None:
    services, actor = open_db("x")
    manager = make_user(services, "boss", role=Role.MANAGER)
    with pytest.raises(AccessDeniedError):
        _generate(services, manager)
    with pytest.raises(ValueError):
        _generate(services, actor, relatives=0)
    with pytest.raises(ValueError):
        _generate(services, actor, sessions_per_relative=-1.0)
    assert _count(services, "relative") == 0


# ---- check-ins, on SQLite and PostgreSQL (conftest's ``services`` runs on both) ----------------
def _check_ins_with_answers(
    services: Services,
) -> list[tuple[CheckIn, int, int | None, bool]]:
    """Every check-in with its answers, its relative, the relative's birth year and whether
    the course is closed, in the order the service reads a relative's history."""
    with services.db.begin() as session:
        rows = session.execute(
            select(CheckIn, Case.relative_id, Relative.birth_year, Case.closed_at.is_not(None))
            .join(Case, Case.id == CheckIn.case_id)
            .join(Relative, Relative.id == Case.relative_id)
            .order_by(Case.relative_id, CheckIn.taken_at, CheckIn.id)
            .options(selectinload(CheckIn.answers))
        ).all()
        session.expunge_all()
    return [(row, rid, year, closed) for row, rid, year, closed in rows]


def test_check_ins_are_scored_and_prompted_as_the_service_scores_them(
    services: Services, actor: Actor
) -> None:
    """Recomputed from the stored item answers alone: the instrument by the relative's age,
    raw, score, band and prompt codes, with the previous WHO-5 score of the same relative."""
    summary = _generate(services, actor, now=NOW)
    rows = _check_ins_with_answers(services)
    assert len(rows) == summary.check_ins
    own_life = shipped(OWN_LIFE)
    own_items = [i.id for i in own_life.scale_items]
    assert own_life.low_item_max is not None
    seen: dict[str, int] = {}
    previous: dict[int, int] = {}  # relative -> last WHO-5 score
    for row, relative_id, birth_year, _closed in rows:
        child = is_child(birth_year, NOW.date())
        assert row.instrument_id == (CHILD_DEFAULT if child else WHO5)
        instrument = shipped(row.instrument_id)
        main = [a for a in row.answers if a.instrument_id == instrument.id]
        own = {a.item_id: a for a in row.answers if a.instrument_id == OWN_LIFE}
        assert {a.instrument_id for a in row.answers} <= {instrument.id, OWN_LIFE}
        assert not (child and own), "a child is never asked the adult own-life questions"
        assert [a.item_id for a in main] == [i.id for i in instrument.scale_items]
        assert [a.position for a in main] == [
            p for p, i in enumerate(instrument.items) if i.kind == "scale"
        ]
        values = [a.value for a in main]
        score = instrument.score(values)
        assert (row.instrument_version, row.raw, row.score, row.band) == (
            instrument.version,
            score.raw,
            score.score,
            score.band,
        )
        expected = [p.code for p in prompts(instrument, score, previous.get(relative_id))]
        own_values = [own[i].value if i in own else None for i in own_items]
        if any(v is not None and v <= own_life.low_item_max for v in own_values):
            expected.append("own_life_low")
        assert row.prompts == ",".join(expected), row.id
        for answer in own.values():
            assert answer.instrument_version == own_life.version
            if answer.item_id == "worry":
                assert answer.value is None and answer.text
            else:
                assert answer.value is not None and 0 <= answer.value <= 3
                assert answer.position == own_items.index(answer.item_id)
        if row.score is not None:
            previous[relative_id] = row.score
        seen[row.instrument_id] = seen.get(row.instrument_id, 0) + 1
        for code in row.prompts.split(","):
            seen[code] = seen.get(code, 0) + 1
    # Both audiences, and every prompt the rules know, occur at this size.
    assert seen.get(WHO5, 0) > 10 * seen.get(CHILD_DEFAULT, 0) > 0
    for code in ("score_28", "score_50", "drop", "item_low", "own_life_low", "child_low"):
        assert seen.get(code), code
    scores = sorted(r.score for r, _rid, _y, _c in rows if r.score is not None)
    middle = sum(1 for s in scores if 40 <= s <= 80)
    assert middle > len(scores) // 2 and scores[0] <= 28 < 50 < scores[-1]


def test_generated_check_ins_read_back_through_the_check_in_service(
    services: Services, actor: Actor
) -> None:
    _generate(services, actor, now=NOW, seed=4)  # at NOW, seed 4 leaves some follow-ups open
    rows = _check_ins_with_answers(services)
    by_relative: dict[int, list[CheckIn]] = {}
    closed: set[int] = set()
    for row, relative_id, _year, course_closed in rows:
        by_relative.setdefault(relative_id, []).append(row)
        if course_closed:
            closed.add(relative_id)

    # history(): the busiest relative's check-ins, oldest first, with significant changes.
    busiest = max(by_relative, key=lambda rid: len(by_relative[rid]))
    history = services.check_ins.history(actor, busiest)
    assert [v.id for v in history] == [r.id for r in by_relative[busiest]]
    assert all(v.taken_at.tzinfo is not None and v.answers for v in history)
    assert [v.change is not None for v in history[1:]] == [
        abs((b.score or 0) - (a.score or 0)) >= 10 if a.score is not None else False
        for a, b in zip(by_relative[busiest], by_relative[busiest][1:], strict=False)
    ]

    # needing_follow_up(): with the course still open, each relative's latest check-in when
    # it prompts or is old (the demo data has one course a relative).
    cutoff = datetime.now(UTC) - timedelta(days=182)
    expected = {
        (rid, found[-1].id)
        for rid, found in by_relative.items()
        if rid not in closed and (found[-1].prompts or found[-1].taken_at < cutoff)
    }
    assert any(
        (found[-1].prompts or found[-1].taken_at < cutoff) and rid in closed
        for rid, found in by_relative.items()
    ), "the data has check-ins in closed courses, which the list leaves out"
    listed = services.check_ins.needing_follow_up(actor)
    assert expected and {(r.relative_id, r.check_in_id) for r in listed} == expected
    assert listed[0].prompts, "the ones that call for follow-up come first"

    # Recording one more: the service finds the generated check-in as the previous one.
    adult = next(rid for rid, found in by_relative.items() if found[-1].instrument_id == WHO5)
    result = services.check_ins.record(
        actor,
        CheckInInput(adult, InstrumentAnswers(WHO5, (3, 3, 3, 3, 3))),
    )
    assert result.previous_score == by_relative[adult][-1].score

    # Follow-ups taken up from a check-in show on the relative while open.
    with services.db.begin() as session:
        open_ones = session.execute(
            select(Action.id, Case.relative_id)
            .join(CheckIn, CheckIn.id == Action.check_in_id)
            .join(Case, Case.id == CheckIn.case_id)
            .where(Action.status == ActionStatus.OPEN)
        ).all()
    assert open_ones, "some follow-ups from check-ins are still open"
    for action_id, relative_id in open_ones:
        shown = services.relatives.get(actor, relative_id).open_actions
        (view,) = [a for a in shown if a.id == action_id]
        assert view.check_in_id is not None and view.session_id is None
    everywhere = {a.id for a in services.sessions.open_actions(actor, limit=100_000)}
    assert {action_id for action_id, _rid in open_ones} <= everywhere


@pytest.mark.postgres
def test_postgresql_copy_and_sequences_after_explicit_ids(postgresql_url: str) -> None:
    """On PostgreSQL rows go in by COPY with explicit ids; the id sequences must be moved on,
    or the next ordinary insert collides with a demo row."""
    services, _backup = open_services(postgresql_url)
    try:
        actor = make_user(services, "demo", "Demo Advisor")
        summary = _generate(services, actor, relatives=100)
        assert _count(services, "advisory_session") == summary.sessions == 500
        detail = services.relatives.register(actor, RelativeInput("Åse Ærbøl", phone="20304050"))
        assert detail.id == summary.relatives + 1
        found = services.relatives.search(actor, "aerbol ase")
        assert detail.id in {r.id for r in found.rows}
        with services.db.begin() as session:
            # Deleted check-ins leave gaps in the ids: the sequence goes on from the highest.
            highest = session.scalar(select(func.max(CheckIn.id)))
        assert highest is not None and highest >= summary.check_ins
        checked = services.check_ins.record(
            actor, CheckInInput(detail.id, InstrumentAnswers(WHO5, (1, 1, 2, 1, 1)))
        )
        assert checked.check_in.id == highest + 1
        (step,) = services.check_ins.add_follow_ups(
            actor, checked.check_in.id, (ActionInput("Ring igen"),)
        )
        assert step.id == summary.actions + 1
        with services.db.begin() as session:
            some = list(session.scalars(select(Relative.id).limit(20)))
            started = session.scalar(select(AdvisorySession.started_at).limit(1))
        for relative_id in some:
            services.relatives.get(actor, relative_id)
        assert started is not None and started.utcoffset() is not None
    finally:
        services.db.dispose()


def test_referrals_to_offers_for_about_a_third_of_the_relatives(open_db: Opener) -> None:
    """Referrals point at versions in force, suit the citizen's condition, and come in
    several statuses."""
    from advisor_app.domain.enums import ReferralStatus
    from advisor_app.persistence.models import OfferReferral

    services, actor = open_db("x")
    summary = _generate(services, actor)
    with services.db.begin() as session:
        referred = session.scalar(select(func.count(func.distinct(OfferReferral.case_id))))
        statuses = set(session.scalars(select(OfferReferral.status).distinct()))
    assert referred is not None and 0.2 * RELATIVES <= referred <= 0.4 * RELATIVES
    assert referred <= summary.referrals <= 3 * referred
    assert {ReferralStatus.REFERRED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED} <= statuses
    # The advisor's view of a referred relative shows them (through the service).
    with services.db.begin() as session:
        case_relative = session.execute(
            select(Case.relative_id).join(OfferReferral, OfferReferral.case_id == Case.id).limit(1)
        ).scalar_one()
    views = services.offers.referrals(actor, case_relative)
    assert views and all(v.offer.number == 1 for v in views)
