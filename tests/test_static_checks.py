"""mypy --strict on the packages of [tool.mypy] (the UI included) and ruff on the whole tree
are part of the test run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QT_FREE_PACKAGES = (
    "advisor_app.domain",
    "advisor_app.persistence",
    "advisor_app.services",
    "advisor_app.reports",
)


def test_mypy_strict() -> None:
    """Without PySide6 (a Qt-free run) the UI cannot be checked: the Qt-free layers only."""
    qt_free = importlib.util.find_spec("PySide6") is None
    packages = [f"--package={name}" for name in QT_FREE_PACKAGES] if qt_free else []
    run = subprocess.run(
        [str(BIN / "mypy"), "--no-error-summary", *packages],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_finds_nothing() -> None:
    run = subprocess.run(
        [str(BIN / "ruff"), "check", "--quiet", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
