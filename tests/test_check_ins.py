"""Wellbeing check-ins ("hvordan har du det?", CheckIn) on SQLite and PostgreSQL alike: WHO-5
scoring and prompts, every item answer kept, the child rules, follow-ups taken from a
check-in, the follow-up list, licensed instrument text, the audit trail, erasure and the
migration that let a follow-up belong to a check-in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from factories import (
    an_hour_ago,
    audit_events,
    existing_user,
    make_user,
    record_with_actions,
    refused_and_logged,
    register_family,
    table_counts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Date, Integer, String, column, insert, inspect, select, table
from sqlalchemy.exc import IntegrityError

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import (
    ActionStatus,
    AuditAction,
    CheckInMode,
    Language,
    Purpose,
    Role,
)
from advisor_app.domain.errors import (
    NotFoundError,
    ServiceError,
    ValidationError,
)
from advisor_app.domain.instruments import STEP_TEXTS, prompts
from advisor_app.locations import resources_dir
from advisor_app.persistence import migrations
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import AuditEvent, Base, CheckInAnswer
from advisor_app.persistence.types import UTCDateTime
from advisor_app.services.dto import (
    ActionInput,
    AnswerView,
    CheckInInput,
    CheckInResult,
    InstrumentAnswers,
    RelativeDetail,
)
from advisor_app.services.facade import Services, open_services

TODAY = date.today()
CHILD_BIRTH_YEAR = TODAY.year - 10
WORRY = "Om Karen kan blive boende hjemme, og\nom jeg selv kan holde til det."
HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# ---- helpers ------------------------------------------------------------------------------------
def who5(*values: object) -> InstrumentAnswers:
    return InstrumentAnswers("who5", tuple(values))


def own_life(*values: object, worry: str = "") -> InstrumentAnswers:
    return InstrumentAnswers("own_life", tuple(values), (worry,))


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def adult(services: Services, actor: Actor, name: str = "Søren Hansen") -> RelativeDetail:
    # No CPR: several families in one test must not share a citizen.
    return register_family(services, actor, name, cpr=None)


def child(services: Services, actor: Actor, name: str = "Emma Hansen") -> RelativeDetail:
    return register_family(services, actor, name, cpr=None, birth_year=CHILD_BIRTH_YEAR)


def check_in(
    services: Services,
    actor: Actor,
    relative_id: int,
    *values: object,
    taken_at: datetime | None = None,
) -> CheckInResult:
    return services.check_ins.record(
        actor, CheckInInput(relative_id, who5(*values), taken_at=taken_at)
    )


def manager(services: Services) -> Actor:
    return make_user(services, "leder", "Lene Leder", Role.MANAGER, Purpose.STATISTICS)


class NewEvents:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    @property
    def summary(self) -> list[tuple[AuditAction, str]]:
        return [(e.action, e.entity) for e in self.events]


@contextmanager
def new_events(services: Services) -> Iterator[NewEvents]:
    """The audit events written inside the block."""
    seen = {e.id for e in audit_events(services.db)}
    found = NewEvents()
    yield found
    found.events = [e for e in audit_events(services.db) if e.id not in seen]


@contextmanager
def nothing_saved(services: Services) -> Iterator[None]:
    """Neither a row nor an audit event may be left by the work inside the block."""
    before = table_counts(services.db)
    yield
    assert table_counts(services.db) == before


def stored_versions(services: Services, check_in_id: int) -> dict[str, set[str]]:
    with services.db.begin() as session:
        rows = session.execute(
            select(CheckInAnswer.instrument_id, CheckInAnswer.instrument_version).where(
                CheckInAnswer.check_in_id == check_in_id
            )
        ).all()
    found: dict[str, set[str]] = {}
    for instrument_id, version in rows:
        found.setdefault(instrument_id, set()).add(version)
    return found


# ---- recording and reading back -----------------------------------------------------------------
def test_a_who5_check_in_is_scored_and_kept_item_by_item(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    taken_at = hours_ago(2)
    result = services.check_ins.record(
        actor,
        CheckInInput(
            relative.id,
            who5(3, 4, 2, 5, 1),
            own_life(2, None, 3, None, worry=WORRY),
            mode=CheckInMode.SELF_COMPLETED,
            language=Language.ENGLISH,
            taken_at=taken_at,
        ),
    )
    view = result.check_in
    assert (view.raw, view.score, view.band) == (15, 60, "good")
    assert [p.code for p in result.prompts] == ["item_low"]  # item 5 at 1; own life all > 0
    assert view.prompts == ("item_low",)
    assert result.previous_score is None and view.change is None

    (stored,) = services.check_ins.history(actor, relative.id)
    assert stored.id == view.id and stored.relative_id == relative.id
    assert (stored.instrument_id, stored.instrument_version) == ("who5", "1998")
    assert (stored.raw, stored.score, stored.band, stored.prompts) == (
        15,
        60,
        "good",
        ("item_low",),
    )
    assert stored.mode is CheckInMode.SELF_COMPLETED
    assert stored.language is Language.ENGLISH
    assert stored.advisor_name == "Test Advisor"
    assert stored.taken_at == taken_at and stored.taken_at.utcoffset() == timedelta(0)
    assert stored.change is None
    # Every item, not only the total; unanswered own-life items are absent, not zero.
    assert stored.answers == (
        AnswerView("own_life", "sleep", 2, None),
        AnswerView("own_life", "work_interests", 3, None),
        AnswerView("own_life", "worry", None, WORRY),
        AnswerView("who5", "1", 3, None),
        AnswerView("who5", "2", 4, None),
        AnswerView("who5", "3", 2, None),
        AnswerView("who5", "4", 5, None),
        AnswerView("who5", "5", 1, None),
    )
    assert stored.answer("own_life", "own_time") is None
    assert stored.answer("own_life", "someone_to_talk_to") is None
    assert stored_versions(services, view.id) == {"who5": {"1998"}, "own_life": {"1"}}
    assert set(view.answers) == set(stored.answers)  # record() keeps its own order


def test_own_life_answers_at_not_at_all_call_for_a_talk(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    result = services.check_ins.record(
        actor, CheckInInput(relative.id, who5(5, 5, 5, 5, 5), own_life(3, 0, None, 3))
    )
    assert [p.code for p in result.prompts] == ["own_life_low"]
    assert result.check_in.band == "good" and result.check_in.score == 100


@pytest.mark.parametrize(
    ("values", "score", "band", "codes"),
    [
        ((5, 5, 5, 5, 5), 100, "good", []),
        ((3, 3, 3, 2, 2), 52, "good", []),
        ((3, 3, 3, 2, 1), 48, "poor", ["score_50", "item_low"]),
        ((2, 2, 2, 1, 0), 28, "likely_depression", ["score_28", "item_low"]),
        ((0, 0, 0, 0, 0), 0, "likely_depression", ["score_28", "item_low"]),
    ],
    ids=["100", "52", "48", "28", "0"],
)
def test_who5_bands_and_their_prompts(
    services: Services,
    actor: Actor,
    values: tuple[int, ...],
    score: int,
    band: str,
    codes: list[str],
) -> None:
    relative = adult(services, actor)
    result = check_in(services, actor, relative.id, *values)
    assert (result.check_in.score, result.check_in.band) == (score, band)
    assert [p.code for p in result.prompts] == codes


def test_a_drop_of_ten_points_or_more_is_prompted_and_marked(
    services: Services, actor: Actor
) -> None:
    relative = adult(services, actor)
    first = check_in(services, actor, relative.id, 4, 4, 4, 4, 4, taken_at=hours_ago(4))
    assert first.check_in.score == 80 and first.prompts == ()

    dropped = check_in(services, actor, relative.id, 4, 4, 4, 3, 2, taken_at=hours_ago(3))
    assert dropped.check_in.score == 68 and dropped.previous_score == 80
    (drop,) = dropped.prompts
    assert drop.code == "drop" and drop.points == 12
    assert drop.message.format(points=drop.points).startswith("The score has dropped by 12 ")
    assert drop.steps == ("talk", "relief", "new_check_in")
    assert dropped.check_in.change == -12

    small = check_in(services, actor, relative.id, 3, 3, 3, 3, 3, taken_at=hours_ago(2))
    assert small.check_in.score == 60 and small.previous_score == 68
    assert small.prompts == () and small.check_in.change is None  # 8 points: not significant

    rise = check_in(services, actor, relative.id, 4, 4, 4, 4, 4, taken_at=hours_ago(1))
    assert rise.previous_score == 60 and rise.prompts == ()
    assert rise.check_in.change == 20

    history = services.check_ins.history(actor, relative.id)
    assert [v.id for v in history] == [
        r.check_in.id for r in (first, dropped, small, rise)
    ]  # oldest first
    assert [v.change for v in history] == [None, -12, None, 20]
    assert [v.prompts for v in history] == [(), ("drop",), (), ()]


def test_a_drop_of_exactly_ten_points_counts(services: Services, actor: Actor) -> None:
    """WHO-5 scores move in steps of 4, so the boundary is checked on the rule itself."""
    instrument = services.check_ins.registry(actor).get("who5")
    score = instrument.score((3, 3, 3, 3, 3))
    assert [p.code for p in prompts(instrument, score, 70)] == ["drop"]
    assert [p.code for p in prompts(instrument, score, 69)] == []


def test_a_check_in_entered_afterwards_compares_with_the_one_before_it(
    services: Services, actor: Actor
) -> None:
    relative = adult(services, actor)
    check_in(services, actor, relative.id, 5, 5, 5, 5, 5, taken_at=hours_ago(48))
    check_in(services, actor, relative.id, 2, 2, 2, 2, 2, taken_at=hours_ago(1))
    late_entry = check_in(services, actor, relative.id, 4, 4, 4, 4, 4, taken_at=hours_ago(24))
    assert late_entry.previous_score == 100
    assert [p.code for p in late_entry.prompts] == ["drop"]
    history = services.check_ins.history(actor, relative.id)
    assert [v.score for v in history] == [100, 80, 40]
    assert [v.change for v in history] == [None, -20, -40]


# ---- child relatives ----------------------------------------------------------------------------
def test_the_choice_of_instruments_follows_the_relative_s_age(
    services: Services, actor: Actor
) -> None:
    for_child = services.check_ins.choice(actor, True)
    assert for_child.is_child and for_child.own_life is None
    assert [i.id for i in for_child.instruments] == ["child_smiley"]
    assert all(i.audience == "child" for i in for_child.instruments)

    for_adult = services.check_ins.choice(actor, False)
    assert not for_adult.is_child
    assert for_adult.own_life is not None and for_adult.own_life.id == "own_life"
    assert for_adult.instruments[0].id == "who5"
    assert all(i.audience == "adult" for i in for_adult.instruments)
    assert "own_life" not in {i.id for i in for_adult.instruments}
    assert "zarit4" in {i.id for i in for_adult.instruments}


def test_a_child_is_checked_in_with_the_child_instrument_only(
    services: Services, actor: Actor
) -> None:
    kid = child(services, actor)
    grown_up = adult(services, actor)
    assert kid.is_child and not grown_up.is_child

    result = services.check_ins.record(
        actor,
        CheckInInput(
            kid.id,
            InstrumentAnswers("child_smiley", (4, 2, 5, 3, 4), ("Jeg ønsker mig en hund",)),
        ),
    )
    assert result.check_in.instrument_id == "child_smiley"
    assert result.check_in.score is None and result.check_in.band is None
    assert [p.code for p in result.prompts] == ["child_low"]  # "sleep" at 2
    assert result.check_in.answer("child_smiley", "wish") == AnswerView(
        "child_smiley", "wish", None, "Jeg ønsker mig en hund"
    )

    refused = [
        CheckInInput(kid.id, who5(3, 3, 3, 3, 3)),
        CheckInInput(kid.id, InstrumentAnswers("zarit4", (1, 1, 1, 1))),
        CheckInInput(grown_up.id, InstrumentAnswers("child_smiley", (3, 3, 3, 3, 3))),
        CheckInInput(
            kid.id, InstrumentAnswers("child_smiley", (3, 3, 3, 3, 3)), own_life(2, 2, 2, 2)
        ),
        CheckInInput(
            kid.id, InstrumentAnswers("child_smiley", (3, 3, 3, 3, 3)), own_life(None, None)
        ),
    ]
    for data in refused:
        with nothing_saved(services), pytest.raises(ValidationError) as error:
            services.check_ins.record(actor, data)
        assert error.value.field in ("instrument", "own_life"), data


# ---- bad input ----------------------------------------------------------------------------------
def test_bad_input_saves_nothing_and_writes_no_audit_event(
    services: Services, actor: Actor
) -> None:
    relative = adult(services, actor)
    rid = relative.id
    in_two_hours = datetime.now(UTC) + timedelta(hours=2)
    cases: list[tuple[str, type[ServiceError], CheckInInput]] = [
        ("four answers", ValidationError, CheckInInput(rid, who5(3, 4, 2, 5))),
        ("six answers", ValidationError, CheckInInput(rid, who5(3, 4, 2, 5, 1, 1))),
        ("no answers", ValidationError, CheckInInput(rid, who5())),
        ("6", ValidationError, CheckInInput(rid, who5(3, 4, 2, 5, 6))),
        ("-1", ValidationError, CheckInInput(rid, who5(-1, 4, 2, 5, 1))),
        ("huge", ValidationError, CheckInInput(rid, who5(3, 4, 2, 5, 10**30))),
        ("text", ValidationError, CheckInInput(rid, who5(3, "tre", 2, 5, 1))),
        ("digits text", ValidationError, CheckInInput(rid, who5(3, "31", 2, 5, 1))),
        ("decimal", ValidationError, CheckInInput(rid, who5(3, 2.5, 2, 5, 1))),
        ("float", ValidationError, CheckInInput(rid, who5(3, 2.0, 2, 5, 1))),
        ("True", ValidationError, CheckInInput(rid, who5(3, True, 2, 5, 1))),
        ("False", ValidationError, CheckInInput(rid, who5(3, 4, 2, 5, False))),
        ("None", ValidationError, CheckInInput(rid, who5(3, None, 2, 5, 1))),
        (
            "written answer",
            ValidationError,
            CheckInInput(rid, InstrumentAnswers("who5", (1,) * 5, ("x",))),
        ),
        ("future", ValidationError, CheckInInput(rid, who5(3, 3, 3, 3, 3), taken_at=in_two_hours)),
        (
            "naive",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), taken_at=datetime.now() - timedelta(hours=1)),
        ),
        (
            "unknown instrument",
            ValidationError,
            CheckInInput(rid, InstrumentAnswers("who6", (3,) * 5)),
        ),
        (
            "own life alone",
            ValidationError,
            CheckInInput(rid, InstrumentAnswers("own_life", (1,) * 4)),
        ),
        ("missing relative", NotFoundError, CheckInInput(999_999, who5(3, 3, 3, 3, 3))),
        (
            "own life count",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(1, 1, 1)),
        ),
        (
            "own life 4",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(1, 4, 1, 1)),
        ),
        (
            "own life bool",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(True, 1, 1, 1)),
        ),
        (
            "own life for another instrument",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), InstrumentAnswers("zarit4", (1, 1, 1, 1))),
        ),
        (
            "worry control character",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(1, 1, 1, 1, worry="Bekymret\x07")),
        ),
        (
            "worry NUL",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(1, 1, 1, 1, worry="a\x00b")),
        ),
        (
            "worry too long",
            ValidationError,
            CheckInInput(rid, who5(3, 3, 3, 3, 3), own_life(1, 1, 1, 1, worry="x" * 2001)),
        ),
        (
            "two worries",
            ValidationError,
            CheckInInput(
                rid, who5(3, 3, 3, 3, 3), InstrumentAnswers("own_life", (1,) * 4, ("a", "b"))
            ),
        ),
    ]
    for label, error, data in cases:
        with nothing_saved(services), pytest.raises(error):
            services.check_ins.record(actor, data)
            pytest.fail(f"accepted: {label}")
    assert services.check_ins.history(actor, rid) == ()


def test_an_aware_time_in_another_zone_is_kept_as_the_same_instant(
    services: Services, actor: Actor
) -> None:
    relative = adult(services, actor)
    summer = timezone(timedelta(hours=2))
    taken_at = datetime(2025, 7, 1, 9, 30, tzinfo=summer)
    check_in(services, actor, relative.id, 3, 3, 3, 3, 3, taken_at=taken_at)
    (stored,) = services.check_ins.history(actor, relative.id)
    assert stored.taken_at == taken_at and stored.taken_at.tzinfo == UTC


def test_own_life_answers_given_as_form_text_are_read_as_numbers(
    services: Services, actor: Actor
) -> None:
    relative = adult(services, actor)
    result = services.check_ins.record(
        actor, CheckInInput(relative.id, who5("3", " 4 ", 2, 5, 1), own_life("2", "", None, 1))
    )
    assert result.check_in.raw == 15
    (stored,) = services.check_ins.history(actor, relative.id)
    assert [(a.item_id, a.value) for a in stored.answers if a.instrument_id == "own_life"] == [
        ("sleep", 2),
        ("someone_to_talk_to", 1),
    ]


# ---- any answers round-trip; any out of range is refused ---------------------------------------
WHO5_VECTORS = st.tuples(*[st.integers(0, 5)] * 5)
OWN_LIFE_VECTORS = st.tuples(*[st.none() | st.integers(0, 3)] * 4)
WORRIES = st.text(alphabet="abcæøåÆØÅ .,?-\n", max_size=40)


@HYPOTHESIS
@given(values=WHO5_VECTORS, own=OWN_LIFE_VECTORS, worry=WORRIES)
def test_any_valid_answers_round_trip_unchanged(
    services: Services,
    actor: Actor,
    values: tuple[int, int, int, int, int],
    own: tuple[int | None, int | None, int | None, int | None],
    worry: str,
) -> None:
    relative = adult(services, actor)
    result = services.check_ins.record(
        actor, CheckInInput(relative.id, who5(*values), own_life(*own, worry=worry))
    )
    assert result.check_in.raw == sum(values) and result.check_in.score == 4 * sum(values)
    (stored,) = services.check_ins.history(actor, relative.id)
    back = tuple(stored.answer("who5", str(n)) for n in range(1, 6))
    assert tuple(a.value if a else None for a in back) == values
    own_items = ("sleep", "own_time", "work_interests", "someone_to_talk_to")
    own_back = tuple(stored.answer("own_life", item) for item in own_items)
    assert tuple(a.value if a else None for a in own_back) == own
    written = stored.answer("own_life", "worry")
    assert (written.text if written else None) == (worry.strip() or None)
    expected_rows = 5 + sum(v is not None for v in own) + (1 if worry.strip() else 0)
    assert len(stored.answers) == expected_rows


OUT_OF_RANGE = st.integers(max_value=-1) | st.integers(min_value=6)


@HYPOTHESIS
@given(values=WHO5_VECTORS, position=st.integers(0, 4), bad=OUT_OF_RANGE)
def test_any_answer_outside_the_scale_is_refused_with_nothing_stored(
    services: Services,
    actor: Actor,
    values: tuple[int, int, int, int, int],
    position: int,
    bad: int,
) -> None:
    relative = adult(services, actor)
    answers = list[object](values)
    answers[position] = bad
    with nothing_saved(services), pytest.raises(ValidationError) as error:
        services.check_ins.record(actor, CheckInInput(relative.id, who5(*answers)))
    assert error.value.params.get("position") == position + 1


# ---- follow-ups from a check-in -----------------------------------------------------------------
def test_next_steps_become_open_follow_ups_everywhere(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    record_with_actions(services, actor, relative.id, TODAY - timedelta(days=1))  # overdue
    result = check_in(services, actor, relative.id, 2, 2, 2, 2, 1)
    steps = [p.steps for p in result.prompts]
    assert steps[0] == ("talk", "relief", "group")
    made = services.check_ins.add_follow_ups(
        actor,
        result.check_in.id,
        (
            ActionInput(STEP_TEXTS["talk"], TODAY),
            ActionInput("  Tilbyd  aflastning  ", TODAY + timedelta(days=14)),
            ActionInput(STEP_TEXTS["group"], None),
        ),
    )
    assert [a.description for a in made] == [
        STEP_TEXTS["talk"],
        "Tilbyd aflastning",
        STEP_TEXTS["group"],
    ]
    for action in made:
        assert action.check_in_id == result.check_in.id and action.session_id is None
        assert action.status is ActionStatus.OPEN and not action.overdue
        assert action.relative_id == relative.id
    made_ids = {a.id for a in made}

    detail = services.relatives.get(actor, relative.id)
    assert made_ids < {a.id for a in detail.open_actions}
    assert len(detail.open_actions) == 4

    listed = {a.id: a for a in services.sessions.open_actions(actor)}
    assert made_ids < set(listed)
    for action_id in made_ids:
        assert listed[action_id].relative_id == relative.id
        assert listed[action_id].relative_name == relative.name
        assert listed[action_id].check_in_id == result.check_in.id

    (row,) = services.relatives.search(actor, relative.name).rows
    assert (row.open_actions, row.overdue_actions) == (4, 1)

    done = services.sessions.set_action_status(
        actor, made[0].id, made[0].version, ActionStatus.DONE
    )
    assert done.status is ActionStatus.DONE and done.completed_at is not None
    assert done.relative_id == relative.id and done.check_in_id == result.check_in.id
    assert made[0].id not in {a.id for a in services.relatives.get(actor, relative.id).open_actions}
    assert made[0].id not in {a.id for a in services.sessions.open_actions(actor)}
    (row,) = services.relatives.search(actor, relative.name).rows
    assert row.open_actions == 3


def test_bad_follow_ups_are_refused(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    result = check_in(services, actor, relative.id, 2, 2, 2, 2, 1)
    check_in_id = result.check_in.id
    bad: list[tuple[type[ServiceError], int, tuple[ActionInput, ...]]] = [
        (ValidationError, check_in_id, ()),
        (ValidationError, check_in_id, (ActionInput("Ring", TODAY - timedelta(days=1)),)),
        (ValidationError, check_in_id, (ActionInput("", TODAY),)),
        (ValidationError, check_in_id, (ActionInput("   ", None),)),
        (ValidationError, check_in_id, (ActionInput("Ring\x07", None),)),
        (ValidationError, check_in_id, (ActionInput("Ring", None), ActionInput("", None))),
        (ValidationError, check_in_id, tuple(ActionInput(f"Trin {n}", None) for n in range(11))),
        (NotFoundError, 999_999, (ActionInput("Ring", None),)),
    ]
    for error, target, items in bad:
        with nothing_saved(services), pytest.raises(error):
            services.check_ins.add_follow_ups(actor, target, items)
    assert services.relatives.get(actor, relative.id).open_actions == ()


# ---- the follow-up list -------------------------------------------------------------------------
def test_needing_follow_up_lists_the_latest_check_in_that_calls_for_it(
    services: Services, actor: Actor
) -> None:
    poor = adult(services, actor, "Anna Poulsen")
    check_in(services, actor, poor.id, 2, 2, 2, 2, 2, taken_at=hours_ago(1))

    better = adult(services, actor, "Bent Berg")
    check_in(services, actor, better.id, 1, 1, 1, 1, 1, taken_at=hours_ago(48))
    check_in(services, actor, better.id, 4, 4, 4, 4, 4, taken_at=hours_ago(1))

    old = adult(services, actor, "Carl Clausen")
    long_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    check_in(services, actor, old.id, 4, 4, 4, 4, 4, taken_at=long_ago)

    worse = adult(services, actor, "Dorte Dahl")
    check_in(services, actor, worse.id, 5, 5, 5, 5, 5, taken_at=hours_ago(48))
    check_in(services, actor, worse.id, 1, 1, 1, 1, 1, taken_at=hours_ago(2))

    adult(services, actor, "Erik Eriksen")  # never checked in

    rows = services.check_ins.needing_follow_up(actor)
    assert [r.relative_name for r in rows] == ["Dorte Dahl", "Anna Poulsen", "Carl Clausen"]
    by_name = {r.relative_name: r for r in rows}
    assert by_name["Anna Poulsen"].prompts == ("score_50",)
    assert by_name["Anna Poulsen"].relative_id == poor.id
    assert not by_name["Anna Poulsen"].too_old
    assert by_name["Dorte Dahl"].prompts == ("score_28", "drop", "item_low")
    assert by_name["Dorte Dahl"].score == 20 and by_name["Dorte Dahl"].band == "likely_depression"
    assert by_name["Carl Clausen"].too_old and by_name["Carl Clausen"].prompts == ()
    assert by_name["Carl Clausen"].taken_at == long_ago

    within_a_year = services.check_ins.needing_follow_up(actor, older_than_days=365)
    assert [r.relative_name for r in within_a_year] == ["Dorte Dahl", "Anna Poulsen"]
    assert [r.relative_name for r in services.check_ins.needing_follow_up(actor, limit=1)] == [
        "Dorte Dahl"
    ]

    for period in (0, -1, 3661):
        with nothing_saved(services), pytest.raises(ValidationError):
            services.check_ins.needing_follow_up(actor, older_than_days=period)


# ---- licensed instrument text -------------------------------------------------------------------
ZARIT4_VERSION = json.loads(
    (resources_dir() / "instruments" / "zarit4.json").read_text(encoding="utf-8")
)["version"]


def zarit4_text(**changes: object) -> bytes:
    """An invented text file for the zarit4 shell: placeholders, never the licensed text."""
    data: dict[str, object] = {
        "id": "zarit4",
        "version": ZARIT4_VERSION,
        "items": {
            str(n): {"en": f"Licensed item {n}", "da": f"Licenseret spørgsmål {n}"}
            for n in range(1, 5)
        },
        "labels": {"en": [f"Placeholder {n}" for n in range(5)]},
    }
    data.update(changes)
    return json.dumps(data).encode()


def test_a_licensed_text_file_makes_the_shell_show_its_text(
    services: Services, actor: Actor
) -> None:
    shell = services.check_ins.registry(actor).get("zarit4")
    assert not shell.shows_text and all(item.text == {} for item in shell.items)

    refused = [
        zarit4_text(version="shell-0"),
        zarit4_text(version=None),
        zarit4_text(id="zarit12"),
        zarit4_text(id="who5"),
        zarit4_text(id="no_such_instrument"),
        zarit4_text(items={str(n): {"en": f"Licensed item {n}"} for n in range(1, 4)}),
        zarit4_text(items={str(n): {"en": f"Licensed item {n}"} for n in range(1, 6)}),
        zarit4_text(items={str(n): {"en": n} for n in range(1, 5)}),
        zarit4_text(items=["Licensed item 1"]),
        zarit4_text(labels={"en": ["Too", "few"]}),
        b"not json",
        b"[1, 2]",
        "{}".encode("utf-16"),
    ]
    for raw in refused:
        with nothing_saved(services), pytest.raises(ValidationError):
            services.check_ins.load_instrument_text(actor, raw)
    assert not services.check_ins.registry(actor).get("zarit4").shows_text

    loaded = services.check_ins.load_instrument_text(actor, zarit4_text())
    assert loaded.shows_text and loaded.text_loaded
    for instrument in (loaded, services.check_ins.registry(actor).get("zarit4")):
        assert instrument.shows_text
        assert instrument.version == ZARIT4_VERSION
        assert [i.text_in("en") for i in instrument.items] == [
            f"Licensed item {n}" for n in range(1, 5)
        ]
        assert instrument.items[0].text_in("da") == "Licenseret spørgsmål 1"
        assert instrument.scale_labels["en"][4] == "Placeholder 4"
    chosen = next(
        i for i in services.check_ins.choice(actor, False).instruments if i.id == "zarit4"
    )
    assert chosen.shows_text

    # Loading again replaces the text; a check-in is scored by the shell's rule either way.
    services.check_ins.load_instrument_text(
        actor, zarit4_text(items={str(n): {"en": f"Item {n}, v2"} for n in range(1, 5)})
    )
    assert services.check_ins.registry(actor).get("zarit4").items[3].text_in("en") == "Item 4, v2"
    relative = adult(services, actor)
    result = services.check_ins.record(
        actor, CheckInInput(relative.id, InstrumentAnswers("zarit4", (4, 0, 3, 2)))
    )
    assert (result.check_in.raw, result.check_in.score, result.check_in.band) == (9, 9, None)
    assert result.check_in.instrument_version == ZARIT4_VERSION
    with pytest.raises(ValidationError):
        services.check_ins.record(
            actor, CheckInInput(relative.id, InstrumentAnswers("zarit4", (5, 0, 3, 2)))
        )


def test_a_manager_reaches_no_check_in(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    result = check_in(services, actor, relative.id, 2, 2, 2, 2, 2)
    boss = manager(services)
    assert boss.role is Role.MANAGER
    statistician = Actor(actor.advisor_id, actor.username, Role.ADVISOR, Purpose.STATISTICS)
    calls: list[Callable[[Actor], object]] = [
        lambda who: services.check_ins.record(who, CheckInInput(relative.id, who5(3, 3, 3, 3, 3))),
        lambda who: services.check_ins.history(who, relative.id),
        lambda who: services.check_ins.needing_follow_up(who),
        lambda who: services.check_ins.add_follow_ups(
            who, result.check_in.id, (ActionInput("Ring", None),)
        ),
    ]
    for who in (boss, statistician):
        for call in calls:
            with refused_and_logged(services):
                call(who)
    with refused_and_logged(services):
        services.check_ins.load_instrument_text(boss, zarit4_text())


# ---- the audit trail ----------------------------------------------------------------------------
def test_check_ins_are_audited(services: Services, actor: Actor) -> None:
    relative = adult(services, actor)
    with new_events(services) as log:
        result = check_in(services, actor, relative.id, 2, 2, 2, 2, 1)
    assert log.summary == [(AuditAction.CREATE, "check_in")]
    (event,) = log.events
    assert (event.entity_id, event.relative_id) == (result.check_in.id, relative.id)
    assert event.advisor_id == actor.advisor_id and event.purpose is Purpose.ADVISORY

    with new_events(services) as log:
        services.check_ins.history(actor, relative.id)
    assert log.summary == [(AuditAction.READ, "check_in")]
    assert log.events[0].relative_id == relative.id

    with new_events(services) as log:
        services.check_ins.needing_follow_up(actor)
    assert log.summary == [(AuditAction.READ, "check_in")]

    with new_events(services) as log:
        made = services.check_ins.add_follow_ups(
            actor, result.check_in.id, (ActionInput("Ring", None), ActionInput("Skriv", TODAY))
        )
    assert log.summary == [(AuditAction.CREATE, "follow_up_action")] * 2
    assert [e.entity_id for e in log.events] == [a.id for a in made]
    assert {e.relative_id for e in log.events} == {relative.id}

    with new_events(services) as log:
        services.check_ins.registry(actor)
        services.check_ins.choice(actor, False)
    assert log.summary == []  # no personal data


# ---- erasure ------------------------------------------------------------------------------------
def test_deleting_the_relative_erases_their_check_ins(services: Services, actor: Actor) -> None:
    gone = adult(services, actor, "Søren Hansen")
    stays = adult(services, actor, "Mette Hansen")
    for relative in (gone, stays):
        result = services.check_ins.record(
            actor,
            CheckInInput(relative.id, who5(1, 2, 3, 4, 5), own_life(1, None, 2, 3, worry=WORRY)),
        )
        services.check_ins.add_follow_ups(
            actor, result.check_in.id, (ActionInput("Ring", None), ActionInput("Skriv", None))
        )
    before = table_counts(services.db)
    version = services.relatives.get(actor, gone.id).version
    services.relatives.delete(actor, gone.id, version)
    after = table_counts(services.db)
    assert before["check_in"] - after["check_in"] == 1
    assert before["check_in_answer"] - after["check_in_answer"] == 9
    assert before["follow_up_action"] - after["follow_up_action"] == 2
    assert (after["check_in"], after["check_in_answer"], after["follow_up_action"]) == (1, 9, 2)
    with pytest.raises(NotFoundError):
        services.check_ins.history(actor, gone.id)
    (kept,) = services.check_ins.history(actor, stays.id)
    assert len(kept.answers) == 9
    assert [r.relative_id for r in services.check_ins.needing_follow_up(actor)] == [stays.id]
    assert {a.relative_id for a in services.sessions.open_actions(actor)} == {stays.id}


# ---- the migration ------------------------------------------------------------------------------
ADVISOR = table(
    "advisor",
    column("id", Integer),
    column("username", String),
    column("display_name", String),
    column("role", String),
    column("active", Boolean),
    column("created_at", UTCDateTime()),
)
RELATIVE = table(
    "relative",
    column("id", Integer),
    column("name", String),
    column("sort_name", String),
    column("language", String),
    column("employment", String),
    column("search_key", String),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
    column("version", Integer),
)
CASE = table(
    "advice_case",
    column("id", Integer),
    column("relative_id", Integer),
    column("advisor_id", Integer),
    column("opened_at", UTCDateTime()),
)
SESSION = table(
    "advisory_session",
    column("id", Integer),
    column("case_id", Integer),
    column("advisor_id", Integer),
    column("started_at", UTCDateTime()),
    column("duration_minutes", Integer),
    column("form", String),
    column("anonymous", Boolean),
    column("notes", String),
    column("created_at", UTCDateTime()),
    column("version", Integer),
)
FOLLOW_UP = table(
    "follow_up_action",
    column("id", Integer),
    column("session_id", Integer),
    column("check_in_id", Integer),
    column("description", String),
    column("due_on", Date),
    column("status", String),
    column("version", Integer),
)
CHECK_IN = table(
    "check_in",
    column("id", Integer),
    column("case_id", Integer),
    column("advisor_id", Integer),
    column("taken_at", UTCDateTime()),
    column("mode", String),
    column("language", String),
    column("instrument_id", String),
    column("instrument_version", String),
    column("prompts", String),
    column("created_at", UTCDateTime()),
)


def test_the_migration_keeps_session_follow_ups_and_checks_their_owner(
    empty_db_url: str,
) -> None:
    db = Database(empty_db_url)
    try:
        command.upgrade(migrations.alembic_config(db), "0001")
        assert migrations.current_revision(db) == "0001"
        now = an_hour_ago()
        due = TODAY + timedelta(days=7)
        with db.engine.begin() as connection:
            connection.execute(
                insert(ADVISOR).values(
                    id=1,
                    username="gammel",
                    display_name="Gammel Rådgiver",
                    role="advisor",
                    active=True,
                    created_at=now,
                )
            )
            connection.execute(
                insert(RELATIVE).values(
                    id=1,
                    name="Søren Hansen",
                    sort_name="hansen søren",
                    language="da",
                    employment="unknown",
                    search_key="soren hansen",
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            connection.execute(
                insert(CASE).values(id=1, relative_id=1, advisor_id=1, opened_at=now)
            )
            connection.execute(
                insert(SESSION).values(
                    id=1,
                    case_id=1,
                    advisor_id=1,
                    started_at=now,
                    duration_minutes=45,
                    form="in_person",
                    anonymous=False,
                    notes="Talte om aflastning.",
                    created_at=now,
                    version=1,
                )
            )
            connection.execute(
                # Only the columns given are inserted: 0001 has no check_in_id yet.
                insert(FOLLOW_UP).values(
                    id=1,
                    session_id=1,
                    description="Ring om aflastning",
                    due_on=due,
                    status="open",
                    version=1,
                )
            )

        assert db.upgrade(backup=False) is None
        assert migrations.current_revision(db) == migrations.head_revision(db)
        with db.engine.connect() as connection:
            kept = connection.execute(select(FOLLOW_UP)).one()
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert tuple(kept) == (1, 1, None, "Ring om aflastning", due, "open", 1)
        checks = {c["name"] for c in inspect(db.engine).get_check_constraints("follow_up_action")}
        # 0007 widened it to a third owner (a mentor match's review reminder): still one owner.
        assert "ck_follow_up_action_one_owner" in checks

        with db.engine.begin() as connection:
            connection.execute(
                insert(CHECK_IN).values(
                    id=1,
                    case_id=1,
                    advisor_id=1,
                    taken_at=now,
                    mode="interview",
                    language="da",
                    instrument_id="who5",
                    instrument_version="1998",
                    prompts="",
                    created_at=now,
                )
            )
            connection.execute(
                insert(FOLLOW_UP).values(
                    id=2, check_in_id=1, description="Ny samtale", status="open", version=1
                )
            )
        for session_id, check_in_id in ((None, None), (1, 1)):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(
                    insert(FOLLOW_UP).values(
                        id=3,
                        session_id=session_id,
                        check_in_id=check_in_id,
                        description="Uden ejer",
                        status="open",
                        version=1,
                    )
                )
    finally:
        db.dispose()

    services, backup = open_services(empty_db_url)
    try:
        assert backup is None
        actor = existing_user(services, "gammel")
        listed = sorted(services.sessions.open_actions(actor), key=lambda a: a.id)
        assert [(a.id, a.session_id, a.check_in_id, a.relative_name) for a in listed] == [
            (1, 1, None, "Søren Hansen"),
            (2, None, 1, "Søren Hansen"),
        ]
        assert [a.id for a in services.relatives.get(actor, 1).open_actions] == [1, 2]
    finally:
        services.db.dispose()
