"""Mentor matching (mentorpårørende, Mentor and MentorMatch): an experienced relative mentors a
new one. Pure Python and numpy/scipy: no database, no Qt.

The order is fixed: hard rules first (a mentor who breaks one is never proposed), then a
weighted score over similarity. The weights (``MatchWeights``) and the bereavement waiting
period are municipal settings; every function takes them as an argument so a municipality's
overrides (kept by the program's settings store) reach every match the same way.

For many waiting relatives at once the assignment is a maximum-weight bipartite matching
solved by SciPy on a matrix with one column per free mentor slot (a mentor who can take two
more mentees has two columns). Measured at 2,000 mentors x 500 waiting relatives
(benchmarks/mentors.py): the dense ``linear_sum_assignment`` took 0.72 s of the 0.89 s in
all; the sparse ``min_weight_full_bipartite_matching`` (LAPJVsp) over the feasible pairs only
gives the same total in 0.006 s, so that is what runs. OR-Tools was not needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from advisor_app.domain.enum_labels import EnumLabels
from advisor_app.domain.errors import N_, ValidationError


# ---- vocabularies -----------------------------------------------------------------------
class MentorStage(StrEnum):
    """Where the relative is in the illness's course; for a mentor, what they have lived."""

    NEWLY_DIAGNOSED = "newly_diagnosed"
    ADVANCED = "advanced"
    NURSING_HOME = "nursing_home"
    BEREAVED = "bereaved"


STAGE_ORDER = tuple(MentorStage)


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class GenderPreference(StrEnum):
    ANY = "any"
    FEMALE = "female"
    MALE = "male"


class TimeSlot(StrEnum):
    WEEKDAYS = "weekdays"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"


class ContactMode(StrEnum):
    PHONE = "phone"
    IN_PERSON = "in_person"
    VIDEO = "video"


class WorkLife(StrEnum):
    """Working or retired, from the relative's employment."""

    WORKING = "working"
    RETIRED = "retired"
    OTHER = "other"
    UNKNOWN = "unknown"


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"  # by both
    ACTIVE = "active"
    ENDED = "ended"


OPEN_STATUSES = frozenset({MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.ACTIVE})


class EndReason(StrEnum):
    COMPLETED = "completed"
    DECLINED = "declined"
    MENTEE_WITHDREW = "mentee_withdrew"
    MENTOR_WITHDREW = "mentor_withdrew"
    POOR_FIT = "poor_fit"
    NO_CONTACT = "no_contact"
    OTHER = "other"


class MatchOutcome(StrEnum):
    HELPED = "helped"
    PARTLY = "partly"
    NOT_HELPED = "not_helped"
    UNKNOWN = "unknown"


class MeetingFrequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    AS_NEEDED = "as_needed"


class HardRule(StrEnum):
    """Why a mentor cannot be proposed; checked in this order, the first broken one counts."""

    SAME_PERSON = "same_person"
    NO_CONSENT = "no_consent"
    PAUSED = "paused"
    NOT_TRAINED = "not_trained"
    FULL = "full"
    NO_LANGUAGE = "no_language"
    NO_TIME = "no_time"
    NO_CONTACT_FORM = "no_contact_form"
    GENDER = "gender"
    CONFLICT = "conflict"
    MATCHED_BEFORE = "matched_before"  # re-matching never proposes the same mentor again
    BEREAVEMENT = "bereavement"


class Criterion(StrEnum):
    CONDITION = "condition"
    RELATION = "relation"
    STAGE = "stage"
    AGE = "age"
    WORK = "work"
    DISTANCE = "distance"
    INTERESTS = "interests"


