"""Instruments for "how are you doing?" (hvordan har du det?) check-ins, and their scoring.

Instruments are data (``resources/instruments/*.json``); this module turns such a mapping
into an ``Instrument`` and scores answers by its rule. WHO-5 (DOMAIN.md): five items 0-5,
raw 0-25, score = raw x 4; <= 28 likely depression (refer on), <= 50 poor wellbeing (talk
about it), any item at 0 or 1 -> ask more, a change of >= 10 points is significant. A
screening thermometer, never a diagnosis. Licensed instruments are score-entry shells: item
ids and ranges, no item text unless a municipality with a licence loads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from advisor_app.domain.errors import N_, ValidationError

SCORING_RULES = ("sum_times", "sum", "none")
AUDIENCES = ("adult", "child")
LICENCES = ("free", "project", "licensed")


@dataclass(frozen=True)
class Item:
    id: str
    text: Mapping[str, str]
    kind: str = "scale"  # "scale" or "text"

    def text_in(self, language: str) -> str:
        return self.text.get(language) or self.text.get("en") or next(iter(self.text.values()), "")


@dataclass(frozen=True)
class Band:
    code: str
    max_score: float


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    name: Mapping[str, str]
    audience: str
    licence: str
    text_allowed: bool
    credit: Mapping[str, str]
    intro: Mapping[str, str]
    scale_min: int
    scale_max: int
    scale_labels: Mapping[str, tuple[str, ...]]
    scale_kind: str
    items: tuple[Item, ...]
    rule: str
    factor: int
    score_min: int | None
    score_max: int | None
    bands: tuple[Band, ...]
    low_item_max: int | None
    significant_change: int | None
    text_loaded: bool = False

    @property
    def scale_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == "scale")

    @property
    def text_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == "text")

    @property
    def shows_text(self) -> bool:
        """Whether item text may be shown: free/project text, or licensed text loaded."""
        return self.text_allowed or self.text_loaded

    def name_in(self, language: str) -> str:
        return self.name.get(language) or self.name.get("en", self.id)

    def validate(self, answers: Sequence[object]) -> tuple[int, ...]:
        """Every scale item answered with a whole number on the scale, in order."""
        if isinstance(answers, str | bytes):
            # A string is a Sequence too: "31251" must not pass as five answers.
            answers = (answers,)
        expected = len(self.scale_items)
        if len(answers) != expected:
            raise ValidationError(
                N_("{name} needs {expected} answers, not {given}."),
                field="answers",
                name=self.id,
                expected=expected,
                given=len(answers),
            )
        clean: list[int] = []
        for position, value in enumerate(answers, start=1):
            number = _as_int(value)
            if number is None:
                raise ValidationError(
                    N_("Answer {position} is not a whole number."),
                    field="answers",
                    position=position,
                )
            if not self.scale_min <= number <= self.scale_max:
                raise ValidationError(
                    N_("Answer {position} must be between {low} and {high}."),
                    field="answers",
                    position=position,
                    low=self.scale_min,
                    high=self.scale_max,
                )
            clean.append(number)
        return tuple(clean)

    def score(self, answers: Sequence[object]) -> Score:
        values = self.validate(answers)
        raw: int | None = None
        score: int | None = None
        if self.rule in ("sum", "sum_times"):
            raw = sum(values)
            score = raw * (self.factor if self.rule == "sum_times" else 1)
        band = band_for(self.bands, score)
        low: tuple[str, ...] = ()
        if self.low_item_max is not None:
            low = tuple(
                item.id
                for item, value in zip(self.scale_items, values, strict=True)
                if value <= self.low_item_max
            )
        return Score(self.id, self.version, values, raw, score, band, low)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    # Up to 18 digits, so that "1000" is told it is off the scale, not that it is no number.
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
        return int(value)
    return None


def band_for(bands: Sequence[Band], score: float | None) -> str | None:
    if score is None:
        return None
    for band in bands:
        if score <= band.max_score:
            return band.code
    return None


@dataclass(frozen=True)
class Score:
    instrument_id: str
    instrument_version: str
    answers: tuple[int, ...]
    raw: int | None
    score: int | None
    band: str | None
    low_items: tuple[str, ...] = field(default_factory=tuple)


def change(previous: int | None, current: int | None, threshold: int | None) -> int | None:
    """The signed change when it is significant (|delta| >= threshold), else None."""
    if previous is None or current is None or threshold is None:
        return None
    delta = current - previous
    return delta if abs(delta) >= threshold else None


# ---- prompts the advisor can act on -------------------------------------------------------
@dataclass(frozen=True)
class Prompt:
    """Something to act on after a check-in: an English source message and the suggested
    next steps (codes with English follow-up texts the advisor may turn into actions)."""

    code: str
    message: str
    steps: tuple[str, ...]
    points: int = 0  # for the message's {points}


STEP_TEXTS: dict[str, str] = {
    "talk": N_("Talk about how the relative is doing, and what would help"),
    "gp": N_("Suggest contacting the GP (own doctor)"),
    "relief": N_("Offer relief (aflastning or afløsning)"),
    "group": N_("Offer a group or course for relatives"),
    "new_check_in": N_("New check-in in a month"),
    "talk_child": N_("Talk with the child, and with the adults around the child"),
}

BAND_TEXTS: dict[str, str] = {
    "good": N_("Good wellbeing"),
    "poor": N_("Poor wellbeing: talk about it and consider further help"),
    "likely_depression": N_(
        "Very low wellbeing: refer on (GP); possible depression, not a diagnosis"
    ),
}


def prompts(instrument: Instrument, score: Score, previous_score: int | None) -> tuple[Prompt, ...]:
    found: list[Prompt] = []
    if score.band == "likely_depression":
        found.append(
            Prompt(
                "score_28",
                N_("The score is 28 or lower: refer on and talk about the GP."),
                ("gp", "talk"),
            )
        )
    elif score.band == "poor":
        found.append(
            Prompt(
                "score_50",
                N_("The score is 50 or lower: talk about how the relative is and consider help."),
                ("talk", "relief", "group"),
            )
        )
    delta = change(previous_score, score.score, instrument.significant_change)
    if delta is not None and delta < 0:
        found.append(
            Prompt(
                "drop",
                N_("The score has dropped by {points} points since the last check-in."),
                ("talk", "relief", "new_check_in"),
                points=-delta,
            )
        )
    if score.low_items:
        if instrument.audience == "child":
            found.append(
                Prompt(
                    "child_low",
                    N_("Some answers are low: talk with the child about them."),
                    ("talk_child",),
                )
            )
        else:
            found.append(
                Prompt(
                    "item_low", N_("Some answers are at 0 or 1: ask more about them."), ("talk",)
                )
            )
    return tuple(found)


# ---- reading an instrument from data ------------------------------------------------------
class InstrumentDataError(ValueError):
    """A malformed instrument file: a packaging or licence-file error, not user input."""


def _texts(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise InstrumentDataError("texts must map a language to a string")
    return dict(value)


def _labels(value: Any, steps: int) -> dict[str, tuple[str, ...]]:
    """Scale labels by language, one per scale step."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InstrumentDataError("labels must map a language to a list of strings")
    labels: dict[str, tuple[str, ...]] = {}
    for language, texts in value.items():
        # A string is a Sequence too: "abcdef" must not pass as six labels.
        if (
            isinstance(texts, str | bytes)
            or not isinstance(texts, Sequence)
            or not all(isinstance(t, str) for t in texts)
        ):
            raise InstrumentDataError("labels must map a language to a list of strings")
        if len(texts) != steps:
            raise InstrumentDataError("one label per scale step")
        labels[str(language)] = tuple(texts)
    return labels


