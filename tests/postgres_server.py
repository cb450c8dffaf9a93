"""A throwaway PostgreSQL server for the tests, started from the machine's binaries.

One server per test session (a few hundred milliseconds to start with ``fsync=off``), a fresh
database per test. It listens on a Unix socket in its own temporary directory only, so no
port can clash with a server that already runs. As root, initdb refuses to run, so the
server runs as the ``postgres`` OS user (or ``ADVISOR_TEST_PG_USER``).

Binaries are looked for in ``PG_BINDIR``, ``pg_config --bindir``, the Debian layout
``/usr/lib/postgresql/<version>/bin`` (newest first) and ``PATH``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

SERVER_USER_ENV = "ADVISOR_TEST_PG_USER"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file; the server opens no TCP port

_SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
    "shared_buffers": "32MB",
    "timezone": "'Europe/Copenhagen'",  # not UTC on purpose: the app must convert itself
}


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            candidates.append(Path(out))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.parent.name))

    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for path in candidates:
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


class PostgresServer:
    """``start()``, then ``create_database()`` for each test, ``stop()`` at the end."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self._run_as: dict[str, Any] = {}
        self._admin: psycopg.Connection[Any] | None = None
        self._names = itertools.count(1)
        user = None
        if os.geteuid() == 0:
            name = os.environ.get(SERVER_USER_ENV, "postgres")
            try:
                user = pwd.getpwnam(name)
            except KeyError:
                raise RuntimeError(
                    f"running as root, PostgreSQL needs an unprivileged OS user: no user {name!r}"
                    f" (create it, or name another in {SERVER_USER_ENV})"
                ) from None
            self._run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        # /tmp rather than $TMPDIR: a Unix socket's path must stay under about 100 bytes.
        short = "/tmp" if os.path.isdir("/tmp") else None
        self.base = Path(tempfile.mkdtemp(prefix="advisor-pg-", dir=short))
        if user is not None:
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self.data = self.base / "data"
        self.log = self.base / "server.log"

    # ---- lifecycle ------------------------------------------------------------------------
    def _run(self, args: Sequence[str], timeout: float = 120) -> None:
        run = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.base,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
            capture_output=True,
            text=True,
            timeout=timeout,
            **self._run_as,
        )
        if run.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}\n{log}"
            )

    def start(self) -> None:
        self._run(
            [
                "initdb",
                "--pgdata",
                str(self.data),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\nunix_socket_directories = '{self.base}'\n")
            conf.writelines(f"{key} = {value}\n" for key, value in _SETTINGS.items())
        self._run(["pg_ctl", "start", "--wait", "--pgdata", str(self.data), "--log", str(self.log)])
        self._admin = psycopg.connect(self.conninfo("postgres"), autocommit=True)

    def stop(self) -> None:
        try:
            if self._admin is not None:
                self._admin.close()
                self._admin = None
            if (self.data / "postmaster.pid").exists():
                self._run(
                    ["pg_ctl", "stop", "--wait", "--pgdata", str(self.data), "--mode", "immediate"]
                )
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    # ---- databases ------------------------------------------------------------------------
    def conninfo(self, dbname: str) -> str:
        return f"host={self.base} port={PORT} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL (psycopg 3) for ``dbname`` over the server's socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.base}&port={PORT}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its name."""
        assert self._admin is not None, "server not started"
        name = f"test_{next(self._names)}"
        sql = f'CREATE DATABASE "{name}"'
        if template is not None:
            sql += f' TEMPLATE "{template}"'
        self._admin.execute(sql)
        return name

    def drop_database(self, name: str) -> None:
        assert self._admin is not None, "server not started"
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