MENTORING_LABELS = EnumLabels(
    (MentorStage.NEWLY_DIAGNOSED, N_("Newly diagnosed")),
    (MentorStage.ADVANCED, N_("Advanced illness")),
    (MentorStage.NURSING_HOME, N_("Moved to a nursing home")),
    (MentorStage.BEREAVED, N_("Bereaved")),
    (Gender.FEMALE, N_("Woman")),
    (Gender.MALE, N_("Man")),
    (Gender.OTHER, N_("Other")),
    (Gender.UNKNOWN, N_("Not stated")),
    (GenderPreference.ANY, N_("No preference")),
    (GenderPreference.FEMALE, N_("A woman")),
    (GenderPreference.MALE, N_("A man")),
    (TimeSlot.WEEKDAYS, N_("Weekdays")),
    (TimeSlot.EVENINGS, N_("Evenings")),
    (TimeSlot.WEEKENDS, N_("Weekends")),
    (ContactMode.PHONE, N_("Phone")),
    (ContactMode.IN_PERSON, N_("In person")),
    (ContactMode.VIDEO, N_("Video")),
    (WorkLife.WORKING, N_("Working")),
    (WorkLife.RETIRED, N_("Retired")),
    (WorkLife.OTHER, N_("Other")),
    (WorkLife.UNKNOWN, N_("Not stated")),
    (MatchStatus.PROPOSED, N_("Proposed")),
    (MatchStatus.ACCEPTED, N_("Accepted by both")),
    (MatchStatus.ACTIVE, N_("Active")),
    (MatchStatus.ENDED, N_("Ended")),
    (EndReason.COMPLETED, N_("Completed as agreed")),
    (EndReason.DECLINED, N_("Declined")),
    (EndReason.MENTEE_WITHDREW, N_("The relative withdrew")),
    (EndReason.MENTOR_WITHDREW, N_("The mentor withdrew")),
    (EndReason.POOR_FIT, N_("Not a good fit")),
    (EndReason.NO_CONTACT, N_("No contact")),
    (EndReason.OTHER, N_("Other")),
    (MatchOutcome.HELPED, N_("It helped")),
    (MatchOutcome.PARTLY, N_("It helped partly")),
    (MatchOutcome.NOT_HELPED, N_("It did not help")),
    (MatchOutcome.UNKNOWN, N_("Not known")),
    (MeetingFrequency.WEEKLY, N_("Weekly")),
    (MeetingFrequency.FORTNIGHTLY, N_("Every other week")),
    (MeetingFrequency.MONTHLY, N_("Monthly")),
    (MeetingFrequency.AS_NEEDED, N_("As needed")),
    (HardRule.SAME_PERSON, N_("the same person")),
    (HardRule.NO_CONSENT, N_("no consent to be a mentor")),
    (HardRule.PAUSED, N_("paused")),
    (HardRule.NOT_TRAINED, N_("not trained")),
    (HardRule.FULL, N_("no free place")),
    (HardRule.NO_LANGUAGE, N_("no shared language")),
    (HardRule.NO_TIME, N_("no shared time")),
    (HardRule.NO_CONTACT_FORM, N_("no shared way to meet")),
    (HardRule.GENDER, N_("gender preference")),
    (HardRule.CONFLICT, N_("same family, citizen or household")),
    (HardRule.MATCHED_BEFORE, N_("matched before")),
    (HardRule.BEREAVEMENT, N_("bereaved too recently")),
    (Criterion.CONDITION, N_("Condition")),
    (Criterion.RELATION, N_("Relation")),
    (Criterion.STAGE, N_("Stage")),
    (Criterion.AGE, N_("Age")),
    (Criterion.WORK, N_("Working or retired")),
    (Criterion.DISTANCE, N_("Distance")),
    (Criterion.INTERESTS, N_("Interests")),
)


# ---- settings -----------------------------------------------------------------------------
WEIGHT_MAX = 10.0


