"""Wellbeing check-ins ("hvordan har du det?", ``check_in``) in a relative's sessions, with
their item answers and the follow-ups an advisor took up from them.

They are scored with the shipped instruments and prompted by the rules CheckInService.record
uses, so a generated check-in reads like a recorded one. They draw from a stream of their
own: adding them left the sessions and follow-ups of every seed as they were.
"""

from __future__ import annotations

import random
from functools import lru_cache
from statistics import NormalDist

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, Today
from advisor_app.devtools.demo.follow_ups import add_follow_up, follow_up_status
from advisor_app.devtools.demo.sessions import Meeting
from advisor_app.devtools.demo.vocabulary import Weighted
from advisor_app.domain.enums import CheckInMode, Language, SessionForm
from advisor_app.domain.instruments import STEP_TEXTS, Instrument, Prompt, Score, prompts
from advisor_app.i18n import DEFAULT_LANGUAGE, catalog

# Private, imported on purpose: the own-life rule must be the one CheckInService.record uses.
from advisor_app.services.check_ins import _own_life_prompts
from advisor_app.services.instruments import CHILD_DEFAULT, OWN_LIFE, WHO5, shipped

# Who has check-ins, and how many over the course.
CHECK_IN_SHARE = 0.6
_CHECK_IN_COUNTS = ((1, 30), (2, 28), (3, 20), (4, 12), (5, 10))
# The check-in dialog's default due date for the next steps it turns into follow-ups.
CHECK_IN_STEP_DAYS = 14
# Answers to own-life's "Hvad bekymrer dig mest lige nu?" (kept here, not in demo_names.json).
_WORRIES = (
    "At det går ned ad bakke, og at jeg ikke kan følge med.",
    "Om jeg kan blive ved med at passe mit arbejde.",
    "Nætterne. Jeg vågner, hver gang der er uro.",
    "Økonomien, hvis jeg må gå ned i tid.",
    "Hvad der skal ske, hvis der bliver brug for en plejebolig.",
    "At børnene ikke får nok af mig.",
    "Mit eget helbred. Jeg har ikke været hos lægen længe.",
    "At jeg bliver vred og bagefter får dårlig samvittighed.",
    "Hvem der hjælper, hvis jeg selv bliver syg.",
    "At vi ikke kan tale sammen, som vi kunne før.",
    "Ensomheden om aftenen.",
    "Der kommer nye ansigter fra hjemmeplejen hele tiden.",
    "At jeg aldrig når at se mine venner.",
    "Humøret svinger, og jeg ved ikke, hvad der udløser det.",
    "Ventetiden på en aflastningsplads.",
    "Hvordan jeg skal forklare det til børnebørnene.",
    "At jeg ikke slår til.",
    "Weekenderne, hvor der ikke er nogen at ringe til.",
)


class _Scored:
    """A shipped instrument with its items' (position, id) at hand, positions counting every
    item, text ones included, as CheckInService stores them; and its scores by answers, so
    that ``Instrument.score`` runs once per distinct answer set (WHO-5 has 7,776)."""

    __slots__ = ("_scores", "instrument", "scale", "texts")

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.scale = tuple(
            (p, item.id) for p, item in enumerate(instrument.items) if item.kind == "scale"
        )
        self.texts = {item.id: p for p, item in enumerate(instrument.items) if item.kind == "text"}
        self._scores: dict[tuple[int, ...], Score] = {}

    def score(self, values: tuple[int, ...]) -> Score:
        found = self._scores.get(values)
        if found is None:
            found = self._scores[values] = self.instrument.score(values)
        return found


@lru_cache(maxsize=1)
def _normal_quantiles() -> tuple[float, ...]:
    """4,096 evenly spaced quantiles of the standard normal distribution: indexed with
    ``getrandbits(12)``, a draw costs a tenth of ``random.gauss`` (measured)."""
    unit = NormalDist()
    return tuple(unit.inv_cdf((i + 0.5) / 4096) for i in range(4096))


