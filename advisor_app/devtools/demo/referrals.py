"""Referrals to the offer catalogue (henvisning, ``offer_referral``) for about 30% of the
relatives met: one to three offers that suit the relative (by the cared-for citizen's
condition and the relative's relation), dated at one of their meetings, each pointing at
the offer version in force, in a status that fits how long ago it was made.

They draw from a stream of their own (``offers-{seed}``): adding them left the people,
sessions and check-ins of every seed as they were.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL, Today
from advisor_app.devtools.demo.people import Household
from advisor_app.devtools.demo.sessions import Meeting
from advisor_app.domain.enums import Condition, OfferAudience, ReferralStatus, RelationType
from advisor_app.persistence.models import Offer, OfferVersion

REFERRAL_SHARE = 0.3
_COUNTS = (1, 1, 1, 2, 2, 3)
_OUTCOMES: dict[ReferralStatus, tuple[str, ...]] = {
    ReferralStatus.COMPLETED: (
        "Gennemførte forløbet og fik meget ud af at møde andre.",
        "Fik svar på sine spørgsmål om regler og økonomi.",
        "Har fået et fast netværk i gruppen.",
        "Var glad for tilbuddet; ønsker ikke mere lige nu.",
    ),
    ReferralStatus.DECLINED: (
        "Ønskede ikke at deltage lige nu.",
        "Tidspunktet passede ikke med arbejdet.",
        "Syntes, det var for langt at køre.",
    ),
    ReferralStatus.STOPPED: (
        "Stoppede efter to gange; passede ikke.",
        "Måtte stoppe, da ægtefællen blev indlagt.",
    ),
    ReferralStatus.STARTED: ("", "", "Er startet og kommer fast."),
    ReferralStatus.REFERRED: ("",),
}


@dataclass(frozen=True, slots=True)
class DemoOffer:
    """An offer version in force, as the demo data matches it to a relative."""

    version_id: int
    conditions: tuple[Condition, ...]
    audiences: tuple[OfferAudience, ...]

    def suits(self, condition: Condition | None, audience: OfferAudience) -> bool:
        return (condition is None or not self.conditions or condition in self.conditions) and (
            not self.audiences or audience in self.audiences
        )


def audience_of(relation: RelationType, child: bool) -> OfferAudience:
    """The kind of relative an offer speaks to, from the relation to the citizen."""
    if child and relation in (RelationType.CHILD, RelationType.GRANDCHILD, RelationType.SIBLING):
        return (
            OfferAudience.YOUNG if relation is not RelationType.SIBLING else OfferAudience.SIBLING
        )
    return {
        RelationType.SPOUSE: OfferAudience.SPOUSE,
        RelationType.CHILD: OfferAudience.ADULT_CHILD,
        RelationType.PARENT: OfferAudience.PARENT,
        RelationType.SIBLING: OfferAudience.SIBLING,
    }.get(relation, OfferAudience.OTHER)


class Referrals:
    def __init__(
        self,
        *,
        rows: Rows,
        values: Values,
        today: Today,
        rng: random.Random,
        advisor_id: int,
        offers: Sequence[DemoOffer],
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.rng = rng
        self.advisor_id = advisor_id
        self.offers = tuple(offers)
        self._suitable: dict[tuple[Condition | None, OfferAudience], tuple[int, ...]] = {}

    def suitable(self, condition: Condition | None, audience: OfferAudience) -> tuple[int, ...]:
        key = (condition, audience)
        found = self._suitable.get(key)
        if found is None:
            found = self._suitable[key] = tuple(
                o.version_id for o in self.offers if o.suits(condition, audience)
            )
        return found

    def referrals(self, case_id: int, household: Household, meetings: list[Meeting]) -> None:
        rng = self.rng
        if not meetings or not household.links or not self.offers:
            return
        if rng.random() >= REFERRAL_SHARE:
            return
        citizen, relation, _hours = household.links[0]
        condition = citizen.conditions[0] if citizen.conditions else None
        pool = self.suitable(condition, audience_of(relation, household.child))
        if not pool:
            return
        chosen = rng.sample(pool, min(len(pool), rng.choice(_COUNTS)))
        for version_id in chosen:
            start, _form, duration = rng.choice(meetings)
            made = start + duration * 60
            referred_on = EPOCH_ORDINAL + start // DAY  # the meeting's own (UTC) day
            status = self._status(self.today.ordinal - referred_on)
            updated = made
            if status is not ReferralStatus.REFERRED:
                latest = self.today.start - 60
                updated = rng.randint(min(made, latest), min(made + 90 * DAY, latest))
            self.rows.add(
                "offer_referral",
                (
                    self.rows.next_id("offer_referral"),
                    case_id,
                    version_id,
                    self.advisor_id,
                    self.values.day(referred_on),
                    status.value,
                    rng.choice(_OUTCOMES[status]),
                    self.values.at(made),
                    self.values.at(updated),
                    1,
                ),
            )

    def _status(self, days_ago: int) -> ReferralStatus:
        r = self.rng.random()
        if days_ago < 30:
            if r < 0.7:
                return ReferralStatus.REFERRED
            return ReferralStatus.STARTED if r < 0.95 else ReferralStatus.DECLINED
        if r < 0.4:
            return ReferralStatus.COMPLETED
        if r < 0.6:
            return ReferralStatus.STARTED
        if r < 0.75:
            return ReferralStatus.DECLINED
        if r < 0.85:
            return ReferralStatus.STOPPED
        return ReferralStatus.REFERRED


def demo_offers(session: Session) -> list[DemoOffer]:
    """The catalogue's versions in force (offers not retired), in id order."""
    rows = session.execute(
        select(OfferVersion.id, OfferVersion.conditions, OfferVersion.audiences)
        .join(
            Offer,
            (Offer.id == OfferVersion.offer_id) & (Offer.current_number == OfferVersion.number),
        )
        .where(Offer.retired_at.is_(None))
        .order_by(Offer.id)
    )
    return [
        DemoOffer(
            version_id,
            tuple(Condition(c) for c in conditions.split(",") if c),
            tuple(OfferAudience(a) for a in audiences.split(",") if a),
        )
        for version_id, conditions, audiences in rows
    ]
