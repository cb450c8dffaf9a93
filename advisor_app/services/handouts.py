"""Handouts (udleveringsark): what goes on the paper a relative takes home, under the consent
gate, and the record of every handout given.

The service and the renderer are siblings (the services never import ``reports``): the
service composes the content as plain data (domain/handout.py), the UI or the command line
renders it (reports/handout_pdf.py) and hands back the PDF's SHA-256 to ``record``. Printing
again fetches the recorded content, which renders to the same bytes.

The consent gate: anything about the citizen (name, relation, illness, and the help lines
chosen by illness) goes in only with a consent in force on that relation that covers health
information (ConsentScope.HEALTH_INFORMATION); general information (where to turn, the
advisor's contact) needs none. What the gate leaves out is said in ``HandoutDraft.omitted``
for the advisor, and the handout is made without it.

Offers, relief, mentors and bookings are built elsewhere: each has its own function below
that returns nothing until it lands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any, NewType

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain.contact import is_child
from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    ConsentScope,
    ConsentStatus,
    Language,
)
from advisor_app.domain.errors import N_, NotFoundError, ValidationError
from advisor_app.domain.handout import (
    AdvisorItem,
    CitizenItem,
    FollowUpItem,
    Handout,
    HandoutDelivery,
    HandoutVariant,
    HelpLine,
    MeetingItem,
    MentorItem,
    OfferGroup,
    ReliefItem,
    WellbeingPoint,
    WellbeingTrend,
    from_json,
    to_json,
)
from advisor_app.domain.labels import LABELS
from advisor_app.domain.permissions import Permission
from advisor_app.domain.rules import consent_status
from advisor_app.locations import resource
from advisor_app.persistence.models import (
    Action,
    Advisor,
    AdvisorySession,
    CareRelation,
    Case,
    Citizen,
    HandoutLogo,
    Relative,
)
from advisor_app.persistence.models import HandoutRecord as HandoutRow
from advisor_app.services import follow_ups
from advisor_app.services.bookings import next_booking
from advisor_app.services.check_ins import check_in_history, load_registry
from advisor_app.services.common import get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.instruments import WHO5
from advisor_app.services.settings import MunicipalSettings, read_settings

ENTITY = "handout"
HandoutId = NewType("HandoutId", int)
TREND_POINTS = 12
HISTORY_LIMIT = 200
SHA256_LENGTH = 64

NO_HEALTH_CONSENT = N_(
    "Nothing about the citizen cared for is on the handout: no consent in force on the "
    "relation covers sharing health information with this relative."
)
CHILD_NO_HEALTH = N_(
    "A child's handout names no illness of the person cared for; the citizen's name and "
    "relation are on it."
)

_DELIVERY_ACTION = {
    HandoutDelivery.PRINTED: AuditAction.PRINT,
    HandoutDelivery.SAVED: AuditAction.EXPORT,
}


@dataclass(frozen=True)
class HandoutDraft:
    """A handout ready to render: its content and what the consent gate left out (English
    source messages, translated where shown)."""

    relative_id: int
    session_id: int | None
    handout: Handout
    omitted: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoutRecordView:
    id: HandoutId
    relative_id: int
    session_id: int | None
    made_at: datetime
    advisor_name: str
    variant: HandoutVariant
    language: Language
    delivery: HandoutDelivery
    sha256: str
    offer_version_ids: tuple[int, ...]


@dataclass(frozen=True)
class RecordedHandout:
    """A recorded handout for printing again: render ``handout``, expect ``sha256``."""

    record: HandoutRecordView
    handout: Handout


# ---- the sections ----------------------------------------------------------------------------
def agreed_follow_ups(
    session: Session, relative_id: int, session_id: int | None
) -> tuple[FollowUpItem, ...]:
    """The session's follow-ups, or, without a session, every open one of the relative."""
    if session_id is not None:
        where = Action.session_id == session_id
    else:
        where = follow_ups.of_relatives([relative_id]) & (Action.status == ActionStatus.OPEN)
    rows = session.scalars(
        select(Action)
        .where(where, Action.status != ActionStatus.CANCELLED)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return tuple(FollowUpItem(row.description, row.due_on) for row in rows)


def chosen_offers(session: Session, relative_id: int, language: str) -> tuple[OfferGroup, ...]:
    """The offers chosen for the relative, grouped by need, each at the version shown.
    Nothing yet: the offer catalogue and its referrals are not in this database."""
    return ()


def relief_in_coming_weeks(
    session: Session, relative_id: int, today: date
) -> tuple[ReliefItem, ...]:
    """Relief occurrences (aflastning/afløsning) of the coming weeks. Nothing yet: relief
    arrangements are not in this database."""
    return ()


def mentor_contact(session: Session, relative_id: int) -> MentorItem | None:
    """The mentor's contact when both have consented. None yet: mentor matching is not in
    this database."""
    return None


def next_meeting(session: Session, relative_id: int, now: datetime) -> MeetingItem | None:
    """The relative's next booked meeting (services/bookings.py): its time and its place (or
    the phone number or video link noted for it)."""
    booking = next_booking(session, relative_id, now)
    if booking is None:
        return None
    return MeetingItem(starts_at=booking.starts_at, place=booking.place)


def consented_citizens(
    session: Session, relative_id: int, today: date, variant: HandoutVariant
) -> tuple[tuple[CitizenItem, ...], tuple[str, ...], tuple[str, ...]]:
    """The citizens whose details may go on the handout, the conditions of those (for the
    help lines), and what was left out and why."""
    relations = session.scalars(
        select(CareRelation)
        .where(CareRelation.relative_id == relative_id)
        .options(
            selectinload(CareRelation.citizen).selectinload(Citizen.conditions),
            selectinload(CareRelation.consents),
        )
        .order_by(CareRelation.id)
    ).all()
    items: list[CitizenItem] = []
    conditions: list[str] = []
    omitted: list[str] = []
    for relation in relations:
        if relation.ends_on is not None and relation.ends_on < today:
            continue
        covered = any(
            consent.scope is ConsentScope.HEALTH_INFORMATION
            and consent_status(consent.given_on, consent.expires_on, consent.withdrawn_at, today)
            is ConsentStatus.ACTIVE
            for consent in relation.consents
        )
        if not covered:
            if NO_HEALTH_CONSENT not in omitted:
                omitted.append(NO_HEALTH_CONSENT)
            continue
        found = tuple(c.condition for c in relation.citizen.conditions)
        shown = () if variant is HandoutVariant.CHILD else tuple(LABELS[c] for c in found)
        if variant is HandoutVariant.CHILD and found and CHILD_NO_HEALTH not in omitted:
            omitted.append(CHILD_NO_HEALTH)
        items.append(CitizenItem(relation.citizen.name, LABELS[relation.relation_type], shown))
        conditions.extend(c.value for c in found)
    return tuple(items), tuple(dict.fromkeys(conditions)), tuple(omitted)


@cache
def _help_line_data() -> tuple[dict[str, Any], ...]:
    with resource("handouts", "help_lines.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["lines"])


def help_lines(
    language: str, variant: HandoutVariant, conditions: tuple[str, ...]
) -> tuple[HelpLine, ...]:
    """Where to turn: the general lines for the reader (adult or child), then those for the
    consented citizens' illnesses (the consent gate has already chosen ``conditions``)."""
    audience = "child" if variant is HandoutVariant.CHILD else "adult"
    general: list[HelpLine] = []
    specific: list[HelpLine] = []
    for line in _help_line_data():
        if line.get("for", "all") not in ("all", audience):
            continue
        condition = line.get("condition")
        if condition is not None and condition not in conditions:
            continue
        about = line.get("about", {})
        item = HelpLine(
            line["name"], line.get("phone", ""), line.get("link", ""), about.get(language, "")
        )
        target = general if condition is None else specific
        if item not in target and item not in general:
            target.append(item)
    return tuple(general + specific)


def wellbeing_trend(session: Session, relative_id: int, language: str) -> WellbeingTrend | None:
    """The last check-in scores of the relative's most used scored instrument."""
    registry = load_registry(session)
    history = [c for c in check_in_history(session, relative_id, registry) if c.score is not None]
    if len(history) < 2:
        return None
    counts: dict[str, int] = {}
    for check_in in history:
        counts[check_in.instrument_id] = counts.get(check_in.instrument_id, 0) + 1
    instrument_id = max(counts, key=lambda i: (counts[i], i == WHO5))
    points = [c for c in history if c.instrument_id == instrument_id][-TREND_POINTS:]
    if len(points) < 2:
        return None
    try:
        instrument = registry.get(instrument_id)
        name = instrument.name_in(language)
        scale_max = instrument.score_max or max(p.score or 0 for p in points)
    except ValidationError:
        name, scale_max = instrument_id, max(p.score or 0 for p in points)
    return WellbeingTrend(
        name,
        tuple(WellbeingPoint(p.taken_at.date(), p.score or 0) for p in points),
        scale_max,
    )


def _record_view(row: HandoutRow, advisor_name: str) -> HandoutRecordView:
    return HandoutRecordView(
        id=HandoutId(row.id),
        relative_id=row.relative_id,
        session_id=row.session_id,
        made_at=row.made_at,
        advisor_name=advisor_name,
        variant=row.variant,
        language=row.language,
        delivery=row.delivery,
        sha256=row.sha256,
        offer_version_ids=from_json(row.content).offer_version_ids,
    )


def _advisor_item(session: Session, advisor_id: int, settings: MunicipalSettings) -> AdvisorItem:
    name = session.scalar(select(Advisor.display_name).where(Advisor.id == advisor_id)) or ""
    return AdvisorItem(name, settings.contact_phone, settings.contact_email, settings.contact_line)


class HandoutService(Gated):
    @door(Permission.HANDOUTS)
    def compose(
        self,
        work: Work,
        relative_id: int,
        variant: HandoutVariant | None = None,
        language: Language | None = None,
        *,
        session_id: int | None = None,
        include_trend: bool = True,
    ) -> HandoutDraft:
        """The handout for a relative (after the session ``session_id`` when given): the
        variant defaults to the child's for a child relative, the language to the
        relative's own."""
        session = work.session
        relative = get_or_404(session, Relative, relative_id, "relative")
        today = work.today()
        if session_id is not None:
            meeting = get_or_404(session, AdvisorySession, session_id, "session")
            owner = session.scalar(select(Case.relative_id).where(Case.id == meeting.case_id))
            if owner != relative_id:
                raise ValidationError(N_("The session is not with this relative."))
        child = is_child(relative.birth_year, today)
        chosen = variant or (HandoutVariant.CHILD if child else HandoutVariant.STANDARD)
        lang = (language or relative.language).value
        settings = read_settings(session)
        citizens, conditions, omitted = consented_citizens(session, relative_id, today, chosen)
        handout = Handout(
            variant=chosen,
            language=lang,
            made_at=work.now(),
            municipality=settings.municipality,
            recipient=relative.name,
            logo=settings.logo,
            follow_ups=agreed_follow_ups(session, relative_id, session_id),
            offers=chosen_offers(session, relative_id, lang),
            relief=relief_in_coming_weeks(session, relative_id, today),
            mentor=mentor_contact(session, relative_id),
            next_meeting=next_meeting(session, relative_id, work.now()),
            advisor=_advisor_item(session, work.actor.advisor_id, settings),
            citizens=citizens,
            help_lines=help_lines(lang, chosen, conditions),
            trend=wellbeing_trend(session, relative_id, lang)
            if include_trend and chosen is not HandoutVariant.CHILD
            else None,
        )
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="compose")
        return HandoutDraft(relative_id, session_id, handout, omitted)

    @door(Permission.HANDOUTS)
    def record(
        self, work: Work, draft: HandoutDraft, sha256: str, delivery: HandoutDelivery
    ) -> HandoutRecordView:
        """Keep the handout as given (printed or saved) with the PDF's SHA-256."""
        digest = sha256.strip().lower()
        if len(digest) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in digest):
            raise ValidationError(N_("The PDF's checksum is not a SHA-256."))
        session = work.session
        get_or_404(session, Relative, draft.relative_id, "relative")
        handout = draft.handout
        logo_digest = _keep_logo(session, handout.logo, work.now())
        row = HandoutRow(
            relative_id=draft.relative_id,
            session_id=draft.session_id,
            advisor_id=work.actor.advisor_id,
            made_at=handout.made_at,
            variant=handout.variant,
            language=Language(handout.language),
            delivery=delivery,
            content=to_json(replace(handout, logo=None)),
            logo_sha256=logo_digest,
            omitted=",".join(sorted({_omission_code(o) for o in draft.omitted}))[:200],
            sha256=digest,
        )
        session.add(row)
        session.flush()
        work.log(AuditAction.CREATE, ENTITY, entity_id=row.id, relative_id=draft.relative_id)
        work.log(
            _DELIVERY_ACTION[delivery], ENTITY, entity_id=row.id, relative_id=draft.relative_id
        )
        name = session.scalar(
            select(Advisor.display_name).where(Advisor.id == work.actor.advisor_id)
        )
        return _record_view(row, name or "")

    @door(Permission.HANDOUTS)
    def history(self, work: Work, relative_id: int) -> tuple[HandoutRecordView, ...]:
        """The handouts given to a relative, the newest first."""
        session = work.session
        get_or_404(session, Relative, relative_id, "relative")
        rows = session.execute(
            select(HandoutRow, Advisor.display_name)
            .join(Advisor, Advisor.id == HandoutRow.advisor_id)
            .where(HandoutRow.relative_id == relative_id)
            .order_by(HandoutRow.made_at.desc(), HandoutRow.id.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        work.log(AuditAction.READ, ENTITY, relative_id=relative_id, detail="history")
        return tuple(_record_view(row, name) for row, name in rows)

    @door(Permission.HANDOUTS)
    def reprint(self, work: Work, handout_id: int, delivery: HandoutDelivery) -> RecordedHandout:
        """A recorded handout's exact content, to print (or save) again."""
        session = work.session
        row = get_or_404(session, HandoutRow, handout_id, "handout")
        name = session.scalar(select(Advisor.display_name).where(Advisor.id == row.advisor_id))
        work.log(
            _DELIVERY_ACTION[delivery],
            ENTITY,
            entity_id=row.id,
            relative_id=row.relative_id,
            detail="again",
        )
        handout = from_json(row.content)
        if row.logo_sha256 is not None:
            logo = session.get(HandoutLogo, row.logo_sha256)
            if logo is None:  # the foreign key keeps it; a missing one is a damaged database
                raise NotFoundError(N_("The record no longer exists; someone may have deleted it."))
            handout = replace(handout, logo=logo.data)
        return RecordedHandout(_record_view(row, name or ""), handout)


def _keep_logo(session: Session, logo: bytes | None, now: datetime) -> str | None:
    """The logo's SHA-256, the logo itself stored once under it."""
    if logo is None:
        return None
    digest = hashlib.sha256(logo).hexdigest()
    if session.get(HandoutLogo, digest) is None:
        session.add(HandoutLogo(sha256=digest, data=logo, created_at=now))
        session.flush()
    return digest


def _omission_code(message: str) -> str:
    return {NO_HEALTH_CONSENT: "citizen:no_consent", CHILD_NO_HEALTH: "citizen:child"}.get(
        message, "other"
    )
