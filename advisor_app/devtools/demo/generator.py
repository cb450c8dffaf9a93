"""One run: relatives built one at a time by the concern modules (people, sessions,
check-ins), written in chunks by the bulk writer, all in one transaction with one audit
event.

Random streams: ``Random(seed)`` draws the session counts and then the people;
``time-{seed}`` when and what (dates, sessions, notes, follow-ups); ``cpr-{seed}`` CPR
numbers; ``check-in-{seed}`` check-ins; ``relief-{seed}`` relief arrangements;
``offers-{seed}`` referrals; ``mentors-{seed}`` mentors and matches; ``bookings-{seed}``
booked meetings; ``municipality-{seed}`` the municipal settings (only those still empty).
A capability that adds demo data takes a stream of its own (``<name>-{seed}``) and draws
from no other, so every seed's existing rows stay as they were.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from advisor_app.devtools.demo.bookings import Bookings
from advisor_app.devtools.demo.bulk import (
    Rows,
    Sink,
    Values,
    analyze,
    lock_tables,
    next_ids,
    reset_sequences,
)
from advisor_app.devtools.demo.check_ins import CheckIns
from advisor_app.devtools.demo.clock import Today
from advisor_app.devtools.demo.corrections import DeletedRecords
from advisor_app.devtools.demo.mentors import Mentors
from advisor_app.devtools.demo.municipality import settle_municipality
from advisor_app.devtools.demo.people import People
from advisor_app.devtools.demo.referrals import DemoOffer, Referrals, demo_offers
from advisor_app.devtools.demo.relief import ReliefArrangements
from advisor_app.devtools.demo.sessions import Sessions, session_counts
from advisor_app.devtools.demo.summary import DemoSummary
from advisor_app.devtools.demo.vocabulary import Vocabulary, load_vocabulary
from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import AuditAction, Purpose
from advisor_app.domain.permissions import Permission, refusal
from advisor_app.persistence.database import Database, utcnow
from advisor_app.persistence.models import Citizen, Topic
from advisor_app.services import audit_log

ENTITY = "demo_data"
# Relatives built, then written, per round: big enough for efficient executemany batches
# (~20k sessions, ~40k topic links), small enough to keep memory flat at any scale.
CHUNK_RELATIVES = 2_000
ANONYMOUS_SHARE = 0.01


class _Relatives:
    """Builds one relative at a time, with everything that belongs to them, into ``rows``."""

    def __init__(
        self,
        *,
        seed: int,
        rng: random.Random,
        rows: Rows,
        values: Values,
        now: datetime,
        vocab: Vocabulary,
        topics: Sequence[tuple[int, str]],
        used_cprs: set[str],
        advisor_id: int,
        offers: Sequence[DemoOffer] = (),
    ) -> None:
        # Everything happens before today (UTC) began: the same seed gives the same rows all
        # day, and the people (drawn by ``rng`` from no date or time) the same on any day.
        today = Today.of(now)
        time_rng = random.Random(f"time-{seed}")
        self.rows = rows
        self.people = People(
            rows=rows,
            values=values,
            today=today,
            vocab=vocab,
            rng=rng,
            time_rng=time_rng,
            cpr_rng=random.Random(f"cpr-{seed}"),
            used_cprs=used_cprs,
        )
        self.sessions = Sessions(
            rows=rows,
            values=values,
            today=today,
            vocab=vocab,
            time_rng=time_rng,
            topics=topics,
            advisor_id=advisor_id,
        )
        self.mentors = Mentors(
            rows=rows,
            values=values,
            today=today,
            rng=random.Random(f"mentors-{seed}"),
            advisor_id=advisor_id,
        )
        self.check_ins = CheckIns(
            rows=rows,
            values=values,
            today=today,
            check_in_rng=random.Random(f"check-in-{seed}"),
            advisor_id=advisor_id,
        )
        self.relief = ReliefArrangements(
            rows=rows,
            values=values,
            today=today,
            rng=random.Random(f"relief-{seed}"),
            advisor_id=advisor_id,
        )
        self.deletions = DeletedRecords(
            rows=rows,
            values=values,
            today=today,
            rng=random.Random(f"corrections-{seed}"),
            advisor_id=advisor_id,
        )
        self.referrals = Referrals(
            rows=rows,
            values=values,
            today=today,
            rng=random.Random(f"offers-{seed}"),
            advisor_id=advisor_id,
            offers=offers,
        )
        self.bookings = Bookings(
            rows=rows,
            values=values,
            today=today,
            rng=random.Random(f"bookings-{seed}"),
            advisor_id=advisor_id,
        )

    def relative(self, n_sessions: int) -> None:
        """A relative, the citizens they care for, their course with ``n_sessions``
        sessions, and check-ins in some of them. The order of the calls is the order of the
        draws: changing it changes every seed's rows."""
        relative_id = self.rows.next_id("relative")
        timeline = self.sessions.timeline(n_sessions)
        created = timeline[0]
        household = self.people.household(created)
        language = self.people.relative(relative_id, household, created, timeline[-1])
        case_id, closed = self.sessions.case(relative_id, timeline)
        first_relation = self.rows.ids["care_relation"]
        co_relatives = self.people.relations(relative_id, household, created, closed)
        meetings = self.sessions.sessions(
            case_id, household.child, timeline[1:], household.citizen_ids, co_relatives
        )
        self.check_ins.check_ins(case_id, household.child, language, meetings)
        # The relations just written have consecutive ids, in the household's order.
        relations = [
            (first_relation + n, ref.age) for n, (ref, _r, _h) in enumerate(household.links)
        ]
        self.relief.relief(
            relative_id, relations, self.people.today.day_of(created), household.child
        )
        self.referrals.referrals(case_id, household, meetings)
        self.mentors.relative(relative_id, case_id, household.child, created)
        self.deletions.relative(relative_id, meetings)
        self.bookings.relative(relative_id, closed)

    def anonymous_session(self) -> None:
        self.sessions.anonymous_session()

    def summary(self) -> DemoSummary:
        return DemoSummary.of(
            self.rows.counts,
            anonymous_sessions=self.sessions.anonymous,
            check_in_actions=self.check_ins.actions,
        )


