"""The offer catalogue (tilbud, OfferCatalogue) and relatives' referrals to its offers.

Every change to an offer writes a new immutable ``offer_version``; saving content equal to
the version in force writes nothing, so importing a file just exported changes nothing. A
referral points at the version the advisor showed, so a later edit never rewrites what the
relative was told. The catalogue holds no personal data: reading it is not logged, changing
it is (an administrator's work). Referrals are case content, logged with the relative.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NewType

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.domain.enums import (
    AuditAction,
    Condition,
    OfferAudience,
    OfferKind,
    ReferralStatus,
)
from advisor_app.domain.errors import N_, ConflictError, ValidationError
from advisor_app.domain.offers import (
    CellProblem,
    OfferContent,
    ParsedRow,
    RowProblems,
    checked,
    clean_outcome,
)
from advisor_app.domain.permissions import Permission
from advisor_app.domain.text import search_tokens
from advisor_app.locations import resource
from advisor_app.persistence.models import (
    Advisor,
    Case,
    Offer,
    OfferReferral,
    OfferVersion,
    Relative,
)
from advisor_app.services.common import CHANGED_BY_OTHERS, get_or_404
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import RelativeId
from advisor_app.services.sessions import open_case

OfferId = NewType("OfferId", int)
OfferVersionId = NewType("OfferVersionId", int)
ReferralId = NewType("ReferralId", int)

OFFER = "offer"
CATALOGUE = "offer_catalogue"
REFERRAL = "offer_referral"
MAX_REFERRALS_AT_ONCE = 50


@dataclass(frozen=True, slots=True)
class OfferView:
    """An offer as one version shows it. ``version`` is the offer's concurrency token (pass
    it back to edit or retire); ``number`` is the content's version number (1, 2, ...)."""

    offer_id: OfferId
    version_id: OfferVersionId
    number: int
    version: int
    retired: bool
    content: OfferContent
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class OfferFilter:
    """An empty filter finds every offer in force today."""

    text: str = ""
    condition: Condition | None = None
    audience: OfferAudience | None = None
    kind: OfferKind | None = None
    area: str | None = None
    valid_on: date | None = None  # None: today
    include_retired: bool = False
    include_invalid: bool = False  # also offers not valid on the day


@dataclass(frozen=True, slots=True)
class ReferralView:
    id: ReferralId
    version: int
    relative_id: RelativeId
    referred_on: date
    status: ReferralStatus
    outcome: str
    advisor_name: str
    offer: OfferView  # the version referred to, as it was
    current_number: int  # the offer's version in force now (newer when it was edited since)


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class ImportRefused(ValidationError):
    """A catalogue file with bad rows: nothing was imported. ``rows`` says what and where."""

    def __init__(self, rows: Sequence[RowProblems]) -> None:
        super().__init__(
            N_("{count} row(s) of the file are wrong; nothing was imported."), count=len(rows)
        )
        self.rows = tuple(rows)


# ---- storage <-> content ------------------------------------------------------------------
def _split(text: str, enum: type[Any]) -> tuple[Any, ...]:
    return tuple(enum(v) for v in text.split(",") if v)


