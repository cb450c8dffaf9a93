"""A relative's course (forløb, ``advice_case``) and what happens in it: guidance sessions
(vejledningssamtaler) with their topics and notes, who else took part, and the follow-ups
(aftaler) agreed; and the anonymous sessions (SEL § 10 stk. 2) that belong to no one.
Everything here draws from the run's time stream: when, how and about what."""

from __future__ import annotations

import random
from collections.abc import Sequence

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL, HISTORY_DAYS, Today
from advisor_app.devtools.demo.follow_ups import add_follow_up, follow_up_status
from advisor_app.devtools.demo.vocabulary import Vocabulary, Weighted
from advisor_app.domain.enums import ParticipantKind, SessionForm

_FORMS = (
    (SessionForm.IN_PERSON, 35),
    (SessionForm.PHONE, 30),
    (SessionForm.HOME_VISIT, 15),
    (SessionForm.VIDEO, 8),
    (SessionForm.GROUP, 12),
)
_CHILD_FORMS = (
    (SessionForm.IN_PERSON, 50),
    (SessionForm.GROUP, 25),
    (SessionForm.PHONE, 10),
    (SessionForm.VIDEO, 5),
    (SessionForm.HOME_VISIT, 10),
)
_ANONYMOUS_FORMS = (
    (SessionForm.PHONE, 55),
    (SessionForm.IN_PERSON, 30),
    (SessionForm.GROUP, 15),
)
_DURATIONS = {
    SessionForm.IN_PERSON: (30, 45, 45, 60, 60, 60, 75, 90),
    SessionForm.PHONE: (10, 15, 15, 20, 30, 30, 45),
    SessionForm.VIDEO: (30, 45, 45, 60),
    SessionForm.HOME_VISIT: (45, 60, 75, 90, 90, 120),
    SessionForm.GROUP: (90, 120, 120, 150),
}
# How often a topic comes up; codes not listed (topics are data) weigh 2.
_TOPIC_WEIGHTS = {
    "recognition": 14,
    "relief": 12,
    "emotions": 9,
    "guidance_offers": 9,
    "illness_knowledge": 8,
    "expectations": 6,
    "relationship": 5,
    "own_interests": 5,
    "collaboration": 5,
    "meeting_others": 5,
    "isolation": 4,
    "work": 3,
    "knowledge_of_citizen": 3,
    "coordination": 3,
    "day_offers": 3,
    "self_determination": 3,
    "shared_experiences": 3,
    "volunteering": 2,
    "equal_access": 2,
    "mentor": 2,
    "legal": 2,
    "child_relatives": 0,  # only with child relatives, where it always comes first
}

# A session as check-ins see it: (start, form, duration in minutes).
Meeting = tuple[int, SessionForm, int]


def session_counts(rng: random.Random, relatives: int, total: int, mean: float) -> list[int]:
    """Sessions per relative: skewed (many have a few, some have very many), summing to
    exactly ``total``."""
    if total <= 0 or mean <= 0:
        return [0] * relatives
    counts = [int(rng.gammavariate(1.5, mean / 1.5) + 0.5) for _ in range(relatives)]
    diff = total - sum(counts)
    while diff:
        i = rng.randrange(relatives)
        if diff > 0:
            counts[i] += 1
            diff -= 1
        elif counts[i] > 0:
            counts[i] -= 1
            diff += 1
    return counts


