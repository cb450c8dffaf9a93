"""Two advisors on one team database at the same moment: each test starts two clients (their
own Services, engine and connections) behind a barrier, many times over, and checks that
nothing saved is lost and that a loser gets a typed message, never a raw driver error.

Measured on the code before these fixes (issue 12): deleting a relative while a colleague
linked the citizen to another relative lost the new relation and the citizen in 29 of 40
runs; two first sessions opened two courses in 25 of 25; the same new CPR number or user
name twice showed a raw IntegrityError."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
import pytest
from factories import FAST_HASHER, citizen_input, make_user, relative_input, session_input
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import AuditAction, RelationType, Role
from advisor_app.domain.errors import (
    BusyError,
    ConflictError,
    ConnectionLostError,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from advisor_app.domain.permissions import Permission
from advisor_app.persistence import pg_roles
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import AdvisorySession, CareRelation, Case, Citizen, Relative
from advisor_app.services import contention
from advisor_app.services.door import Work
from advisor_app.services.dto import RelationInput
from advisor_app.services.facade import Services

pytestmark = pytest.mark.postgres

RUNS = 20
_cpr_serial = itertools.count(1000)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(*calls: Callable[[], Any]) -> list[Outcome]:
    """Run the calls in threads released together by a barrier; every outcome, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait(timeout=30)
        try:
            outcomes[i].value = call()
        except BaseException as exc:  # the test inspects every outcome
            outcomes[i].error = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a client hung"
    for outcome in outcomes:
        # Anything but a typed message is a program bug shown to the advisor.
        assert outcome.ok or isinstance(outcome.error, ServiceError), repr(outcome.error)
    return outcomes


def client(url: str, **timeouts: int) -> Services:
    return Services.build(Database(url, **timeouts), hasher=FAST_HASHER)


@pytest.fixture
def two(postgresql_migrated_url: str) -> Iterator[tuple[Services, Services, Actor, Actor]]:
    """Two advisors' programs on one migrated database."""
    anne, bo = client(postgresql_migrated_url), client(postgresql_migrated_url)
    try:
        yield anne, bo, make_user(anne, "anne", "Anne"), make_user(anne, "bo", "Bo")
    finally:
        anne.db.dispose()
        bo.db.dispose()


def count(services: Services, stmt: Any) -> int:
    with services.db.begin() as session:
        return int(session.scalar(stmt) or 0)


def new_cpr() -> str:
    n = next(_cpr_serial)
    return f"0101{45 + n // 10000:02d}-{n % 10000:04d}"


# ---- 1. delete a relative (erasing an orphaned citizen) vs linking that citizen ------------
def test_deleting_a_relative_never_erases_a_citizen_a_colleague_just_linked(
    two: tuple[Services, Services, Actor, Actor],
) -> None:
    anne, bo, anne_actor, bo_actor = two
    for i in range(RUNS):
        first = anne.relatives.register(
            anne_actor,
            relative_input(f"Søren {i}"),
            citizen_input(f"Karen {i}", new_cpr()),
            RelationInput(RelationType.SPOUSE),
        )
        citizen_id = first.relations[0].citizen.id
        second = anne.relatives.register(anne_actor, relative_input(f"Mette {i}"))
        deleted, linked = race(
            partial(anne.relatives.delete, anne_actor, first.id, first.version),
            partial(
                bo.relatives.add_relation,
                bo_actor,
                second.id,
                RelationInput(RelationType.CHILD),
                citizen_id=citizen_id,
            ),
        )
        assert deleted.ok
        citizen_left = count(anne, select(func.count()).where(Citizen.id == citizen_id))
        relations = count(anne, select(func.count()).where(CareRelation.relative_id == second.id))
        if linked.ok:
            # Both succeeded: then the colleague's relation and the citizen are both there.
            assert (citizen_left, relations) == (1, 1), f"run {i}: a saved relation was lost"
        else:
            assert isinstance(linked.error, NotFoundError)
            assert (citizen_left, relations) == (0, 0)


# ---- 2. two first sessions for one relative -------------------------------------------------
def test_two_first_sessions_at_once_share_one_open_course(
    two: tuple[Services, Services, Actor, Actor],
) -> None:
    anne, bo, anne_actor, bo_actor = two
    for i in range(RUNS):
        relative = anne.relatives.register(anne_actor, relative_input(f"Ib {i}"))
        one, other = race(
            partial(anne.sessions.record, anne_actor, session_input(relative.id)),
            partial(bo.sessions.record, bo_actor, session_input(relative.id)),
        )
        assert one.ok and other.ok, (one.error, other.error)
        open_courses = count(
            anne,
            select(func.count()).where(Case.relative_id == relative.id, Case.closed_at.is_(None)),
        )
        assert open_courses == 1, f"run {i}: {open_courses} open courses"
        sessions = count(
            anne,
            select(func.count())
            .select_from(AdvisorySession)
            .join(Case, Case.id == AdvisorySession.case_id)
            .where(Case.relative_id == relative.id),
        )
        assert sessions == 2