def content_of(row: OfferVersion) -> OfferContent:
    return OfferContent(
        kind=row.kind,
        title=row.title,
        what=row.what,
        who=row.who,
        where=row.place,
        when=row.timing,
        how=row.how,
        conditions=_split(row.conditions, Condition),
        audiences=_split(row.audiences, OfferAudience),
        contact=row.contact,
        address=row.address,
        area=row.area,
        link=row.link,
        legal_basis=row.legal_basis,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def version_row(
    offer_id: int, number: int, content: OfferContent, now: datetime, author: int | None
) -> OfferVersion:
    return OfferVersion(
        offer_id=offer_id,
        number=number,
        kind=content.kind,
        title=content.title,
        what=content.what,
        who=content.who,
        place=content.where,
        timing=content.when,
        how=content.how,
        conditions=",".join(c.value for c in content.conditions),
        audiences=",".join(a.value for a in content.audiences),
        contact=content.contact,
        address=content.address,
        area=content.area,
        link=content.link,
        legal_basis=content.legal_basis,
        valid_from=content.valid_from,
        valid_to=content.valid_to,
        created_at=now,
        created_by=author,
    )


def _view(offer: Offer, row: OfferVersion) -> OfferView:
    return OfferView(
        offer_id=OfferId(offer.id),
        version_id=OfferVersionId(row.id),
        number=row.number,
        version=offer.version,
        retired=offer.retired_at is not None,
        content=content_of(row),
        changed_at=row.created_at,
    )


def _current(session: Session) -> list[tuple[Offer, OfferVersion]]:
    rows = session.execute(
        select(Offer, OfferVersion)
        .join(
            OfferVersion,
            (OfferVersion.offer_id == Offer.id) & (OfferVersion.number == Offer.current_number),
        )
        .order_by(OfferVersion.title, Offer.id)
    )
    return [(offer, version) for offer, version in rows]


def _current_of(session: Session, offer: Offer) -> OfferVersion:
    return session.scalars(
        select(OfferVersion).where(
            OfferVersion.offer_id == offer.id, OfferVersion.number == offer.current_number
        )
    ).one()


def add_offer(
    session: Session, content: OfferContent, now: datetime, author: int | None
) -> tuple[Offer, OfferVersion]:
    """A new offer with its first version (content already checked). No commit."""
    offer = Offer(current_number=1, created_at=now, retired_at=None)
    session.add(offer)
    session.flush()
    row = version_row(offer.id, 1, content, now, author)
    session.add(row)
    session.flush()
    return offer, row


def revise_offer(
    session: Session, offer: Offer, content: OfferContent, now: datetime, author: int | None
) -> tuple[OfferVersion, bool]:
    """A new version when ``content`` differs from the one in force; whether it did."""
    current = _current_of(session, offer)
    if content_of(current) == content:
        return current, False
    row = version_row(offer.id, offer.current_number + 1, content, now, author)
    session.add(row)
    offer.current_number += 1
    session.flush()
    return row, True


# ---- seed ---------------------------------------------------------------------------------
def load_offer_seed() -> list[OfferContent]:
    """The catalogue a new database starts with (resources/seed/offers.json)."""
    with resource("seed", "offers.json").open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)["offers"]
    seeded = []
    for item in data:
        seeded.append(
            checked(
                OfferContent(
                    kind=OfferKind(item["kind"]),
                    title=item["title"],
                    what=item["what"],
                    who=item["who"],
                    where=item["where"],
                    when=item["when"],
                    how=item["how"],
                    conditions=tuple(Condition(c) for c in item.get("conditions", ())),
                    audiences=tuple(OfferAudience(a) for a in item.get("relatives", ())),
                    contact=item.get("contact", ""),
                    address=item.get("address", ""),
                    area=item.get("area", ""),
                    link=item.get("link", ""),
                    legal_basis=item.get("legal_basis", ""),
                    valid_from=date.fromisoformat(item["valid_from"])
                    if item.get("valid_from")
                    else None,
                    valid_to=date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None,
                )
            )
        )
    return seeded


def seed_offers(session: Session, now: datetime) -> int:
    """The shipped catalogue, once: only into a database that has never had an offer (the
    municipality's own edits are never overwritten). Returns the offers added."""
    if session.scalar(select(Offer.id).limit(1)) is not None:
        return 0
    seeded = load_offer_seed()
    for content in seeded:
        add_offer(session, content, now, None)
    return len(seeded)


# ---- referrals ----------------------------------------------------------------------------
def referrals_of(session: Session, relative_id: int) -> tuple[ReferralView, ...]:
    """A relative's referrals, newest first, each with the version it was made to."""
    rows = session.execute(
        select(OfferReferral, OfferVersion, Offer, Advisor.display_name)
        .join(Case, Case.id == OfferReferral.case_id)
        .join(OfferVersion, OfferVersion.id == OfferReferral.offer_version_id)
        .join(Offer, Offer.id == OfferVersion.offer_id)
        .join(Advisor, Advisor.id == OfferReferral.advisor_id)
        .where(Case.relative_id == relative_id)
        .order_by(OfferReferral.referred_on.desc(), OfferReferral.id.desc())
    )
    return tuple(
        _referral_view(referral, version, offer, relative_id, name)
        for referral, version, offer, name in rows
    )


def _referral_view(
    referral: OfferReferral, version: OfferVersion, offer: Offer, relative_id: int, name: str
) -> ReferralView:
    return ReferralView(
        id=ReferralId(referral.id),
        version=referral.version,
        relative_id=RelativeId(relative_id),
        referred_on=referral.referred_on,
        status=referral.status,
        outcome=referral.outcome,
        advisor_name=name,
        offer=_view(offer, version),
        current_number=offer.current_number,
    )


def _matches(view: OfferView, wanted: OfferFilter, day: date, tokens: list[str]) -> bool:
    content = view.content
    if view.retired and not wanted.include_retired:
        return False
    if not wanted.include_invalid and not content.valid_on(day):
        return False
    if wanted.kind is not None and content.kind is not wanted.kind:
        return False
    if wanted.area and content.area != wanted.area:
        return False
    if not content.is_for(wanted.condition, wanted.audience):
        return False
    if tokens:
        text = content.search_text()
        return all(token in text for token in tokens)
    return True


