"""On a team database the server enforces the roles: after `advisor-app db roles` a
manager's login cannot read a relative, an advisor's login cannot change or delete the
access log, and an admin's login reads no case content. Each login connects as itself."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest
from factories import FAST_HASHER, register_family
from postgres_server import PostgresServer

from advisor_app.cli import main
from advisor_app.domain.enums import Purpose, Role
from advisor_app.domain.errors import AccessDeniedError
from advisor_app.persistence import pg_roles
from advisor_app.persistence.database import Database
from advisor_app.services.facade import Services, open_services, open_team_as, with_login

pytestmark = pytest.mark.postgres
_logins = itertools.count(1)


@pytest.fixture
def team(postgresql_migrated_url: str) -> Iterator[tuple[str, dict[Role, str]]]:
    """The owner ran `db roles`; one login per role exists and is a program user."""
    assert main(["--db", postgresql_migrated_url, "db", "roles"]) == 0
    n = next(_logins)
    logins = {role: f"{role.value}_{n}" for role in Role}
    owner, _ = open_services(postgresql_migrated_url, hasher=FAST_HASHER)
    try:
        with owner.db.engine.begin() as connection:
            for login in logins.values():
                connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
        # The owner's connection (a superuser here) grants the groups, as `users add` run
        # by the owner does; an admin's own login would need CREATEROLE for that.
        admin = owner.accounts.create_first_admin(logins[Role.ADMIN], "Anne Admin", None)
        for role, login in logins.items():
            if role is not Role.ADMIN:
                owner.accounts.add_user(admin, login, role, login.title(), None)
    finally:
        owner.db.dispose()
    yield postgresql_migrated_url, logins


def connect_as(url: str, login: str) -> psycopg.Connection[tuple[object, ...]]:
    """A plain psycopg connection of that login: what anyone holding it could type."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return psycopg.connect(
        dbname=parsed.database,
        user=login,
        host=parsed.query["host"],
        port=parsed.query["port"],
        autocommit=True,
    )


def services_as(url: str, login: str) -> Services:
    return Services.build(Database(with_login(url, login, None)), hasher=FAST_HASHER)


def refused(connection: psycopg.Connection[tuple[object, ...]], sql: str) -> bool:
    try:
        connection.execute(sql)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_server_refuses_a_manager_any_personal_data(
    team: tuple[str, dict[Role, str]],
) -> None:
    url, logins = team
    with connect_as(url, logins[Role.MANAGER]) as manager:
        for table in ("relative", "citizen", "advisory_session", "check_in", "consent"):
            assert refused(manager, f"SELECT * FROM {table}"), table
        assert refused(manager, "SELECT * FROM audit_event")
        assert refused(manager, "SELECT password_hash FROM advisor")
        manager.execute("SELECT id, username, role FROM advisor")  # the staff list


def test_the_server_refuses_an_advisor_changing_or_deleting_the_access_log(
    team: tuple[str, dict[Role, str]],
) -> None:
    url, logins = team
    advisor = services_as(url, logins[Role.ADVISOR])
    try:
        actor = advisor.accounts.sign_in(logins[Role.ADVISOR], None)
        register_family(advisor, actor, cpr=None)  # case work, logged, through the login
    finally:
        advisor.db.dispose()
    with connect_as(url, logins[Role.ADVISOR]) as connection:
        assert refused(connection, "UPDATE audit_event SET username = 'x'")
        assert refused(connection, "DELETE FROM audit_event")
        assert refused(connection, "TRUNCATE audit_event")
        assert refused(connection, "SELECT username, search_term FROM audit_event")
        connection.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")
        assert connection.execute("SELECT count(*) FROM relative").fetchone() == (1,)
    with connect_as(url, logins[Role.AUDITOR]) as auditor:
        assert auditor.execute("SELECT count(*) FROM audit_event").fetchone()[0] > 0
        assert refused(auditor, "DELETE FROM audit_event")
        assert refused(auditor, "SELECT * FROM relative")


def test_an_admin_s_login_reads_no_case_content(team: tuple[str, dict[Role, str]]) -> None:
    url, logins = team
    with connect_as(url, logins[Role.ADMIN]) as admin:
        for table in ("relative", "citizen", "care_relation", "follow_up_action"):
            assert refused(admin, f"SELECT * FROM {table}"), table
        admin.execute("SELECT username, password_hash FROM advisor")  # users are the admin's


def test_even_a_program_that_skipped_its_own_check_is_refused(
    team: tuple[str, dict[Role, str]],
) -> None:
    """The door's check is a courtesy on a team database: a manager's Actor passed off as an
    advisor's still meets the server's refusal."""
    from dataclasses import replace

    from sqlalchemy.exc import ProgrammingError

    url, logins = team
    manager = services_as(url, logins[Role.MANAGER])
    try:
        actor = manager.accounts.sign_in(logins[Role.MANAGER], None)
        with pytest.raises(AccessDeniedError):
            manager.relatives.search(actor, "")
        forged = replace(actor, role=Role.ADVISOR, purpose=Purpose.ADVISORY)
        with pytest.raises(ProgrammingError, match="permission denied"):
            manager.relatives.search(forged, "")
    finally:
        manager.db.dispose()


