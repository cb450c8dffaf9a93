"""The kill -9 proof, short (benchmarks/kill_saves.py; `make bench-kill` runs 100 kills): a
child process saving sessions through the services is killed with SIGKILL at random moments;
every save it reported done is there and whole, nothing is half present, the file is clean.
And the check finds it when something is missing or half there."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "kill_saves.py"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kill_saves", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_saves"] = module
    spec.loader.exec_module(module)
    return module


def test_five_kills_during_saves_lose_nothing_and_the_check_would_see_a_loss(
    tmp_path: Path,
) -> None:
    kill_saves = load()
    path = tmp_path / "killed.sqlite3"
    outcome = kill_saves.run(5, path, seed=12345, max_delay=0.2, quiet=True)
    assert outcome.kills == 5
    assert outcome.problems == []
    assert len(outcome.reported) >= 5  # at least the one save each child made before its kill
    assert outcome.sessions >= len(outcome.reported)

    # The same check on a file where one reported save lost a follow-up and another is gone.
    some, other = sorted(outcome.reported)[:2]
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(
            "DELETE FROM follow_up_action WHERE id = "
            "(SELECT min(id) FROM follow_up_action WHERE session_id = ?)",
            (some,),
        )
        raw.execute("DELETE FROM advisory_session WHERE id = ?", (other,))
    raw.close()
    damaged = kill_saves.Outcome(reported=dict(outcome.reported))
    kill_saves.check(f"sqlite+pysqlite:///{path}", path, damaged)
    assert any(f"session {some} " in p and "half present" in p for p in damaged.problems)
    assert any(f"(session {other}) is missing" in p for p in damaged.problems)
    assert any(p.startswith("foreign_key_check") for p in damaged.problems)
