"""Relief arrangements in the demo data: a realistic share of the adult relatives, every
status with a history that leads to it, the basis the service proposes, readable by the
service; the same seed gives the same arrangements."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from factories import make_user
from sqlalchemy import select, text

from advisor_app.devtools.demo import DemoDataGenerator
from advisor_app.domain.actor import Actor
from advisor_app.domain.relief import TRACKED_KINDS, ReliefStatus
from advisor_app.persistence.database import sqlite_url
from advisor_app.persistence.models import CareRelation, Relative
from advisor_app.persistence.relief_models import ReliefArrangement
from advisor_app.services.facade import Services, open_services

RELATIVES = 800


def generate(path: Path, seed: int = 3) -> tuple[Services, Actor]:
    services, _ = open_services(sqlite_url(path))
    actor = make_user(services, "demo", "Demo Advisor")
    DemoDataGenerator(services.db).generate(
        actor,
        relatives=RELATIVES,
        sessions_per_relative=1.0,
        seed=seed,
        now=datetime(2026, 3, 16, 9, tzinfo=UTC),
    )
    return services, actor


def test_demo_relief_is_realistic_and_readable(tmp_path: Path) -> None:
    services, actor = generate(tmp_path / "a.sqlite3")
    try:
        with services.db.begin() as session:
            rows = session.execute(
                select(ReliefArrangement, CareRelation.relative_id).join(
                    CareRelation, CareRelation.id == ReliefArrangement.relation_id
                )
            ).all()
            adults = session.scalar(
                text("SELECT count(*) FROM relative WHERE birth_year IS NULL OR birth_year <= 2007")
            )
            for arrangement, _relative in rows:
                assert arrangement.history[-1].status is arrangement.status
                assert [h.changed_on for h in arrangement.history] == sorted(
                    h.changed_on for h in arrangement.history
                )
                assert arrangement.legal_basis is not None
                assert (arrangement.recurrence is None) == (arrangement.kind in TRACKED_KINDS)
                for cancelled in arrangement.exceptions:
                    assert cancelled.cancelled_on >= arrangement.starts_on
            relative_ids = sorted({r for _a, r in rows})
            names = {i: n for i, n in session.execute(select(Relative.id, Relative.name))}
        statuses = Counter(a.status for a, _r in rows)
        assert set(statuses) == set(ReliefStatus)
        assert adults and 0.12 * adults <= len(relative_ids) <= 0.24 * adults
        for relative_id in relative_ids[:40]:
            plan = services.relief.plan(actor, relative_id)
            assert plan.arrangements and len(plan.coverage) == 12
            assert names[relative_id]
    finally:
        services.db.dispose()


def test_the_same_seed_gives_the_same_arrangements(tmp_path: Path) -> None:
    def snapshot(path: Path) -> list[object]:
        services, _ = generate(path)
        try:
            with services.db.begin() as session:
                return list(
                    session.execute(text("SELECT * FROM relief_arrangement ORDER BY id")).all()
                ) + list(session.execute(text("SELECT * FROM relief_need ORDER BY 1")).all())
        finally:
            services.db.dispose()

    assert snapshot(tmp_path / "a.sqlite3") == snapshot(tmp_path / "b.sqlite3")