# ---- 3. typed messages where a colleague got there first -------------------------------------
def test_delete_vs_recording_a_session_gives_a_typed_message(
    two: tuple[Services, Services, Actor, Actor],
) -> None:
    anne, bo, anne_actor, bo_actor = two
    for i in range(RUNS):
        relative = anne.relatives.register(anne_actor, relative_input(f"Jens {i}"))
        deleted, recorded = race(
            partial(anne.relatives.delete, anne_actor, relative.id, relative.version),
            partial(bo.sessions.record, bo_actor, session_input(relative.id)),
        )
        assert deleted.ok
        assert recorded.ok or isinstance(recorded.error, NotFoundError)
        assert count(anne, select(func.count()).where(Relative.id == relative.id)) == 0


def test_a_deletion_confirmed_without_a_session_never_erases_one_recorded_meanwhile(
    two: tuple[Services, Services, Actor, Actor],
) -> None:
    anne, bo, anne_actor, bo_actor = two
    for i in range(RUNS):
        relative = anne.relatives.register(anne_actor, relative_input(f"Gorm {i}"))
        anne.sessions.record(anne_actor, session_input(relative.id))  # an open course
        deleted, recorded = race(
            partial(
                anne.relatives.delete,
                anne_actor,
                relative.id,
                relative.version,
                confirmed_sessions=1,
                confirmed_check_ins=0,
            ),
            partial(bo.sessions.record, bo_actor, session_input(relative.id)),
        )
        # Never both: a saved session erased by a deletion that did not name it.
        assert deleted.ok != recorded.ok, f"run {i}: {deleted.error!r} {recorded.error!r}"
        relatives_left = count(anne, select(func.count()).where(Relative.id == relative.id))
        if deleted.ok:
            assert isinstance(recorded.error, NotFoundError)
            assert relatives_left == 0
        else:
            assert isinstance(deleted.error, ConflictError)
            assert relatives_left == 1


def test_the_same_new_cpr_number_twice_makes_one_citizen(
    two: tuple[Services, Services, Actor, Actor],
) -> None:
    """Same name: the second program, run again, finds the colleague's citizen and links to
    it, as it would have a second later. Another name: a typed refusal on the CPR field."""
    anne, bo, anne_actor, bo_actor = two
    for i in range(RUNS):
        cpr = new_cpr()
        other_name = i % 2 == 1
        one, other = race(
            partial(
                anne.relatives.register,
                anne_actor,
                relative_input(f"Ole {i}"),
                citizen_input(f"Inge {i}", cpr),
                RelationInput(RelationType.SPOUSE),
            ),
            partial(
                bo.relatives.register,
                bo_actor,
                relative_input(f"Pia {i}"),
                citizen_input(f"Else {i}" if other_name else f"Inge {i}", cpr),
                RelationInput(RelationType.CHILD),
            ),
        )
        digits = cpr.replace("-", "")
        assert count(anne, select(func.count()).where(Citizen.cpr == digits)) == 1
        if other_name:
            failed = [o for o in (one, other) if not o.ok]
            assert len(failed) == 1, (one.error, other.error)
            error = failed[0].error
            assert isinstance(error, ValidationError | ConflictError)
            assert isinstance(error, ServiceError) and "CPR" in error.message
        else:
            assert one.ok and other.ok, (one.error, other.error)
            assert one.value.relations[0].citizen.id == other.value.relations[0].citizen.id


def test_the_same_new_user_twice_gives_a_typed_message(postgresql_migrated_url: str) -> None:
    owner = client(postgresql_migrated_url)
    anne, bo = client(postgresql_migrated_url), client(postgresql_migrated_url)
    try:
        with owner.db.engine.begin() as connection:
            pg_roles.apply(connection)
            connection.exec_driver_sql('CREATE ROLE "race_admin" LOGIN')
            for i in range(RUNS):
                connection.exec_driver_sql(f'CREATE ROLE "new_{i}" LOGIN')
        admin = owner.accounts.create_first_admin("race_admin", "Admin", None)
        for i in range(RUNS):
            one, other = race(
                partial(anne.accounts.add_user, admin, f"new_{i}", Role.ADVISOR, None, None),
                partial(bo.accounts.add_user, admin, f"new_{i}", Role.ADVISOR, None, None),
            )
            failed = [o.error for o in (one, other) if not o.ok]
            assert len(failed) == 1, (one.error, other.error)
            assert isinstance(failed[0], ValidationError | ConflictError)
    finally:
        for services in (owner, anne, bo):
            services.db.dispose()


