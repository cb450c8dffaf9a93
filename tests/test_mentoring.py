"""Mentor matching in the domain: hard rules, the weighted score, explanations and the
optimal assignment, held to the issue's properties with Hypothesis."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor_app.domain import mentoring as m
from advisor_app.domain.errors import ValidationError

TODAY = date(2026, 12, 1)
PLACES = {"7400": (56.136, 8.976), "7430": (56.139, 9.158), "2750": (55.731, 12.363)}
SETTINGS = m.MatchSettings()


def people(min_size: int, max_size: int, *, mentors: bool, first_id: int) -> st.SearchStrategy:
    def build(draw: st.DrawFn) -> list[m.Person]:
        n = draw(st.integers(min_size, max_size))
        found = []
        for i in range(n):
            stage = draw(st.sampled_from(list(m.MentorStage)))
            found.append(
                m.Person(
                    id=first_id + i,
                    languages=frozenset(
                        draw(st.sets(st.sampled_from(["da", "en", "ar"]), min_size=1))
                    ),
                    slots=frozenset(draw(st.sets(st.sampled_from(list(m.TimeSlot)), min_size=1))),
                    modes=frozenset(
                        draw(st.sets(st.sampled_from(list(m.ContactMode)), min_size=1))
                    ),
                    gender=draw(st.sampled_from(list(m.Gender))),
                    gender_preference=draw(st.sampled_from(list(m.GenderPreference))),
                    stage=stage,
                    bereaved_since=draw(st.one_of(st.none(), st.dates(date(2025, 1, 1), TODAY)))
                    if stage is m.MentorStage.BEREAVED
                    else None,
                    conditions=frozenset(
                        draw(st.sets(st.sampled_from(["dementia", "copd", "cancer"])))
                    ),
                    relation_types=frozenset(draw(st.sets(st.sampled_from(["spouse", "child"])))),
                    birth_year=draw(st.one_of(st.none(), st.integers(1940, 2005))),
                    work=draw(st.sampled_from(list(m.WorkLife))),
                    postcode=draw(st.sampled_from([None, "7400", "7430", "2750", "7401", "9999"])),
                    interests=frozenset(draw(st.sets(st.sampled_from(["kor", "golf", "gature"])))),
                    citizens=frozenset(draw(st.sets(st.integers(1, 6), max_size=1))),
                    household=frozenset(
                        draw(st.sets(st.sampled_from(["tel:1", "tel:2"]), max_size=1))
                    ),
                    family=draw(st.sampled_from([None, "hansen|7400"])),
                    previous_mentors=frozenset(draw(st.sets(st.integers(0, 5), max_size=1)))
                    if not mentors
                    else frozenset(),
                    consent=draw(st.booleans()) if mentors else True,
                    active=draw(st.booleans()) if mentors else True,
                    trained=draw(st.booleans()) if mentors else True,
                    capacity=draw(st.integers(1, 3)) if mentors else 1,
                    load=draw(st.integers(0, 2)) if mentors else 0,
                )
            )
        return found

    return st.composite(build)()


def lenient(persons: list[m.Person]) -> list[m.Person]:
    """Mostly feasible: the same language, time and way, no conflicts, consent given."""
    from dataclasses import replace

    return [
        replace(
            p,
            languages=frozenset({"da"}),
            slots=frozenset(m.TimeSlot),
            modes=frozenset(m.ContactMode),
            gender_preference=m.GenderPreference.ANY,
            consent=True,
            active=True,
            trained=True,
            household=frozenset(),
            family=None,
        )
        for p in persons
    ]


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_assignment(
    mentors: list[m.Person], mentees: list[m.Person], result: m.Assignment
) -> None:
    by_id = {p.id: p for p in mentors}
    used: dict[int, int] = {}
    assigned = [p.mentee_id for p in result.pairs]
    assert len(assigned) == len(set(assigned))  # one mentor per relative
    assert set(assigned) | set(result.unassigned) == {e.id for e in mentees}
    for pair in result.pairs:
        mentee = next(e for e in mentees if e.id == pair.mentee_id)
        # No proposed match ever breaks a hard rule.
        assert m.exclusion(by_id[pair.mentor_id], mentee, TODAY, SETTINGS) is None
        used[pair.mentor_id] = used.get(pair.mentor_id, 0) + 1
    for mentor_id, count in used.items():
        # Capacity is never exceeded.
        assert count <= by_id[mentor_id].free


@FAST
@given(people(0, 8, mentors=True, first_id=0), people(0, 8, mentors=False, first_id=100))
def test_no_proposed_match_breaks_a_hard_rule_or_a_capacity(mentors, mentees) -> None:
    check_assignment(mentors, mentees, m.assign(mentors, mentees, TODAY, SETTINGS, PLACES))
    check_assignment(mentors, mentees, m.greedy_assign(mentors, mentees, TODAY, SETTINGS, PLACES))


@FAST
@given(people(1, 10, mentors=True, first_id=0), people(1, 12, mentors=False, first_id=100))
def test_the_assignment_is_never_below_greedy(mentors, mentees) -> None:
    for group in ((mentors, mentees), (lenient(mentors), lenient(mentees))):
        optimal = m.assign(*group, TODAY, SETTINGS, PLACES)
        greedy = m.greedy_assign(*group, TODAY, SETTINGS, PLACES)
        assert optimal.total >= greedy.total - 1e-6


def brute_force(mentors: list[m.Person], mentees: list[m.Person]) -> float:
    feasible, scores = m.score_matrix(mentors, mentees, TODAY, SETTINGS, PLACES)
    best = 0.0

    def walk(row: int, left: list[int], total: float) -> None:
        nonlocal best
        if row == len(mentees):
            best = max(best, total)
            return
        walk(row + 1, left, total)  # nobody for this relative
        for j in range(len(mentors)):
            if feasible[row, j] and left[j] > 0:
                left[j] -= 1
                walk(row + 1, left, total + float(scores[row, j]))
                left[j] += 1

    walk(0, [p.free for p in mentors], 0.0)
    return best


@FAST
@given(people(1, 4, mentors=True, first_id=0), people(1, 5, mentors=False, first_id=100))
def test_the_assignment_equals_the_brute_force_optimum_on_small_cases(mentors, mentees) -> None:
    for group in ((mentors, mentees), (lenient(mentors), lenient(mentees))):
        optimal = m.assign(*group, TODAY, SETTINGS, PLACES)
        assert optimal.total == pytest.approx(brute_force(*group), abs=1e-6)


@FAST
@given(people(1, 6, mentors=True, first_id=0), people(1, 6, mentors=False, first_id=100))
def test_the_matrix_agrees_with_the_rules_and_scores_pair_by_pair(mentors, mentees) -> None:
    feasible, scores = m.score_matrix(mentors, mentees, TODAY, SETTINGS, PLACES)
    for (r, e), (j, mentor) in itertools.product(enumerate(mentees), enumerate(mentors)):
        assert feasible[r, j] == (m.exclusion(mentor, e, TODAY, SETTINGS) is None)
        assert scores[r, j] == pytest.approx(m.score(mentor, e, SETTINGS, PLACES), abs=1e-9)
        assert 0 <= scores[r, j] <= 100 + 1e-9


@FAST
@given(people(0, 12, mentors=True, first_id=0), people(1, 1, mentors=False, first_id=100))
def test_the_top_three_are_allowed_ranked_and_explained(mentors, mentees) -> None:
    mentee = mentees[0]
    found = m.suggest(mentors, mentee, TODAY, SETTINGS, PLACES)
    allowed = [p for p in mentors if m.exclusion(p, mentee, TODAY, SETTINGS) is None]
    assert len(found.top) == min(3, len(allowed))
    assert found.excluded_total + len(allowed) == found.considered == len(mentors)
    by_id = {p.id: p for p in mentors}
    scores = [r.score for r in found.top]
    assert scores == sorted(scores, reverse=True)
    for ranked in found.top:
        assert m.exclusion(by_id[ranked.mentor_id], mentee, TODAY, SETTINGS) is None
        assert sum(c.points for c in ranked.criteria) == pytest.approx(ranked.score)
        assert {c.criterion for c in ranked.criteria} == set(m.Criterion)
    # Nobody left out scores higher than the third.
    if found.top:
        rest = [
            m.score(p, mentee, SETTINGS, PLACES)
            for p in allowed
            if p.id not in {r.mentor_id for r in found.top}
        ]
        assert all(s <= found.top[-1].score + 1e-9 for s in rest)


def mentor(ident: int, **changes: object) -> m.Person:
    base = m.Person(
        id=ident,
        languages=frozenset({"da"}),
        slots=frozenset({m.TimeSlot.EVENINGS}),
        modes=frozenset({m.ContactMode.PHONE}),
        stage=m.MentorStage.ADVANCED,
        conditions=frozenset({"dementia"}),
        relation_types=frozenset({"spouse"}),
        birth_year=1955,
        work=m.WorkLife.RETIRED,
        postcode="7400",
        capacity=2,
    )
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_explanation_names_the_criteria_that_decided_the_ranking() -> None:
    mentee = mentor(100, stage=m.MentorStage.NEWLY_DIAGNOSED, interests=frozenset({"kor"}))
    same_condition = mentor(1, interests=frozenset({"kor"}))
    other_condition = mentor(2, conditions=frozenset({"copd"}), interests=frozenset({"kor"}))
    far_away = mentor(3, conditions=frozenset({"copd"}), postcode="2750")
    found = m.suggest([far_away, other_condition, same_condition], mentee, TODAY, SETTINGS, PLACES)
    assert [r.mentor_id for r in found.top] == [1, 2, 3]
    assert found.top[0].deciding[0] is m.Criterion.CONDITION  # 1 beat 2 on the condition
    assert m.Criterion.DISTANCE in found.top[1].deciding  # 2 beat 3 on distance (and interests)
    assert m.Criterion.INTERESTS in found.top[1].deciding
    reasons = {c.criterion: c.reason for c in found.top[0].criteria}
    assert reasons[m.Criterion.CONDITION] == "Same condition"
    assert reasons[m.Criterion.INTERESTS] == "Shared interests: {names}"


def test_the_exclusions_are_counted_by_the_first_rule_broken() -> None:
    mentee = mentor(100)
    mentors = [
        mentor(1, languages=frozenset({"ar"})),
        mentor(2, languages=frozenset({"en"})),
        mentor(3, active=False),
        mentor(4, load=2),
        mentor(5, household=frozenset({"tel:1"})),
        mentor(6, stage=m.MentorStage.BEREAVED, bereaved_since=date(2026, 10, 1)),
        mentor(7, stage=m.MentorStage.BEREAVED, bereaved_since=date(2024, 10, 1)),
        mentor(8),
    ]
    mentee = m.Person(**{**vars(mentee), "household": frozenset({"tel:1"})})
    found = m.suggest(mentors, mentee, TODAY, SETTINGS, PLACES)
    assert dict(found.excluded) == {
        m.HardRule.NO_LANGUAGE: 2,
        m.HardRule.PAUSED: 1,
        m.HardRule.FULL: 1,
        m.HardRule.CONFLICT: 1,
        m.HardRule.BEREAVEMENT: 1,
    }
    assert found.excluded[0] == (m.HardRule.NO_LANGUAGE, 2)
    assert {r.mentor_id for r in found.top} == {7, 8}
    # The waiting period is a setting: with none, the recently bereaved may mentor too.
    no_wait = m.MatchSettings(bereavement_months=0)
    assert len(m.suggest(mentors, mentee, TODAY, no_wait, PLACES).top) == 3


def test_gender_preference_is_respected_both_ways() -> None:
    woman_only = mentor(100, gender=m.Gender.MALE, gender_preference=m.GenderPreference.FEMALE)
    assert (
        m.exclusion(mentor(1, gender=m.Gender.MALE), woman_only, TODAY, SETTINGS)
        is m.HardRule.GENDER
    )
    assert m.exclusion(mentor(2, gender=m.Gender.FEMALE), woman_only, TODAY, SETTINGS) is None
    picky = mentor(3, gender=m.Gender.FEMALE, gender_preference=m.GenderPreference.FEMALE)
    assert m.exclusion(picky, woman_only, TODAY, SETTINGS) is m.HardRule.GENDER


def test_weights_from_a_mapping_are_validated() -> None:
    weights = m.MatchWeights.from_mapping({"condition": "5,5", "distance": 0})
    assert weights.condition == 5.5 and weights.distance == 0 and weights.relation == 2.0
    for bad in ({"colour": 1}, {"condition": -1}, {"condition": "lots"}, {"age": float("nan")}):
        with pytest.raises(ValidationError):
            m.MatchWeights.from_mapping(bad)
    zero = {
        name: 0
        for name in ("condition", "relation", "stage", "age", "work", "distance", "interests")
    }
    with pytest.raises(ValidationError, match="above 0"):
        m.MatchWeights.from_mapping(zero)
    settings_ = m.MatchSettings.from_mapping({"weights": {"interests": 4}, "bereavement_months": 6})
    assert settings_.weights.interests == 4 and settings_.bereavement_months == 6
    with pytest.raises(ValidationError):
        m.MatchSettings.from_mapping({"bereavement_months": -1})


def test_the_weights_change_the_ranking() -> None:
    mentee = mentor(100, interests=frozenset({"kor"}))
    near_other = mentor(1, conditions=frozenset({"copd"}), interests=frozenset({"kor"}))
    far_same = mentor(2, postcode="2750")
    default = m.suggest([near_other, far_same], mentee, TODAY, SETTINGS, PLACES)
    assert default.top[0].mentor_id == 2
    local = m.MatchSettings(m.MatchWeights(condition=1, distance=6, interests=3))
    assert m.suggest([near_other, far_same], mentee, TODAY, local, PLACES).top[0].mentor_id == 1


def test_distance_falls_back_to_the_postcode_when_no_centroid_is_known() -> None:
    a, b = mentor(1, postcode="7401"), mentor(100, postcode="7402")
    (distance,) = [
        c for c in m.breakdown(a, b, SETTINGS, {}) if c.criterion is m.Criterion.DISTANCE
    ]
    assert distance.similarity == 0.5
    assert m.km_between(PLACES["7400"], PLACES["2750"]) == pytest.approx(
        216, abs=10
    )  # Herning-Ballerup as the crow flies


def test_empty_inputs() -> None:
    assert m.assign([], [], TODAY, SETTINGS, PLACES) == m.Assignment((), ())
    assert m.assign([], [mentor(100)], TODAY, SETTINGS, PLACES).unassigned == (100,)
    feasible, scores = m.score_matrix([mentor(1)], [], TODAY, SETTINGS, PLACES)
    assert feasible.shape == scores.shape == (0, 1)
    assert isinstance(scores, np.ndarray)
