"""The access log's hash chain: each way of tampering with it is found, on SQLite and on
PostgreSQL, by the service and by `advisor-app audit verify`; concurrent writers on a team
database never fork it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from factories import FAST_HASHER, audit_events, make_user, register_family
from sqlalchemy import text

from advisor_app.cli import main
from advisor_app.domain.actor import Actor
from advisor_app.domain.audit_chain import (
    EDITED,
    GAP,
    GENESIS,
    HEAD_MISMATCH,
    MISSING_BEFORE,
    ChainedEvent,
    event_hash,
    verify,
)
from advisor_app.domain.enums import Role
from advisor_app.services.facade import Services, open_services

PASSWORD = "revisorens lange kodeord"


# ---- the pure chain -------------------------------------------------------------------------
def chain(n: int) -> list[tuple[ChainedEvent, str]]:
    events = []
    previous = GENESIS
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    for i in range(1, n + 1):
        event = ChainedEvent(
            id=i,
            occurred_at=start + timedelta(seconds=i),
            advisor_id=1,
            username="anna",
            role="advisor",
            purpose="advisory",
            action="read",
            entity="relative",
            entity_id=i,
            relative_id=i,
            search_term=None,
            detail="æøå",
            prev_hash=previous,
        )
        previous = event_hash(event)
        events.append((event, previous))
    return events


def test_a_whole_chain_verifies_and_names_its_head() -> None:
    events = chain(5)
    verdict = verify(events)
    assert (verdict.ok, verdict.count, verdict.head) == (True, 5, events[-1][1])
    assert verify([]).head == GENESIS


def test_each_kind_of_tampering_breaks_the_pure_chain() -> None:
    events = chain(6)
    edited = list(events)
    edited[2] = (replace(events[2][0], username="bo"), events[2][1])
    assert (verify(edited).broken_id, verify(edited).reason) == (3, EDITED)

    deleted = events[:2] + events[3:]
    assert (verify(deleted).broken_id, verify(deleted).reason) == (4, GAP)

    # Renumbered after the deletion, so no gap shows: the link to the predecessor breaks.
    renumbered = events[:2] + [(replace(e, id=e.id - 1), h) for e, h in events[3:]]
    assert (verify(renumbered).broken_id, verify(renumbered).reason) == (3, MISSING_BEFORE)

    swapped = list(events)
    swapped[1], swapped[2] = (
        (replace(events[2][0], id=2), events[2][1]),
        (replace(events[1][0], id=3), events[1][1]),
    )
    assert verify(swapped).broken_id == 2 and not verify(swapped).ok

    head = events[-1][1]
    cut = events[:4]
    assert verify(cut).ok  # a cut tail is a shorter, whole chain ...
    caught = verify(cut, expect_head=head)
    assert (caught.ok, caught.reason) == (False, HEAD_MISMATCH)  # ... unless the head is known
    assert verify(events, expect_head=head.upper()).ok


# ---- the stored log, on both backends --------------------------------------------------------
@pytest.fixture
def logged(services: Services) -> Iterator[tuple[Services, Actor]]:
    """Some events of several kinds, and an auditor to check them."""
    advisor = make_user(services, "anna", "Anna Andersen")
    for n in range(3):
        detail = register_family(services, advisor, f"Person {n}", cpr=None)
        services.relatives.get(advisor, detail.id)
    services.relatives.search(advisor, "person")
    auditor = make_user(services, "revisor", "Rikke Revisor", Role.AUDITOR)
    yield services, auditor


def _unguard(services: Services) -> None:
    """What someone with the file or the owner's login can do: the SQLite triggers go."""
    if services.db.is_sqlite:
        with services.db.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))


def _tamper(services: Services, *statements: str) -> None:
    _unguard(services)
    with services.db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_the_stored_log_verifies(logged: tuple[Services, Actor]) -> None:
    services, auditor = logged
    events = audit_events(services.db)
    verdict = services.audit.verify(auditor)
    assert verdict.ok and verdict.count == len(events)
    assert verdict.head == events[-1].hash
    assert [e.id for e in events] == list(range(1, len(events) + 1))