class DemoDataGenerator:
    """Realistic Danish demo data at scale, appended to the database ``db`` opens."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def generate(
        self,
        actor: Actor,
        *,
        relatives: int,
        sessions_per_relative: float = 10.0,
        seed: int = 1,
        progress: Callable[[str], None] | None = None,
        now: datetime | None = None,
    ) -> DemoSummary:
        """Append ``relatives`` relatives with about ``sessions_per_relative`` sessions each
        (1% of them anonymous) in one transaction, with one audit event for the whole run."""
        denied = refusal(actor, Permission.CASES_WRITE)
        if denied is not None:
            raise denied
        if relatives < 1:
            raise ValueError("relatives must be at least 1")
        if sessions_per_relative < 0:
            raise ValueError("sessions_per_relative must not be negative")
        now = now or utcnow()
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        report = progress or (lambda _text: None)
        started = time.perf_counter()
        total_sessions = round(relatives * sessions_per_relative)
        anonymous = int(total_sessions * ANONYMOUS_SHARE)
        rng = random.Random(seed)
        counts = session_counts(rng, relatives, total_sessions - anonymous, sessions_per_relative)
        vocab = load_vocabulary()
        with self._db.begin() as session:
            connection = session.connection()
            values = Values(connection.dialect)
            values.check(connection.dialect)
            sink = Sink(connection, values)
            lock_tables(connection)
            rows = Rows(next_ids(session))
            builder = _Relatives(
                seed=seed,
                rng=rng,
                rows=rows,
                values=values,
                now=now,
                vocab=vocab,
                topics=[
                    (tid, code)
                    for tid, code in session.execute(
                        select(Topic.id, Topic.code)
                        .where(Topic.active.is_(True))
                        .order_by(Topic.sort_order, Topic.id)
                    )
                ],
                used_cprs={
                    cpr
                    for cpr in session.scalars(select(Citizen.cpr).where(Citizen.cpr.is_not(None)))
                    if cpr
                },
                advisor_id=actor.advisor_id,
                offers=demo_offers(session),
            )
            emitted_anonymous = 0
            next_report = 0.0
            for index, n_sessions in enumerate(counts):
                builder.relative(n_sessions)
                due = anonymous * (index + 1) // relatives
                while emitted_anonymous < due:
                    builder.anonymous_session()
                    emitted_anonymous += 1
                if (index + 1) % CHUNK_RELATIVES == 0 or index + 1 == relatives:
                    sink.write(rows.pending)
                    elapsed = time.perf_counter() - started
                    if elapsed >= next_report or index + 1 == relatives:
                        report(
                            f"demo data: {index + 1:,}/{relatives:,} relatives, "
                            f"{rows.counts['advisory_session']:,} sessions written "
                            f"({elapsed:.1f} s)"
                        )
                        next_report = elapsed + 5.0
            summary = builder.summary()
            settle_municipality(session, seed, now, actor.advisor_id)
            reset_sequences(connection)
            report(
                f"demo data: updating planner statistics ({time.perf_counter() - started:.1f} s)"
            )
            analyze(connection)
            audit_log.append(
                session,
                [
                    audit_log.PendingEvent.by(
                        replace(actor, purpose=Purpose.DEMO_DATA),
                        now,
                        AuditAction.CREATE,
                        ENTITY,
                        detail=summary.audit_detail(seed),
                    )
                ],
            )
            report(f"demo data: committing ({time.perf_counter() - started:.1f} s)")
        return summary
