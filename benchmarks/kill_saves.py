"""The kill -9 proof: a child process saves sessions in a loop through the services on a
SQLite file and prints each session's id after its save returned; this process kills it with
SIGKILL at random moments and starts it again, over and over. At the end every save the child
reported done must be present and whole (the session with its topics, participants and
follow-ups), no session may be half present, the access log's hash chain must verify, and
SQLite's integrity_check and foreign_key_check must be clean.

    python benchmarks/kill_saves.py                  # 100 kills (make bench-kill)
    python benchmarks/kill_saves.py --kills 300 --seed 7 --keep /tmp/killed.sqlite3

A standalone script, not a test (tests/test_kill_saves.py runs a short version of it): it
prints its figures and exits 1 when anything was lost or damaged.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "en lang og god adgangskode til prøven"
ADVISOR = "demo-advisor"
AUDITOR = "demo-auditor"
MARK = "Gemt nr. "


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # a test database only


# ---- what save number k holds (the child writes it, the check reads it back) -------------
def expected_counts(k: int) -> tuple[int, int, int]:
    """Topics, participants (the citizen and 0-2 others) and follow-ups of save ``k``."""
    return k % 3 + 1, 1 + k % 3, k % 4 + 1


def session_for(k: int, relative_id: int, citizen_id: int, topic_ids: list[int]):  # type: ignore[no-untyped-def]
    from advisor_app.domain.enums import ParticipantKind, SessionForm
    from advisor_app.services.dto import ActionInput, ParticipantInput, SessionInput

    topics, participants, actions = expected_counts(k)
    today = datetime.now(UTC).date()
    return SessionInput(
        relative_id=relative_id,
        started_at=datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1),
        duration_minutes=30 + k % 60,
        form=SessionForm.IN_PERSON,
        topic_ids=tuple(topic_ids[:topics]),
        notes=f"{MARK}{k}. Pårørende fortæller om nætterne; ønsker aflastning.",
        participants=(
            ParticipantInput(ParticipantKind.CITIZEN, citizen_id=citizen_id),
            *(
                ParticipantInput(ParticipantKind.OTHER, description=f"deltager {k}-{j}")
                for j in range(participants - 1)
            ),
        ),
        actions=tuple(
            ActionInput(f"opfølgning {k}-{j}", today + timedelta(days=7 + j))
            for j in range(actions)
        ),
    )


# ---- the child -------------------------------------------------------------------------
def child(url: str, relative_id: int, citizen_id: int, start: int) -> int:
    from advisor_app.services.facade import open_services

    services, _backup = open_services(url, hasher=_hasher())
    actor = services.accounts.sign_in(ADVISOR, PASSWORD)
    topic_ids = [t.id for t in services.reference.topics(actor)]
    k = start
    while True:
        saved = services.sessions.record(actor, session_for(k, relative_id, citizen_id, topic_ids))
        # Only after the save returned (committed): a reported save must be there.
        sys.stdout.write(f"{k} {saved.id}\n")
        sys.stdout.flush()
        k += 1


# ---- the parent ------------------------------------------------------------------------
@dataclass
class Outcome:
    kills: int = 0
    reported: dict[int, int] = field(default_factory=dict)  # session id -> save number
    sessions: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    audit_events: int = 0


def prepare(path: Path) -> tuple[str, int, int]:
    """A new database with the demo users and one relative with a citizen."""
    from advisor_app.devtools import demo_users
    from advisor_app.domain.enums import RelationType
    from advisor_app.persistence.database import sqlite_url
    from advisor_app.services.dto import CitizenInput, RelationInput, RelativeInput
    from advisor_app.services.facade import open_services

    url = sqlite_url(path)
    services, _backup = open_services(url, hasher=_hasher())
    try:
        demo_users.create(services, PASSWORD)
        actor = services.accounts.sign_in(ADVISOR, PASSWORD)
        detail = services.relatives.register(
            actor,
            RelativeInput(name="Bjørn Østergård", birth_year=1958),
            CitizenInput(name="Åse Østergård", birth_year=1950),
            RelationInput(RelationType.SPOUSE, hours_per_week=30),
        )
        return url, detail.id, detail.relations[0].citizen.id
    finally:
        services.db.dispose()


def _complete_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.split("\n")
    return lines[:-1]  # the last piece has no newline yet: not a reported save


class _Child:
    """A started child: a fresh interpreter (spawn) or a fork of this one (its imports done
    already, so a restart costs a fraction of a second); either way a process of its own,
    with its own connection, killed with SIGKILL."""

    def __init__(self, pid: int, popen: subprocess.Popen[bytes] | None) -> None:
        self.pid = pid
        self.popen = popen
        self.status: int | None = None

    def poll(self) -> int | None:
        if self.popen is not None:
            return self.popen.poll()
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()
        elif self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]


def _start(
    out: Path,
    url: str,
    relative_id: int,
    citizen_id: int,
    start: int,
    env: dict[str, str],
    *,
    fork: bool,
) -> _Child:
    if not fork:
        with out.open("w", encoding="utf-8") as sink:
            popen = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--child",
                    url,
                    str(relative_id),
                    str(citizen_id),
                    str(start),
                ],
                stdout=sink,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=ROOT,
            )
        return _Child(popen.pid, popen)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        try:
            handle = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(handle, 1)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            child(url, relative_id, citizen_id, start)
        finally:
            os._exit(1)
    return _Child(pid, None)


def run(
    kills: int,
    path: Path,
    *,
    seed: int,
    max_delay: float,
    fork: bool = True,
    quiet: bool = False,
) -> Outcome:
    rng = random.Random(seed)
    url, relative_id, citizen_id = prepare(path)
    outcome = Outcome()
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    started = time.perf_counter()
    next_k = 1
    with tempfile.TemporaryDirectory(prefix="kill-saves-") as scratch:
        for round_no in range(kills):
            out = Path(scratch) / f"out-{round_no}.txt"
            process = _start(out, url, relative_id, citizen_id, next_k, env, fork=fork)
            # Wait for the first save so the kill falls among saves, not in the start-up.
            deadline = time.monotonic() + 300
            while not _complete_lines(out):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError("the child stopped before its first save")
                time.sleep(0.005)
            time.sleep(rng.uniform(0, max_delay))
            process.kill()
            outcome.kills += 1
            for line in _complete_lines(out):
                k, session_id = (int(part) for part in line.split())
                outcome.reported[session_id] = k
                next_k = max(next_k, k + 1)
            # A save that committed but was not reported may have used next_k: go past it.
            next_k += 1
            if not quiet and (round_no + 1) % 10 == 0:
                print(f"  {round_no + 1} kills, {len(outcome.reported)} saves reported", flush=True)
    outcome.seconds = time.perf_counter() - started
    check(url, path, outcome)
    return outcome


def check(url: str, path: Path, outcome: Outcome) -> None:
    """Every reported save present and whole, nothing half present, the file clean."""
    problems = outcome.problems
    with sqlite3.connect(path) as raw:
        integrity = [row[0] for row in raw.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        foreign = raw.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:5]}")
        counts = {
            table: dict(
                raw.execute(f"SELECT session_id, count(*) FROM {table} GROUP BY session_id")
            )
            for table in ("session_topic", "session_participant", "follow_up_action")
        }
        stored = dict(raw.execute("SELECT id, notes FROM advisory_session"))
    raw.close()
    outcome.sessions = len(stored)
    for session_id, k in outcome.reported.items():
        if session_id not in stored:
            problems.append(f"reported save {k} (session {session_id}) is missing")
    for session_id, notes in stored.items():
        if not notes.startswith(MARK):
            problems.append(f"session {session_id}: notes not as written")
            continue
        k = int(notes[len(MARK) :].split(".", 1)[0])
        if session_id in outcome.reported and outcome.reported[session_id] != k:
            problems.append(
                f"session {session_id}: holds save {k}, not {outcome.reported[session_id]}"
            )
        found = tuple(
            counts[t].get(session_id, 0)
            for t in ("session_topic", "session_participant", "follow_up_action")
        )
        if found != expected_counts(k):
            problems.append(f"session {session_id} (save {k}) half present: {found}")
    from advisor_app.services.facade import open_services

    services, _backup = open_services(url, upgrade=False, hasher=_hasher())
    try:
        auditor = services.accounts.sign_in(AUDITOR, PASSWORD)
        verdict = services.audit.verify(auditor)
        outcome.audit_events = verdict.count
        if not verdict.ok:
            problems.append(f"access log chain broken at event {verdict.broken_id}")
    finally:
        services.db.dispose()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        url, relative_id, citizen_id, start = args[1:5]
        return child(url, int(relative_id), int(citizen_id), int(start))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="how many SIGKILLs (default 100)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--max-delay", type=float, default=0.3, help="longest wait after the first save, s"
    )
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    parser.add_argument(
        "--spawn",
        action="store_true",
        help="start each child as a fresh interpreter (slower) instead of a fork of this one",
    )
    options = parser.parse_args(args)
    if options.kills < 1:
        parser.error("--kills must be at least 1")
    seed = options.seed if options.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory(prefix="kill-saves-db-") as folder:
        path = options.keep or Path(folder) / "killed.sqlite3"
        if path.exists():
            parser.error(f"{path} exists; choose a new file")
        how = "fresh interpreters" if options.spawn else "forked children"
        print(f"kill -9 during saves: {options.kills} kills of {how}, seed {seed}, SQLite {path}")
        outcome = run(
            options.kills,
            path,
            seed=seed,
            max_delay=options.max_delay,
            fork=not options.spawn and hasattr(os, "fork"),
        )
    saves = len(outcome.reported)
    print(f"kills:             {outcome.kills}")
    print(f"saves reported:    {saves}")
    print(f"sessions on disk:  {outcome.sessions} (reported, plus saves killed after commit)")
    chain_ok = not any(p.startswith("access log") for p in outcome.problems)
    print(
        f"access log events: {outcome.audit_events}, chain {'verified' if chain_ok else 'BROKEN'}"
    )
    print(
        f"time:              {outcome.seconds:.1f} s ({outcome.seconds / outcome.kills:.2f} s a kill)"
    )
    if outcome.problems:
        print(f"PROBLEMS ({len(outcome.problems)}):")
        for problem in outcome.problems[:50]:
            print(f"  {problem}")
        return 1
    print("nothing lost, nothing half present; integrity_check and foreign_key_check clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
