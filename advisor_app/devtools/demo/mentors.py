"""Mentor matching's demo data (mentorpårørende): some adult relatives are mentors, some
wait for one, and matches in every state (proposed, accepted by both, active with reviews
and a review reminder among the follow-ups, ended with a reason and outcome).

Its own random stream (``mentors-{seed}``): the other concerns' rows are the same with or
without it. Rows are built as mappings and laid out in the models' column order
(``bulk.COLUMNS``), so a column added to a mentor table cannot shift the values.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from advisor_app.devtools.demo.bulk import COLUMNS, Rows, Values
from advisor_app.devtools.demo.clock import DAY, Today
from advisor_app.domain.enums import ActionStatus, Condition, RelationType
from advisor_app.domain.mentoring import (
    ContactMode,
    EndReason,
    Gender,
    GenderPreference,
    MatchOutcome,
    MatchStatus,
    MeetingFrequency,
    MentorStage,
    TimeSlot,
)
from advisor_app.services.mentor_dto import REVIEW_REMINDER_DA

MENTOR_SHARE = 0.02  # of adult relatives
WAITING_SHARE = 0.012
CONDITIONS = [c.value for c in Condition if c is not Condition.OTHER]
STATUS_WEIGHTS = {
    MatchStatus.PROPOSED: 2,
    MatchStatus.ACCEPTED: 1,
    MatchStatus.ACTIVE: 4,
    MatchStatus.ENDED: 3,
}
END_NOTES = (
    "Har fået det, hun havde brug for.",
    "Kemien var der ikke helt.",
    "Svært at finde tid til at mødes.",
    "Fortsætter kontakten privat.",
    None,
)
REVIEW_NOTES = ("Godt i gang.", "Ringer sammen hver anden uge.", "Savner at mødes fysisk.", None)


def _pick(rng: random.Random, members: list[str], low: int, high: int) -> str:
    return ",".join(sorted(rng.sample(members, rng.randint(low, high))))


class Mentors:
    def __init__(
        self, *, rows: Rows, values: Values, today: Today, rng: random.Random, advisor_id: int
    ) -> None:
        self.rows, self.values, self.today, self.rng = rows, values, today, rng
        self.advisor_id = advisor_id
        self.free: list[tuple[int, str, str, int]] = []  # (mentor id, slots, modes, places)
        self.matches = 0

    def _add(self, table: str, data: Mapping[str, object]) -> None:
        self.rows.add(table, tuple(data[c] for c in COLUMNS[table]))

    def relative(self, relative_id: int, case_id: int, child: bool, created: int) -> None:
        """Maybe make this relative a mentor, or one waiting for a mentor (and match them)."""
        rng = self.rng
        roll = rng.random()
        if child:
            return
        if roll < MENTOR_SHARE:
            self._mentor(relative_id, created)
        elif roll < MENTOR_SHARE + WAITING_SHARE:
            self._mentee(relative_id, case_id, created)

    def _mentor(self, relative_id: int, created: int) -> None:
        rng, values, today = self.rng, self.values, self.today
        mentor_id = self.rows.next_id("mentor")
        stage = rng.choices(list(MentorStage), [1, 4, 3, 3])[0]
        since = today.ordinal - rng.randint(60, 2000) if stage is MentorStage.BEREAVED else None
        trained = today.ordinal - rng.randint(10, 900) if rng.random() < 0.85 else None
        paused = rng.random() < 0.08
        slots = _pick(rng, [s.value for s in TimeSlot], 1, 3)
        modes = _pick(rng, [m.value for m in ContactMode], 1, 3)
        capacity = rng.choice([1, 1, 2, 2, 3])
        consent_at = values.at(created + DAY)
        self._add(
            "mentor",
            {
                "id": mentor_id,
                "relative_id": relative_id,
                "mentor_consent_at": consent_at,
                "contact_consent_at": consent_at if rng.random() < 0.9 else None,
                "trained_on": None if trained is None else values.day(trained),
                "stage": stage.value,
                "bereaved_since": None if since is None else values.day(since),
                "relation_type": rng.choices(
                    [
                        RelationType.SPOUSE.value,
                        RelationType.CHILD.value,
                        RelationType.PARENT.value,
                    ],
                    [6, 4, 1],
                )[0],
                "conditions": _pick(rng, CONDITIONS, 1, 2),
                "languages": "da"
                if rng.random() < 0.85
                else rng.choice(["da,en", "ar,da", "da,tr", "en"]),
                "postcode": None,
                "slots": slots,
                "modes": modes,
                "capacity": capacity,
                "gender": rng.choices([Gender.FEMALE.value, Gender.MALE.value], [7, 3])[0],
                "gender_preference": rng.choices(
                    [GenderPreference.ANY.value, GenderPreference.FEMALE.value], [9, 1]
                )[0],
                "interests": None,
                "paused_at": values.at(today.start - rng.randint(2, 90) * DAY) if paused else None,
                "created_at": values.at(created + DAY),
                "updated_at": values.at(created + DAY),
                "version": 1,
            },
        )
        if not paused and trained is not None:
            self.free.append((mentor_id, slots, modes, capacity))

    def _mentee(self, relative_id: int, case_id: int, created: int) -> None:
        rng, values, today = self.rng, self.values, self.today
        request_id = self.rows.next_id("mentor_request")
        requested = max(created, today.start - rng.randint(5, 400) * DAY)
        matched = self.free and rng.random() < 0.75
        if matched:
            index = rng.randrange(len(self.free))
            mentor_id, slots, modes, places = self.free[index]
            # The wish shares a time and a way with the mentor: the hard rules hold.
            slots = rng.choice(slots.split(","))
            modes = rng.choice(modes.split(","))
        else:
            slots = _pick(rng, [s.value for s in TimeSlot], 1, 2)
            modes = _pick(rng, [m.value for m in ContactMode], 1, 2)
        self._add(
            "mentor_request",
            {
                "id": request_id,
                "relative_id": relative_id,
                "stage": rng.choices(list(MentorStage), [6, 3, 1, 1])[0].value,
                "languages": "da",
                "slots": slots,
                "modes": modes,
                "gender": rng.choices([Gender.FEMALE.value, Gender.MALE.value], [7, 3])[0],
                "gender_preference": GenderPreference.ANY.value,
                "contact_consent_at": values.at(requested) if rng.random() < 0.85 else None,
                "requested_at": values.at(requested),
                "closed_at": None,
                "version": 1,
            },
        )
        if not matched:
            return
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        if status is not MatchStatus.ENDED:
            if places <= 1:
                self.free.pop(index)
            else:
                self.free[index] = (mentor_id, *self.free[index][1:3], places - 1)
        self._match(mentor_id, relative_id, case_id, requested, status)

    def _match(
        self, mentor_id: int, mentee_id: int, case_id: int, requested: int, status: MatchStatus
    ) -> None:
        rng, values, today = self.rng, self.values, self.today
        match_id = self.rows.next_id("mentor_match")
        self.matches += 1
        proposed = min(requested + rng.randint(1, 20) * DAY, today.start - 2 * DAY)
        accepted = (
            proposed + rng.randint(1, 10) * DAY if status is not MatchStatus.PROPOSED else None
        )
        if accepted is not None:
            accepted = min(accepted, today.start - DAY)
        started = status in (MatchStatus.ACTIVE, MatchStatus.ENDED) and accepted is not None
        first_meeting = (
            today.day_of(accepted) + rng.randint(0, 14) if started and accepted else None
        )
        if first_meeting is not None:
            first_meeting = min(first_meeting, today.ordinal - 1)
        review_day = None
        reviews: list[int] = []
        if first_meeting is not None:
            day = first_meeting + 42
            while day < today.ordinal:
                reviews.append(day)
                day += 90
            review_day = day
        ended = None
        if status is MatchStatus.ENDED:
            last = reviews[-1] if reviews else (first_meeting or today.day_of(proposed))
            ended = min(
                today.start - DAY,
                (last - today.ordinal) * DAY + today.start + rng.randint(5, 60) * DAY,
            )
            reason = (
                rng.choice([EndReason.DECLINED, EndReason.NO_CONTACT])
                if first_meeting is None
                else rng.choice(list(EndReason))
            )
        self._add(
            "mentor_match",
            {
                "id": match_id,
                "mentor_id": mentor_id,
                "mentee_id": mentee_id,
                "case_id": case_id,
                "advisor_id": self.advisor_id,
                "status": status.value,
                "score": round(rng.uniform(45, 92), 2),
                "deciding": rng.choice(
                    [
                        "condition,stage",
                        "condition,distance",
                        "distance,relation",
                        "interests,stage",
                    ]
                ),
                "proposed_at": values.at(proposed),
                "mentor_accepted_at": None if accepted is None else values.at(accepted),
                "mentee_accepted_at": None if accepted is None else values.at(accepted),
                "first_meeting_on": None if first_meeting is None else values.day(first_meeting),
                "frequency": rng.choice(list(MeetingFrequency)).value if first_meeting else None,
                "next_review_on": values.day(review_day)
                if status is MatchStatus.ACTIVE and review_day
                else None,
                "ended_at": None if ended is None else values.at(ended),
                "end_reason": reason.value if ended is not None else None,
                "outcome": rng.choice(list(MatchOutcome)).value if ended is not None else None,
                "end_note": rng.choice(END_NOTES) if ended is not None else None,
                "version": 1,
            },
        )
        for day in reviews:
            if ended is not None and (day - today.ordinal) * DAY + today.start > ended:
                break
            self._add(
                "mentor_review",
                {
                    "id": self.rows.next_id("mentor_review"),
                    "match_id": match_id,
                    "reviewed_on": values.day(day),
                    "mentor_satisfaction": rng.choices([3, 4, 5], [1, 3, 3])[0],
                    "mentee_satisfaction": rng.choices([2, 3, 4, 5], [1, 2, 3, 3])[0],
                    "note": rng.choice(REVIEW_NOTES),
                    "created_at": values.at((day - today.ordinal) * DAY + today.start + 10 * 3600),
                },
            )
            self._reminder(
                match_id,
                day,
                ActionStatus.DONE,
                (day - today.ordinal) * DAY + today.start + 10 * 3600,
            )
        if status is MatchStatus.ACTIVE and review_day is not None:
            self._reminder(match_id, review_day, ActionStatus.OPEN, None)

    def _reminder(
        self, match_id: int, due: int, status: ActionStatus, completed: int | None
    ) -> None:
        self._add(
            "follow_up_action",
            {
                "id": self.rows.next_id("follow_up_action"),
                "session_id": None,
                "check_in_id": None,
                "mentor_match_id": match_id,
                "description": REVIEW_REMINDER_DA,
                "due_on": self.values.day(due),
                "status": status.value,
                "completed_at": None if completed is None else self.values.at(completed),
                "owner_id": self.advisor_id,
                "version": 1,
            },
        )
