"""What the mentor service takes and gives back: frozen dataclasses (no ORM objects)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from advisor_app.domain.enums import Condition, RelationType
from advisor_app.domain.mentoring import (
    MENTORING_LABELS,
    ContactMode,
    Criterion,
    CriterionScore,
    EndReason,
    Gender,
    GenderPreference,
    HardRule,
    MatchOutcome,
    MatchStatus,
    MeetingFrequency,
    MentorStage,
    TimeSlot,
)
from advisor_app.services.dto import RelativeId


class ConsentKind(StrEnum):
    """The consents mentoring needs (given or withdrawn by the relative)."""

    MENTOR = "mentor"  # to be a mentor
    MENTOR_CONTACT = "mentor_contact"  # a mentor shares contact details with the mentee
    MENTEE_CONTACT = "mentee_contact"  # a mentee shares contact details with the mentor


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


@dataclass(frozen=True)
class MentorInput:
    stage: MentorStage
    relation_type: RelationType
    conditions: tuple[Condition, ...]
    languages: tuple[str, ...]
    slots: tuple[TimeSlot, ...]
    modes: tuple[ContactMode, ...]
    capacity: int = 1
    gender: Gender = Gender.UNKNOWN
    gender_preference: GenderPreference = GenderPreference.ANY
    trained_on: date | None = None
    bereaved_since: date | None = None
    postcode: str | None = None
    interests: str | None = None


@dataclass(frozen=True)
class MentorView:
    id: int
    version: int
    relative_id: RelativeId
    relative_name: str
    stage: MentorStage
    relation_type: RelationType
    conditions: tuple[Condition, ...]
    languages: tuple[str, ...]
    slots: tuple[TimeSlot, ...]
    modes: tuple[ContactMode, ...]
    capacity: int
    open_matches: int
    gender: Gender
    gender_preference: GenderPreference
    trained_on: date | None
    bereaved_since: date | None
    postcode: str | None
    interests: str | None
    mentor_consent: bool
    contact_consent: bool
    paused: bool


@dataclass(frozen=True)
class MentorRequestInput:
    stage: MentorStage
    languages: tuple[str, ...]
    slots: tuple[TimeSlot, ...]
    modes: tuple[ContactMode, ...]
    gender: Gender = Gender.UNKNOWN
    gender_preference: GenderPreference = GenderPreference.ANY


@dataclass(frozen=True)
class MentorRequestView:
    id: int
    version: int
    relative_id: RelativeId
    stage: MentorStage
    languages: tuple[str, ...]
    slots: tuple[TimeSlot, ...]
    modes: tuple[ContactMode, ...]
    gender: Gender
    gender_preference: GenderPreference
    contact_consent: bool
    requested_at: datetime
    waiting: bool  # open, and no open match
    closed: bool = False  # no longer wants a mentor


@dataclass(frozen=True)
class SuggestionView:
    mentor_id: int
    mentor_relative_id: RelativeId
    mentor_name: str
    score: float
    criteria: tuple[CriterionScore, ...]
    deciding: tuple[Criterion, ...]


@dataclass(frozen=True)
class SuggestionsView:
    relative_id: RelativeId
    top: tuple[SuggestionView, ...]
    considered: int
    excluded: tuple[tuple[HardRule, int], ...]

    @property
    def excluded_total(self) -> int:
        return sum(n for _rule, n in self.excluded)


@dataclass(frozen=True)
class ProposalView:
    """One pair of the optimal assignment, for the advisor to review before saving."""

    mentee_id: RelativeId
    mentee_name: str
    mentor_id: int
    mentor_relative_id: RelativeId
    mentor_name: str
    score: float


@dataclass(frozen=True)
class AssignmentView:
    proposals: tuple[ProposalView, ...]
    unassigned: tuple[tuple[RelativeId, str], ...]
    total: float
    greedy_total: float
    mentors: int
    seconds: float


@dataclass(frozen=True)
class ContactView:
    name: str
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class ReviewView:
    id: int
    reviewed_on: date
    mentor_satisfaction: int | None
    mentee_satisfaction: int | None
    note: str | None


@dataclass(frozen=True)
class MatchView:
    id: int
    version: int
    status: MatchStatus
    mentor_id: int
    mentor_relative_id: RelativeId
    mentor_name: str
    mentee_id: RelativeId
    mentee_name: str
    score: float
    deciding: tuple[Criterion, ...]
    proposed_at: datetime
    mentor_accepted_at: datetime | None
    mentee_accepted_at: datetime | None
    first_meeting_on: date | None
    frequency: MeetingFrequency | None
    next_review_on: date | None
    ended_at: datetime | None
    end_reason: EndReason | None
    outcome: MatchOutcome | None
    end_note: str | None
    reviews: tuple[ReviewView, ...]
    # The other side's contact details: only while the match is accepted or active and both
    # have consented to share them; a withdrawn consent hides them at once.
    mentor_contact: ContactView | None
    mentee_contact: ContactView | None


@dataclass(frozen=True)
class MentoringView:
    """A relative's mentoring: as a mentor (profile), as a mentee (request), and matches."""

    relative_id: RelativeId
    mentor: MentorView | None
    request: MentorRequestView | None
    matches: tuple[MatchView, ...]  # as mentee and as mentor, open first, newest first


# The review reminder is a follow-up like any other: its text is data, written in the
# language of the one who records it (the window passes its translation).
REVIEW_REMINDER_DA = "Mentoropfølgning: spørg begge, hvordan det går"


@dataclass(frozen=True)
class ActivateInput:
    first_meeting_on: date
    frequency: MeetingFrequency
    review_on: date
    reminder: str = REVIEW_REMINDER_DA


@dataclass(frozen=True)
class ReviewInput:
    reviewed_on: date
    mentor_satisfaction: int | None
    mentee_satisfaction: int | None
    note: str | None = None
    next_review_on: date | None = None
    reminder: str = REVIEW_REMINDER_DA


@dataclass(frozen=True)
class EndInput:
    reason: EndReason
    outcome: MatchOutcome = MatchOutcome.UNKNOWN
    note: str | None = None


# ---- plain-language explanations (window and command line alike) ----------------------------
def criterion_line(score: CriterionScore, gettext: Callable[[str], str]) -> str:
    """ "Condition: Same condition (23.1 of 23.1 points)", in the user's language."""
    params = dict(score.params)
    reason = gettext(score.reason).format(**params)
    return gettext("{criterion}: {reason} ({points} of {max} points)").format(
        criterion=gettext(MENTORING_LABELS[score.criterion]),
        reason=reason,
        points=f"{score.points:.1f}",
        max=f"{score.max_points:.1f}",
    )


def deciding_line(deciding: tuple[Criterion, ...], gettext: Callable[[str], str]) -> str:
    if not deciding:
        return gettext("Decided by: nothing stood out")
    names = ", ".join(gettext(MENTORING_LABELS[c]) for c in deciding)
    return gettext("Decided by: {names}").format(names=names)


def excluded_line(
    excluded: tuple[tuple[HardRule, int], ...],
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
) -> str:
    """ "12 excluded: 7 no shared language, 3 paused, 2 no free place"."""
    total = sum(n for _rule, n in excluded)
    if not total:
        return gettext("No mentor was excluded by the rules.")
    parts = ", ".join(f"{n} {gettext(MENTORING_LABELS[rule])}" for rule, n in excluded)
    return ngettext("{n} excluded: {parts}", "{n} excluded: {parts}", total).format(
        n=total, parts=parts
    )
