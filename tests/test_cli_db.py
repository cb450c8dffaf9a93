"""``--db`` is checked before use: every wrong path or address is one line on stderr and
exit 2, never a traceback, and nothing is created or changed where it was not meant to be."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from factories import FAST_HASHER
from sqlalchemy import text

from advisor_app.cli import main
from advisor_app.persistence.database import sqlite_url
from advisor_app.services.facade import open_services

PASSWORD = "en lang og god adgangskode"


def run(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "en") -> tuple[int, str]:
    code = main(["--lang", lang, *args])
    err = capsys.readouterr().err
    return code, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_plain_path_is_taken_as_a_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", PASSWORD)
    code, err = run(capsys, "--db", "kontor.sqlite3", "users", "add", "anne", "--role", "admin")
    assert code == 0, err
    assert (tmp_path / "kontor.sqlite3").stat().st_size > 0


def test_a_text_file_is_not_an_advisor_app_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "noter.txt"
    notes.write_text("mælk, brød\n" * 40)
    before = notes.read_bytes()
    code, err = run(capsys, "--db", str(notes), "users", "list")
    assert code == 2
    assert "not a database of this program" in one_line(err)
    assert notes.read_bytes() == before
    code, err = run(capsys, "--db", str(notes), "users", "list", lang="da")
    assert code == 2 and "ikke en database fra dette program" in one_line(err)


@pytest.mark.parametrize("where", ["/proc/self/status", "/proc/advisor.sqlite3"])
def test_a_path_under_proc_is_refused(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--db", where, "db", "upgrade")
    assert code == 2
    assert "not a database of this program" in one_line(err)


def test_a_sqlite_url_whose_folder_does_not_exist_is_refused_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "Dokumentr" / "advisor.sqlite3"
    code, err = run(capsys, "--db", sqlite_url(typo), "users", "list")
    assert code == 2
    assert "folder does not exist" in one_line(err)
    assert not typo.parent.exists()


def test_a_zero_byte_file_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "advisor.sqlite3"
    empty.touch()
    code, err = run(capsys, "--db", str(empty), "db", "upgrade")
    assert code == 2
    assert "empty (0 bytes)" in one_line(err)
    assert empty.stat().st_size == 0


def test_an_unreachable_server_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 1 on this machine: nothing listens, the connection is refused at once.
    code, err = run(
        capsys,
        "--db",
        "postgresql+psycopg://anna@127.0.0.1:1/advisor",
        "--user",
        "anna",
        "users",
        "list",
    )
    assert code == 2
    assert "server cannot be reached" in one_line(err)
    code, err = run(
        capsys, "--db", "postgresql+psycopg://anna@127.0.0.1:1/advisor", "db", "upgrade"
    )
    assert code == 2 and "server cannot be reached" in one_line(err)


def test_a_read_only_database_and_the_first_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "advisor.sqlite3"
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    services.db.dispose()
    monkeypatch.setenv("ADVISOR_NEW_PASSWORD", PASSWORD)
    read_only = f"sqlite+pysqlite:///file:{path}?mode=ro&uri=true"
    code, err = run(capsys, "--db", read_only, "users", "add", "anne", "--role", "admin")
    assert code == 2
    assert "can be read but not changed" in one_line(err)


def test_a_newer_schema_is_refused_and_no_backup_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "advisor.sqlite3"
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    with services.db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    services.db.dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for args in (("db", "upgrade"), ("users", "list")):
        code, err = run(capsys, "--db", str(path), *args)
        assert code == 2
        assert "newer version of the program" in one_line(err)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")] == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "ti"])
def test_sessions_per_relative_must_be_a_finite_number(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "x.sqlite3"), "demo-data", f"--sessions-per-relative={value}"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--sessions-per-relative" in err and "Traceback" not in err
    assert not (tmp_path / "x.sqlite3").exists()
