"""The tables. Types are decided once in ``Base.type_annotation_map``; constraint names come
from the naming convention so migrations are deterministic on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    CheckInMode,
    Condition,
    ConsentMethod,
    ConsentScope,
    EmploymentStatus,
    Language,
    LegalFramework,
    OfferKind,
    ParticipantKind,
    Purpose,
    ReferralStatus,
    RelationType,
    Role,
    SessionForm,
)
from advisor_app.domain.handout import HandoutDelivery, HandoutVariant
from advisor_app.domain.mentoring import (
    EndReason,
    Gender,
    GenderPreference,
    MatchOutcome,
    MatchStatus,
    MeetingFrequency,
    MentorStage,
)
from advisor_app.persistence.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        str: String(255),
        enum.Enum: Enum(
            enum.Enum,
            native_enum=False,
            create_constraint=True,
            length=40,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
    }


class Versioned:
    """Optimistic concurrency: an UPDATE whose version no longer matches fails (ConflictError)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Advisor(Base):
    __tablename__ = "advisor"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # argon2id (PHC string) on a workstation database; NULL on a team database, where each
    # user signs in as their own PostgreSQL login and the program keeps no password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]


class CitizenCondition(Base):
    __tablename__ = "citizen_condition"

    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizen.id", ondelete="CASCADE"), primary_key=True
    )
    condition: Mapped[Condition] = mapped_column(primary_key=True)


class Citizen(Versioned, Base):
    """The person cared for (nærtstående, borger)."""

    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    cpr: Mapped[str | None] = mapped_column(String(10), unique=True)
    birth_date: Mapped[date | None]
    birth_year: Mapped[int | None]
    legal_framework: Mapped[LegalFramework]
    search_key: Mapped[str] = mapped_column(String(400), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    conditions: Mapped[list[CitizenCondition]] = relationship(
        cascade="all, delete-orphan", order_by=CitizenCondition.condition
    )
    relations: Mapped[list[CareRelation]] = relationship(back_populates="citizen")


class Relative(Versioned, Base):
    """The person the advisor supports (pårørende), adult or child."""

    __tablename__ = "relative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    postcode: Mapped[str | None] = mapped_column(String(4))
    birth_year: Mapped[int | None]
    language: Mapped[Language]
    employment: Mapped[EmploymentStatus]
    interests: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(String(800))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    relations: Mapped[list[CareRelation]] = relationship(back_populates="relative")


class CareRelation(Versioned, Base):
    """Relative <-> citizen, designated by the citizen (relation)."""

    __tablename__ = "care_relation"
    __table_args__ = (
        UniqueConstraint("relative_id", "citizen_id"),
        CheckConstraint(
            "hours_per_week IS NULL OR (hours_per_week >= 0 AND hours_per_week <= 168)",
            name="hours",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), index=True
    )
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizen.id", ondelete="CASCADE"), index=True
    )
    relation_type: Mapped[RelationType]
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    designated_by_citizen: Mapped[bool] = mapped_column(Boolean, default=False)

    relative: Mapped[Relative] = relationship(back_populates="relations")
    citizen: Mapped[Citizen] = relationship(back_populates="relations")
    consents: Mapped[list[Consent]] = relationship(
        back_populates="relation", order_by="Consent.given_on"
    )


