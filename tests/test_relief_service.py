"""The relief service on a real database: arrangements for a care relation, their status
history, the legal basis stored with them, the plan's warnings and coverage, occurrences for
handouts, the version guard, and bad input that saves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from factories import FAST_HASHER, audit_events, make_user, register_family, table_counts
from relief_factories import make_arrangement, weekly_input

from advisor_app.domain.actor import Actor
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import AuditAction, LegalFramework
from advisor_app.domain.errors import ConflictError, ValidationError
from advisor_app.domain.relief import ProviderKind, ReliefKind, ReliefStatus
from advisor_app.domain.relief_schedule import Recurrence
from advisor_app.services.dto import CitizenInput, RelativeDetail
from advisor_app.services.facade import Services, open_services
from advisor_app.services.relief_dto import ReliefInput, ScheduleInput

# A Wednesday in 2026, noon in Copenhagen.
NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def services(sqlite_url: str) -> Iterator[Services]:
    built, _ = open_services(sqlite_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def advisor(services: Services) -> Actor:
    return make_user(services, "vejleder")


@pytest.fixture
def family(services: Services, advisor: Actor, sqlite_url: str) -> RelativeDetail:
    """Registered on the machine's clock: the factories date the consents by it."""
    real, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        return register_family(real, advisor)  # the citizen born 1945 (from the CPR number)
    finally:
        real.db.dispose()


def relation_id(family: RelativeDetail) -> int:
    return family.relations[0].id