@dataclass(frozen=True)
class MatchWeights:
    """How much each similarity counts (municipal defaults; a municipality may change them).
    Only the ratios matter: a score is the weighted share of 100 points."""

    condition: float = 3.0
    relation: float = 2.0
    stage: float = 2.0
    age: float = 1.0
    work: float = 1.0
    distance: float = 1.5
    interests: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not 0 <= value <= WEIGHT_MAX
            ):
                raise ValidationError(
                    N_("A weight must be a number from 0 to {max}."),
                    field=f"weights.{f.name}",
                    max=int(WEIGHT_MAX),
                )
        if self.total <= 0:
            raise ValidationError(N_("At least one weight must be above 0."), field="weights")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> MatchWeights:
        """Weights from a plain mapping (a settings store's JSON); missing keys keep the
        default, unknown keys and bad values are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValidationError(
                N_("Unknown weight: {name}."), field="weights", name=", ".join(unknown)
            )
        values: dict[str, float] = {}
        for key, value in mapping.items():
            if isinstance(value, str):
                try:
                    value = float(value.replace(",", "."))
                except ValueError:
                    raise ValidationError(
                        N_("A weight must be a number from 0 to {max}."),
                        field=f"weights.{key}",
                        max=int(WEIGHT_MAX),
                    ) from None
            values[key] = value  # type: ignore[assignment]  # checked in __post_init__
        return cls(**values)

    def of(self, criterion: Criterion) -> float:
        return float(getattr(self, criterion.value))

    @property
    def total(self) -> float:
        return float(sum(getattr(self, f.name) for f in fields(self)))


DEFAULT_BEREAVEMENT_MONTHS = 12
DEFAULT_MAX_KM = 60.0


@dataclass(frozen=True)
class MatchSettings:
    weights: MatchWeights = field(default_factory=MatchWeights)
    bereavement_months: int = DEFAULT_BEREAVEMENT_MONTHS  # a bereaved mentor waits this long
    max_km: float = DEFAULT_MAX_KM  # at this distance or more, distance gives no points

    def __post_init__(self) -> None:
        if isinstance(self.bereavement_months, bool) or not (
            isinstance(self.bereavement_months, int) and 0 <= self.bereavement_months <= 120
        ):
            raise ValidationError(
                N_("The waiting period after a bereavement must be 0 to 120 months."),
                field="bereavement_months",
            )
        if not (isinstance(self.max_km, int | float) and 1 <= self.max_km <= 1000):
            raise ValidationError(N_("The distance must be 1 to 1000 km."), field="max_km")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> MatchSettings:
        weights = mapping.get("weights", {})
        if not isinstance(weights, Mapping):
            raise ValidationError(N_("Unknown weight: {name}."), field="weights", name="weights")
        months = mapping.get("bereavement_months", DEFAULT_BEREAVEMENT_MONTHS)
        km = mapping.get("max_km", DEFAULT_MAX_KM)
        return cls(MatchWeights.from_mapping(weights), months, km)  # type: ignore[arg-type]


# ---- the people -------------------------------------------------------------------------------
Places = Mapping[str, tuple[float, float]]  # postcode -> (latitude, longitude)


@dataclass(frozen=True)
class Person:
    """What matching knows of a mentor or of a relative waiting for one. Mentor-only fields
    (capacity, load, consent, active, trained) keep their defaults for a mentee."""

    id: int
    languages: frozenset[str]
    slots: frozenset[TimeSlot]
    modes: frozenset[ContactMode]
    gender: Gender = Gender.UNKNOWN
    gender_preference: GenderPreference = GenderPreference.ANY
    stage: MentorStage = MentorStage.NEWLY_DIAGNOSED
    bereaved_since: date | None = None
    conditions: frozenset[str] = frozenset()
    relation_types: frozenset[str] = frozenset()
    birth_year: int | None = None
    work: WorkLife = WorkLife.UNKNOWN
    postcode: str | None = None
    interests: frozenset[str] = frozenset()
    # conflicts: the citizens they care for, household keys (a shared phone or e-mail), and
    # a family key (surname and postcode)
    citizens: frozenset[int] = frozenset()
    household: frozenset[str] = frozenset()
    family: str | None = None
    previous_mentors: frozenset[int] = frozenset()  # a mentee's earlier mentors
    # The person behind the id when mentors and mentees are numbered apart (a mentor's id
    # is the mentor profile's, a mentee's the relative's): nobody mentors themselves.
    relative_id: int | None = None
    # a mentor's
    consent: bool = True
    active: bool = True
    trained: bool = True
    capacity: int = 1
    load: int = 0

    @property
    def who(self) -> int:
        return self.id if self.relative_id is None else self.relative_id

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.load)


def bereavement_over(mentor: Person, today: date, months: int) -> bool:
    if mentor.stage is not MentorStage.BEREAVED:
        return True
    if mentor.bereaved_since is None:
        return False  # bereaved, but since when is not known: wait until it is
    return _add_months(mentor.bereaved_since, months) <= today


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _gender_ok(preference: GenderPreference, gender: Gender) -> bool:
    return preference is GenderPreference.ANY or preference.value == gender.value


def _conflict(mentor: Person, mentee: Person) -> bool:
    return bool(
        mentor.citizens & mentee.citizens
        or mentor.household & mentee.household
        or (mentor.family is not None and mentor.family == mentee.family)
    )


def exclusion(
    mentor: Person, mentee: Person, today: date, settings: MatchSettings
) -> HardRule | None:
    """The first hard rule ``mentor`` breaks for ``mentee``; None when they may be matched."""
    if mentor.who == mentee.who:
        return HardRule.SAME_PERSON
    if not mentor.consent:
        return HardRule.NO_CONSENT
    if not mentor.active:
        return HardRule.PAUSED
    if not mentor.trained:
        return HardRule.NOT_TRAINED
    if mentor.free <= 0:
        return HardRule.FULL
    if not mentor.languages & mentee.languages:
        return HardRule.NO_LANGUAGE
    if not mentor.slots & mentee.slots:
        return HardRule.NO_TIME
    if not mentor.modes & mentee.modes:
        return HardRule.NO_CONTACT_FORM
    if not (
        _gender_ok(mentee.gender_preference, mentor.gender)
        and _gender_ok(mentor.gender_preference, mentee.gender)
    ):
        return HardRule.GENDER
    if _conflict(mentor, mentee):
        return HardRule.CONFLICT
    if mentor.id in mentee.previous_mentors:
        return HardRule.MATCHED_BEFORE
    if not bereavement_over(mentor, today, settings.bereavement_months):
        return HardRule.BEREAVEMENT
    return None


# ---- the score ------------------------------------------------------------------------------
UNKNOWN_SIMILARITY = (
    0.5  # age, work or distance not known: half the points, neither for nor against
)


@dataclass(frozen=True)
class CriterionScore:
    """How one criterion counted: its similarity (0-1), the points it gave and the most it
    could; ``reason`` is an English template with ``params`` (translated where shown)."""

    criterion: Criterion
    similarity: float
    points: float
    max_points: float
    reason: str
    params: tuple[tuple[str, object], ...] = ()


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _distance(
    mentor: Person, mentee: Person, places: Places, max_km: float
) -> tuple[float, str, tuple[tuple[str, object], ...]]:
    a, b = mentor.postcode, mentee.postcode
    if a and b and a in places and b in places:
        km = km_between(places[a], places[b])
        return max(0.0, 1 - km / max_km), N_("About {km} km apart"), (("km", round(km)),)
    if not a or not b:
        return UNKNOWN_SIMILARITY, N_("A postcode is missing"), ()
    if a == b:
        return 1.0, N_("Same postcode"), ()
    if a[:2] == b[:2]:
        return 0.5, N_("Same area (postcodes {code}xx)"), (("code", a[:2]),)
    return 0.0, N_("Far apart"), ()


def _age_band(year: int | None) -> int | None:
    return None if year is None else year // 10


def _similarities(
    mentor: Person, mentee: Person, settings: MatchSettings, places: Places
) -> list[tuple[Criterion, float, str, tuple[tuple[str, object], ...]]]:
    found: list[tuple[Criterion, float, str, tuple[tuple[str, object], ...]]] = []
    shared = sorted(mentor.conditions & mentee.conditions)
    if shared:
        found.append((Criterion.CONDITION, 1.0, N_("Same condition"), ()))
    else:
        found.append((Criterion.CONDITION, 0.0, N_("No shared condition"), ()))
    if mentor.relation_types & mentee.relation_types:
        found.append((Criterion.RELATION, 1.0, N_("Same relation to the person cared for"), ()))
    else:
        found.append((Criterion.RELATION, 0.0, N_("A different relation"), ()))
    steps = abs(STAGE_ORDER.index(mentor.stage) - STAGE_ORDER.index(mentee.stage))
    if steps == 0:
        found.append((Criterion.STAGE, 1.0, N_("Same stage"), ()))
    else:
        found.append(
            (Criterion.STAGE, 1 - steps / 3, N_("Stages {steps} apart"), (("steps", steps),))
        )
    band_a, band_b = _age_band(mentor.birth_year), _age_band(mentee.birth_year)
    if band_a is None or band_b is None:
        found.append((Criterion.AGE, UNKNOWN_SIMILARITY, N_("Age not known"), ()))
    elif band_a == band_b:
        found.append((Criterion.AGE, 1.0, N_("Same age group"), ()))
    else:
        apart = abs(band_a - band_b)
        found.append(
            (
                Criterion.AGE,
                max(0.0, 1 - apart / 3),
                N_("Age groups {apart} decades apart"),
                (("apart", apart),),
            )
        )
    if WorkLife.UNKNOWN in (mentor.work, mentee.work):
        found.append((Criterion.WORK, UNKNOWN_SIMILARITY, N_("Work situation not known"), ()))
    elif mentor.work is mentee.work:
        found.append((Criterion.WORK, 1.0, N_("The same work situation"), ()))
    else:
        found.append((Criterion.WORK, 0.0, N_("A different work situation"), ()))
    similarity, reason, params = _distance(mentor, mentee, places, settings.max_km)
    found.append((Criterion.DISTANCE, similarity, reason, params))
    union = mentor.interests | mentee.interests
    common = sorted(mentor.interests & mentee.interests)
    if common:
        found.append(
            (
                Criterion.INTERESTS,
                len(common) / len(union),
                N_("Shared interests: {names}"),
                (("names", ", ".join(common)),),
            )
        )
    else:
        found.append((Criterion.INTERESTS, 0.0, N_("No shared interests"), ()))
    return found


def breakdown(
    mentor: Person, mentee: Person, settings: MatchSettings, places: Places
) -> tuple[CriterionScore, ...]:
    """Every criterion with the points it gave; the points add up to the score (0-100)."""
    weights = settings.weights
    scale = 100.0 / weights.total
    return tuple(
        CriterionScore(
            criterion,
            similarity,
            weights.of(criterion) * similarity * scale,
            weights.of(criterion) * scale,
            reason,
            params,
        )
        for criterion, similarity, reason, params in _similarities(mentor, mentee, settings, places)
    )


def score(mentor: Person, mentee: Person, settings: MatchSettings, places: Places) -> float:
    return sum(c.points for c in breakdown(mentor, mentee, settings, places))


# ---- one relative: the top 3 ------------------------------------------------------------------
@dataclass(frozen=True)
class Ranked:
    mentor_id: int
    score: float
    criteria: tuple[CriterionScore, ...]
    deciding: tuple[Criterion, ...]  # where it gained most over the next in the ranking


@dataclass(frozen=True)
class Suggestions:
    mentee_id: int
    top: tuple[Ranked, ...]
    considered: int
    excluded: tuple[tuple[HardRule, int], ...]  # by rule, most common first

    @property
    def excluded_total(self) -> int:
        return sum(n for _rule, n in self.excluded)


def _deciding(
    mine: tuple[CriterionScore, ...], other: tuple[CriterionScore, ...] | None
) -> tuple[Criterion, ...]:
    """The criteria where this mentor gained most over ``other`` (the next in the ranking);
    for the last, simply its strongest criteria."""
    if other is None:
        gains = [(c.points, c.criterion) for c in mine]
    else:
        theirs = {c.criterion: c.points for c in other}
        gains = [(c.points - theirs[c.criterion], c.criterion) for c in mine]
    ordered = sorted(gains, key=lambda g: (-g[0], list(Criterion).index(g[1])))
    return tuple(criterion for gain, criterion in ordered[:2] if gain > 1e-9)


def suggest(
    mentors: Sequence[Person],
    mentee: Person,
    today: date,
    settings: MatchSettings,
    places: Places,
    *,
    count: int = 3,
) -> Suggestions:
    """The ``count`` best mentors for one relative, best first (ties by mentor id), each with
    every criterion's points, and how many the hard rules excluded, by rule."""
    excluded: dict[HardRule, int] = {}
    eligible: list[tuple[float, int, tuple[CriterionScore, ...]]] = []
    for mentor in mentors:
        rule = exclusion(mentor, mentee, today, settings)
        if rule is not None:
            excluded[rule] = excluded.get(rule, 0) + 1
            continue
        criteria = breakdown(mentor, mentee, settings, places)
        eligible.append((sum(c.points for c in criteria), mentor.id, criteria))
    eligible.sort(key=lambda e: (-e[0], e[1]))
    top = []
    for index, (points, mentor_id, criteria) in enumerate(eligible[:count]):
        nxt = eligible[index + 1][2] if index + 1 < len(eligible) else None
        top.append(Ranked(mentor_id, points, criteria, _deciding(criteria, nxt)))
    counts = sorted(excluded.items(), key=lambda kv: (-kv[1], list(HardRule).index(kv[0])))
    return Suggestions(mentee.id, tuple(top), len(mentors), tuple(counts))


