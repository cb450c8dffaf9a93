"""A wheel built from the repository installs into a fresh venv and works outside the checkout:
migrations from db/, resources (topics, fonts, catalogs, demo names) found in the package."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("advisor_app-*.whl")
    return built


def test_wheel_contains_migrations_and_resources(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "advisor_app/_data/db/env.py" in names
    assert any(n.startswith("advisor_app/_data/db/versions/0001") for n in names)
    assert "advisor_app/_data/resources/seed/topics.json" in names
    assert "advisor_app/_data/resources/fonts/DejaVuSans.ttf" in names
    assert "advisor_app/_data/resources/locale/da/LC_MESSAGES/advisor_app.po" in names
    for name in ROOT.joinpath("resources").rglob("*"):
        if name.is_file():
            assert (
                f"advisor_app/_data/resources/{name.relative_to(ROOT / 'resources').as_posix()}"
                in names
            )


def test_installed_wheel_upgrades_and_fills_a_new_database_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ADVISOR_APP_DB")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ADVISOR_DEMO_PASSWORD"] = env["ADVISOR_PASSWORD"] = "demo-kodeordet er langt"
    exe = str(env_dir / "bin" / "advisor-app")
    where = subprocess.run(
        [str(py), "-c", "import advisor_app, sys; print(advisor_app.__file__)"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env_dir) in where and str(ROOT) not in where

    db_file = work / "new.sqlite3"
    url = f"sqlite+pysqlite:///{db_file}"
    version = subprocess.run(
        [exe, "--version"], cwd=work, env=env, capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("advisor-app ")
    subprocess.run(
        [exe, "--db", url, "db", "upgrade"], cwd=work, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [exe, "--db", url, "demo-data", "--relatives", "25", "--seed", "3"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM relative").fetchone()[0] == 25
        assert conn.execute("SELECT count(*) FROM topic").fetchone()[0] > 10
        assert conn.execute("SELECT count(*) FROM advisory_session").fetchone()[0] > 0
    conn.close()

    shot = work / "shot.png"
    subprocess.run(
        [exe, "--db", url, "--user", "demo-advisor", "--screenshot", str(shot)],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