class CheckIns:
    """Builds check-ins, their answers and the follow-ups taken up from them."""

    def __init__(
        self,
        *,
        rows: Rows,
        values: Values,
        today: Today,
        check_in_rng: random.Random,
        advisor_id: int,
    ) -> None:
        self.rows = rows
        self.values = values
        self.today = today
        self.crng = check_in_rng
        self.advisor_id = advisor_id
        self.actions = 0  # follow-ups written from check-ins
        self.who5 = _Scored(shipped(WHO5))
        self.own_life = _Scored(shipped(OWN_LIFE))
        self.child_check_in = _Scored(shipped(CHILD_DEFAULT))
        self.check_in_counts = Weighted.of(_CHECK_IN_COUNTS)
        self.normal = _normal_quantiles()
        danish = catalog(DEFAULT_LANGUAGE)
        # The follow-up texts the check-in dialog writes, in the advisors' language.
        self.step_texts = {code: danish.gettext(text) for code, text in STEP_TEXTS.items()}

    def check_ins(
        self, case_id: int, child: bool, language: Language, meetings: list[Meeting]
    ) -> None:
        """Check-ins for about 60% of the relatives met, in 1-5 of their meetings (groups
        only when there is nothing else): WHO-5 with the own-life questions for an adult, the
        smiley check-in for a child, never the other way round. Scored and prompted as
        CheckInService.record does, against the previous score."""
        rng = self.crng
        if not meetings or rng.random() >= CHECK_IN_SHARE:
            return
        suitable = [m for m in meetings if m[1] is not SessionForm.GROUP] or meetings
        chosen = rng.sample(suitable, min(len(suitable), self.check_in_counts.pick(rng)))
        # A few minutes into the meeting; in time order, so "previous" is the one before.
        taken = sorted(
            (start + rng.randint(1, max(1, min(duration - 5, 30))) * 60, form)
            for start, form, duration in chosen
        )
        scored = self.child_check_in if child else self.who5
        # The relative's wellbeing as a mean item answer, and how it moves from one check-in
        # to the next: WHO-5 mostly 40-80, some low, some falling, some better with help.
        if child:
            level, noise, low, high = rng.gauss(3.7, 0.6), 0.8, 1, 5
        else:
            level, noise, low, high = rng.gauss(2.9, 0.8), 0.6, 0, 5
        r = rng.random()
        if r < 0.18:
            slope = -rng.uniform(0.25, 0.6)  # falling: 5-12 WHO-5 points a time
        elif r < 0.33:
            slope = rng.uniform(0.15, 0.4)
        else:
            slope = rng.gauss(0.0, 0.1)
        normal, bits, uniform = self.normal, rng.getrandbits, rng.random
        previous: int | None = None
        for k, (at, form) in enumerate(taken):
            mean = level + slope * k
            values = tuple(
                min(high, max(low, round(mean + noise * normal[bits(12)]))) for _ in scored.scale
            )
            own: tuple[int | None, ...] | None = None
            worry: str | None = None
            if not child and uniform() < 0.9:
                # Own life follows wellbeing loosely; an answer is left out now and then.
                own_mean = 0.55 * mean + 0.1
                own = tuple(
                    None
                    if uniform() < 0.07
                    else min(3, max(0, round(own_mean + 0.7 * normal[bits(12)])))
                    for _ in self.own_life.scale
                )
                if uniform() < (0.35 if mean < 2.5 else 0.15):
                    worry = rng.choice(_WORRIES)
            previous = self._check_in(
                scored, values, own, worry, previous, case_id, at, form, language
            )

    def _check_in(
        self,
        scored: _Scored,
        values: tuple[int, ...],
        own: tuple[int | None, ...] | None,
        worry: str | None,
        previous: int | None,
        case_id: int,
        at: int,
        form: SessionForm,
        language: Language,
    ) -> int | None:
        """Writes one check-in with its answers; returns the score the next one is compared
        with (the last one with a score, as CheckInService._previous_score finds it)."""
        rng = self.crng
        instrument = scored.instrument
        score = scored.score(values)
        found: list[Prompt] = list(prompts(instrument, score, previous))
        if own is not None:
            found.extend(_own_life_prompts(self.own_life.instrument, own))
        mode = CheckInMode.INTERVIEW
        if form in (SessionForm.IN_PERSON, SessionForm.HOME_VISIT) and rng.random() < 0.3:
            mode = CheckInMode.SELF_COMPLETED  # the relative's view on the advisor's screen
        # Saved at once, or typed in later from paper.
        created = at + (rng.randint(20, 900) if rng.random() < 0.85 else rng.randint(3600, 3 * DAY))
        created = min(created, self.today.start - 60)
        check_in_id = self.rows.next_id("check_in")
        self.rows.add(
            "check_in",
            (
                check_in_id,
                case_id,
                self.advisor_id,
                self.values.at(at),
                mode.value,
                language.value,
                instrument.id,
                instrument.version,
                score.raw,
                score.score,
                score.band,
                ",".join(p.code for p in found),
                self.values.at(created),
                1,  # version
            ),
        )
        # The hot path (about eight answers a check-in): appended directly, counted once.
        add = self.rows.pending["check_in_answer"].append
        version = instrument.version
        for (position, item_id), value in zip(scored.scale, score.answers, strict=True):
            add((check_in_id, instrument.id, item_id, version, position, value, None))
        n_answers = len(score.answers)
        if own is not None:
            own_life = self.own_life
            version = own_life.instrument.version
            for (position, item_id), maybe in zip(own_life.scale, own, strict=True):
                if maybe is not None:
                    add((check_in_id, OWN_LIFE, item_id, version, position, maybe, None))
                    n_answers += 1
            if worry is not None:
                add((check_in_id, OWN_LIFE, "worry", version, own_life.texts["worry"], None, worry))
                n_answers += 1
        self.rows.counts["check_in_answer"] += n_answers
        if found and rng.random() < 0.1:
            self._follow_ups(check_in_id, found, at, created)
        return score.score if score.score is not None else previous

    def _follow_ups(self, check_in_id: int, found: list[Prompt], at: int, created: int) -> None:
        """Next steps the advisor took up as follow-ups in the check-in dialog: one or two of
        those the prompts suggest, due in the dialog's default two weeks or near it."""
        rng = self.crng
        steps = list(dict.fromkeys(code for p in found for code in p.steps))
        picked = set(rng.sample(steps, 1 if len(steps) == 1 or rng.random() < 0.7 else 2))
        day = self.today.day_of(at)
        due = day + rng.choice((CHECK_IN_STEP_DAYS,) * 3 + (7, 30))
        for code in steps:
            if code not in picked:
                continue
            status, completed = follow_up_status(rng, self.today, day, due, created)
            add_follow_up(
                self.rows,
                self.values,
                session_id=None,
                check_in_id=check_in_id,
                description=self.step_texts[code],
                due=due,
                status=status,
                completed=completed,
                owner_id=self.advisor_id,
            )
            self.actions += 1
