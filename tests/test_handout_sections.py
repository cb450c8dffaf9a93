"""The handout's sections from the other capabilities, through the services and read back
from the PDF: the offers referred (at the version referred, grouped by kind), the relief of
the coming weeks in local time, and the mentor's contact only with both consents. On SQLite
and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from factories import FAST_HASHER, audit_events, make_user, register_family
from handout_helpers import text
from mentor_factories import accepted, active, proposed
from relief_factories import make_arrangement, weekly_input

from advisor_app.domain.actor import Actor
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import (
    AuditAction,
    Condition,
    Language,
    OfferAudience,
    OfferKind,
    ReferralStatus,
    Role,
)
from advisor_app.domain.handout import HandoutDelivery, HandoutVariant, ReliefItem
from advisor_app.domain.offers import OfferContent
from advisor_app.domain.relief import ReliefKind, ReliefStatus
from advisor_app.domain.relief_schedule import Recurrence
from advisor_app.reports.handout_pdf import HandoutRenderer
from advisor_app.services.facade import Services, open_services
from advisor_app.services.mentor_dto import ConsentKind

# A Monday two weeks before summer time starts (Sunday 28 March 2027), noon in Copenhagen.
SPRING = datetime(2027, 3, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def admin(services: Services) -> Actor:
    return make_user(services, "tilbudsadmin", "Tina Tilbud", Role.ADMIN)


def sha(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def offer(title: str, kind: OfferKind, **changes: object) -> OfferContent:
    base = OfferContent(
        kind,
        title,
        f"Hvad: {title} for pårørende",
        "Hvem: ægtefæller og samlevere",
        "Hvor: Frivilligcentret, Nørregade 4",
        "Hvornår: tirsdage kl. 19-21",
        "Hvordan: ring og tilmeld dig",
        conditions=(Condition.DEMENTIA,),
        audiences=(OfferAudience.SPOUSE,),
        contact="Birthe Bak, 20 30 40 50",
        link="https://example.dk/tilbud/samtale",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_offers_referred_show_at_the_version_referred_grouped_by_kind(
    services: Services, actor: Actor, admin: Actor
) -> None:
    family = register_family(services, actor)
    group = services.offers.create(admin, offer("Samtalegruppe om demens", OfferKind.GROUP))
    course = services.offers.create(
        admin, offer("Pårørendeskole", OfferKind.COURSE, link="", contact="")
    )
    declined = services.offers.create(admin, offer("Sorggruppe", OfferKind.GROUP))
    done = services.offers.create(admin, offer("Rådgivning om jura", OfferKind.RIGHTS))
    referrals = services.offers.refer(
        actor, family.id, (group.offer_id, course.offer_id, declined.offer_id, done.offer_id)
    )
    by_offer = {r.offer.offer_id: r for r in referrals}
    for offer_id, status in (
        (declined.offer_id, ReferralStatus.DECLINED),
        (done.offer_id, ReferralStatus.COMPLETED),
        (course.offer_id, ReferralStatus.STARTED),
    ):
        referral = by_offer[offer_id]
        services.offers.update_referral(actor, referral.id, referral.version, status)
    # The offer is edited after the referral: the handout keeps the text referred.
    services.offers.update(
        admin,
        group.offer_id,
        group.version,
        offer("Samtalegruppe om demens", OfferKind.GROUP, when="Hvornår: onsdage kl. 10"),
    )

    draft = services.handouts.compose(actor, family.id)
    handout = draft.handout
    assert [(g.need, [o.title for o in g.offers]) for g in handout.offers] == [
        ("Pårørendeskole og kurser", ["Pårørendeskole"]),  # the kinds in the catalogue's order
        ("Pårørende- og selvhjælpsgrupper", ["Samtalegruppe om demens"]),
    ]
    shown = handout.offers[1].offers[0]
    assert shown.when == "Hvornår: tirsdage kl. 19-21"
    assert shown.link == "https://example.dk/tilbud/samtale"
    assert shown.contact == "Birthe Bak, 20 30 40 50"
    assert handout.offer_version_ids == (
        by_offer[course.offer_id].offer.version_id,
        group.version_id,
    )
    pdf = HandoutRenderer().render(handout)
    found = text(pdf)
    for title in ("Samtalegruppe om demens", "Pårørendeskole"):
        assert title in found
    for answer in ("Hvad: Samtalegruppe", "Hvem: ægtefæller", "Hvor: Frivilligcentret"):
        assert answer in found
    assert "Hvornår: tirsdage kl. 19-21" in found and "Hvordan: ring og tilmeld dig" in found
    assert "onsdage" not in found and "Sorggruppe" not in found and "jura" not in found
    assert f"Ref. {group.version_id}" in found

    given = services.handouts.record(actor, draft, sha(pdf), HandoutDelivery.PRINTED)
    assert given.offer_version_ids == handout.offer_version_ids
    current = services.offers.get(admin, group.offer_id)
    services.offers.update(
        admin,
        group.offer_id,
        current.version,
        offer("Samtalegruppe (ny)", OfferKind.GROUP, what="Hvad: noget helt andet"),
    )
    again = services.handouts.reprint(actor, given.id, HandoutDelivery.PRINTED)
    assert again.handout == handout
    assert sha(HandoutRenderer().render(again.handout)) == given.sha256
    # A new handout shows the newer version only after a new referral.
    fresh = services.handouts.compose(actor, family.id)
    assert fresh.handout.offer_version_ids == handout.offer_version_ids


def test_an_english_handout_names_the_kinds_in_english(
    services: Services, actor: Actor, admin: Actor
) -> None:
    family = register_family(services, actor)
    made = services.offers.create(admin, offer("Aflastningstilbud", OfferKind.RELIEF))
    services.offers.refer(actor, family.id, (made.offer_id,))
    draft = services.handouts.compose(actor, family.id)
    assert [g.need for g in draft.handout.offers] == ["Aflastning"]
    english = services.handouts.compose(actor, family.id, language=Language.ENGLISH)
    assert [g.need for g in english.handout.offers] == ["Relief"]


@pytest.fixture
def spring(db_url: str, services: Services) -> Iterator[Services]:
    """The facade on the same database with the clock in March 2027 (the ``services``
    fixture built it)."""
    built, _ = open_services(db_url, clock=FixedClock(SPRING), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


def test_relief_of_the_coming_weeks_keeps_its_local_times_across_summer_time(
    spring: Services,
) -> None:
    advisor = make_user(spring, "aflastning", "Aksel Aflastning")
    family = register_family(spring, advisor)
    relation = family.relations[0].id
    first = date(2027, 3, 17)  # a Wednesday
    make_arrangement(
        spring, advisor, relation, first, exceptions=(date(2027, 3, 24),), provider="Solgården"
    )
    make_arrangement(  # only requested: not on the handout
        spring,
        advisor,
        relation,
        first,
        kind=ReliefKind.HOME_SUBSTITUTE,
        status=ReliefStatus.REQUESTED,
        start=time(18),
        end=time(21),
    )
    occurrences = spring.relief.occurrences(advisor, family.id, first, first + timedelta(days=14))
    assert [o.start.hour for o in occurrences] == [8, 7]  # UTC: winter, then summer time

    draft = spring.handouts.compose(advisor, family.id)
    relief = draft.handout.relief
    days = [date(2027, 3, 17), date(2027, 3, 31), date(2027, 4, 7)]  # 24 March is cancelled
    assert relief == tuple(
        ReliefItem(day, time(9), time(15), "Day centre (aflastning)", "Solgården") for day in days
    )
    found = text(HandoutRenderer().render(draft.handout))
    assert found.count("09:00–15:00") == 3
    assert "onsdag 31. marts" in found and "onsdag 24. marts" not in found
    assert "Dagcenter" in found and "Solgården" in found
    assert "18:00" not in found

    # A child's handout lists the times but not who provides them.
    child = spring.handouts.compose(advisor, family.id, HandoutVariant.CHILD)
    assert [(r.day, r.provider) for r in child.handout.relief] == [(d, "") for d in days]
    assert "Solgården" not in text(HandoutRenderer().render(child.handout))


def test_a_stay_says_the_day_it_ends(spring: Services) -> None:
    advisor = make_user(spring, "ophold", "Olga Ophold")
    family = register_family(spring, advisor)
    base = weekly_input(
        family.relations[0].id,
        date(2027, 3, 26),  # Friday 14:00 to Sunday 10:00, over the change to summer time
        kind=ReliefKind.RESPITE_STAY,
        start=time(14),
        end=time(10),
        recurrence=Recurrence.ONCE,
        ends_on=date(2027, 3, 26),
        provider="Aflastningscentret",
    )
    assert base.schedule is not None
    spring.relief.create(advisor, replace(base, schedule=replace(base.schedule, span_days=2)))
    handout = spring.handouts.compose(advisor, family.id).handout
    assert handout.relief == (
        ReliefItem(
            date(2027, 3, 26),
            time(14),
            time(10),
            "Respite stay (aflastningsophold)",
            "Aflastningscentret",
            date(2027, 3, 28),
        ),
    )
    found = " ".join(text(HandoutRenderer().render(handout)).split())
    assert "fredag 26. marts" in found and "14:00 til søndag 28. marts kl. 10:00" in found
    english = spring.handouts.compose(advisor, family.id, language=Language.ENGLISH).handout
    found = " ".join(text(HandoutRenderer().render(english)).split())
    assert "14:00 until Sunday 28 March 10:00" in found


def test_the_mentor_s_contact_only_with_both_consents(services: Services, actor: Actor) -> None:
    today = services.clock.today()
    match = active(services, actor, "kontakt", today)
    mentor = services.relatives.page(actor, match.mentor_relative_id).detail
    assert mentor.phone and mentor.email
    draft = services.handouts.compose(actor, match.mentee_id)
    assert draft.handout.mentor is not None
    assert (draft.handout.mentor.name, draft.handout.mentor.email) == (mentor.name, mentor.email)
    found = text(HandoutRenderer().render(draft.handout))
    assert mentor.name in found and mentor.email in found

    services.mentors.set_consent(actor, match.mentor_relative_id, ConsentKind.MENTOR_CONTACT, False)
    hidden = services.handouts.compose(actor, match.mentee_id)
    assert hidden.handout.mentor is None
    found = text(HandoutRenderer().render(hidden.handout))
    assert mentor.name not in found and mentor.email not in found

    services.mentors.set_consent(actor, match.mentor_relative_id, ConsentKind.MENTOR_CONTACT, True)
    assert services.handouts.compose(actor, match.mentee_id).handout.mentor is not None
    services.mentors.set_consent(actor, match.mentee_id, ConsentKind.MENTEE_CONTACT, False)
    assert services.handouts.compose(actor, match.mentee_id).handout.mentor is None
    # The mentor's own handout does not name their mentee as a mentor.
    assert services.handouts.compose(actor, match.mentor_relative_id).handout.mentor is None


def test_an_accepted_match_gives_the_contact_and_a_proposed_one_does_not(
    services: Services, actor: Actor
) -> None:
    agreed = accepted(services, actor, "aftalt")
    shown = services.handouts.compose(actor, agreed.mentee_id).handout.mentor
    assert shown is not None and shown.name == agreed.mentor_name
    waiting = proposed(services, actor, "foreslaaet")
    assert services.handouts.compose(actor, waiting.mentee_id).handout.mentor is None
    # The door method keeps its own behaviour: the active match only, and its event.
    assert services.mentors.active_match_contact(actor, agreed.mentee_id) is None


def test_active_match_contact_still_logs_its_read(services: Services, actor: Actor) -> None:
    match = active(services, actor, "logget", services.clock.today())
    shown = services.mentors.active_match_contact(actor, match.mentee_id)
    assert shown is not None and shown.id == match.id and shown.mentor_contact is not None
    events = audit_events(services.db)
    assert any(
        e.action is AuditAction.READ
        and e.entity_id == match.id
        and e.relative_id == match.mentee_id
        for e in events
    )
