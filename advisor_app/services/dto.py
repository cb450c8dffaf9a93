"""What services take (``*Input``) and give back (``*View``, ``*Row``): frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NewType

from advisor_app.domain.enums import (
    ActionStatus,
    CheckInMode,
    Condition,
    ConsentMethod,
    ConsentScope,
    ConsentStatus,
    EmploymentStatus,
    Language,
    LegalFramework,
    ParticipantKind,
    RelationType,
    SessionForm,
)
from advisor_app.domain.instruments import Instrument, Prompt
from advisor_app.services.instruments import InstrumentRegistry

RelativeId = NewType("RelativeId", int)
CitizenId = NewType("CitizenId", int)
RelationId = NewType("RelationId", int)
ConsentId = NewType("ConsentId", int)
SessionId = NewType("SessionId", int)
ActionId = NewType("ActionId", int)
TopicId = NewType("TopicId", int)
CheckInId = NewType("CheckInId", int)


# ---- inputs -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RelativeInput:
    name: str
    phone: str | None = None
    email: str | None = None
    postcode: str | None = None
    birth_year: int | None = None
    language: Language = Language.DANISH
    employment: EmploymentStatus = EmploymentStatus.UNKNOWN
    interests: str | None = None


@dataclass(frozen=True)
class CitizenInput:
    name: str
    cpr: str | None = None
    birth_year: int | None = None
    legal_framework: LegalFramework = LegalFramework.UNDETERMINED
    conditions: tuple[Condition, ...] = ()
    #: On an update: an empty ``cpr`` keeps the stored number (which is never shown in
    #: full, so a form cannot send it back); with ``keep_cpr`` False it removes it.
    keep_cpr: bool = False


@dataclass(frozen=True)
class RelationInput:
    relation_type: RelationType
    hours_per_week: float | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    designated_by_citizen: bool = True


@dataclass(frozen=True)
class ConsentInput:
    scope: ConsentScope
    method: ConsentMethod
    given_on: date
    expires_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class ParticipantInput:
    kind: ParticipantKind
    relative_id: int | None = None
    citizen_id: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: date | None = None


@dataclass(frozen=True)
class SessionInput:
    """A session for ``relative_id``, or an anonymous one (relative_id None, anonymous True)."""

    relative_id: int | None
    started_at: datetime
    duration_minutes: int
    form: SessionForm
    topic_ids: tuple[int, ...] = ()
    notes: str = ""
    anonymous: bool = False
    participants: tuple[ParticipantInput, ...] = ()
    actions: tuple[ActionInput, ...] = ()


# ---- views --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicView:
    id: TopicId
    code: str
    label_da: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_da if language == "da" else self.label_en


@dataclass(frozen=True)
class RelativeRow:
    """One line of the relatives list."""

    id: RelativeId
    name: str
    phone: str | None
    postcode: str | None
    citizens: str
    is_child: bool
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class SearchResult:
    rows: tuple[RelativeRow, ...]
    total: int
    query: str  # as run: shortened to the first words when it was too long
    shortened: bool = False


@dataclass(frozen=True)
class CitizenView:
    id: CitizenId
    version: int
    name: str
    cpr_masked: str | None
    birth_date: date | None
    birth_year: int | None
    legal_framework: LegalFramework
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class ConsentView:
    id: ConsentId
    version: int
    scope: ConsentScope
    method: ConsentMethod
    given_on: date
    expires_on: date | None
    withdrawn_at: datetime | None
    note: str | None
    status: ConsentStatus


@dataclass(frozen=True)
class RelationView:
    id: RelationId
    version: int
    citizen: CitizenView
    relation_type: RelationType
    hours_per_week: float | None
    starts_on: date | None
    ends_on: date | None
    designated_by_citizen: bool
    consents: tuple[ConsentView, ...]


@dataclass(frozen=True)
class ActionView:
    id: ActionId
    version: int
    session_id: SessionId | None
    description: str
    due_on: date | None
    status: ActionStatus
    completed_at: datetime | None
    overdue: bool
    relative_id: RelativeId | None = None
    relative_name: str | None = None
    check_in_id: CheckInId | None = None
    mentor_match_id: int | None = None  # a mentor match's review reminder
    owner_id: int | None = None  # the advisor who agreed it ("mine")


@dataclass(frozen=True)
class RelativeDetail:
    id: RelativeId
    version: int
    name: str
    phone: str | None
    email: str | None
    postcode: str | None
    birth_year: int | None
    age: int | None
    is_child: bool
    language: Language
    employment: EmploymentStatus
    interests: str | None
    relations: tuple[RelationView, ...]
    open_actions: tuple[ActionView, ...]
    case_opened_at: datetime | None
    session_count: int

    def as_input(self) -> RelativeInput:
        return RelativeInput(
            name=self.name,
            phone=self.phone,
            email=self.email,
            postcode=self.postcode,
            birth_year=self.birth_year,
            language=self.language,
            employment=self.employment,
            interests=self.interests,
        )


@dataclass(frozen=True)
class ParticipantView:
    kind: ParticipantKind
    label: str
    relative_id: RelativeId | None = None
    citizen_id: CitizenId | None = None


@dataclass(frozen=True)
class SessionView:
    id: SessionId
    version: int
    relative_id: RelativeId | None
    started_at: datetime
    duration_minutes: int
    form: SessionForm
    anonymous: bool
    notes: str
    advisor_name: str
    topics: tuple[TopicView, ...] = field(default_factory=tuple)
    participants: tuple[ParticipantView, ...] = field(default_factory=tuple)
    actions: tuple[ActionView, ...] = field(default_factory=tuple)
    corrected_at: datetime | None = None  # the latest correction, when there is one
    corrected_by: str = ""


# ---- check-ins ----------------------------------------------------------------------------
@dataclass(frozen=True)
class InstrumentAnswers:
    """Answers to one instrument as a form gives them: the scale items in order (numbers, or
    text the service checks), and the free-text items in order ("" when left empty)."""

    instrument_id: str
    values: tuple[object, ...]
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckInInput:
    """A check-in for ``relative_id``: the scored instrument's answers, every one required,
    and for an adult the own-life questions, where any may be left unanswered (None)."""

    relative_id: int
    main: InstrumentAnswers
    own_life: InstrumentAnswers | None = None
    mode: CheckInMode = CheckInMode.INTERVIEW
    language: Language = Language.DANISH
    taken_at: datetime | None = None  # None: now


@dataclass(frozen=True)
class AnswerView:
    instrument_id: str
    item_id: str
    value: int | None
    text: str | None


@dataclass(frozen=True)
class CheckInView:
    id: CheckInId
    relative_id: RelativeId
    taken_at: datetime
    mode: CheckInMode
    language: Language
    instrument_id: str
    instrument_version: str
    raw: int | None
    score: int | None
    band: str | None
    prompts: tuple[str, ...]
    answers: tuple[AnswerView, ...]
    advisor_name: str
    #: The signed change since the previous check-in with the same instrument when it is
    #: significant (WHO-5: 10 points or more), else None.
    change: int | None = None
    version: int = 0
    corrected_at: datetime | None = None  # the latest correction, when there is one
    corrected_by: str = ""

    def answer(self, instrument_id: str, item_id: str) -> AnswerView | None:
        for answer in self.answers:
            if answer.instrument_id == instrument_id and answer.item_id == item_id:
                return answer
        return None


@dataclass(frozen=True)
class CheckInResult:
    """What the advisor sees on saving: the check-in and the prompts to act on."""

    check_in: CheckInView
    prompts: tuple[Prompt, ...]
    previous_score: int | None


@dataclass(frozen=True)
class InstrumentChoice:
    """The instruments a check-in for this relative may use, the default first."""

    instruments: tuple[Instrument, ...]
    own_life: Instrument | None
    is_child: bool


@dataclass(frozen=True)
class CheckInDueRow:
    """A relative whose latest check-in calls for follow-up, or is older than the period."""

    relative_id: RelativeId
    relative_name: str
    check_in_id: CheckInId
    taken_at: datetime
    instrument_id: str
    score: int | None
    band: str | None
    prompts: tuple[str, ...]
    too_old: bool


@dataclass(frozen=True)
class RelativePageView:
    """Everything the relative's page shows, read in one call, one transaction, one READ."""

    detail: RelativeDetail
    sessions: tuple[SessionView, ...]
    check_ins: tuple[CheckInView, ...]
    follow_ups: tuple[ActionView, ...]  # every follow-up, from sessions and check-ins
    registry: InstrumentRegistry