def test_signing_in_to_a_team_database_needs_the_login_s_group(
    team: tuple[str, dict[Role, str]], postgres_server: PostgresServer
) -> None:
    url, logins = team
    stranger = f"stranger_{next(_logins)}"
    with psycopg.connect(postgres_server.conninfo("postgres"), autocommit=True) as root:
        root.execute(f'CREATE ROLE "{stranger}" LOGIN')
    services = services_as(url, stranger)
    try:
        with pytest.raises(AccessDeniedError, match="not a user of the program"):
            services.accounts.sign_in(stranger, None)
    finally:
        services.db.dispose()
    team_services, actor = open_team_as(url, logins[Role.ADVISOR], "", hasher=FAST_HASHER)
    try:
        assert actor.role is Role.ADVISOR
    finally:
        team_services.db.dispose()


def test_db_roles_is_for_postgresql_only(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", sqlite_url, "--lang", "en", "db", "roles"]) == 2
    assert capsys.readouterr().err == "advisor-app: 'db roles' is for a PostgreSQL database.\n"


def test_every_table_is_case_content_unless_said_otherwise() -> None:
    """A table a later migration adds is the advisors' alone until someone decides."""
    from advisor_app.persistence.models import Base

    tables = set(Base.metadata.tables)
    assert set(pg_roles.case_tables()) == tables - pg_roles.NOT_CASE_CONTENT
    assert tables >= pg_roles.NOT_CASE_CONTENT  # no stale name in the exceptions


def test_a_disabled_user_s_login_loses_its_group_at_once(
    team: tuple[str, dict[Role, str]],
) -> None:
    url, logins = team
    admin_services = services_as(url, logins[Role.ADMIN])
    try:
        admin = admin_services.accounts.sign_in(logins[Role.ADMIN], None)
        with connect_as(url, logins[Role.ADVISOR]) as before:
            assert not refused(before, "SELECT count(*) FROM relative")
        admin_services.accounts.disable(admin, logins[Role.ADVISOR])
        with connect_as(url, logins[Role.ADVISOR]) as after:
            assert refused(after, "SELECT count(*) FROM relative")
    finally:
        admin_services.db.dispose()


def test_an_admin_cannot_put_its_own_login_in_the_advisors_group(
    team: tuple[str, dict[Role, str]],
) -> None:
    url, logins = team
    with connect_as(url, logins[Role.ADMIN]) as admin:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(
                "SELECT advisor_app_set_group(%s, 'advisor', true)", (logins[Role.ADMIN],)
            )
        assert refused(admin, f'GRANT advisor_app_advisor TO "{logins[Role.ADMIN]}"')
        assert refused(admin, "SELECT count(*) FROM relative")


def test_a_login_writes_access_events_in_its_own_name_only(
    team: tuple[str, dict[Role, str]],
) -> None:
    url, logins = team
    with connect_as(url, logins[Role.MANAGER]) as manager:
        head = manager.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")
        last_id, last_hash = head.fetchone()  # type: ignore[misc]
        forge = (
            "INSERT INTO audit_event (id, occurred_at, username, action, entity, prev_hash, hash)"
            " VALUES (%s, now(), %s, 'export', 'relative', %s, %s)"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="name the login"):
            manager.execute(forge, (last_id + 1, logins[Role.AUDITOR], last_hash, "x" * 64))


def test_a_manager_s_login_reads_the_new_statistics_views_and_nothing_else_new(
    team: tuple[str, dict[Role, str]],
) -> None:
    """Migration 0009's views (referrals, relief, mentor matches) are the manager's; the
    tables they are made from are not, and the manager reads no other table or view than
    before."""
    from advisor_app.persistence.stats_views import ALL_VIEWS, MORE_VIEWS, VIEWS

    url, logins = team
    with connect_as(url, logins[Role.MANAGER]) as manager:
        for view in MORE_VIEWS:
            manager.execute(f"SELECT * FROM {view}")
        for table in (
            "offer_referral",
            "relief_arrangement",
            "relief_status_change",
            "mentor_match",
            "mentor",
        ):
            assert refused(manager, f"SELECT * FROM {table}"), table
        readable = {
            name
            for (name,) in manager.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')"
                " AND has_table_privilege(c.oid, 'SELECT')"
            )
        }
    everyone = {"alembic_version", "topic", "instrument_text", "municipal_setting"}
    catalogue = {"offer", "offer_version"}
    assert readable == set(ALL_VIEWS) | everyone | catalogue
    assert set(VIEWS) < readable and not set(MORE_VIEWS) & set(VIEWS)