# ---- many relatives: the optimal assignment -----------------------------------------------------
@dataclass(frozen=True)
class Pair:
    mentee_id: int
    mentor_id: int
    score: float


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[Pair, ...]
    unassigned: tuple[int, ...]  # mentee ids no mentor could take

    @property
    def total(self) -> float:
        return sum(p.score for p in self.pairs)


class _Sets:
    """Set-valued fields of all mentors as a 0/1 matrix (one column per distinct value), so
    "shares any value with this relative" is one matrix-vector product per relative."""

    def __init__(self, values: Sequence[frozenset[str]]) -> None:
        self.index: dict[str, int] = {}
        for each in values:
            for value in each:
                self.index.setdefault(str(value), len(self.index))
        self.matrix = np.zeros((len(values), max(1, len(self.index))), dtype=np.float64)
        for row, each in enumerate(values):
            for value in each:
                self.matrix[row, self.index[str(value)]] = 1.0

    def overlaps(self, values: frozenset[str]) -> NDArray[np.bool_]:
        vec = np.zeros(self.matrix.shape[1])
        for value in values:
            column = self.index.get(str(value))
            if column is not None:
                vec[column] = 1.0
        result: NDArray[np.bool_] = (self.matrix @ vec) > 0
        return result


def score_matrix(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    today: date,
    settings: MatchSettings,
    places: Places,
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Feasibility (every hard rule) and score for every mentee (row) x mentor (column),
    computed a row at a time over all mentors with numpy. Equal to ``exclusion`` and
    ``score`` pair by pair (a property test holds them to it)."""
    n_m, n_e = len(mentors), len(mentees)
    feasible = np.zeros((n_e, n_m), dtype=bool)
    scores = np.zeros((n_e, n_m), dtype=np.float64)
    if n_m == 0 or n_e == 0:
        return feasible, scores
    weights = settings.weights
    scale = 100.0 / weights.total
    w = {c: weights.of(c) * scale for c in Criterion}

    langs = _Sets([m.languages for m in mentors])
    slots = _Sets([frozenset(m.slots) for m in mentors])
    modes = _Sets([frozenset(m.modes) for m in mentors])
    conds = _Sets([m.conditions for m in mentors])
    rels = _Sets([m.relation_types for m in mentors])
    m_who = np.array([m.who for m in mentors])
    base = np.array(
        [
            m.consent
            and m.active
            and m.trained
            and m.free > 0
            and bereavement_over(m, today, settings.bereavement_months)
            for m in mentors
        ],
        dtype=bool,
    )
    m_gender = np.array([m.gender.value for m in mentors])
    m_pref = np.array([m.gender_preference.value for m in mentors])
    m_stage = np.array([STAGE_ORDER.index(m.stage) for m in mentors], dtype=np.float64)
    m_band = np.array(
        [np.nan if m.birth_year is None else m.birth_year // 10 for m in mentors], dtype=np.float64
    )
    m_work = np.array([m.work.value for m in mentors])
    m_work_known = m_work != WorkLife.UNKNOWN.value
    m_post = np.array([m.postcode or "" for m in mentors])
    m_area = np.array([(m.postcode or "")[:2] for m in mentors])
    coords = [places.get(m.postcode or "", (np.nan, np.nan)) for m in mentors]
    m_lat = np.array([c[0] for c in coords], dtype=np.float64)
    m_lon = np.array([c[1] for c in coords], dtype=np.float64)
    vocabulary: dict[str, int] = {}
    for person in (*mentors, *mentees):
        for interest in person.interests:
            vocabulary.setdefault(interest, len(vocabulary))
    m_int = np.zeros((n_m, max(1, len(vocabulary))), dtype=np.float64)
    for i, m in enumerate(mentors):
        for interest in m.interests:
            m_int[i, vocabulary[interest]] = 1.0
    m_int_n = m_int.sum(axis=1)
    # conflict lookups: value -> mentor columns
    by_citizen: dict[int, list[int]] = {}
    by_household: dict[str, list[int]] = {}
    by_family: dict[str, list[int]] = {}
    for i, m in enumerate(mentors):
        for c in m.citizens:
            by_citizen.setdefault(c, []).append(i)
        for h in m.household:
            by_household.setdefault(h, []).append(i)
        if m.family is not None:
            by_family.setdefault(m.family, []).append(i)
    lat_r, lon_r = np.radians(m_lat), np.radians(m_lon)
    index_of = {m.id: i for i, m in enumerate(mentors)}

    for row, e in enumerate(mentees):
        ok = base & (m_who != e.who)
        ok &= langs.overlaps(e.languages)
        ok &= slots.overlaps(frozenset(e.slots))
        ok &= modes.overlaps(frozenset(e.modes))
        if e.gender_preference is not GenderPreference.ANY:
            ok &= m_gender == e.gender_preference.value
        ok &= (m_pref == GenderPreference.ANY.value) | (m_pref == e.gender.value)
        blocked = [i for c in e.citizens for i in by_citizen.get(c, ())]
        blocked += [i for h in e.household for i in by_household.get(h, ())]
        if e.family is not None:
            blocked += by_family.get(e.family, [])
        blocked += [index_of[i] for i in e.previous_mentors if i in index_of]
        if blocked:
            ok[blocked] = False
        feasible[row] = ok

        total = np.zeros(n_m)
        total += w[Criterion.CONDITION] * conds.overlaps(e.conditions)
        total += w[Criterion.RELATION] * rels.overlaps(e.relation_types)
        steps = np.abs(m_stage - STAGE_ORDER.index(e.stage))
        total += w[Criterion.STAGE] * (1 - steps / 3)
        if e.birth_year is None:
            total += w[Criterion.AGE] * UNKNOWN_SIMILARITY
        else:
            apart = np.abs(m_band - e.birth_year // 10)
            age = np.where(np.isnan(apart), UNKNOWN_SIMILARITY, np.maximum(0.0, 1 - apart / 3))
            total += w[Criterion.AGE] * age
        if e.work is WorkLife.UNKNOWN:
            total += w[Criterion.WORK] * UNKNOWN_SIMILARITY
        else:
            work = np.where(
                m_work_known, (m_work == e.work.value).astype(float), UNKNOWN_SIMILARITY
            )
            total += w[Criterion.WORK] * work
        total += w[Criterion.DISTANCE] * _distance_row(
            e, places, settings.max_km, m_post, m_area, lat_r, lon_r
        )
        if e.interests:
            vec = np.zeros(m_int.shape[1])
            for interest in e.interests:
                vec[vocabulary[interest]] = 1.0
            common = m_int @ vec
            union = m_int_n + len(e.interests) - common
            total += w[Criterion.INTERESTS] * np.where(union > 0, common / np.maximum(union, 1), 0)
        scores[row] = total
    return feasible, scores


def _distance_row(
    e: Person,
    places: Places,
    max_km: float,
    m_post: NDArray[np.str_],
    m_area: NDArray[np.str_],
    lat_r: NDArray[np.float64],
    lon_r: NDArray[np.float64],
) -> NDArray[np.float64]:
    if not e.postcode:
        return np.full(len(m_post), UNKNOWN_SIMILARITY)
    fallback = np.where(
        m_post == "",
        UNKNOWN_SIMILARITY,
        np.where(m_post == e.postcode, 1.0, np.where(m_area == e.postcode[:2], 0.5, 0.0)),
    )
    if e.postcode not in places:
        return fallback
    lat, lon = map(math.radians, places[e.postcode])
    h = (
        np.sin((lat_r - lat) / 2) ** 2
        + math.cos(lat) * np.cos(lat_r) * np.sin((lon_r - lon) / 2) ** 2
    )
    km = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    near = np.maximum(0.0, 1 - km / max_km)
    return np.where(np.isnan(km), fallback, near)


def assign(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    today: date,
    settings: MatchSettings,
    places: Places,
) -> Assignment:
    """The assignment of waiting relatives to mentors with the highest total score that
    breaks no hard rule and fills no mentor beyond their free places."""
    feasible, scores = score_matrix(mentors, mentees, today, settings, places)
    return assign_matrix(mentors, mentees, feasible, scores)


CEILING = 101.0


def assign_matrix(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    feasible: NDArray[np.bool_],
    scores: NDArray[np.float64],
) -> Assignment:
    # One column per free place of a mentor anyone may have; no mentor needs more columns
    # than there are mentees.
    useful: NDArray[np.bool_] = np.asarray(feasible.any(axis=0), dtype=bool)
    columns: list[int] = []
    for j, mentor in enumerate(mentors):
        if useful[j]:
            columns.extend([j] * min(mentor.free, len(mentees)))
    pairs: list[Pair] = []
    taken: set[int] = set()
    if columns:
        # Imported here: the vocabularies above are imported by the models, and SciPy's
        # optimiser takes a while to load.
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        cols = np.array(columns)
        n_e, n_c = len(mentees), len(cols)
        # Only the feasible pairs are edges (a sparse LAPJV: 500 x 3,000 takes milliseconds,
        # where the dense linear_sum_assignment took 0.7 s). Maximising the total score is
        # minimising sum(CEILING - score); CEILING > 100 keeps every cost above 0 (a 0 is no
        # edge in a sparse matrix). Each relative also gets a column of its own that stands
        # for "no mentor" at the cost of a 0-point pair, so a full matching always exists
        # and leaving someone out is never better than a real pair.
        rows_f, cols_f = np.nonzero(feasible[:, cols])
        cost = CEILING - scores[rows_f, cols[cols_f]]
        graph = csr_matrix(
            (
                np.concatenate([cost, np.full(n_e, CEILING)]),
                (
                    np.concatenate([rows_f, np.arange(n_e)]),
                    np.concatenate([cols_f, n_c + np.arange(n_e)]),
                ),
            ),
            shape=(n_e, n_c + n_e),
        )
        rows, picked = min_weight_full_bipartite_matching(graph)
        left = {j: mentors[j].free for j in set(columns)}
        for r, c in zip(rows.tolist(), picked.tolist(), strict=True):
            if c >= n_c:
                continue
            j = int(cols[c])
            pairs.append(Pair(mentees[r].id, mentors[j].id, float(scores[r, j])))
            taken.add(r)
            left[j] -= 1
        # A feasible pair worth 0 points is as good as none to the solver; give such a
        # relative a free place still left (it adds nothing to the total and takes nothing).
        for r in range(len(mentees)):
            if r in taken:
                continue
            for j in np.flatnonzero(feasible[r]).tolist():
                if left.get(j, 0) > 0:
                    pairs.append(Pair(mentees[r].id, mentors[j].id, float(scores[r, j])))
                    taken.add(r)
                    left[j] -= 1
                    break
    unassigned = tuple(m.id for r, m in enumerate(mentees) if r not in taken)
    pairs.sort(key=lambda p: p.mentee_id)
    return Assignment(tuple(pairs), unassigned)


def greedy_assign(
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    today: date,
    settings: MatchSettings,
    places: Places,
) -> Assignment:
    """The highest-scoring feasible pair first, again and again: the baseline the optimal
    assignment must never fall below (and the way a person would do it by hand)."""
    feasible, scores = score_matrix(mentors, mentees, today, settings, places)
    order = sorted(
        ((float(scores[r, j]), r, j) for r, j in zip(*np.nonzero(feasible), strict=True)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    left = [m.free for m in mentors]
    done: set[int] = set()
    pairs = []
    for value, r, j in order:
        if r in done or left[j] <= 0:
            continue
        done.add(r)
        left[j] -= 1
        pairs.append(Pair(mentees[r].id, mentors[j].id, value))
    pairs.sort(key=lambda p: p.mentee_id)
    return Assignment(tuple(pairs), tuple(m.id for r, m in enumerate(mentees) if r not in done))