def test_an_arrangement_is_stored_with_its_proposed_basis_and_status_history(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    # The family's citizen was born 1945 with no framework recorded: elderly, so after
    # 1 July 2025 Ældreloven § 16.
    made = make_arrangement(
        services, advisor, relation_id(family), TODAY, status=ReliefStatus.REQUESTED
    )
    assert made.legal_reference == "Ældreloven § 16"
    assert made.history[0].status is ReliefStatus.REQUESTED
    granted = services.relief.change_status(advisor, made.id, made.version, ReliefStatus.GRANTED)
    assert granted.version == made.version + 1  # one edit, one step of the version
    active = services.relief.change_status(
        advisor, granted.id, granted.version, ReliefStatus.ACTIVE, TODAY + timedelta(days=7)
    )
    assert [(s.status, s.changed_on) for s in active.history] == [
        (ReliefStatus.REQUESTED, TODAY),
        (ReliefStatus.GRANTED, TODAY),
        (ReliefStatus.ACTIVE, TODAY + timedelta(days=7)),
    ]
    assert active.status_since == TODAY + timedelta(days=7)
    with pytest.raises(ValidationError):
        services.relief.change_status(advisor, active.id, active.version, ReliefStatus.GRANTED)
    ended = services.relief.change_status(
        advisor, active.id, active.version, ReliefStatus.ENDED, TODAY + timedelta(days=30)
    )
    assert ended.ends_on == TODAY + timedelta(days=30)
    (listed,) = services.relief.plan(advisor, family.id).arrangements
    assert listed == ended


def test_an_arrangement_before_july_2025_gets_the_social_services_act(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    made = make_arrangement(services, advisor, relation_id(family), date(2025, 3, 3))
    assert made.legal_reference == "Serviceloven § 84, stk. 1"
    younger = services.relatives.update_citizen(
        advisor,
        family.relations[0].citizen.id,
        family.relations[0].citizen.version,
        CitizenInput("Karen Hansen", legal_framework=LegalFramework.SOCIAL_SERVICES_ACT),
    )
    assert younger.legal_framework is LegalFramework.SOCIAL_SERVICES_ACT
    plan = services.relief.plan(advisor, family.id)
    assert plan.relations[0].situation.value == "other"
    # A chosen basis is kept when it covers the kind; one that does not is refused.
    chosen = make_arrangement(services, advisor, relation_id(family), TODAY, legal_basis="sel_84_1")
    assert chosen.legal_reference == "Serviceloven § 84, stk. 1"
    with pytest.raises(ValidationError, match="legal basis"):
        make_arrangement(services, advisor, relation_id(family), TODAY, legal_basis="sel_118")


def test_the_plan_shows_coverage_against_the_need_and_uncovered_weeks(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    # Thursdays 9-15 from this week, with the second one cancelled; fortnightly visits.
    make_arrangement(
        services,
        advisor,
        relation_id(family),
        date(2026, 3, 5),
        exceptions=(date(2026, 3, 12),),
    )
    make_arrangement(
        services,
        advisor,
        relation_id(family),
        date(2026, 3, 7),
        kind=ReliefKind.VISITING_FRIEND,
        start=time(10),
        end=time(12),
        recurrence=Recurrence.FORTNIGHTLY,
        provider="Besøgsvennerne",
    )
    services.relief.set_need(advisor, family.id, 7)
    plan = services.relief.plan(advisor, family.id, weeks=4)
    assert plan.need is not None and plan.need.hours_per_week == 7
    assert [(w.monday, w.hours, w.uncovered) for w in plan.coverage] == [
        (date(2026, 3, 2), 8.0, False),
        (date(2026, 3, 9), 0.0, True),
        (date(2026, 3, 16), 8.0, False),
        (date(2026, 3, 23), 6.0, True),
    ]
    # The need's version guard: a second form with the old version loses.
    again = services.relief.set_need(advisor, family.id, 9, plan.need.version)
    assert again.hours_per_week == 9
    with pytest.raises(ConflictError):
        services.relief.set_need(advisor, family.id, 10, plan.need.version)
    with pytest.raises(ConflictError):
        services.relief.set_need(advisor, family.id, 10, None)


def test_a_requested_or_paused_arrangement_gives_no_coverage_yet(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    make_arrangement(services, advisor, relation_id(family), TODAY, status=ReliefStatus.REQUESTED)
    plan = services.relief.plan(advisor, family.id, weeks=2)
    assert [w.hours for w in plan.coverage] == [0.0, 0.0]


def test_overlapping_arrangements_for_the_same_citizen_are_flagged(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    first = make_arrangement(services, advisor, relation_id(family), date(2026, 3, 5))
    second = make_arrangement(
        services,
        advisor,
        relation_id(family),
        date(2026, 3, 5),
        kind=ReliefKind.HOME_SUBSTITUTE,
        start=time(14),
        end=time(18),
        provider="Hjemmeplejen",
    )
    plan = services.relief.plan(advisor, family.id)
    overlaps = [w for w in plan.warnings if w.code == "overlap"]
    assert [(w.arrangement_ids, w.params["date"]) for w in overlaps] == [
        ((first.id, second.id), date(2026, 3, 5))
    ]
    # Moved to the afternoon after the day centre: no longer overlapping.
    services.relief.update(
        advisor,
        second.id,
        second.version,
        weekly_input(
            relation_id(family),
            date(2026, 3, 5),
            kind=ReliefKind.HOME_SUBSTITUTE,
            start=time(15),
            end=time(18),
            provider="Hjemmeplejen",
        ),
    )
    assert [w.code for w in services.relief.plan(advisor, family.id).warnings] == []


def test_care_leave_limits_and_the_care_allowance_after_the_death(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    def tracked(kind: ReliefKind, starts: date, ends: date | None, **more: object) -> ReliefInput:
        return ReliefInput(
            relation_id(family),
            kind,
            ProviderKind.MUNICIPAL,
            "Jobcenter",
            starts,
            ends,
            status=ReliefStatus.GRANTED,
            **more,  # type: ignore[arg-type]
        )

    services.relief.create(
        advisor, tracked(ReliefKind.CARE_LEAVE, date(2026, 1, 5), date(2026, 3, 31))
    )
    services.relief.create(
        advisor, tracked(ReliefKind.CARE_LEAVE, date(2026, 5, 1), date(2026, 8, 31))
    )
    allowance = services.relief.create(
        advisor,
        tracked(
            ReliefKind.CARE_ALLOWANCE, date(2026, 2, 1), None, citizen_died_on=date(2026, 3, 1)
        ),
    )
    assert allowance.legal_reference == "Ældreloven § 24"
    codes = [w.code for w in services.relief.plan(advisor, family.id).warnings]
    # 86 + 123 days is more than six months; the first period also ends within 30 days.
    assert codes == ["care_leave_total", "ending_soon", "care_allowance_after_death"]
    with pytest.raises(ValidationError, match="end date"):
        services.relief.create(advisor, tracked(ReliefKind.CARE_LEAVE, date(2026, 9, 1), None))


def test_ending_soon_is_a_warning(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    make_arrangement(
        services, advisor, relation_id(family), date(2026, 1, 1), ends_on=TODAY + timedelta(days=20)
    )
    (warning,) = services.relief.plan(advisor, family.id).warnings
    assert warning.code == "ending_soon" and warning.params["days"] == 20


def test_occurrences_for_a_handout_are_concrete_times(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    made = make_arrangement(
        services, advisor, relation_id(family), date(2026, 3, 26), start=time(14), end=time(17)
    )  # Thursdays, over the DST change
    found = services.relief.occurrences(advisor, family.id, date(2026, 3, 26), date(2026, 4, 9))
    assert [(o.local_date, o.start.hour, o.hours, o.holiday) for o in found] == [
        (date(2026, 3, 26), 13, 3.0, None),
        (date(2026, 4, 2), 12, 3.0, "Skærtorsdag"),
        (date(2026, 4, 9), 12, 3.0, None),
    ]
    assert {o.arrangement_id for o in found} == {made.id}
    with pytest.raises(ValidationError):
        services.relief.occurrences(advisor, family.id, date(2026, 4, 9), date(2026, 3, 26))


def test_bad_input_saves_nothing_and_a_stale_version_is_refused(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    before = table_counts(services.db)
    bad = [
        weekly_input(relation_id(family), TODAY, start=time(15), end=time(9)),
        weekly_input(relation_id(family), TODAY, ends_on=TODAY - timedelta(days=1)),
        weekly_input(relation_id(family), TODAY, exceptions=(TODAY - timedelta(days=7),)),
        weekly_input(relation_id(family), TODAY, provider="   "),
        weekly_input(relation_id(family), TODAY, status=ReliefStatus.ENDED),
        ReliefInput(relation_id(family), ReliefKind.DAY_CENTRE, ProviderKind.MUNICIPAL, "X", TODAY),
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            services.relief.create(advisor, data)
    after = table_counts(services.db)
    assert {**after, "audit_event": 0} == {**before, "audit_event": 0}
    made = make_arrangement(services, advisor, relation_id(family), TODAY)
    edited = services.relief.update(
        advisor,
        made.id,
        made.version,
        weekly_input(relation_id(family), TODAY, provider="Andet", exceptions=(TODAY,)),
    )
    assert edited.version == made.version + 1  # one edit, one step of the version
    with pytest.raises(ConflictError):
        services.relief.update(
            advisor,
            made.id,
            made.version,
            weekly_input(relation_id(family), TODAY, provider="Tredje"),
        )
    with pytest.raises(ConflictError):
        services.relief.delete(advisor, made.id, made.version)


def test_every_call_is_logged_with_the_relative(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    made = make_arrangement(services, advisor, relation_id(family), TODAY)
    services.relief.calendar(advisor, family.id)
    services.relief.delete(advisor, made.id, made.version)
    relief_events = [e for e in audit_events(services.db) if e.entity == "relief_arrangement"]
    assert [(e.action, e.relative_id) for e in relief_events] == [
        (AuditAction.CREATE, family.id),
        (AuditAction.EXPORT, family.id),
        (AuditAction.DELETE, family.id),
    ]
    assert services.relief.plan(advisor, family.id).arrangements == ()


def test_a_stay_that_began_before_the_range_and_runs_into_it_is_listed(
    services: Services, advisor: Actor, family: RelativeDetail
) -> None:
    stay = ReliefInput(
        relation_id(family),
        ReliefKind.RESPITE_STAY,
        ProviderKind.MUNICIPAL,
        "Aflastningsafsnittet",
        date(2026, 3, 20),
        schedule=ScheduleInput(Recurrence.ONCE, time(18), time(10), span_days=3),
        status=ReliefStatus.GRANTED,
    )
    made = services.relief.create(advisor, stay)
    (found,) = services.relief.occurrences(advisor, family.id, date(2026, 3, 22), date(2026, 3, 31))
    assert found.arrangement_id == made.id and found.hours == 3 * 24 - 8
    assert (
        services.relief.occurrences(advisor, family.id, date(2026, 3, 24), date(2026, 3, 31)) == ()
    )
    # The coverage splits the stay at Monday midnight: Friday-Sunday, then Monday morning.
    weeks = services.relief.plan(advisor, family.id, first_week=date(2026, 3, 16), weeks=2)
    assert [w.hours for w in weeks.coverage] == [54.0, 10.0]