class OfferService(Gated):
    # ---- the catalogue, for everyone who uses it ---------------------------------------
    @door(Permission.OFFERS_READ)
    def search(self, work: Work, wanted: OfferFilter | None = None) -> tuple[OfferView, ...]:
        """Offers in force matching the filter, by title. The catalogue is small (hundreds),
        so the filter runs over the versions in force rather than in SQL."""
        wanted = wanted or OfferFilter()
        day = wanted.valid_on or work.today()
        tokens = search_tokens(wanted.text)
        views = [_view(offer, row) for offer, row in _current(work.session)]
        return tuple(v for v in views if _matches(v, wanted, day, tokens))

    @door(Permission.OFFERS_READ)
    def areas(self, work: Work) -> tuple[str, ...]:
        """The areas the offers in force name, for the area filter."""
        found = {row.area for offer, row in _current(work.session) if offer.retired_at is None}
        return tuple(sorted(a for a in found if a))

    @door(Permission.OFFERS_READ)
    def get(self, work: Work, offer_id: int) -> OfferView:
        offer = get_or_404(work.session, Offer, offer_id, OFFER)
        return _view(offer, _current_of(work.session, offer))

    @door(Permission.OFFERS_READ)
    def version(self, work: Work, version_id: int) -> OfferView:
        """One exact version (what a referral or a handout showed)."""
        row = get_or_404(work.session, OfferVersion, version_id, OFFER)
        offer = get_or_404(work.session, Offer, row.offer_id, OFFER)
        return _view(offer, row)

    @door(Permission.OFFERS_READ)
    def history(self, work: Work, offer_id: int) -> tuple[OfferView, ...]:
        """Every version of an offer, newest first."""
        offer = get_or_404(work.session, Offer, offer_id, OFFER)
        rows = work.session.scalars(
            select(OfferVersion)
            .where(OfferVersion.offer_id == offer_id)
            .order_by(OfferVersion.number.desc())
        )
        return tuple(_view(offer, row) for row in rows)

    # ---- editing: an administrator's ----------------------------------------------------
    @door(Permission.OFFERS_MANAGE)
    def create(self, work: Work, content: OfferContent) -> OfferView:
        clean = checked(content)
        offer, row = add_offer(work.session, clean, work.now(), work.actor.advisor_id)
        work.log(AuditAction.CREATE, OFFER, entity_id=offer.id)
        return _view(offer, row)

    @door(Permission.OFFERS_MANAGE)
    def update(
        self, work: Work, offer_id: int, expected_version: int, content: OfferContent
    ) -> OfferView:
        """A new version of the offer, unless nothing changed."""
        clean = checked(content)
        offer = get_or_404(work.session, Offer, offer_id, OFFER)
        if offer.version != expected_version:
            raise ConflictError(CHANGED_BY_OTHERS)
        row, changed = revise_offer(work.session, offer, clean, work.now(), work.actor.advisor_id)
        work.session.flush()
        work.log(
            AuditAction.UPDATE,
            OFFER,
            entity_id=offer.id,
            detail=f"version {row.number}" if changed else "unchanged",
        )
        return _view(offer, row)

    @door(Permission.OFFERS_MANAGE)
    def retire(self, work: Work, offer_id: int, expected_version: int) -> OfferView:
        """Take an offer out of the catalogue; its versions and referrals stay."""
        offer = get_or_404(work.session, Offer, offer_id, OFFER)
        if offer.version != expected_version:
            raise ConflictError(CHANGED_BY_OTHERS)
        if offer.retired_at is None:
            offer.retired_at = work.now()
            work.session.flush()
        work.log(AuditAction.UPDATE, OFFER, entity_id=offer.id, detail="retired")
        return _view(offer, _current_of(work.session, offer))

    @door(Permission.OFFERS_MANAGE)
    def export_catalogue(self, work: Work) -> tuple[OfferView, ...]:
        """Every offer not retired, in force or not, for the catalogue file or the public
        page; the export is logged."""
        views = tuple(
            _view(offer, row)
            for offer, row in sorted(_current(work.session), key=lambda pair: pair[0].id)
            if offer.retired_at is None
        )
        work.log(AuditAction.EXPORT, CATALOGUE, detail=f"{len(views)} offers")
        return views

    @door(Permission.OFFERS_MANAGE)
    def import_catalogue(
        self, work: Work, rows: Sequence[ParsedRow], problems: Sequence[RowProblems] = ()
    ) -> ImportResult:
        """Apply a parsed catalogue file, all of it or nothing: a row with an id updates that
        offer (a new version only if its content changed), a row without one creates an
        offer. Offers the file leaves out are left as they are."""
        bad = list(problems)
        session = work.session
        offers = {o.id: o for o in session.scalars(select(Offer))}
        for row in rows:
            if row.offer_id is not None and row.offer_id not in offers:
                bad.append(
                    RowProblems(
                        row.row,
                        (
                            CellProblem(
                                "id",
                                ValidationError(
                                    N_("There is no offer with the id {id}."), id=row.offer_id
                                ),
                            ),
                        ),
                    )
                )
        if bad:
            raise ImportRefused(sorted(bad, key=lambda p: p.row))
        created = updated = unchanged = 0
        now, author = work.now(), work.actor.advisor_id
        for row in rows:
            if row.offer_id is None:
                add_offer(session, row.content, now, author)
                created += 1
                continue
            _version, changed = revise_offer(
                session, offers[row.offer_id], row.content, now, author
            )
            if changed:
                updated += 1
            else:
                unchanged += 1
        work.log(
            AuditAction.UPDATE,
            CATALOGUE,
            detail=f"import: {created} created, {updated} updated, {unchanged} unchanged",
        )
        return ImportResult(created, updated, unchanged)

    # ---- referrals: case content ---------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def refer(
        self,
        work: Work,
        relative_id: int,
        offer_ids: Sequence[int],
        referred_on: date | None = None,
    ) -> tuple[ReferralView, ...]:
        """Refer a relative to offers, each at the version in force now."""
        session = work.session
        ids = list(dict.fromkeys(offer_ids))
        if not ids:
            raise ValidationError(N_("Choose at least one offer."), field="offers")
        if len(ids) > MAX_REFERRALS_AT_ONCE:
            raise ValidationError(N_("Too many offers at once."), field="offers")
        day = referred_on or work.today()
        if day > work.today():
            raise ValidationError(
                N_("A referral cannot be dated in the future."), field="referred_on"
            )
        get_or_404(session, Relative, relative_id, "relative")
        case = open_case(session, relative_id, work.actor.advisor_id, work.now())
        made: list[OfferReferral] = []
        for offer_id in ids:
            offer = get_or_404(session, Offer, offer_id, OFFER)
            if offer.retired_at is not None:
                raise ValidationError(
                    N_("The offer has been taken out of the catalogue."), field="offers"
                )
            current = _current_of(session, offer)
            if not content_of(current).valid_on(day):
                raise ValidationError(
                    N_("The offer '{title}' is not in force on the day of the referral."),
                    field="offers",
                    title=current.title,
                )
            referral = OfferReferral(
                case_id=case.id,
                offer_version_id=current.id,
                advisor_id=work.actor.advisor_id,
                referred_on=day,
                status=ReferralStatus.REFERRED,
                outcome="",
                created_at=work.now(),
                updated_at=work.now(),
            )
            session.add(referral)
            made.append(referral)
        session.flush()
        for referral in made:
            work.log(AuditAction.CREATE, REFERRAL, entity_id=referral.id, relative_id=relative_id)
        wanted = {r.id for r in made}
        return tuple(v for v in referrals_of(session, relative_id) if v.id in wanted)

    @door(Permission.CASES_READ)
    def referrals(self, work: Work, relative_id: int) -> tuple[ReferralView, ...]:
        get_or_404(work.session, Relative, relative_id, "relative")
        work.log(AuditAction.READ, REFERRAL, relative_id=relative_id)
        return referrals_of(work.session, relative_id)

    @door(Permission.CASES_WRITE)
    def update_referral(
        self,
        work: Work,
        referral_id: int,
        expected_version: int,
        status: ReferralStatus,
        outcome: str = "",
    ) -> ReferralView:
        session = work.session
        referral = get_or_404(session, OfferReferral, referral_id, REFERRAL)
        if referral.version != expected_version:
            raise ConflictError(CHANGED_BY_OTHERS)
        if not isinstance(status, ReferralStatus):
            raise ValidationError(N_("Choose a status."), field="status")
        referral.status = status
        referral.outcome = clean_outcome(outcome)
        referral.updated_at = work.now()
        session.flush()
        case = session.get(Case, referral.case_id)
        assert case is not None
        work.log(AuditAction.UPDATE, REFERRAL, entity_id=referral.id, relative_id=case.relative_id)
        return next(v for v in referrals_of(session, case.relative_id) if v.id == referral.id)