class Sessions:
    """Builds cases, sessions, session topics, participants and session follow-ups."""

    def __init__(
        self,
        *,
        rows: Rows,
        values: Values,
        today: Today,
        vocab: Vocabulary,
        time_rng: random.Random,
        topics: Sequence[tuple[int, str]],
        advisor_id: int,
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.v = vocab
        self.trng = time_rng
        self.advisor_id = advisor_id
        self.anonymous = 0
        self.forms = Weighted.of(_FORMS)
        self.child_forms = Weighted.of(_CHILD_FORMS)
        self.anonymous_forms = Weighted.of(_ANONYMOUS_FORMS)
        self.topic_code = dict(topics)
        weighted = [(tid, _TOPIC_WEIGHTS.get(code, 2)) for tid, code in topics]
        weighted = [(tid, w) for tid, w in weighted if w > 0]
        self.topics = Weighted.of(weighted) if weighted else None
        self.child_topic = next((tid for tid, code in topics if code == "child_relatives"), None)

    # ---- the course -------------------------------------------------------------------------
    def timeline(self, n_sessions: int) -> list[int]:
        """[created, session start, ...] as epoch seconds, sessions on weekdays in office
        hours (07-15 UTC: 08/09-16/17 in Denmark), all in the past."""
        rng, today = self.trng, self.today
        if n_sessions == 0:
            first_ago = rng.uniform(1, 60)
            starts: list[float] = []
        else:
            first_ago = rng.uniform(2, HISTORY_DAYS)
            span = min(first_ago - 1, rng.uniform(30, 900))
            starts = sorted(first_ago - rng.uniform(0, span) for _ in range(n_sessions - 1))
            starts.insert(0, first_ago)
            starts.sort(reverse=True)
        out: list[int] = []
        for days_ago in starts:
            ordinal = today.weekday_or_friday(today.ordinal - int(days_ago))
            day_start = (ordinal - EPOCH_ORDINAL) * DAY
            out.append(day_start + rng.randint(7 * 4, 14 * 4 + 3) * 900)
        created = (out[0] if out else today.start - int(first_ago * DAY)) - (
            rng.randint(0, 10) * DAY + rng.randint(0, 3600)
        )
        return [min(created, today.start - 3600), *out]

    def case(self, relative_id: int, timeline: list[int]) -> tuple[int, int | None]:
        """One course (forløb) per relative; old quiet ones closed. Returns the case's id and
        its closing time."""
        rng, now = self.trng, self.today.start
        closed: int | None = None
        last = timeline[-1]
        if len(timeline) > 1 and now - last > 240 * DAY and rng.random() < 0.6:
            closed = min(last + rng.randint(14 * DAY, 90 * DAY), now - DAY)
        case_id = self.rows.next_id("advice_case")
        self.rows.add(
            "advice_case",
            (
                case_id,
                relative_id,
                self.advisor_id,
                self.values.at(timeline[0]),
                None if closed is None else self.values.at(closed),
            ),
        )
        return case_id, closed

    # ---- sessions ---------------------------------------------------------------------------
    def sessions(
        self,
        case_id: int,
        child: bool,
        starts: list[int],
        citizen_ids: list[int],
        co_relatives: list[int],
    ) -> list[Meeting]:
        """Writes the case's sessions; returns each one's (start, form, duration), oldest
        first."""
        rng = self.trng
        forms = self.child_forms if child else self.forms
        meetings: list[Meeting] = []
        for start in starts:
            session_id, created, form, duration = self._session_row(case_id, start, forms, child)
            meetings.append((start, form, duration))
            if rng.random() < 0.30:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    self._follow_up(session_id, start, created)
            if rng.random() < 0.12:
                self._participants(session_id, citizen_ids, co_relatives)
        return meetings

    def anonymous_session(self) -> None:
        """Anonymous counselling (SEL § 10 stk. 2): no case, no person, still counted."""
        today = self.today
        days_ago = self.trng.uniform(1, HISTORY_DAYS)
        ordinal = today.weekday_or_friday(today.ordinal - int(days_ago))
        start = (ordinal - EPOCH_ORDINAL) * DAY + self.trng.randint(28, 59) * 900
        self._session_row(None, start, self.anonymous_forms, False)
        self.anonymous += 1

    def _session_row(
        self, case_id: int | None, start: int, forms: Weighted, child: bool
    ) -> tuple[int, int, SessionForm, int]:
        """Returns (id, created, form, duration in minutes)."""
        rng = self.trng
        session_id = self.rows.next_id("advisory_session")
        form = forms.pick(rng)
        duration = rng.choice(_DURATIONS[form])
        topic_ids = self._topics(child)
        created = min(start + duration * 60 + rng.randint(300, 2 * DAY), self.today.start)
        self.rows.add(
            "advisory_session",
            (
                session_id,
                case_id,
                self.advisor_id,
                self.values.at(start),
                duration,
                form.value,
                self.values.flag(case_id is None),
                self._notes(topic_ids),
                self.values.at(created),
                1,
            ),
        )
        for tid in topic_ids:
            self.rows.add("session_topic", (session_id, tid))
        return session_id, created, form, duration

    def _topics(self, child: bool) -> list[int]:
        rng = self.trng
        chosen: list[int] = []
        if child and self.child_topic is not None:
            chosen.append(self.child_topic)
        if self.topics is None:
            return chosen
        wanted = rng.choices((1, 2, 3), cum_weights=(35, 80, 100))[0]
        for _ in range(6):
            if len(chosen) >= wanted:
                break
            tid = self.topics.pick(rng)
            if tid not in chosen:
                chosen.append(tid)
        return chosen

    def _notes(self, topic_ids: list[int]) -> str:
        rng, v = self.trng, self.v
        if rng.random() < 0.08:
            return ""
        parts: list[str] = []
        if rng.random() < 0.6:
            parts.append(rng.choice(v.openings))
        for tid in topic_ids[:2]:
            options = v.by_topic.get(self.topic_code[tid])
            if options:
                parts.append(rng.choice(options))
        if rng.random() < 0.5:
            parts.append(rng.choice(v.closings))
        return " ".join(p for p in parts if p)

    # ---- what follows from a session --------------------------------------------------------
    def _follow_up(self, session_id: int, start: int, created: int) -> None:
        rng = self.trng
        start_day = self.today.day_of(start)
        due = None
        if rng.random() < 0.9:
            due = start_day + rng.choice((7, 14, 14, 21, 30, 30, 45, 60, 90))
        status, completed = follow_up_status(rng, self.today, start_day, due, created)
        add_follow_up(
            self.rows,
            self.values,
            session_id=session_id,
            check_in_id=None,
            description=rng.choice(self.v.actions),
            due=due,
            status=status,
            completed=completed,
            owner_id=self.advisor_id,
        )

    def _participants(
        self, session_id: int, citizen_ids: list[int], co_relatives: list[int]
    ) -> None:
        rng = self.trng
        seen: set[tuple[ParticipantKind, int | str]] = set()
        for _ in range(1 if rng.random() < 0.75 else 2):
            r = rng.random()
            kind = ParticipantKind.OTHER
            relative_id: int | None = None
            citizen_id: int | None = None
            description: str | None = None
            if r < 0.4 and citizen_ids:
                kind, citizen_id = ParticipantKind.CITIZEN, rng.choice(citizen_ids)
            elif r < 0.6 and co_relatives:
                kind, relative_id = ParticipantKind.RELATIVE, rng.choice(co_relatives)
            else:
                description = rng.choice(self.v.participants)
            key = (kind, citizen_id or relative_id or description or "")
            if key in seen:
                continue
            seen.add(key)
            self.rows.add(
                "session_participant",
                (
                    self.rows.next_id("session_participant"),
                    session_id,
                    kind.value,
                    relative_id,
                    citizen_id,
                    description,
                ),
            )
