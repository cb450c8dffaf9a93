"""The people: a relative (pårørende), the citizen(s) they care for (borgere), their care
relations and the consents (samtykker) on them.

Who someone is (names, ages, contact details, who cares for whom) is drawn from the run's
people stream only, never from a date, so a seed gives the same people on any day; when
things happened comes from the time stream. CPR numbers have a stream of their own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL, Today
from advisor_app.devtools.demo.vocabulary import Vocabulary, Weighted
from advisor_app.domain.enums import (
    Condition,
    ConsentMethod,
    ConsentScope,
    EmploymentStatus,
    Language,
    LegalFramework,
    RelationType,
)
from advisor_app.domain.text import search_key
from advisor_app.services.relatives import sort_name

_ELDER_CONDITIONS = (
    (Condition.DEMENTIA, 30),
    (Condition.COPD, 10),
    (Condition.HEART, 12),
    (Condition.CANCER, 12),
    (Condition.STROKE, 10),
    (Condition.PARKINSONS, 7),
    (Condition.FRAILTY, 14),
    (Condition.OTHER, 5),
)
_ADULT_CONDITIONS = (
    (Condition.MENTAL_ILLNESS, 30),
    (Condition.DISABILITY, 18),
    (Condition.BRAIN_INJURY, 12),
    (Condition.CANCER, 16),
    (Condition.HUNTINGTONS, 5),
    (Condition.HEART, 5),
    (Condition.STROKE, 5),
    (Condition.OTHER, 9),
)
_CHILD_CONDITIONS = (
    (Condition.DISABILITY, 60),
    (Condition.MENTAL_ILLNESS, 20),
    (Condition.BRAIN_INJURY, 5),
    (Condition.CANCER, 5),
    (Condition.OTHER, 10),
)
_WIDER_RELATIONS = (
    (RelationType.SIBLING, 25),
    (RelationType.FRIEND, 20),
    (RelationType.NEIGHBOUR, 15),
    (RelationType.OTHER_FAMILY, 15),
    (RelationType.GRANDCHILD, 20),
    (RelationType.OTHER, 5),
)
_MOBILE_PREFIXES = tuple(
    str(n) for n in (*range(20, 32), 40, 41, 42, 50, 51, 52, 53, 60, 61, 71, 81, 91, 92, 93)
)
_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_LANDLINE_PREFIXES = ("97", "96", "44", "43", "86", "98", "36", "45")
_SCOPES = tuple(ConsentScope)
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "o", "ä": "a"})


class CitizenRef:
    """A citizen already built in this run: for a second relative of the same person."""

    __slots__ = ("age", "conditions", "id", "relative_ids", "surname")

    def __init__(
        self, id_: int, age: int, surname: str, conditions: tuple[Condition, ...] = ()
    ) -> None:
        self.id = id_
        self.age = age
        self.surname = surname
        self.relative_ids: list[int] = []
        self.conditions = conditions  # for the offers a relative is referred to


@dataclass
class Household:
    """A relative-to-be: who they are, and whom they care for (citizen, relation type,
    hours a week)."""

    age: int
    sex: str
    surname: str | None
    links: list[tuple[CitizenRef, RelationType, float | None]] = field(default_factory=list)

    @property
    def child(self) -> bool:
        return self.age < 18

    @property
    def citizen_ids(self) -> list[int]:
        return [ref.id for ref, _relation, _hours in self.links]


class People:
    """Builds relatives, citizens, relations and consents into ``rows``."""

    def __init__(
        self,
        *,
        rows: Rows,
        values: Values,
        today: Today,
        vocab: Vocabulary,
        rng: random.Random,
        time_rng: random.Random,
        cpr_rng: random.Random,
        used_cprs: set[str],
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.v = vocab
        self.rng = rng  # who: people, names, contact details, relations
        self.trng = time_rng  # when: relations' and consents' dates, a relative's update
        self.cpr_rng = cpr_rng
        self.used_cprs = used_cprs
        self.elder_pool: list[CitizenRef] = []
        self.young_pool: list[CitizenRef] = []
        self.elder_conditions = Weighted.of(_ELDER_CONDITIONS)
        self.adult_conditions = Weighted.of(_ADULT_CONDITIONS)
        self.child_conditions = Weighted.of(_CHILD_CONDITIONS)
        self.wider_relations = Weighted.of(_WIDER_RELATIONS)

    # ---- who cares for whom -----------------------------------------------------------------
    def household(self, created_ts: int) -> Household:
        """Draws a relative's situation, building (or reusing) the citizens they care for."""
        rng = self.rng
        roll = rng.random()
        sex = "female" if rng.random() < 0.62 else "male"  # most relatives who seek help are women
        surname: str | None = None
        links: list[tuple[CitizenRef, RelationType, float | None]] = []
        if roll < 0.05:  # a child relative (barn som pårørende)
            age = rng.randint(7, 17)
            kind = rng.random()
            if kind < 0.60:
                ref = self._from_pool(self.young_pool, 0.3)
                if ref is None or ref.age < 31:  # too young to have a child of 7
                    ref = self._citizen(
                        age + rng.randint(24, 42), self.adult_conditions, created_ts
                    )
                    self._remember(self.young_pool, ref)
                else:
                    age = max(7, min(17, ref.age - rng.randint(24, 40)))
                links.append((ref, RelationType.CHILD, self._hours(1, 10, 3)))
            elif kind < 0.85:
                ref = self._citizen(age + rng.randint(50, 68), self.elder_conditions, created_ts)
                links.append((ref, RelationType.GRANDCHILD, self._hours(0.5, 5, 1)))
            else:
                ref = self._citizen(
                    max(2, age + rng.randint(-5, 5)), self.child_conditions, created_ts
                )
                links.append((ref, RelationType.SIBLING, self._hours(0.5, 6, 2)))
            surname = ref.surname if rng.random() < 0.8 else None
        elif roll < 0.38:  # spouse of an elderly citizen
            cit_age = self._elder_age()
            age = max(60, min(100, cit_age + rng.randint(-6, 6)))
            surname = self._surname()
            ref = self._citizen(cit_age, self.elder_conditions, created_ts, surname)
            self._remember(self.elder_pool, ref)
            links.append((ref, RelationType.SPOUSE, self._hours(5, 70, 20)))
            if rng.random() < 0.3:
                surname = None
        elif roll < 0.72:  # adult child of an elderly parent
            ref = self._from_pool(self.elder_pool, 0.3) or self._citizen(
                self._elder_age(), self.elder_conditions, created_ts
            )
            self._remember(self.elder_pool, ref)
            age = max(30, ref.age - rng.randint(22, 40))
            surname = ref.surname if rng.random() < 0.5 else None
            links.append((ref, RelationType.CHILD, self._hours(1, 20, 4)))
            if rng.random() < 0.15:  # and the other parent
                other = self._citizen(
                    max(65, ref.age + rng.randint(-5, 5)),
                    self.elder_conditions,
                    created_ts,
                    ref.surname,
                )
                links.append((other, RelationType.CHILD, self._hours(1, 15, 3)))
        elif roll < 0.82:  # parent of a child or young adult with a disability/mental illness
            cit_age = rng.randint(3, 17) if rng.random() < 0.4 else rng.randint(18, 45)
            age = cit_age + rng.randint(22, 38)
            surname = self._surname()
            conditions = self.child_conditions if cit_age < 18 else self.adult_conditions
            ref = self._citizen(cit_age, conditions, created_ts, surname)
            links.append((ref, RelationType.PARENT, self._hours(5, 80, 25)))
        elif roll < 0.90:  # partner of a younger ill citizen
            cit_age = rng.randint(30, 64)
            age = max(25, cit_age + rng.randint(-6, 6))
            surname = self._surname()
            ref = self._citizen(cit_age, self.adult_conditions, created_ts, surname)
            self._remember(self.young_pool, ref)
            links.append((ref, RelationType.SPOUSE, self._hours(3, 50, 15)))
        else:  # wider family, friend or neighbour of an elderly citizen
            ref = self._citizen(self._elder_age(), self.elder_conditions, created_ts)
            relation = self.wider_relations.pick(rng)
            if relation is RelationType.SIBLING:
                age = max(55, ref.age + rng.randint(-8, 8))
                surname = ref.surname if rng.random() < 0.4 else None
            elif relation is RelationType.GRANDCHILD:
                age = max(18, ref.age - rng.randint(45, 62))
                surname = ref.surname if rng.random() < 0.4 else None
            else:
                age = rng.randint(45, 85)
            links.append((ref, relation, self._hours(0.5, 8, 2)))
        return Household(age, sex, surname, links)

    def _elder_age(self) -> int:
        return 65 + int(self.rng.triangular(0, 34, 15))

    def _from_pool(self, pool: list[CitizenRef], chance: float) -> CitizenRef | None:
        if pool and self.rng.random() < chance:
            return pool[self.rng.randrange(len(pool))]
        return None

    @staticmethod
    def _remember(pool: list[CitizenRef], ref: CitizenRef) -> None:
        pool.append(ref)
        if len(pool) > 1_000:
            del pool[:500]

    def _hours(self, low: float, high: float, mode: float) -> float | None:
        if self.rng.random() < 0.10:
            return None
        return round(self.rng.triangular(low, high, mode) * 2) / 2

    # ---- citizens ---------------------------------------------------------------------------
    def _citizen(
        self, age: int, conditions: Weighted, created_ts: int, surname: str | None = None
    ) -> CitizenRef:
        rng = self.rng
        sex = "female" if rng.random() < (0.58 if age >= 75 else 0.5) else "male"
        birth_year = self.today.year - age
        surname = surname or self._surname()
        name = self._name(sex, birth_year, surname, double=True)
        cpr: tuple[str, int] | None = None
        if rng.random() < 0.40:
            cpr = self._cpr(birth_year)
        known_year = rng.random() < 0.85 or cpr is not None
        citizen_id = self.rows.next_id("citizen")
        at = self.values.at(created_ts)
        self.rows.add(
            "citizen",
            (
                citizen_id,
                name,
                cpr[0] if cpr else None,
                self.values.day(cpr[1]) if cpr else None,
                birth_year if known_year else None,
                (
                    LegalFramework.ELDER_ACT if age >= 65 else LegalFramework.SOCIAL_SERVICES_ACT
                ).value,
                search_key(name),
                at,
                at,
                1,
            ),
        )
        first = conditions.pick(rng)
        chosen = [first]
        if rng.random() < 0.25:
            second = conditions.pick(rng)
            if second != first:
                chosen.append(second)
        for condition in chosen:
            self.rows.add("citizen_condition", (citizen_id, condition.value))
        return CitizenRef(citizen_id, age, surname, tuple(chosen))

    def _cpr(self, birth_year: int) -> tuple[str, int] | None:
        """A CPR number for a birth in ``birth_year`` and its date's ordinal, or None when
        none was found: 10 digits, a real date, the century digit right, *not* modulus 11,
        unique in the database."""
        rng = self.cpr_rng
        yy = birth_year % 100
        if 1900 <= birth_year <= 1999:
            sevenths = (0, 1, 2, 3, 4, 9) if yy >= 37 else (0, 1, 2, 3)
        elif 2000 <= birth_year <= 2036:
            sevenths = (4, 9, 5, 6, 7, 8)
        elif 2037 <= birth_year <= 2057:
            sevenths = (5, 6, 7, 8)
        else:
            return None
        for _ in range(30):
            # Not the 1st of a month: that is where persons of unknown birth date are put.
            born = date(birth_year, rng.randint(1, 12), rng.randint(2, 28))
            if born >= self.today.date:
                continue
            digits = f"{born:%d%m}{yy:02d}{rng.choice(sevenths)}{rng.randrange(1000):03d}"
            weighted = sum(int(d) * w for d, w in zip(digits, _MOD11_WEIGHTS, strict=True))
            if weighted % 11 == 0 or digits in self.used_cprs:
                continue
            self.used_cprs.add(digits)
            return digits, born.toordinal()
        return None

    # ---- names and contact details ----------------------------------------------------------
    def _name(self, sex: str, birth_year: int, surname: str | None, *, double: bool) -> str:
        rng, v = self.rng, self.v
        names = v.first_names[(sex, v.band(birth_year))]
        first = rng.choice(names)
        if double and rng.random() < 0.10:
            second = rng.choice(names)
            if second != first:
                first = f"{first} {second}"
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(v.middle_names)}"
        return f"{first} {surname or v.surnames.pick(rng)}"

    def _surname(self) -> str:
        return str(self.v.surnames.pick(self.rng))

    def _phone(self, age: int) -> str:
        rng = self.rng
        landline = age >= 70 and rng.random() < 0.35
        prefix = rng.choice(_LANDLINE_PREFIXES if landline else _MOBILE_PREFIXES)
        rest = f"{rng.randrange(1_000_000):06d}"
        return f"{prefix} {rest[0:2]} {rest[2:4]} {rest[4:6]}"

    def _email(self, name: str) -> str:
        rng = self.rng
        parts = [
            "".join(ch for ch in p if ch.isalnum())
            for p in name.casefold().translate(_ASCII).split()
        ]
        parts = [p for p in parts if p.isascii() and p]
        local = f"{parts[0]}.{parts[-1]}" if len(parts) > 1 else parts[0]
        if rng.random() < 0.4:
            local = f"{local}{rng.randrange(1, 99)}"
        return f"{local}@{rng.choice(self.v.email_domains)}"

    # ---- the relative -----------------------------------------------------------------------
    def relative(
        self, relative_id: int, household: Household, created_ts: int, last_ts: int
    ) -> Language:
        """Writes the relative (created at ``created_ts``, perhaps updated up to ``last_ts``);
        returns their language."""
        rng, v = self.rng, self.v
        age, sex, surname = household.age, household.sex, household.surname
        child = household.child
        birth_year = self.today.year - age
        language = Language.DANISH
        if not child and rng.random() < 0.04:
            name = (
                f"{rng.choice(v.intl_first[sex])} "
                f"{surname if surname and rng.random() < 0.3 else rng.choice(v.intl_surnames)}"
            )
            if rng.random() < 0.6:
                language = Language.ENGLISH
        else:
            name = self._name(sex, birth_year, surname, double=not child)
        phone = self._phone(age) if rng.random() < (0.65 if child else 0.92) else None
        email_share = 0.10 if child else (0.15 if age >= 70 else 0.40)
        email = self._email(name) if rng.random() < email_share else None
        postcode = str(v.postcodes.pick(rng)) if rng.random() < 0.95 else None
        interests = None
        if rng.random() < (0.6 if child else 0.35):
            pool = v.child_interests if child else v.adult_interests
            interests = ", ".join(rng.sample(pool, rng.randint(1, 3)))
        updated_ts = created_ts
        if self.trng.random() < 0.3:
            updated_ts = self.trng.randint(created_ts, max(created_ts, last_ts))
        self.rows.add(
            "relative",
            (
                relative_id,
                name,
                sort_name(name),
                phone,
                email,
                postcode,
                birth_year if child or rng.random() < 0.85 else None,
                language.value,
                self._employment(age).value,
                interests,
                search_key(name, phone, email),
                self.values.at(created_ts),
                self.values.at(updated_ts),
                1,
            ),
        )
        return language

    def _employment(self, age: int) -> EmploymentStatus:
        r = self.rng.random()
        if age < 16:
            return EmploymentStatus.PUPIL
        if age < 18:
            return EmploymentStatus.PUPIL if r < 0.8 else EmploymentStatus.STUDENT
        if age < 26:
            if r < 0.55:
                return EmploymentStatus.STUDENT
            return EmploymentStatus.EMPLOYED if r < 0.9 else EmploymentStatus.UNEMPLOYED
        if age < 67:
            for status, upto in (
                (EmploymentStatus.EMPLOYED, 0.62),
                (EmploymentStatus.SELF_EMPLOYED, 0.69),
                (EmploymentStatus.SICK_LEAVE, 0.76),
                (EmploymentStatus.UNEMPLOYED, 0.80),
                (EmploymentStatus.CARE_LEAVE, 0.83),
                (EmploymentStatus.RETIRED, 0.90),
                (EmploymentStatus.OTHER, 0.94),
            ):
                if r < upto:
                    return status
            return EmploymentStatus.UNKNOWN
        if r < 0.86:
            return EmploymentStatus.RETIRED
        return EmploymentStatus.EMPLOYED if r < 0.92 else EmploymentStatus.UNKNOWN

    # ---- relations and consents -------------------------------------------------------------
    def relations(
        self, relative_id: int, household: Household, created_ts: int, case_closed: int | None
    ) -> list[int]:
        """Writes the relative's care relations with their consents; returns the other
        relatives of the same citizens built so far (who may join a session)."""
        co_relatives: list[int] = []
        for ref, relation, hours in household.links:
            co_relatives.extend(ref.relative_ids)
            ref.relative_ids.append(relative_id)
            self._relation(relative_id, ref, relation, hours, created_ts, case_closed)
        return [r for r in dict.fromkeys(co_relatives) if r != relative_id]

    def _relation(
        self,
        relative_id: int,
        ref: CitizenRef,
        relation: RelationType,
        hours: float | None,
        created_ts: int,
        case_closed: int | None,
    ) -> None:
        rng, today = self.trng, self.today
        relation_id = self.rows.next_id("care_relation")
        created_day = today.day_of(created_ts)
        starts = created_day - rng.randint(0, 10 * 365) if rng.random() < 0.75 else None
        ends = None
        if case_closed is not None and rng.random() < 0.35:
            ends = today.day_of(case_closed)
        self.rows.add(
            "care_relation",
            (
                relation_id,
                relative_id,
                ref.id,
                relation.value,
                hours,
                None if starts is None else self.values.day(starts),
                None if ends is None else self.values.day(ends),
                self.values.flag(rng.random() < 0.8),
                1,
            ),
        )
        if rng.random() >= 0.75:
            return
        n = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
        for scope in rng.sample(_SCOPES, n):
            given = min(created_day + rng.randint(0, 14), today.ordinal)
            expires = None
            if rng.random() < 0.5:
                expires = given + rng.choice((182, 365, 365, 730))
            withdrawn = None
            given_ts = (given - EPOCH_ORDINAL) * DAY
            if rng.random() < 0.04 and given_ts + DAY < today.start - 3600:
                withdrawn = rng.randint(given_ts + DAY, today.start - 3600)
            method = rng.choices(tuple(ConsentMethod), (50, 30, 20))[0]
            self.rows.add(
                "consent",
                (
                    self.rows.next_id("consent"),
                    relation_id,
                    scope.value,
                    method.value,
                    self.values.day(given),
                    None if expires is None else self.values.day(expires),
                    None if withdrawn is None else self.values.at(withdrawn),
                    rng.choice(self.v.consent_notes) if rng.random() < 0.15 else None,
                    self.values.at(min(given_ts + rng.randint(7, 15) * 3600, today.start)),
                    1,
                ),
            )