def test_sqlite_refuses_to_change_the_log(sqlite_url: str) -> None:
    """On PostgreSQL the grants refuse it (tests/test_pg_roles.py); on SQLite triggers."""
    from sqlalchemy.exc import IntegrityError

    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    request_cleanup = services.db.dispose
    make_user(services, "anna")
    services.relatives.search(make_user(services, "bo"), "x")

    for statement in ("UPDATE audit_event SET username = 'x'", "DELETE FROM audit_event"):
        with (
            pytest.raises(IntegrityError, match="access log cannot be changed"),
            services.db.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    request_cleanup()


@pytest.mark.parametrize(
    ("how", "statements", "broken", "reason"),
    [
        ("edited", ["UPDATE audit_event SET username = 'bo' WHERE id = 4"], 4, EDITED),
        ("deleted", ["DELETE FROM audit_event WHERE id = 5"], 6, GAP),
        (
            "deleted and renumbered",
            [
                "DELETE FROM audit_event WHERE id = 5",
                "UPDATE audit_event SET id = id - 1 WHERE id > 5",
            ],
            5,
            MISSING_BEFORE,
        ),
        (
            "reordered",
            [
                "UPDATE audit_event SET id = -1 WHERE id = 2",
                "UPDATE audit_event SET id = 2 WHERE id = 3",
                "UPDATE audit_event SET id = 3 WHERE id = -1",
            ],
            2,
            MISSING_BEFORE,
        ),
    ],
    ids=["edited", "deleted", "deleted-renumbered", "reordered"],
)
def test_tampering_with_the_stored_log_is_found(
    logged: tuple[Services, Actor], how: str, statements: list[str], broken: int, reason: str
) -> None:
    services, auditor = logged
    _tamper(services, *statements)
    verdict = services.audit.verify(auditor)
    assert (verdict.ok, verdict.broken_id, verdict.reason) == (False, broken, reason), how


def test_an_inserted_event_is_found_even_with_a_correct_hash_of_its_own(
    logged: tuple[Services, Actor],
) -> None:
    """The forger makes room at id 3 and writes an event that chains after event 2 with a
    correct hash: the event after it no longer links."""
    services, auditor = logged
    second = audit_events(services.db)[1]
    forged = ChainedEvent(
        id=3,
        occurred_at=second.occurred_at,
        advisor_id=None,
        username="bo",
        role=None,
        purpose=None,
        action="read",
        entity="relative",
        entity_id=None,
        relative_id=None,
        search_term=None,
        detail=None,
        prev_hash=second.hash,
    )
    _tamper(
        services,
        "UPDATE audit_event SET id = id + 1000 WHERE id >= 3",
        "UPDATE audit_event SET id = id - 999 WHERE id >= 1003",
    )
    with services.db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (id, occurred_at, username, action, entity, prev_hash,"
                " hash) VALUES (3, :at, 'bo', 'read', 'relative', :prev, :hash)"
            ),
            {"at": second.occurred_at, "prev": second.hash, "hash": event_hash(forged)},
        )
    verdict = services.audit.verify(auditor)
    assert (verdict.ok, verdict.broken_id, verdict.reason) == (False, 4, MISSING_BEFORE)


def test_a_cut_tail_is_found_with_the_head_noted_before(logged: tuple[Services, Actor]) -> None:
    services, auditor = logged
    noted = services.audit.verify(auditor).head  # the check itself is logged after it
    last = max(e.id for e in audit_events(services.db))
    _tamper(services, f"DELETE FROM audit_event WHERE id >= {last - 2}")
    assert services.audit.verify(auditor).ok  # whole, but shorter
    verdict = services.audit.verify(auditor, noted)
    assert (verdict.ok, verdict.reason) == (False, HEAD_MISMATCH)


def test_concurrent_writers_never_fork_the_chain(services: Services) -> None:
    """Eight threads, each its own transactions, all appending at once."""
    advisor = make_user(services, "anna")
    auditor = make_user(services, "revisor", role=Role.AUDITOR)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(6):
                services.relatives.search(advisor, f"navn {n} {i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = services.audit.verify(auditor)
    assert verdict.ok and verdict.count == 48


# ---- the command line ---------------------------------------------------------------------------
def test_audit_verify_exits_0_then_1_and_names_the_first_broken_event(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "revisor", Role.AUDITOR, "Rikke", PASSWORD)
        advisor = services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna", PASSWORD)
        anna = services.accounts.sign_in(advisor.username, PASSWORD)
        register_family(services, anna, cpr=None)
    finally:
        services.db.dispose()
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    base = ["--db", sqlite_url, "--lang", "en", "--user", "revisor", "audit", "verify"]

    assert main(base) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ")
    head = out.split("head ")[1].strip()

    services, _ = open_services(sqlite_url)
    try:
        _tamper(services, "UPDATE audit_event SET detail = 'x' WHERE id = 3")
    finally:
        services.db.dispose()
    assert main(base) == 1
    out = capsys.readouterr().out
    assert "first broken event: 3" in out and "Event 3 was changed" in out

    assert main([*base, "--expect-head", head]) == 1  # the same break, found first
    monkeypatch.setenv("ADVISOR_PASSWORD", "forkert kodeord til revisor")
    assert main(base) == 3
    err = capsys.readouterr().err
    assert err == "advisor-app: Wrong user name or password.\n"


def test_an_advisor_may_not_verify(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna", PASSWORD)
    finally:
        services.db.dispose()
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    assert main(["--db", sqlite_url, "--user", "anna", "audit", "verify"]) == 3
    err = capsys.readouterr().err
    assert (
        err == "advisor-app: Kun en revisor eller en administrator kan kontrollere adgangsloggen.\n"
    )