def instrument_from_data(data: Mapping[str, Any]) -> Instrument:
    try:
        scale = data["scale"]
        scoring = data["scoring"]
        rule = scoring["rule"]
        if rule not in SCORING_RULES:
            raise InstrumentDataError(f"unknown scoring rule {rule!r}")
        if data["audience"] not in AUDIENCES or data["licence"] not in LICENCES:
            raise InstrumentDataError("unknown audience or licence")
        text_allowed = bool(data["text_allowed"])
        if data["licence"] == "licensed" and text_allowed:
            raise InstrumentDataError("a licensed instrument ships as a shell, without text")
        items = tuple(
            Item(
                str(i["id"]), _texts(i.get("text")) if text_allowed else {}, i.get("kind", "scale")
            )
            for i in data["items"]
        )
        if not text_allowed and (any(i.get("text") for i in data["items"]) or scale.get("labels")):
            raise InstrumentDataError("a licensed shell must not carry item text or scale labels")
        steps = int(scale["max"]) - int(scale["min"]) + 1
        labels = _labels(scale.get("labels"), steps) if text_allowed else {}
        return Instrument(
            id=str(data["id"]),
            version=str(data["version"]),
            name=_texts(data["name"]),
            audience=data["audience"],
            licence=data["licence"],
            text_allowed=text_allowed,
            credit=_texts(data.get("credit")),
            intro=_texts(data.get("intro")),
            scale_min=int(scale["min"]),
            scale_max=int(scale["max"]),
            scale_labels=labels,
            scale_kind=str(scale.get("kind", "numeric")),
            items=items,
            rule=rule,
            factor=int(scoring.get("factor", 1)),
            score_min=scoring.get("min"),
            score_max=scoring.get("max"),
            bands=tuple(Band(str(b["code"]), float(b["max"])) for b in data.get("bands", ())),
            low_item_max=data.get("low_item_max"),
            significant_change=data.get("significant_change"),
        )
    except (KeyError, TypeError) as exc:
        raise InstrumentDataError(f"malformed instrument: {exc}") from None


def with_licensed_text(instrument: Instrument, data: Mapping[str, Any]) -> Instrument:
    """Merge item text a municipality holds a licence for: {"id", "version", "items": {id:
    {lang: text}}, "labels": {lang: [...]}}. Item ids and version must match the shell."""
    if data.get("id") != instrument.id or str(data.get("version")) != instrument.version:
        raise InstrumentDataError("the text file is for another instrument or version")
    texts = data.get("items")
    if not isinstance(texts, Mapping) or set(texts) != {i.id for i in instrument.items}:
        raise InstrumentDataError("the text file must give text for every item id")
    items = tuple(Item(i.id, _texts(texts[i.id]), i.kind) for i in instrument.items)
    labels = _labels(data.get("labels"), instrument.scale_max - instrument.scale_min + 1)
    return replace(instrument, items=items, scale_labels=labels, text_loaded=True)
