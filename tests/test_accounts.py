"""Users on a workstation database: the first administrator, argon2id passwords, five wrong
passwords lock for 15 minutes, every sign-in and refusal logged; and the `users` and
`demo-data` commands with their exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from factories import FAST_HASHER, audit_events

from advisor_app.cli import main
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import AuditAction, Purpose, Role
from advisor_app.domain.errors import AccessDeniedError, ValidationError
from advisor_app.services.facade import Services, open_services

PASSWORD = "et langt og hemmeligt kodeord"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def workstation(sqlite_url: str) -> Iterator[Services]:
    built, _ = open_services(sqlite_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


def new_events(services: Services, since: int) -> list[tuple[AuditAction, str, str | None]]:
    return [(e.action, e.username, e.detail) for e in audit_events(services.db) if e.id > since]


def last_id(services: Services) -> int:
    return max((e.id for e in audit_events(services.db)), default=0)


def test_the_first_administrator_is_made_once_and_signed_in(workstation: Services) -> None:
    assert not workstation.accounts.has_users()
    admin = workstation.accounts.create_first_admin("Anne", "Anne Admin", PASSWORD)
    assert (admin.username, admin.role, admin.purpose) == (
        "anne",
        Role.ADMIN,
        Purpose.ADMINISTRATION,
    )
    assert workstation.accounts.has_users()
    with pytest.raises(AccessDeniedError):
        workstation.accounts.create_first_admin("bo", "Bo", PASSWORD)
    assert [u.username for u in workstation.accounts.list_users(admin)] == ["anne"]


def test_passwords_are_argon2id_and_at_least_twelve_characters(workstation: Services) -> None:
    with pytest.raises(ValidationError, match="at least 12") as raised:
        workstation.accounts.create_first_admin("anne", "Anne", "kort kode")
    assert raised.value.field == "password"
    assert not workstation.accounts.has_users()  # nothing saved half
    workstation.accounts.create_first_admin("anne", "Anne", PASSWORD)
    with workstation.db.engine.connect() as connection:
        (stored,) = connection.exec_driver_sql("SELECT password_hash FROM advisor").one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("bad", ["Anne Admin", "ANNE!", "", "x" * 64, "æble"])
def test_user_names_work_as_database_logins(workstation: Services, bad: str) -> None:
    with pytest.raises(ValidationError):
        workstation.accounts.create_first_admin(bad, "Anne", PASSWORD)


def test_five_wrong_passwords_lock_for_fifteen_minutes_and_an_admin_can_unlock(
    workstation: Services,
) -> None:
    accounts = workstation.accounts
    admin = accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    accounts.add_user(admin, "bo", Role.ADVISOR, "Bo Berg", PASSWORD)
    since = last_id(workstation)
    for attempt in range(1, 5):
        with pytest.raises(AccessDeniedError, match="Wrong user name or password"):
            accounts.sign_in("bo", f"forkert kodeord {attempt}")
    with pytest.raises(AccessDeniedError, match="locked for 15 minutes"):
        accounts.sign_in("bo", "forkert kodeord 5")
    # Locked: even the right password is refused, and not counted.
    with pytest.raises(AccessDeniedError, match="locked"):
        accounts.sign_in("bo", PASSWORD)
    events = new_events(workstation, since)
    assert [a for a, _u, _d in events] == [AuditAction.SIGN_IN_FAILED] * 5 + [
        AuditAction.ACCOUNT_LOCKED,
        AuditAction.SIGN_IN_FAILED,
    ]
    assert {u for _a, u, _d in events} == {"bo"}
    (locked,) = [u for u in accounts.list_users(admin) if u.username == "bo"]
    assert locked.locked_until == NOW + timedelta(minutes=15)

    clock = workstation.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=15, seconds=1))
    assert accounts.sign_in("bo", PASSWORD).username == "bo"  # the lock ran out

    for attempt in range(5):
        with pytest.raises(AccessDeniedError):
            accounts.sign_in("bo", f"forkert {attempt} igen igen")
    accounts.unlock(admin, "bo")
    assert accounts.sign_in("bo", PASSWORD).role is Role.ADVISOR


def test_an_unknown_user_is_refused_like_a_wrong_password_and_logged(
    workstation: Services,
) -> None:
    workstation.accounts.create_first_admin("anne", "Anne", PASSWORD)
    since = last_id(workstation)
    with pytest.raises(AccessDeniedError) as raised:
        workstation.accounts.sign_in("ukendt", PASSWORD)
    assert raised.value.template == "Wrong user name or password."
    assert new_events(workstation, since) == [
        (AuditAction.SIGN_IN_FAILED, "ukendt", "unknown user")
    ]


def test_a_disabled_user_cannot_sign_in_nor_use_a_session_already_open(
    workstation: Services,
) -> None:
    accounts = workstation.accounts
    admin = accounts.create_first_admin("anne", "Anne", PASSWORD)
    accounts.add_user(admin, "bo", Role.ADVISOR, "Bo", PASSWORD)
    bo = accounts.sign_in("bo", PASSWORD)
    accounts.disable(admin, "bo")
    with pytest.raises(AccessDeniedError, match="disabled"):
        accounts.sign_in("bo", PASSWORD)
    with pytest.raises(AccessDeniedError, match="no longer active"):
        workstation.relatives.search(bo, "x")
    with pytest.raises(ValidationError):
        accounts.disable(admin, "anne")  # not oneself


def test_the_idle_lock_s_password_counts_like_a_sign_in(workstation: Services) -> None:
    accounts = workstation.accounts
    admin = accounts.create_first_admin("anne", "Anne", PASSWORD)
    accounts.add_user(admin, "bo", Role.ADVISOR, "Bo", PASSWORD)
    bo = accounts.sign_in("bo", PASSWORD)
    accounts.confirm_password(bo, PASSWORD)
    for attempt in range(4):
        with pytest.raises(AccessDeniedError):
            accounts.confirm_password(bo, f"gæt nummer {attempt} her")
    with pytest.raises(AccessDeniedError, match="locked"):
        accounts.confirm_password(bo, "femte forkerte gæt")


def test_changing_one_s_own_password_needs_the_old_one(workstation: Services) -> None:
    accounts = workstation.accounts
    admin = accounts.create_first_admin("anne", "Anne", PASSWORD)
    with pytest.raises(AccessDeniedError):
        accounts.change_own_password(admin, "ikke det gamle kodeord", "et helt nyt kodeord")
    accounts.change_own_password(admin, PASSWORD, "et helt nyt kodeord")
    assert accounts.sign_in("anne", "et helt nyt kodeord").username == "anne"
    accounts.set_password(admin, "anne", PASSWORD)
    assert accounts.sign_in("anne", PASSWORD).username == "anne"


# ---- the command line ---------------------------------------------------------------------------
def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_from_the_command_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", sqlite_url, "--lang", "en"]
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", PASSWORD)
    # The first user needs no sign-in, and must be an admin.
    code, _out, err = cli(capsys, *db, "users", "add", "anna", "--role", "advisor")
    assert (code, err) == (2, "advisor-app: The first user must be an admin (--role admin).\n")
    assert cli(capsys, *db, "users", "add", "anne", "--role", "admin")[:2] == (
        0,
        "added anne (admin)\n",
    )
    # From now on: signed in, as an administrator.
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    signed = [*db, "--user", "anne"]
    assert (
        cli(
            capsys, *signed, "users", "add", "bo", "--role", "advisor", "--display-name", "Bo Berg"
        )[0]
        == 0
    )
    assert cli(capsys, *signed, "users", "add", "rikke", "--role", "auditor")[0] == 0
    code, out, _err = cli(capsys, *signed, "users", "list")
    assert code == 0
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["anne", "admin", "active"],
        ["bo", "advisor", "active"],
        ["rikke", "auditor", "active"],
    ]
    # An advisor may not manage users: exit 3, one line.
    code, _out, err = cli(capsys, *db, "--user", "bo", "users", "list")
    assert (code, err) == (3, "advisor-app: Only an administrator can manage users.\n")
    # A wrong password: exit 3.
    monkeypatch.setenv("ADVISOR_PASSWORD", "ikke annes kodeord")
    code, _out, err = cli(capsys, *signed, "users", "list")
    assert (code, err) == (3, "advisor-app: Wrong user name or password.\n")
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    # Bad input: exit 2, and nothing added.
    code, _out, err = cli(capsys, *signed, "users", "add", "Bo Berg", "--role", "advisor")
    assert code == 2 and err.count("\n") == 1
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", "kort")
    code, _out, err = cli(capsys, *signed, "users", "add", "carl", "--role", "advisor")
    assert (code, err) == (2, "advisor-app: The password must have at least 12 characters.\n")
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", "bos nye lange kodeord")
    assert cli(capsys, *signed, "users", "passwd", "bo")[:2] == (0, "password set for bo\n")
    assert cli(capsys, *signed, "users", "unlock", "bo")[0] == 0
    assert cli(capsys, *signed, "users", "disable", "bo")[:2] == (0, "disabled bo\n")
    code, out, _err = cli(capsys, *signed, "users", "list")
    assert "bo                       advisor  disabled" in out


def test_no_password_and_no_terminal_is_a_refusal_not_a_hang(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", PASSWORD)
    assert cli(capsys, "--db", sqlite_url, "users", "add", "anne", "--role", "admin")[0] == 0
    monkeypatch.delenv("ADVISOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", None)
    code, _out, err = cli(
        capsys, "--db", sqlite_url, "--lang", "en", "--user", "anne", "users", "list"
    )
    assert (code, err) == (
        3,
        "advisor-app: No password: set ADVISOR_PASSWORD or run from a terminal.\n",
    )


def test_demo_data_makes_a_user_of_every_role(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_DEMO_PASSWORD", PASSWORD)
    code, _out, _err = cli(
        capsys, "--db", sqlite_url, "demo-data", "--relatives", "5", "--seed", "2"
    )
    assert code == 0
    services, _ = open_services(sqlite_url)
    try:
        for name, role in (
            ("demo-admin", Role.ADMIN),
            ("demo-advisor", Role.ADVISOR),
            ("demo-manager", Role.MANAGER),
            ("demo-auditor", Role.AUDITOR),
        ):
            assert services.accounts.sign_in(name, PASSWORD).role is role
        advisor = services.accounts.sign_in("demo-advisor", PASSWORD)
        found = services.relatives.search(advisor, "")
        assert found.total == 5
        pages = [services.relatives.page(advisor, row.id) for row in found.rows]
        # The demo's sessions are the demo advisor's, by name (never a login like "root").
        assert {s.advisor_name for p in pages for s in p.sessions} == {"Mette Kjær"}
    finally:
        services.db.dispose()
    # A second run on a database with users needs an administrator's sign-in.
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    code, _out, err = cli(
        capsys, "--db", sqlite_url, "--user", "demo-advisor", "demo-data", "--relatives", "5"
    )
    assert code == 3 and err.count("\n") == 1
    code, out, _err = cli(
        capsys, "--db", sqlite_url, "--user", "demo-admin", "demo-data", "--relatives", "5"
    )
    assert code == 0 and "password" not in out  # no new users, no password printed


def test_demo_data_prints_a_random_password_when_none_is_given(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ADVISOR_DEMO_PASSWORD", raising=False)
    code, out, _err = cli(capsys, "--db", sqlite_url, "demo-data", "--relatives", "3")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("demo users:"))
    password = line.rsplit("password: ", 1)[1]
    assert len(password) >= 12
    services, _ = open_services(sqlite_url)
    try:
        assert services.accounts.sign_in("demo-auditor", password).role is Role.AUDITOR
    finally:
        services.db.dispose()


def test_a_database_from_before_sign_in_asks_for_its_first_administrator(
    sqlite_url: str,
) -> None:
    """Users made before passwords existed (migration 0003 leaves them without one): nobody
    could sign in, so the first-administrator path opens; the admin then gives passwords."""
    from alembic import command

    from advisor_app.persistence import migrations
    from advisor_app.persistence.database import Database

    db = Database(sqlite_url)
    command.upgrade(migrations.alembic_config(db), "0002")
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO advisor (username, display_name, role, active, created_at) "
            "VALUES ('anna', 'Anna Andersen', 'advisor', 1, '2026-01-01 09:00:00.000000')"
        )
    db.dispose()
    services, backup = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        assert backup is not None  # an older file is copied before it is migrated
        assert not services.accounts.has_users()
        with pytest.raises(ValidationError, match="already exists"):
            services.accounts.create_first_admin("anna", "Anna", PASSWORD)
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        assert services.accounts.has_users()
        with pytest.raises(AccessDeniedError, match="Wrong user name or password"):
            services.accounts.sign_in("anna", PASSWORD)
        services.accounts.set_password(admin, "anna", PASSWORD)
        assert services.accounts.sign_in("anna", PASSWORD).display_name == "Anna Andersen"
        with pytest.raises(AccessDeniedError, match="already has users"):
            services.accounts.create_first_admin("bo", "Bo", PASSWORD)
        refused = [e for e in audit_events(services.db) if e.action is AuditAction.REFUSED]
        assert [e.entity for e in refused] == ["AccountService.create_first_admin"]
    finally:
        services.db.dispose()


def test_a_disabled_or_locked_account_says_so_only_to_the_right_password(
    workstation: Services,
) -> None:
    accounts = workstation.accounts
    admin = accounts.create_first_admin("anne", "Anne", PASSWORD)
    accounts.add_user(admin, "bo", Role.ADVISOR, "Bo", PASSWORD)
    accounts.add_user(admin, "carl", Role.ADVISOR, "Carl", PASSWORD)
    accounts.disable(admin, "bo")
    with pytest.raises(AccessDeniedError, match="Wrong user name or password"):
        accounts.sign_in("bo", "")
    with pytest.raises(AccessDeniedError, match="disabled"):
        accounts.sign_in("bo", PASSWORD)
    for attempt in range(5):
        with pytest.raises(AccessDeniedError):
            accounts.sign_in("carl", f"forkert forsøg {attempt}")
    with pytest.raises(AccessDeniedError) as wrong:
        accounts.sign_in("carl", "stadig forkert her")
    assert wrong.value.template == "Wrong user name or password."
    with pytest.raises(AccessDeniedError) as locked:
        accounts.sign_in("carl", PASSWORD)
    assert locked.value.params == {"minutes": 15}  # not 16


def test_a_failed_sign_in_keeps_no_typed_password(workstation: Services) -> None:
    workstation.accounts.create_first_admin("anne", "Anne", PASSWORD)
    since = last_id(workstation)
    for typed in ("Mit Hemmelige Kodeord!", "nul\x00tegn"):
        with pytest.raises(AccessDeniedError):
            workstation.accounts.sign_in(typed, PASSWORD)
    assert [u for _a, u, _d in new_events(workstation, since)] == ["(not a user name)"] * 2
