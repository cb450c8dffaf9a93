"""Fixtures for the Qt-free tests: a fresh, migrated database on SQLite and on PostgreSQL.

``db_url`` (and ``empty_db_url``) are parametrized over both backends, so a test that takes
``services`` (the facade on its own database) and ``actor`` runs twice: once on a SQLite file,
once on a throwaway PostgreSQL server started once per test session from the machine's
binaries (tests/postgres_server.py). Where the binaries are missing the
PostgreSQL half is skipped, except under CI=true, where it fails: CI must not pass by skipping.
Run one backend with ``-m postgres`` or ``-m "not postgres"``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import FAST_HASHER, make_user, migrated_sqlite_copy
from postgres_server import PostgresServer, find_bindir

from advisor_app.domain.actor import Actor
from advisor_app.persistence.database import sqlite_url as make_sqlite_url
from advisor_app.services.facade import Services, open_services

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        reason = (
            "PostgreSQL binaries (initdb, pg_ctl) not found: install the postgresql package"
            " or set PG_BINDIR"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgresql_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty database of its own on the session's server."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated and seeded once by open_services, copied for each test."""
    name = postgres_server.create_database()
    built, _ = open_services(postgres_server.url(name))
    built.db.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without connections
    return name


@pytest.fixture
def postgresql_migrated_url(
    postgres_server: PostgresServer, postgres_template: str
) -> Iterator[str]:
    name = postgres_server.create_database(template=postgres_template)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file (not yet created)."""
    return make_sqlite_url(tmp_path / "advisor.sqlite3")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated and seeded once by open_services (about a second), copied for
    each test that wants a fresh migrated database (a copy takes milliseconds)."""
    path = tmp_path_factory.mktemp("template") / "advisor.sqlite3"
    built, _ = open_services(make_sqlite_url(path), hasher=FAST_HASHER)
    built.db.dispose()  # the last connection closed: the WAL is checkpointed and removed
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def sqlite_migrated_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh migrated and seeded SQLite file of this test's own."""
    return migrated_sqlite_copy(sqlite_template, tmp_path / "advisor.sqlite3")


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend in turn: for tests of the migration itself."""
    name = "sqlite_url" if request.param == "sqlite" else "postgresql_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database of this test's own on each backend in turn, for open_services.

    On either backend it is a copy of a template that open_services migrated and seeded once
    (CREATE DATABASE ... TEMPLATE takes 40 ms, a file copy less; the migration about a
    second). Tests of the migration itself take ``empty_db_url``."""
    name = "sqlite_migrated_url" if request.param == "sqlite" else "postgresql_migrated_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    """The facade on a migrated and seeded database; the engine is disposed afterwards (an
    open SQLite connection left to the garbage collector is a ResourceWarning, an error here)."""
    built, backup = open_services(db_url, hasher=FAST_HASHER)
    assert backup is None  # a new database needs no backup
    try:
        yield built
    finally:
        built.db.dispose()


@pytest.fixture
def actor(services: Services) -> Actor:
    return make_user(services, "testadvisor", "Test Advisor")