# ---- 4. serialization failures and deadlocks: the whole unit of work again ---------------------
@pytest.fixture
def counters(postgresql_migrated_url: str) -> Iterator[str]:
    with psycopg.connect(conninfo(postgresql_migrated_url), autocommit=True) as admin:
        admin.execute("CREATE TABLE race_counter (id int PRIMARY KEY, n int NOT NULL)")
        admin.execute("INSERT INTO race_counter VALUES (1, 0), (2, 0)")
    return postgresql_migrated_url


def conninfo(url: str) -> str:
    parsed = make_url(url)
    return (
        f"host={parsed.query['host']} port={parsed.query['port']} user={parsed.username}"
        f" dbname={parsed.database}"
    )


def through_door(services: Services, actor: Actor, fn: Callable[[Work], Any]) -> Any:
    return services.relatives._door.run(Permission.CASES_WRITE, "race.test", actor, fn)


def crosswise(
    attempts: dict[str, int], barrier: threading.Barrier, who: str, first: int, second: int
) -> Callable[[Work], None]:
    """A unit of work that updates row ``first``, waits for the colleague (first attempt
    only), then updates row ``second``: crosswise with the colleague, a deadlock."""

    def work(w: Work) -> None:
        attempts[who] += 1
        w.session.execute(text("SET LOCAL deadlock_timeout = '20ms'"))
        w.session.execute(text("UPDATE race_counter SET n = n + 1 WHERE id = :id"), {"id": first})
        if attempts[who] == 1:
            barrier.wait()  # both hold their first row: now cross over
        w.session.execute(text("UPDATE race_counter SET n = n + 1 WHERE id = :id"), {"id": second})
        w.log(AuditAction.UPDATE, "race_counter")

    return work


def read_then_write(
    attempts: dict[str, int], barrier: threading.Barrier, who: str
) -> Callable[[Work], None]:
    """Read a counter, wait for the colleague to read it too (first attempt only), write it
    plus one, under SERIALIZABLE: the second writer gets a serialization failure."""

    def work(w: Work) -> None:
        attempts[who] += 1
        w.session.execute(text("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"))
        n = w.session.scalar(text("SELECT n FROM race_counter WHERE id = 1"))
        if attempts[who] == 1:
            barrier.wait()  # both have read the same value
        w.session.execute(text("UPDATE race_counter SET n = :n WHERE id = 1"), {"n": int(n) + 1})
        w.log(AuditAction.UPDATE, "race_counter")

    return work


