"""Mentors, relatives waiting for one, and matches in each state, for the service tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from factories import register_family

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Condition, RelationType
from advisor_app.domain.mentoring import ContactMode, MeetingFrequency, MentorStage, TimeSlot
from advisor_app.services.dto import RelativeDetail
from advisor_app.services.facade import Services
from advisor_app.services.mentor_dto import (
    ActivateInput,
    ConsentKind,
    MatchView,
    MentorInput,
    MentorRequestInput,
    MentorView,
    Side,
)

_numbers = itertools.count(10)


def person(services: Services, actor: Actor, name: str, **changes: object) -> RelativeDetail:
    """A relative with a citizen of their own and a phone and e-mail of their own (a shared
    one would make them one household, which matching keeps apart)."""
    n = next(_numbers)
    values: dict[str, object] = {"phone": f"2{n:07d}", "email": f"p{n}@example.dk"}
    values.update(changes)
    return register_family(services, actor, name, f"Borger {name}", cpr=None, **values)


def mentor_input(**changes: object) -> MentorInput:
    values: dict[str, object] = {
        "stage": MentorStage.ADVANCED,
        "relation_type": RelationType.SPOUSE,
        "conditions": (Condition.DEMENTIA,),
        "languages": ("da",),
        "slots": (TimeSlot.EVENINGS, TimeSlot.WEEKDAYS),
        "modes": (ContactMode.PHONE, ContactMode.IN_PERSON),
        "capacity": 2,
        "trained_on": date.today() - timedelta(days=60),
        "interests": "Kor, Gåture",
    }
    values.update(changes)
    return MentorInput(**values)  # type: ignore[arg-type]


def request_input(**changes: object) -> MentorRequestInput:
    values: dict[str, object] = {
        "stage": MentorStage.NEWLY_DIAGNOSED,
        "languages": ("da",),
        "slots": (TimeSlot.EVENINGS,),
        "modes": (ContactMode.PHONE,),
    }
    values.update(changes)
    return MentorRequestInput(**values)  # type: ignore[arg-type]


def make_mentor(
    services: Services, actor: Actor, name: str, *, contact: bool = True, **changes: object
) -> MentorView:
    relative = person(services, actor, name)
    services.mentors.save_mentor(actor, relative.id, mentor_input(**changes))
    services.mentors.set_consent(actor, relative.id, ConsentKind.MENTOR, True)
    if contact:
        services.mentors.set_consent(actor, relative.id, ConsentKind.MENTOR_CONTACT, True)
    mentor = services.mentors.mentoring(actor, relative.id).mentor
    assert mentor is not None
    return mentor


def make_mentee(
    services: Services, actor: Actor, name: str, *, contact: bool = True, **changes: object
) -> RelativeDetail:
    relative = person(services, actor, name)
    services.mentors.save_request(actor, relative.id, request_input(**changes))
    if contact:
        services.mentors.set_consent(actor, relative.id, ConsentKind.MENTEE_CONTACT, True)
    return relative


def proposed(services: Services, actor: Actor, tag: str) -> MatchView:
    mentor = make_mentor(services, actor, f"Mentor {tag} Mortensen")
    mentee = make_mentee(services, actor, f"Ny {tag} Nielsen")
    return services.mentors.propose(actor, mentee.id, mentor.id)


def accepted(services: Services, actor: Actor, tag: str) -> MatchView:
    match = proposed(services, actor, tag)
    match = services.mentors.accept(actor, match.id, match.version, Side.MENTOR)
    return services.mentors.accept(actor, match.id, match.version, Side.MENTEE)


def activate_input(today: date) -> ActivateInput:
    return ActivateInput(today, MeetingFrequency.FORTNIGHTLY, today + timedelta(days=42))


def active(services: Services, actor: Actor, tag: str, today: date) -> MatchView:
    match = accepted(services, actor, tag)
    return services.mentors.activate(actor, match.id, match.version, activate_input(today))
