"""The one door: every public service method declares a permission, every role is allowed
or refused as one table says, and every call writes exactly the access events it should,
refusals included.

The tables here are written out by hand, independently of domain/permissions.py: a change
to who may do what must be made in both places, on purpose.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from factories import (
    FAST_HASHER,
    audit_events,
    citizen_input,
    consent_inputs,
    record_with_actions,
    register_family,
    relative_input,
    session_input,
    table_counts,
)
from mentor_factories import (
    accepted,
    activate_input,
    active,
    make_mentee,
    make_mentor,
    mentor_input,
    person,
    proposed,
    request_input,
)
from relief_factories import make_arrangement, weekly_input

from advisor_app.domain.actor import Actor
from advisor_app.domain.booking import MeetingMode
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.corrections import RevisedRecord
from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    Condition,
    Language,
    OfferKind,
    ReferralStatus,
    RelationType,
    Role,
)
from advisor_app.domain.errors import AccessDeniedError, ValidationError
from advisor_app.domain.handout import HandoutDelivery
from advisor_app.domain.mentoring import EndReason
from advisor_app.domain.offers import OfferContent, ParsedRow
from advisor_app.domain.permissions import ENTRANCES, RULES, Permission
from advisor_app.domain.relief import ReliefStatus
from advisor_app.domain.statistics import Granularity, StatsRequest
from advisor_app.persistence.database import Database
from advisor_app.services.audit import AuditFilter
from advisor_app.services.booking_dto import BookingInput
from advisor_app.services.door import Door, Gated, Work, door, permission_of
from advisor_app.services.dto import (
    ActionInput,
    CheckInInput,
    InstrumentAnswers,
    RelationInput,
    RelativeDetail,
)
from advisor_app.services.facade import Services, open_services
from advisor_app.services.mentor_dto import ConsentKind, EndInput, ReviewInput, Side
from advisor_app.services.offers import OfferFilter, OfferView

PASSWORD = "en lang og god adgangskode"
STATS_REQUEST = StatsRequest(date(2026, 1, 1), date(2026, 12, 31), Granularity.QUARTER)
NEW_PASSWORD = "en anden lang adgangskode"
A, M, AD, AU = Role.ADVISOR, Role.MANAGER, Role.ADMIN, Role.AUDITOR
EVERYONE = frozenset(Role)
C, R, U, D, S, E = (
    AuditAction.CREATE,
    AuditAction.READ,
    AuditAction.UPDATE,
    AuditAction.DELETE,
    AuditAction.SEARCH,
    AuditAction.EXPORT,
)
SIGNED = AuditAction.SIGN_IN
P = AuditAction.PRINT


# ---- coverage -----------------------------------------------------------------------------
def public_methods(service: object) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(type(service), inspect.isfunction)
        if not name.startswith("_")
    }


def undeclared(services: Services) -> list[str]:
    return [
        f"{name}.{method}"
        for name, service in services.gated().items()
        for method, function in public_methods(service).items()
        if permission_of(function) is None
    ]


def test_every_public_service_method_passes_the_door_with_a_declared_permission(
    sqlite_services: Services,
) -> None:
    gated = sqlite_services.gated()
    assert set(gated) == {
        "accounts",
        "audit",
        "check_ins",
        "offers",
        "mentors",
        "reference",
        "relatives",
        "relief",
        "sessions",
        "statistics",
        "settings",
        "handouts",
        "corrections",
        "bookings",
        "today",
        "duplicates",
        "backups",
    }
    assert undeclared(sqlite_services) == []
    # Every one of them is in the table below, and nothing in the table is stale.
    listed = {
        f"{name}.{method}" for name, service in gated.items() for method in public_methods(service)
    }
    assert listed == set(CALLS)


def test_a_method_without_a_declared_permission_is_found(sqlite_services: Services) -> None:
    class Sneaky(Gated):
        @door(Permission.CASES_READ)
        def fine(self, work: Work) -> None:
            work.log(R, "relative")

        def around_the_door(self) -> None:
            """A new method someone forgot to declare."""

    @dataclass(frozen=True)
    class WithSneaky(Services):
        sneaky: Sneaky = field(
            default_factory=lambda: Sneaky(Door(sqlite_services.db, FixedClock(NOW)))
        )

    extended = WithSneaky(**vars(sqlite_services))
    assert undeclared(extended) == ["sneaky.around_the_door"]


def test_a_logged_method_that_writes_no_event_is_a_bug(sqlite_services: Services) -> None:
    class Silent(Gated):
        @door(Permission.CASES_READ)
        def read_quietly(self, work: Work) -> int:
            return 1

    advisor = World.build(sqlite_services).actors[A]
    with pytest.raises(AssertionError, match="wrote no access event"):
        Silent(Door(sqlite_services.db, sqlite_services.clock)).read_quietly(advisor)


# ---- the world every call runs in ------------------------------------------------------------
# Pinned, and near the machine's time: the factories date consents and sessions by it.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def sqlite_services(sqlite_url: str) -> Iterator[Services]:
    built, _ = open_services(sqlite_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def pinned_services(db_url: str) -> Iterator[Services]:
    """On both backends, with the clock pinned."""
    built, _ = open_services(db_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


LOGINS = (("advisor", A), ("manager", M), ("admin", AD), ("auditor", AU))


@dataclass
class World:
    """A user of each role, signed in, and a family. On PostgreSQL each user works through
    a connection of their own login, under the grants of ``db roles``."""

    services: Services
    actors: dict[Role, Actor]
    family: RelativeDetail
    by_role: dict[Role, Services] = field(default_factory=dict)

    @classmethod
    def build(cls, services: Services) -> World:
        if services.db.is_sqlite:
            return cls._build_sqlite(services)
        return cls._build_team(services)

    @classmethod
    def _build_sqlite(cls, services: Services) -> World:
        accounts = services.accounts
        admin = accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        for name, role in (*LOGINS, ("target", A)):
            if role is not AD:
                accounts.add_user(admin, name, role, name.title(), PASSWORD)
        actors = {role: accounts.sign_in(name, PASSWORD) for name, role in LOGINS}
        family = register_family(services, actors[A], cpr=None)
        return cls(services, actors, family)

    @classmethod
    def _build_team(cls, services: Services) -> World:
        from sqlalchemy import text

        from advisor_app.persistence import pg_roles

        with services.db.engine.begin() as connection:
            pg_roles.apply(connection)
            for login in (*(n for n, _ in LOGINS), "target", "ny-bruger"):
                connection.execute(
                    text(
                        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                        f"'{login}') THEN CREATE ROLE \"{login}\" LOGIN; END IF; END $$"
                    )
                )
        services.db.dispose()
        accounts = services.accounts
        owner = services.db.url
        admin_services = Services.build(
            Database(owner.set(username="admin").render_as_string(hide_password=False)),
            services.clock,
            FAST_HASHER,
        )
        # The owner (a superuser here) adds the first admin, as `users add` would; the
        # admin's login adds the others through db roles' function (no CREATEROLE).
        accounts.create_first_admin("admin", "Anne Admin", None)
        by_role = {AD: admin_services}
        admin = admin_services.accounts.sign_in("admin", None)
        for name, role in (*LOGINS, ("target", A)):
            if role is not AD:
                admin_services.accounts.add_user(admin, name, role, name.title(), None)
        for name, role in LOGINS:
            if role is not AD:
                by_role[role] = Services.build(
                    Database(owner.set(username=name).render_as_string(hide_password=False)),
                    services.clock,
                    FAST_HASHER,
                )
        actors = {role: by_role[role].accounts.sign_in(name, None) for name, role in LOGINS}
        family = register_family(by_role[A], actors[A], cpr=None)
        return cls(services, actors, family, by_role)

    def as_(self, actor: Actor) -> Services:
        return self.by_role.get(actor.role, self.services)

    def close(self) -> None:
        for each in self.by_role.values():
            each.db.dispose()

    @property
    def advisor(self) -> Actor:
        return self.actors[A]

    def any_offer(self) -> OfferView:
        return self.services.offers.search(self.advisor)[0]

    def new_offer(self, title: str) -> OfferView:
        """Made by the admin (through the admin's own login on a team database)."""
        admin = self.actors[AD]
        return self.as_(admin).offers.create(admin, offer_content(title))

    def fresh_family(self, name: str) -> RelativeDetail:
        return register_family(self.as_(self.advisor), self.advisor, name, cpr=None)


@dataclass(frozen=True)
class Call:
    """``prepare`` runs as the advisor before the snapshot; ``run`` is the call under test."""

    roles: frozenset[Role]
    events: list[tuple[AuditAction, str]]
    run: Callable[[World, Actor, Any], object]
    prepare: Callable[[World, Role], Any] = lambda world, role: None


def offer_content(title: str) -> OfferContent:
    return OfferContent(
        OfferKind.GROUP,
        title,
        "En samtalegruppe",
        "Ægtefæller",
        "Frivilligcentret",
        "Tirsdage kl. 19",
        "Ring og tilmeld dig",
        conditions=(Condition.DEMENTIA,),
    )


def check_in_input(relative_id: int) -> CheckInInput:
    return CheckInInput(relative_id, InstrumentAnswers("who5", (3, 3, 3, 3, 3)), taken_at=NOW)


def zarit4_text() -> bytes:
    import json

    items = {str(n): {"da": f"Spørgsmål {n}", "en": f"Item {n}"} for n in range(1, 5)}
    return json.dumps({"id": "zarit4", "version": "shell-1", "items": items}).encode()


def _check_in(world: World, role: Role) -> int:
    return world.services.check_ins.record(
        world.advisor, check_in_input(world.family.id)
    ).check_in.id


def _relief(world: World) -> Any:
    return make_arrangement(
        world.as_(world.advisor), world.advisor, world.family.relations[0].id, NOW.date()
    )


def _referral(world: World, role: Role) -> Any:
    return world.services.offers.refer(
        world.advisor, world.family.id, (world.any_offer().offer_id,)
    )[0]


def _booking(world: World, days: int = 2) -> BookingInput:
    return BookingInput(world.family.id, NOW + timedelta(days=days), 45, MeetingMode.PHONE)


def _backup(world: World, role: Role) -> Any:
    """A generation to restore (a team database has none: the server's backup is relied on)."""
    if not world.services.db.is_sqlite:
        return None
    return world.services.backups.make(world.actors[AD])


def _action(world: World, role: Role) -> Any:
    session = record_with_actions(world.services, world.advisor, world.family.id, NOW.date())
    return session.actions[0]


CALLS: dict[str, Call] = {
    # -- relatives
    "relatives.search": Call(
        frozenset({A}), [(S, "relative")], lambda w, a, _: w.as_(a).relatives.search(a, "søren")
    ),
    "relatives.get": Call(
        frozenset({A}), [(R, "relative")], lambda w, a, _: w.as_(a).relatives.get(a, w.family.id)
    ),
    "relatives.page": Call(
        frozenset({A}), [(R, "relative")], lambda w, a, _: w.as_(a).relatives.page(a, w.family.id)
    ),
    "relatives.find_citizens": Call(
        frozenset({A}),
        [(S, "citizen")],
        lambda w, a, _: w.as_(a).relatives.find_citizens(a, "karen"),
    ),
    "relatives.register": Call(
        frozenset({A}),
        [(C, "relative")],
        lambda w, a, _: w.as_(a).relatives.register(a, relative_input("Ny Person")),
    ),
    "relatives.update": Call(
        frozenset({A}),
        [(U, "relative")],
        lambda w, a, fam: w.as_(a).relatives.update(
            a, fam.id, fam.version, relative_input("Nyt Navn")
        ),
        lambda w, role: w.fresh_family(f"Opdateres {role}"),
    ),
    "relatives.add_relation": Call(
        frozenset({A}),
        [(C, "citizen"), (C, "care_relation")],
        lambda w, a, _: w.as_(a).relatives.add_relation(
            a,
            w.family.id,
            RelationInput(RelationType.CHILD),
            citizen_input(f"Far {a.role}", cpr=None),
        ),
    ),
    "relatives.update_citizen": Call(
        frozenset({A}),
        [(U, "citizen")],
        lambda w, a, fam: w.as_(a).relatives.update_citizen(
            a,
            fam.relations[0].citizen.id,
            fam.relations[0].citizen.version,
            citizen_input("Karen H.", cpr=None),
        ),
        lambda w, role: w.fresh_family(f"Borger {role}"),
    ),
    "relatives.update_relation": Call(
        frozenset({A}),
        [(U, "care_relation")],
        lambda w, a, fam: w.as_(a).relatives.update_relation(
            a,
            fam.relations[0].id,
            fam.relations[0].version,
            RelationInput(RelationType.SPOUSE, hours_per_week=30),
        ),
        lambda w, role: w.fresh_family(f"Relation {role}"),
    ),
    "relatives.add_consent": Call(
        frozenset({A}),
        [(C, "consent")],
        lambda w, a, _: w.as_(a).relatives.add_consent(
            a, w.family.relations[0].id, consent_inputs()[0]
        ),
    ),
    "relatives.withdraw_consent": Call(
        frozenset({A}),
        [(U, "consent")],
        lambda w, a, fam: w.as_(a).relatives.withdraw_consent(
            a, fam.relations[0].consents[0].id, fam.relations[0].consents[0].version
        ),
        lambda w, role: w.fresh_family(f"Samtykke {role}"),
    ),
    "relatives.delete": Call(
        frozenset({A}),
        [(D, "relative"), (D, "citizen")],
        lambda w, a, fam: w.as_(a).relatives.delete(a, fam.id, fam.version),
        lambda w, role: w.fresh_family(f"Slettes {role}"),
    ),
    # -- sessions
    "sessions.record": Call(
        frozenset({A}),
        [(C, "advisory_session")],
        lambda w, a, _: w.as_(a).sessions.record(a, session_input(w.family.id)),
    ),
    "sessions.list_for_relative": Call(
        frozenset({A}),
        [(R, "advisory_session")],
        lambda w, a, _: w.as_(a).sessions.list_for_relative(a, w.family.id),
    ),
    "sessions.set_action_status": Call(
        frozenset({A}),
        [(U, "follow_up_action")],
        lambda w, a, action: w.as_(a).sessions.set_action_status(
            a, action.id, action.version, ActionStatus.DONE
        ),
        _action,
    ),
    "sessions.open_actions": Call(
        frozenset({A}),
        [(R, "follow_up_action")],
        lambda w, a, _: w.as_(a).sessions.open_actions(a),
    ),
    # -- check-ins
    "check_ins.registry": Call(EVERYONE, [], lambda w, a, _: w.as_(a).check_ins.registry(a)),
    "check_ins.choice": Call(EVERYONE, [], lambda w, a, _: w.as_(a).check_ins.choice(a, False)),
    "check_ins.load_instrument_text": Call(
        frozenset({A, AD}),
        [(U, "instrument_text")],
        lambda w, a, _: w.as_(a).check_ins.load_instrument_text(a, zarit4_text()),
    ),
    "check_ins.record": Call(
        frozenset({A}),
        [(C, "check_in")],
        lambda w, a, _: w.as_(a).check_ins.record(a, check_in_input(w.family.id)),
    ),
    "check_ins.add_follow_ups": Call(
        frozenset({A}),
        [(C, "follow_up_action")],
        lambda w, a, cid: w.as_(a).check_ins.add_follow_ups(a, cid, (ActionInput("Ring", None),)),
        _check_in,
    ),
    "check_ins.history": Call(
        frozenset({A}),
        [(R, "check_in")],
        lambda w, a, _: w.as_(a).check_ins.history(a, w.family.id),
    ),
    "check_ins.needing_follow_up": Call(
        frozenset({A}), [(R, "check_in")], lambda w, a, _: w.as_(a).check_ins.needing_follow_up(a)
    ),
    # -- corrections
    "corrections.correct_session": Call(
        frozenset({A}),
        [(U, "advisory_session")],
        lambda w, a, s: w.as_(a).corrections.correct_session(
            a, s.id, s.version, session_input(w.family.id, notes="Rettet note."), "Stavefejl"
        ),
        lambda w, role: w.services.sessions.record(w.advisor, session_input(w.family.id)),
    ),
    "corrections.delete_session": Call(
        frozenset({A}),
        [(D, "advisory_session")],
        lambda w, a, s: w.as_(a).corrections.delete_session(a, s.id, s.version, "Forkert person"),
        lambda w, role: w.services.sessions.record(w.advisor, session_input(w.family.id)),
    ),
    "corrections.own_anonymous_sessions": Call(
        frozenset({A}),
        [(R, "advisory_session")],
        lambda w, a, _: w.as_(a).corrections.own_anonymous_sessions(a),
    ),
    "corrections.correct_check_in": Call(
        frozenset({A}),
        [(U, "check_in")],
        lambda w, a, c: w.as_(a).corrections.correct_check_in(
            a,
            c.id,
            c.version,
            CheckInInput(w.family.id, InstrumentAnswers("who5", (4, 3, 3, 3, 3)), taken_at=NOW),
            "Forkert svar",
        ),
        lambda w, role: (
            w.services.check_ins.record(w.advisor, check_in_input(w.family.id)).check_in
        ),
    ),
    "corrections.delete_check_in": Call(
        frozenset({A}),
        [(D, "check_in")],
        lambda w, a, c: w.as_(a).corrections.delete_check_in(a, c.id, c.version, "Dobbelt"),
        lambda w, role: (
            w.services.check_ins.record(w.advisor, check_in_input(w.family.id)).check_in
        ),
    ),
    "corrections.revisions": Call(
        frozenset({A}),
        [(R, "record_revision")],
        lambda w, a, s: w.as_(a).corrections.revisions(a, RevisedRecord.SESSION, s.id),
        lambda w, role: w.services.sessions.record(w.advisor, session_input(w.family.id)),
    ),
    "corrections.relative_deletion_impact": Call(
        frozenset({A}),
        [(R, "relative")],
        lambda w, a, _: w.as_(a).corrections.relative_deletion_impact(a, w.family.id),
    ),
    # -- relief arrangements
    "relief.plan": Call(
        frozenset({A}),
        [(R, "relief_arrangement")],
        lambda w, a, _: w.as_(a).relief.plan(a, w.family.id),
    ),
    "relief.occurrences": Call(
        frozenset({A}),
        [(R, "relief_arrangement")],
        lambda w, a, _: w.as_(a).relief.occurrences(
            a, w.family.id, NOW.date(), NOW.date() + timedelta(days=30)
        ),
    ),
    "relief.calendar": Call(
        frozenset({A}),
        [(E, "relief_arrangement")],
        lambda w, a, _: w.as_(a).relief.calendar(a, w.family.id),
    ),
    "relief.create": Call(
        frozenset({A}),
        [(C, "relief_arrangement")],
        lambda w, a, _: w.as_(a).relief.create(
            a, weekly_input(w.family.relations[0].id, NOW.date())
        ),
    ),
    "relief.update": Call(
        frozenset({A}),
        [(U, "relief_arrangement")],
        lambda w, a, r: w.as_(a).relief.update(
            a, r.id, r.version, weekly_input(r.relation_id, r.starts_on, provider="Nyt sted")
        ),
        lambda w, role: _relief(w),
    ),
    "relief.change_status": Call(
        frozenset({A}),
        [(U, "relief_arrangement")],
        lambda w, a, r: w.as_(a).relief.change_status(a, r.id, r.version, ReliefStatus.ACTIVE),
        lambda w, role: _relief(w),
    ),
    "relief.delete": Call(
        frozenset({A}),
        [(D, "relief_arrangement")],
        lambda w, a, r: w.as_(a).relief.delete(a, r.id, r.version),
        lambda w, role: _relief(w),
    ),
    "relief.set_need": Call(
        frozenset({A}),
        [(C, "relief_need")],
        lambda w, a, fam: w.as_(a).relief.set_need(a, fam.id, 10.5),
        lambda w, role: w.fresh_family(f"Behov {role}"),
    ),
    # -- the offer catalogue (no personal data) and referrals to it (case content)
    "offers.search": Call(
        frozenset({A, AD}), [], lambda w, a, _: w.as_(a).offers.search(a, OfferFilter("demens"))
    ),
    "offers.areas": Call(frozenset({A, AD}), [], lambda w, a, _: w.as_(a).offers.areas(a)),
    "offers.get": Call(
        frozenset({A, AD}), [], lambda w, a, _: w.as_(a).offers.get(a, w.any_offer().offer_id)
    ),
    "offers.version": Call(
        frozenset({A, AD}),
        [],
        lambda w, a, _: w.as_(a).offers.version(a, w.any_offer().version_id),
    ),
    "offers.history": Call(
        frozenset({A, AD}),
        [],
        lambda w, a, _: w.as_(a).offers.history(a, w.any_offer().offer_id),
    ),
    "offers.create": Call(
        frozenset({AD}),
        [(C, "offer")],
        lambda w, a, _: w.as_(a).offers.create(a, offer_content(f"Nyt tilbud {a.role}")),
    ),
    "offers.update": Call(
        frozenset({AD}),
        [(U, "offer")],
        lambda w, a, o: w.as_(a).offers.update(a, o.offer_id, o.version, offer_content("Ændret")),
        lambda w, role: w.new_offer(f"Rettes {role}"),
    ),
    "offers.retire": Call(
        frozenset({AD}),
        [(U, "offer")],
        lambda w, a, o: w.as_(a).offers.retire(a, o.offer_id, o.version),
        lambda w, role: w.new_offer(f"Udgår {role}"),
    ),
    "offers.export_catalogue": Call(
        frozenset({AD}),
        [(E, "offer_catalogue")],
        lambda w, a, _: w.as_(a).offers.export_catalogue(a),
    ),
    "offers.import_catalogue": Call(
        frozenset({AD}),
        [(U, "offer_catalogue")],
        lambda w, a, _: w.as_(a).offers.import_catalogue(
            a, (ParsedRow(2, None, offer_content(f"Importeret {a.role}")),)
        ),
    ),
    "offers.refer": Call(
        frozenset({A}),
        [(C, "offer_referral")],
        lambda w, a, _: w.as_(a).offers.refer(a, w.family.id, (w.any_offer().offer_id,)),
    ),
    "offers.referrals": Call(
        frozenset({A}),
        [(R, "offer_referral")],
        lambda w, a, _: w.as_(a).offers.referrals(a, w.family.id),
    ),
    "offers.update_referral": Call(
        frozenset({A}),
        [(U, "offer_referral")],
        lambda w, a, ref: w.as_(a).offers.update_referral(
            a, ref.id, ref.version, ReferralStatus.STARTED, "Startede i gruppen"
        ),
        _referral,
    ),
    # -- mentor matching
    "mentors.mentoring": Call(
        frozenset({A}),
        [(R, "mentor")],
        lambda w, a, _: w.as_(a).mentors.mentoring(a, w.family.id),
    ),
    "mentors.active_match_contact": Call(
        frozenset({A}),
        [(R, "mentor_match")],
        lambda w, a, match: w.as_(a).mentors.active_match_contact(a, match.mentee_id),
        lambda w, role: active(w.services, w.advisor, f"kontakt {role}", NOW.date()),
    ),
    "mentors.suggest": Call(
        frozenset({A}),
        [(R, "mentor")],
        lambda w, a, mentee: w.as_(a).mentors.suggest(a, mentee.id),
        lambda w, role: make_mentee(w.services, w.advisor, f"Søger {role} Sørensen"),
    ),
    "mentors.assign_all": Call(
        frozenset({A}), [(R, "mentor")], lambda w, a, _: w.as_(a).mentors.assign_all(a)
    ),
    "mentors.save_mentor": Call(
        frozenset({A}),
        [(C, "mentor")],
        lambda w, a, rel: w.as_(a).mentors.save_mentor(a, rel.id, mentor_input()),
        lambda w, role: person(w.services, w.advisor, f"Mentor {role} Madsen"),
    ),
    "mentors.set_paused": Call(
        frozenset({A}),
        [(U, "mentor")],
        lambda w, a, mentor: w.as_(a).mentors.set_paused(a, mentor.id, mentor.version, True),
        lambda w, role: make_mentor(w.services, w.advisor, f"Pause {role} Poulsen"),
    ),
    "mentors.set_consent": Call(
        frozenset({A}),
        [(U, "mentor")],
        lambda w, a, mentor: w.as_(a).mentors.set_consent(
            a, mentor.relative_id, ConsentKind.MENTOR_CONTACT, False
        ),
        lambda w, role: make_mentor(w.services, w.advisor, f"Samtykke {role} Schmidt"),
    ),
    "mentors.save_request": Call(
        frozenset({A}),
        [(C, "mentor_request")],
        lambda w, a, rel: w.as_(a).mentors.save_request(a, rel.id, request_input()),
        lambda w, role: person(w.services, w.advisor, f"Ønsker {role} Østergaard"),
    ),
    "mentors.close_request": Call(
        frozenset({A}),
        [(U, "mentor_request")],
        lambda w, a, rel: w.as_(a).mentors.close_request(a, rel.id, 1),
        lambda w, role: make_mentee(w.services, w.advisor, f"Lukker {role} Lund", contact=False),
    ),
    "mentors.propose": Call(
        frozenset({A}),
        [(C, "mentor_match")],
        lambda w, a, pair: w.as_(a).mentors.propose(a, pair[1].id, pair[0].id),
        lambda w, role: (
            make_mentor(w.services, w.advisor, f"Foreslået {role} Frandsen"),
            make_mentee(w.services, w.advisor, f"Modtager {role} Mikkelsen"),
        ),
    ),
    "mentors.save_proposals": Call(
        frozenset({A}),
        [(C, "mentor_match")],
        lambda w, a, pair: w.as_(a).mentors.save_proposals(a, ((pair[1].id, pair[0].id),)),
        lambda w, role: (
            make_mentor(w.services, w.advisor, f"Fordelt {role} Frederiksen"),
            make_mentee(w.services, w.advisor, f"Venter {role} Vestergaard"),
        ),
    ),
    "mentors.accept": Call(
        frozenset({A}),
        [(U, "mentor_match")],
        lambda w, a, match: w.as_(a).mentors.accept(a, match.id, match.version, Side.MENTOR),
        lambda w, role: proposed(w.services, w.advisor, f"ja {role}"),
    ),
    "mentors.activate": Call(
        frozenset({A}),
        [(U, "mentor_match"), (C, "follow_up_action")],
        lambda w, a, match: w.as_(a).mentors.activate(
            a, match.id, match.version, activate_input(NOW.date())
        ),
        lambda w, role: accepted(w.services, w.advisor, f"start {role}"),
    ),
    "mentors.record_review": Call(
        frozenset({A}),
        [(C, "mentor_review"), (C, "follow_up_action")],
        lambda w, a, match: w.as_(a).mentors.record_review(
            a,
            match.id,
            match.version,
            ReviewInput(NOW.date(), 4, 5, next_review_on=NOW.date() + timedelta(days=90)),
        ),
        lambda w, role: active(w.services, w.advisor, f"status {role}", NOW.date()),
    ),
    "mentors.end": Call(
        frozenset({A}),
        [(U, "mentor_match")],
        lambda w, a, match: w.as_(a).mentors.end(
            a, match.id, match.version, EndInput(EndReason.COMPLETED)
        ),
        lambda w, role: active(w.services, w.advisor, f"slut {role}", NOW.date()),
    ),
    # -- reference data
    "reference.topics": Call(EVERYONE, [], lambda w, a, _: w.as_(a).reference.topics(a)),
    # -- accounts
    "accounts.has_users": Call(frozenset(), [], lambda w, a, _: None),
    "accounts.create_first_admin": Call(frozenset(), [], lambda w, a, _: None),
    "accounts.sign_in": Call(frozenset(), [], lambda w, a, _: None),
    "accounts.confirm_password": Call(
        EVERYONE,
        [(SIGNED, "advisor")],
        lambda w, a, _: w.as_(a).accounts.confirm_password(a, PASSWORD),
    ),
    "accounts.change_own_password": Call(
        EVERYONE,
        [(SIGNED, "advisor"), (U, "advisor")],
        lambda w, a, _: w.as_(a).accounts.change_own_password(a, PASSWORD, NEW_PASSWORD),
    ),
    "accounts.add_user": Call(
        frozenset({AD}),
        [(C, "advisor")],
        lambda w, a, _: w.as_(a).accounts.add_user(a, "ny-bruger", A, None, PASSWORD),
    ),
    "accounts.list_users": Call(
        frozenset({AD}), [(R, "advisor")], lambda w, a, _: w.as_(a).accounts.list_users(a)
    ),
    "accounts.unlock": Call(
        frozenset({AD}), [(U, "advisor")], lambda w, a, _: w.as_(a).accounts.unlock(a, "target")
    ),
    "accounts.disable": Call(
        frozenset({AD}), [(U, "advisor")], lambda w, a, _: w.as_(a).accounts.disable(a, "target")
    ),
    "accounts.set_password": Call(
        frozenset({AD}),
        [(U, "advisor")],
        lambda w, a, _: w.as_(a).accounts.set_password(a, "target", NEW_PASSWORD),
    ),
    # -- statistics
    "statistics.report": Call(
        frozenset({M}),
        [(R, "statistics")],
        lambda w, a, _: w.as_(a).statistics.report(a, STATS_REQUEST),
    ),
    "statistics.record_export": Call(
        frozenset({M}),
        [(E, "statistics")],
        lambda w, a, _: w.as_(a).statistics.record_export(a, STATS_REQUEST, "csv", "ab" * 32),
    ),
    # -- the access log
    "audit.verify": Call(
        frozenset({AU, AD}), [(R, "audit_event")], lambda w, a, _: w.as_(a).audit.verify(a)
    ),
    "audit.events": Call(
        frozenset({AU}),
        [(S, "audit_event")],
        lambda w, a, _: w.as_(a).audit.events(a, AuditFilter()),
    ),
    "audit.sample": Call(
        frozenset({AU}),
        [(R, "audit_event")],
        lambda w, a, _: w.as_(a).audit.sample(a, AuditFilter(), 3),
    ),
    "audit.export_csv": Call(
        frozenset({AU}),
        [(E, "audit_event")],
        lambda w, a, _: w.as_(a).audit.export_csv(a, AuditFilter()),
    ),
    # -- the municipality's settings and handouts
    "settings.current": Call(EVERYONE, [], lambda w, a, _: w.as_(a).settings.current(a)),
    "settings.save": Call(
        frozenset({AD}),
        [(U, "municipal_setting")],
        lambda w, a, _: w.as_(a).settings.save(a, {"municipality.name": "Herning Kommune"}),
    ),
    "handouts.compose": Call(
        frozenset({A}),
        [(R, "handout")],
        lambda w, a, _: w.as_(a).handouts.compose(a, w.family.id),
    ),
    "handouts.record": Call(
        frozenset({A}),
        [(C, "handout"), (P, "handout")],
        lambda w, a, draft: w.as_(a).handouts.record(a, draft, "ab" * 32, HandoutDelivery.PRINTED),
        lambda w, role: w.services.handouts.compose(w.advisor, w.family.id),
    ),
    "handouts.history": Call(
        frozenset({A}),
        [(R, "handout")],
        lambda w, a, _: w.as_(a).handouts.history(a, w.family.id),
    ),
    "handouts.reprint": Call(
        frozenset({A}),
        [(E, "handout")],
        lambda w, a, given: w.as_(a).handouts.reprint(a, given.id, HandoutDelivery.SAVED),
        lambda w, role: w.services.handouts.record(
            w.advisor,
            w.services.handouts.compose(w.advisor, w.family.id),
            "cd" * 32,
            HandoutDelivery.PRINTED,
        ),
    ),
    # -- bookings and the start page
    "bookings.book": Call(
        frozenset({A}),
        [(C, "booking")],
        lambda w, a, _: w.as_(a).bookings.book(a, _booking(w)),
    ),
    "bookings.move": Call(
        frozenset({A}),
        [(U, "booking")],
        lambda w, a, b: w.as_(a).bookings.move(a, b.id, b.version, _booking(w, days=3)),
        lambda w, role: w.services.bookings.book(w.advisor, _booking(w)),
    ),
    "bookings.cancel": Call(
        frozenset({A}),
        [(U, "booking")],
        lambda w, a, b: w.as_(a).bookings.cancel(a, b.id, b.version),
        lambda w, role: w.services.bookings.book(w.advisor, _booking(w)),
    ),
    "bookings.upcoming": Call(
        frozenset({A}),
        [(R, "booking")],
        lambda w, a, _: w.as_(a).bookings.upcoming(a, w.family.id),
    ),
    "bookings.invitation": Call(
        frozenset({A}),
        [(E, "booking")],
        lambda w, a, b: w.as_(a).bookings.invitation(a, b.id, Language.DANISH),
        lambda w, role: w.services.bookings.book(w.advisor, _booking(w)),
    ),
    "today.overview": Call(
        frozenset({A}), [(R, "today")], lambda w, a, _: w.as_(a).today.overview(a)
    ),
    "today.set_follow_up_owner": Call(
        frozenset({A}),
        [(U, "follow_up_action")],
        lambda w, a, action: w.as_(a).today.set_follow_up_owner(
            a, action.id, action.version, a.advisor_id
        ),
        _action,
    ),
    "duplicates.possible_duplicates": Call(
        frozenset({A}),
        [(S, "relative")],
        lambda w, a, _: w.as_(a).duplicates.possible_duplicates(a, relative_input("Ny Person")),
    ),
    # -- backups of the workstation's file
    "backups.generations": Call(
        frozenset({AD}), [], lambda w, a, _: w.as_(a).backups.generations(a)
    ),
    "backups.make": Call(
        frozenset({AD}), [(E, "backup")], lambda w, a, _: w.as_(a).backups.make(a)
    ),
    "backups.plan_restore": Call(
        frozenset({AD}),
        [(U, "backup")],
        lambda w, a, made: w.as_(a).backups.plan_restore(a, made.name if made else "none"),
        _backup,
    ),
}
WORKSTATION_ONLY = {
    "accounts.change_own_password",
    "accounts.set_password",
    "backups.generations",
    "backups.make",
    "backups.plan_restore",
}
ENTRANCE_METHODS = {"accounts.has_users", "accounts.create_first_admin", "accounts.sign_in"}


def new_events_since(services: Services, last: int) -> list[Any]:
    return [e for e in audit_events(services.db) if e.id > last]


def last_event_id(services: Services) -> int:
    return max((e.id for e in audit_events(services.db)), default=0)


@pytest.mark.parametrize("name", sorted(set(CALLS) - ENTRANCE_METHODS))
def test_every_method_with_every_role_is_allowed_or_refused_as_the_table_says(
    pinned_services: Services, name: str
) -> None:
    """One table, every method, every role, on both backends (on PostgreSQL each role
    through its own login, so the server's grants must allow what the table allows):
    allowed calls write exactly their events; refused ones change nothing and leave one
    REFUSED event."""
    services = pinned_services
    world = World.build(services)
    call = CALLS[name]
    service, method = name.split(".")
    function = getattr(type(getattr(services, service)), method)
    permission = permission_of(function)
    assert permission is not None
    try:
        for role in Role:
            actor = world.actors[role]
            prepared = call.prepare(world, role)
            before = table_counts(services.db)
            last = last_event_id(services)
            if role in call.roles and name in WORKSTATION_ONLY and not services.db.is_sqlite:
                with pytest.raises(ValidationError, match="team database"):
                    call.run(world, actor, prepared)
            elif role in call.roles:
                call.run(world, actor, prepared)
                events = new_events_since(services, last)
                assert [(e.action, e.entity) for e in events] == call.events, (name, role)
                assert {(e.username, e.role) for e in events} <= {(actor.username, role)}
            else:
                with pytest.raises(AccessDeniedError):
                    call.run(world, actor, prepared)
                events = new_events_since(services, last)
                assert [(e.action, e.username, e.entity, e.detail) for e in events] == [
                    (AuditAction.REFUSED, actor.username, function.__qualname__, permission.value)
                ], (name, role)
                after = table_counts(services.db)
                assert {**after, "audit_event": before["audit_event"]} == before, (name, role)
    finally:
        world.close()


def test_the_table_agrees_with_the_rules(sqlite_services: Services) -> None:
    """The hand-written table above and domain/permissions.py say the same."""
    for name, call in CALLS.items():
        if name in ENTRANCE_METHODS:
            continue
        service, method = name.split(".")
        permission = permission_of(getattr(type(getattr(sqlite_services, service)), method))
        assert permission is not None and permission not in ENTRANCES
        assert RULES[permission].roles == call.roles, name
        assert RULES[permission].logged == bool(call.events), name


@pytest.mark.parametrize("name", sorted(set(CALLS) - ENTRANCE_METHODS))
def test_log_completeness_on_both_backends(pinned_services: Services, name: str) -> None:
    """Each allowed call writes exactly its events, with the pinned clock's time and the
    actor's role and purpose; the chain stays whole."""
    world = World.build(pinned_services)
    try:
        call = CALLS[name]
        role = min(call.roles, key=lambda r: list(Role).index(r))
        actor = world.actors[role]
        prepared = call.prepare(world, role)
        last = last_event_id(pinned_services)
        if name in WORKSTATION_ONLY and not pinned_services.db.is_sqlite:
            # On a team database the server holds the passwords: the call says so.
            with pytest.raises(ValidationError, match="team database"):
                call.run(world, actor, prepared)
            assert new_events_since(pinned_services, last) == []
            return
        call.run(world, actor, prepared)
        events = new_events_since(pinned_services, last)
        assert [(e.action, e.entity) for e in events] == call.events
        for event in events:
            assert (event.username, event.role, event.purpose) == (
                actor.username,
                role,
                actor.purpose,
            )
            assert event.occurred_at == NOW
        auditor = world.actors[AU]
        assert world.as_(auditor).audit.verify(auditor).ok
    finally:
        world.close()


# ---- the clock ------------------------------------------------------------------------------
def test_the_services_read_time_from_the_clock(sqlite_services: Services) -> None:
    """A follow-up due yesterday is overdue by the pinned clock, not the machine's."""
    world = World.build(sqlite_services)
    clock = sqlite_services.clock
    assert isinstance(clock, FixedClock)
    due = NOW.date() + timedelta(days=1)
    record_with_actions(sqlite_services, world.advisor, world.family.id, due)
    assert [a.overdue for a in sqlite_services.sessions.open_actions(world.advisor)] == [False]
    clock.advance(timedelta(days=2))
    assert [a.overdue for a in sqlite_services.sessions.open_actions(world.advisor)] == [True]
    detail = sqlite_services.relatives.get(world.advisor, world.family.id)
    assert detail.age == (NOW + timedelta(days=2)).year - 1958


def test_opening_a_relative_s_page_is_one_call_with_one_read_event(
    pinned_services: Services,
) -> None:
    world = World.build(pinned_services)
    world.close()
    advisor = world.advisor
    session = record_with_actions(pinned_services, advisor, world.family.id, NOW.date())
    result = pinned_services.check_ins.record(advisor, check_in_input(world.family.id))
    (from_check_in,) = pinned_services.check_ins.add_follow_ups(
        advisor, result.check_in.id, (ActionInput("Tal om egen læge", None),)
    )
    done = pinned_services.sessions.set_action_status(
        advisor, session.actions[0].id, session.actions[0].version, ActionStatus.DONE
    )
    last = last_event_id(pinned_services)
    page = pinned_services.relatives.page(advisor, world.family.id)
    events = new_events_since(pinned_services, last)
    assert [(e.action, e.entity, e.relative_id) for e in events] == [
        (R, "relative", world.family.id)
    ]
    assert page.detail.name == world.family.name
    assert [s.id for s in page.sessions] == [session.id]
    assert [c.id for c in page.check_ins] == [result.check_in.id]
    # Every follow-up: the open one from the check-in first, then the done one.
    assert [(a.id, a.status) for a in page.follow_ups] == [
        (from_check_in.id, ActionStatus.OPEN),
        (done.id, ActionStatus.DONE),
    ]
    assert page.registry.get("who5").id == "who5"