class Consent(Versioned, Base):
    """What the citizen lets the municipality share with this relative (samtykke)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    relation_id: Mapped[int] = mapped_column(
        ForeignKey("care_relation.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[ConsentScope]
    method: Mapped[ConsentMethod]
    given_on: Mapped[date]
    expires_on: Mapped[date | None]
    withdrawn_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    relation: Mapped[CareRelation] = relationship(back_populates="consents")


class Case(Base):
    """A relative's course with the advisor (forløb): opened, closed; retention counts from closure."""

    __tablename__ = "advice_case"
    # One open course per relative, enforced by the database: two first sessions saved at the
    # same moment on a team database opened two (sessions.open_case takes the colleague's).
    __table_args__ = (
        Index(
            "uq_advice_case_open_relative",
            "relative_id",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


session_topic = Table(
    "session_topic",
    Base.metadata,
    Column("session_id", ForeignKey("advisory_session.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True, index=True),
)


class Topic(Base):
    """A session topic, seeded from the two policies' goals and themes; data, not code."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label_da: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AdvisorySession(Versioned, Base):
    """A meeting (vejledningssamtale). Anonymous ones (SEL § 10 stk. 2) have no case."""

    __tablename__ = "advisory_session"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration"),
        CheckConstraint("anonymous OR case_id IS NOT NULL", name="case_unless_anonymous"),
        CheckConstraint("NOT anonymous OR case_id IS NULL", name="anonymous_no_case"),
        Index("ix_advisory_session_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("advice_case.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    started_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    form: Mapped[SessionForm]
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    topics: Mapped[list[Topic]] = relationship(secondary=session_topic, order_by=Topic.sort_order)
    participants: Mapped[list[Participant]] = relationship(cascade="all, delete-orphan")
    actions: Mapped[list[Action]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class Participant(Base):
    """Who came: a registered relative, the citizen, or someone described in words."""

    __tablename__ = "session_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("advisory_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ParticipantKind]
    relative_id: Mapped[int | None] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), index=True
    )
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"))
    description: Mapped[str | None] = mapped_column(String(200))


ACTION_ONE_OWNER = (
    "(CASE WHEN session_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN check_in_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN mentor_match_id IS NULL THEN 0 ELSE 1 END) = 1"
)


class Action(Versioned, Base):
    """A follow-up (aftale, opfølgning) agreed in a session, taken up from the next steps a
    check-in suggested, or a mentor match's review reminder: exactly one owner is set."""

    __tablename__ = "follow_up_action"
    __table_args__ = (
        Index("ix_follow_up_action_open_due", "status", "due_on"),
        CheckConstraint(ACTION_ONE_OWNER, name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisory_session.id", ondelete="CASCADE"), index=True
    )
    check_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_in.id", ondelete="CASCADE"), index=True
    )
    mentor_match_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor_match.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus]
    completed_at: Mapped[datetime | None]
    # Who sees it under "mine": the advisor who agreed it, changeable (NULL: nobody's yet).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("advisor.id"), index=True)

    session: Mapped[AdvisorySession | None] = relationship(back_populates="actions")


class CheckIn(Versioned, Base):
    """A wellbeing check-in ("hvordan har du det?", CheckIn): one instrument's answers, kept
    item by item with the instrument's id and version, never only the total; plus, for an
    adult, the own-life questions. ``prompts`` records what the check-in called for when it
    was saved (codes such as ``score_50,drop``): the follow-up list reads it."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint("raw IS NULL OR raw >= 0", name="raw"),
        Index("ix_check_in_case_taken", "case_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("advice_case.id", ondelete="CASCADE"))
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    taken_at: Mapped[datetime]
    mode: Mapped[CheckInMode]
    language: Mapped[Language]
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(40))
    raw: Mapped[int | None]
    score: Mapped[int | None]
    band: Mapped[str | None] = mapped_column(String(40))
    prompts: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    answers: Mapped[list[CheckInAnswer]] = relationship(
        cascade="all, delete-orphan",
        order_by=lambda: [CheckInAnswer.instrument_id, CheckInAnswer.position],
    )


class CheckInAnswer(Base):
    """One item's answer: a value on the instrument's scale, or free text."""

    __tablename__ = "check_in_answer"
    __table_args__ = (
        CheckConstraint("value IS NOT NULL OR text IS NOT NULL", name="value_or_text"),
    )

    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("check_in.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    instrument_version: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)


class InstrumentText(Base):
    """Item text of a licensed instrument, loaded by a municipality that holds the licence
    (the program ships score-entry shells only). Kept in the database so a team shares it."""

    __tablename__ = "instrument_text"

    instrument_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[int] = mapped_column(ForeignKey("advisor.id"))


class AuditEvent(Base):
    """One row for every read, search, create, change, export, print and delete of personal
    data, and every refusal and sign-in, written in the same transaction as the work
    (Datatilsynet, GDPR art. 9). A hash chain (domain/audit_chain.py): ``id`` is given out
    by the program (the head's id + 1 under the chain's lock), ``prev_hash`` is the previous
    event's ``hash``, and ``hash`` covers this row's content."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisor.id"), index=True)
    username: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role | None]
    purpose: Mapped[Purpose | None]
    action: Mapped[AuditAction]
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(index=True)
    relative_id: Mapped[int | None] = mapped_column(index=True)
    search_term: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Offer(Versioned, Base):
    """An offer in the catalogue (tilbud, Offer): a stable id whose content lives in
    immutable versions; ``current_number`` names the one in force. Not personal data."""

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    current_number: Mapped[int]
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class OfferVersion(Base):
    """One version of an offer's content, never changed once written: a referral (and a
    handout) points at the exact version it showed. Conditions and relatives are codes of
    their vocabularies joined by commas, checked by the domain (domain/offers.py)."""

    __tablename__ = "offer_version"
    __table_args__ = (
        UniqueConstraint("offer_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint(
            "valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to", name="valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[OfferKind]
    title: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(Text)  # "where"
    timing: Mapped[str] = mapped_column(Text)  # "when"
    how: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(String(400))
    audiences: Mapped[str] = mapped_column(String(400))
    contact: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    legal_basis: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("advisor.id"))


class OfferReferral(Versioned, Base):
    """A relative referred to an offer (henvisning): to the exact version the advisor
    showed, with where it stands and how it went. Case content."""

    __tablename__ = "offer_referral"
    __table_args__ = (Index("ix_offer_referral_case_referred", "case_id", "referred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("advice_case.id", ondelete="CASCADE"))
    offer_version_id: Mapped[int] = mapped_column(ForeignKey("offer_version.id"), index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    referred_on: Mapped[date]
    status: Mapped[ReferralStatus]
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# ---- mentor matching (mentorpårørende) ------------------------------------------------------
class Mentor(Versioned, Base):
    """A relative who mentors new relatives (mentorpårørende, Mentor). Set-valued fields
    (languages, conditions, slots, ways to meet, interests) are comma-separated codes: they
    are read whole, never queried by value. Consents are the time given, NULL when not
    given or withdrawn (the access log keeps the history)."""

    __tablename__ = "mentor"
    __table_args__ = (
        CheckConstraint("capacity >= 1 AND capacity <= 10", name="capacity"),
        CheckConstraint("stage <> 'bereaved' OR bereaved_since IS NOT NULL", name="bereaved_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), unique=True
    )
    mentor_consent_at: Mapped[datetime | None]
    contact_consent_at: Mapped[datetime | None]
    trained_on: Mapped[date | None]
    stage: Mapped[MentorStage]
    bereaved_since: Mapped[date | None]
    relation_type: Mapped[RelationType]
    conditions: Mapped[str] = mapped_column(String(400), default="")
    languages: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(4))
    slots: Mapped[str] = mapped_column(String(100))
    modes: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int]
    gender: Mapped[Gender]
    gender_preference: Mapped[GenderPreference]
    interests: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MentorRequest(Versioned, Base):
    """A relative waiting for a mentor: what they need. Their conditions and relation come
    from their care relations; they wait while no match of theirs is open."""

    __tablename__ = "mentor_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), unique=True
    )
    stage: Mapped[MentorStage]
    languages: Mapped[str] = mapped_column(String(100))
    slots: Mapped[str] = mapped_column(String(100))
    modes: Mapped[str] = mapped_column(String(100))
    gender: Mapped[Gender]
    gender_preference: Mapped[GenderPreference]
    contact_consent_at: Mapped[datetime | None]
    requested_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]  # no longer wants a mentor


class MentorMatch(Versioned, Base):
    """A mentor and a relative (MentorMatch): proposed -> accepted by both -> active ->
    ended with a reason and outcome. It belongs to the mentee's course (``case_id``), so its
    review reminders are follow-ups of that relative."""

    __tablename__ = "mentor_match"
    __table_args__ = (
        CheckConstraint("status <> 'ended' OR end_reason IS NOT NULL", name="ended_with_reason"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        Index("ix_mentor_match_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(
        ForeignKey("relative.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("advice_case.id", ondelete="CASCADE"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    status: Mapped[MatchStatus]
    score: Mapped[float] = mapped_column(Float)
    deciding: Mapped[str] = mapped_column(String(200), default="")
    proposed_at: Mapped[datetime]
    mentor_accepted_at: Mapped[datetime | None]
    mentee_accepted_at: Mapped[datetime | None]
    first_meeting_on: Mapped[date | None]
    frequency: Mapped[MeetingFrequency | None]
    next_review_on: Mapped[date | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[EndReason | None]
    outcome: Mapped[MatchOutcome | None]
    end_note: Mapped[str | None] = mapped_column(Text)

    reviews: Mapped[list[MentorReview]] = relationship(
        cascade="all, delete-orphan", order_by="MentorReview.reviewed_on"
    )


class MentorReview(Base):
    """A review of a match: a short satisfaction check from both sides (1-5)."""

    __tablename__ = "mentor_review"
    __table_args__ = (
        CheckConstraint(
            "mentor_satisfaction IS NULL OR (mentor_satisfaction >= 1 AND mentor_satisfaction <= 5)",
            name="mentor_satisfaction",
        ),
        CheckConstraint(
            "mentee_satisfaction IS NULL OR (mentee_satisfaction >= 1 AND mentee_satisfaction <= 5)",
            name="mentee_satisfaction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_match.id", ondelete="CASCADE"), index=True
    )
    reviewed_on: Mapped[date]
    mentor_satisfaction: Mapped[int | None]
    mentee_satisfaction: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


# ---- municipal settings and handouts -----------------------------------------------------
class MunicipalSetting(Versioned, Base):
    """One of the municipality's settings (domain/settings.py says which keys exist and how
    each is typed): its name, logo, the contact line on handouts. No personal data."""

    __tablename__ = "municipal_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_value: Mapped[str | None] = mapped_column(Text)
    blob_value: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("advisor.id"))


class HandoutRecord(Base):
    """A handout given to a relative (udleveringsark): who made it and when, how, in which
    variant and language, exactly what it said (domain/handout.py's JSON, the offer versions
    included) and the SHA-256 of the PDF, so printing it again can prove the same bytes.
    A record is never changed."""

    __tablename__ = "handout"
    __table_args__ = (Index("ix_handout_relative_made", "relative_id", "made_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relative.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisory_session.id", ondelete="SET NULL"), index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id"))
    made_at: Mapped[datetime]
    variant: Mapped[HandoutVariant]
    language: Mapped[Language]
    delivery: Mapped[HandoutDelivery]
    content: Mapped[str] = mapped_column(Text)  # the content JSON, the logo left out
    logo_sha256: Mapped[str | None] = mapped_column(ForeignKey("handout_logo.sha256"))
    omitted: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))


class HandoutLogo(Base):
    """A logo printed on handouts, kept once by its SHA-256 however many handouts carry it
    (a record must reprint with the logo it had, and a logo in every record's JSON would
    be hundreds of kilobytes a handout)."""

    __tablename__ = "handout_logo"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


# Capabilities with tables of their own keep them in their own modules; importing them here
# puts them in Base.metadata wherever the models are used (Alembic, the grants, the bulk writer).
from advisor_app.persistence import booking_models as booking_models  # noqa: E402
from advisor_app.persistence import correction_models as correction_models  # noqa: E402
from advisor_app.persistence import relief_models as relief_models  # noqa: E402