def test_a_deadlock_runs_the_loser_s_whole_unit_of_work_again(counters: str) -> None:
    anne, bo = client(counters), client(counters)
    actor = make_user(anne, "dl", "Deadlock")
    try:
        for _ in range(RUNS // 2):
            barrier = threading.Barrier(2, timeout=10)
            attempts = {"anne": 0, "bo": 0}

            one, other = race(
                partial(through_door, anne, actor, crosswise(attempts, barrier, "anne", 1, 2)),
                partial(through_door, bo, actor, crosswise(attempts, barrier, "bo", 2, 1)),
            )
            assert one.ok and other.ok, (one.error, other.error)
            assert sum(attempts.values()) == 3, attempts  # exactly one ran again
        with anne.db.begin() as session:
            rows = dict(session.execute(text("SELECT id, n FROM race_counter")).all())
        # Every increment is there exactly once: the rolled-back attempt left nothing.
        assert rows == {1: RUNS, 2: RUNS}
    finally:
        anne.db.dispose()
        bo.db.dispose()


def test_a_serialization_failure_runs_the_unit_of_work_again_and_loses_no_update(
    counters: str,
) -> None:
    anne, bo = client(counters), client(counters)
    actor = make_user(anne, "ser", "Serializable")
    retried = 0
    try:
        for _ in range(RUNS):
            barrier = threading.Barrier(2, timeout=10)
            attempts = {"anne": 0, "bo": 0}

            one, other = race(
                partial(through_door, anne, actor, read_then_write(attempts, barrier, "anne")),
                partial(through_door, bo, actor, read_then_write(attempts, barrier, "bo")),
            )
            assert one.ok and other.ok, (one.error, other.error)
            retried += sum(attempts.values()) - 2
        with anne.db.begin() as session:
            n = session.scalar(text("SELECT n FROM race_counter WHERE id = 1"))
        assert n == 2 * RUNS  # no lost update
        assert retried >= RUNS  # every run had a serialization failure, retried
    finally:
        anne.db.dispose()
        bo.db.dispose()


def test_retries_are_bounded_and_then_typed(counters: str) -> None:
    """A unit of work that always fails with a serialization failure is run MAX_ATTEMPTS
    times, then the advisor reads a message (the door does not loop for ever)."""
    anne = client(counters)
    actor = make_user(anne, "bound", "Bound")
    runs = 0

    def always_fails(w: Work) -> None:
        nonlocal runs
        runs += 1
        w.session.execute(
            text("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure'; END $$")
        )

    try:
        with pytest.raises(BusyError):
            through_door(anne, actor, always_fails)
        assert runs == contention.MAX_ATTEMPTS
    finally:
        anne.db.dispose()


# ---- 6. lock and statement timeouts ------------------------------------------------------------
def test_team_connections_have_lock_and_statement_timeouts(postgresql_migrated_url: str) -> None:
    db = Database(postgresql_migrated_url)
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "1min"
    finally:
        db.dispose()
    # A site's own choice in the URL wins over the program's.
    own = Database(f"{postgresql_migrated_url}&options=-c%20lock_timeout%3D1234")
    try:
        with own.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "1234ms"
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "1min"
    finally:
        own.dispose()


def test_a_table_lock_held_by_another_client_gives_a_typed_message_in_time(
    postgresql_migrated_url: str,
) -> None:
    services = client(postgresql_migrated_url, lock_timeout_ms=300)
    actor = make_user(services, "locked", "Locked Out")
    try:
        with psycopg.connect(conninfo(postgresql_migrated_url)) as holder:
            holder.execute("LOCK TABLE relative IN ACCESS EXCLUSIVE MODE")  # as demo-data does
            started = time.monotonic()
            with pytest.raises(BusyError) as caught:
                services.relatives.search(actor, "Søren")
            waited = time.monotonic() - started
            assert caught.value.template == contention.HELD_BY_COLLEAGUE
            assert waited < 3, f"waited {waited:.1f} s"
            holder.rollback()
        assert services.relatives.search(actor, "Søren").total == 0  # works again
    finally:
        services.db.dispose()


def test_a_statement_over_the_statement_timeout_gives_a_typed_message(
    postgresql_migrated_url: str,
) -> None:
    services = client(postgresql_migrated_url, statement_timeout_ms=200)
    actor = make_user(services, "slow", "Slow")

    def slow(w: Work) -> None:
        w.session.execute(text("SELECT pg_sleep(2)"))
        w.log(AuditAction.READ, "race")

    try:
        started = time.monotonic()
        with pytest.raises(BusyError) as caught:
            through_door(services, actor, slow)
        assert caught.value.template == contention.TOO_SLOW
        assert time.monotonic() - started < 1.5
    finally:
        services.db.dispose()


def record_race(outcome: list[Outcome], call: Callable[[], Any]) -> None:
    outcome.extend(race(call))


# ---- 7. a dropped connection ----------------------------------------------------------------
def test_a_connection_dropped_mid_call_is_typed_and_the_next_call_works(
    postgresql_migrated_url: str,
) -> None:
    services = client(postgresql_migrated_url, lock_timeout_ms=20_000)
    actor = make_user(services, "dropped", "Dropped")
    database = make_url(postgresql_migrated_url).database
    try:
        with psycopg.connect(conninfo(postgresql_migrated_url), autocommit=True) as admin:
            for run in range(3):
                with psycopg.connect(conninfo(postgresql_migrated_url)) as holder:
                    holder.execute("LOCK TABLE relative IN ACCESS EXCLUSIVE MODE")
                    outcome: list[Outcome] = []
                    register = partial(services.relatives.register, actor, relative_input())
                    call = threading.Thread(target=partial(record_race, outcome, register))
                    call.start()
                    pid = None
                    deadline = time.monotonic() + 10
                    while pid is None and time.monotonic() < deadline:
                        pid = admin.execute(
                            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                            (database,),
                        ).fetchone()
                        time.sleep(0.02)
                    assert pid is not None, "the call never waited on the lock"
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
                    call.join(timeout=30)
                    holder.rollback()
                assert isinstance(outcome[0].error, ConnectionLostError), outcome[0].error
                # Nothing half-saved; the next call reconnects and works.
                assert services.relatives.search(actor, "").total == run
                services.relatives.register(actor, relative_input(f"Efter {run}"))
                # An idle pooled connection killed between calls: pool_pre_ping replaces it.
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database,),
                )
                assert services.relatives.search(actor, "").total == run + 1
    finally:
        services.db.dispose()
