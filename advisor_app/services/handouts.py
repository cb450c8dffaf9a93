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

The offers chosen come from the referrals (services/offers.py) at the version referred, the
relief from the relief arrangements (services/relief.py), the mentor's contact from the
mentor matching (services/mentors.py) under its own two consents; bookings are built
elsewhere, and ``next_meeting`` returns nothing until they land.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
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
    OfferKind,
    ReferralStatus,
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
    OfferItem,
    ReliefItem,
    WellbeingPoint,
    WellbeingTrend,
    from_json,
    to_json,
)
from advisor_app.domain.labels import LABELS
from advisor_app.domain.mentoring import MatchStatus
from advisor_app.domain.offers import KIND_LABELS, OfferContent
from advisor_app.domain.permissions import Permission
from advisor_app.domain.relief import RELIEF_LABELS
from advisor_app.domain.relief_schedule import ZONE
from advisor_app.domain.rules import consent_status
from advisor_app.i18n import catalog
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
from advisor_app.services.mentors import match_with_contact
from advisor_app.services.offers import referrals_of
from advisor_app.services.relief import occurrences_in
from advisor_app.services.settings import MunicipalSettings, read_settings

ENTITY = "handout"
HandoutId = NewType("HandoutId", int)
TREND_POINTS = 12
HISTORY_LIMIT = 200
SHA256_LENGTH = 64
RELIEF_WEEKS = 4
DAY = timedelta(days=1)
# Referrals the relative still acts on; completed, stopped and declined ones are history.
SHOWN_REFERRALS = frozenset({ReferralStatus.REFERRED, ReferralStatus.STARTED})
# A match accepted by both is about to start: its contact lets them arrange the first meeting.
HANDOUT_MATCH_STATUSES = (MatchStatus.ACTIVE, MatchStatus.ACCEPTED)

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
    """The offers chosen for the relative, grouped by need (the offer's kind, in the
    catalogue's order, its name in the recipient's language), each at the exact version the
    referral points at: a later edit of the offer never changes what the handout says.

    Referrals still to be taken up or under way (referred, started) are shown; completed,
    stopped and declined ones are history the relative has no use for on paper. An offer
    referred to more than once is shown once, at its newest referral's version."""
    gettext = catalog(language).gettext
    newest: dict[int, OfferContent] = {}
    version_of: dict[int, int] = {}
    for referral in referrals_of(session, relative_id):  # newest first
        if referral.status not in SHOWN_REFERRALS or referral.offer.offer_id in newest:
            continue
        newest[referral.offer.offer_id] = referral.offer.content
        version_of[referral.offer.offer_id] = referral.offer.version_id
    groups: list[OfferGroup] = []
    for kind in OfferKind:
        chosen = sorted(
            (content.title, version_of[offer_id], content)
            for offer_id, content in newest.items()
            if content.kind is kind
        )
        if chosen:
            groups.append(
                OfferGroup(
                    gettext(KIND_LABELS[kind]),
                    tuple(_offer_item(content, version) for _t, version, content in chosen),
                )
            )
    return tuple(groups)


def _offer_item(content: OfferContent, version_id: int) -> OfferItem:
    where = content.where
    if content.address and content.address not in where:
        where = f"{where}\n{content.address}"
    return OfferItem(
        title=content.title,
        what=content.what,
        who=content.who,
        where=where,
        when=content.when,
        how=content.how,
        contact=content.contact,
        link=content.link,
        version_id=version_id,
    )


def relief_in_coming_weeks(
    session: Session, relative_id: int, today: date, variant: HandoutVariant
) -> tuple[ReliefItem, ...]:
    """Relief occurrences (aflastning/afløsning) from today through the coming
    ``RELIEF_WEEKS`` weeks, of the arrangements granted or active: cancelled dates are left
    out, and public holidays where the arrangement skips them (relief/relief_schedule).
    Times are Copenhagen wall-clock times, the kind an English source label the renderer
    translates.

    No consent is needed: this is the relative's own relief, and an item names neither the
    citizen nor their health (kind, provider and time only, as the calendar file). A child's
    handout leaves out who provides it (a third party's details)."""
    relative = session.get(Relative, relative_id)
    if relative is None:
        return ()
    last = today + timedelta(weeks=RELIEF_WEEKS) - timedelta(days=1)
    items: list[ReliefItem] = []
    for occ in occurrences_in(session, relative_id, today, last, relative.language.value):
        start, end = occ.start.astimezone(ZONE), occ.end.astimezone(ZONE)
        items.append(
            ReliefItem(
                day=start.date(),
                starts=start.time().replace(tzinfo=None),
                ends=end.time().replace(tzinfo=None),
                kind=RELIEF_LABELS[occ.kind],
                provider="" if variant is HandoutVariant.CHILD else occ.provider_name,
                until=_until(start, end),
            )
        )
    return tuple(items)


def _until(start: datetime, end: datetime) -> date | None:
    """The day a stay ends when it is not the day it began (an evening that ends at
    midnight is not a stay)."""
    ends_on = end.date()
    if ends_on == start.date() or (end.time() == time(0) and ends_on - start.date() == DAY):
        return None
    return ends_on


def mentor_contact(session: Session, relative_id: int) -> MentorItem | None:
    """The mentor's name, phone and e-mail while the relative's match is active (or accepted
    by both and about to start) and both have consented to share contact details; a withdrawn
    consent hides it on the next handout."""
    match = match_with_contact(session, relative_id, HANDOUT_MATCH_STATUSES)
    if match is None or match.mentor_contact is None:
        return None
    contact = match.mentor_contact
    return MentorItem(contact.name, contact.phone or "", contact.email or "")


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
            relief=relief_in_coming_weeks(session, relative_id, today, chosen),
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
