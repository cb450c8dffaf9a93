"""Check-in instruments (trivselstjek, ``instruments``) without Qt or a database: WHO-5 scoring
against the rule in DOMAIN.md written out again here, bands, significant change, the prompts
an advisor acts on, answer validation for every shipped instrument, the shipped data (licensed
instruments are shells without text) and loading a municipality's licensed text.

The licensed text used here is invented placeholder text ("Licensed item 1"), never the real
wording of a copyrighted instrument.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_app.domain.errors import ValidationError
from advisor_app.domain.instruments import (
    BAND_TEXTS,
    STEP_TEXTS,
    Band,
    Instrument,
    InstrumentDataError,
    Prompt,
    band_for,
    change,
    instrument_from_data,
    prompts,
    with_licensed_text,
)
from advisor_app.i18n import catalog
from advisor_app.services.instruments import (
    InstrumentRegistry,
    checked_licensed_text,
    shipped,
    shipped_instruments,
)

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT_FILES = sorted((ROOT / "resources" / "instruments").glob("*.json"))
LICENSED = {"zarit22", "zarit12", "zarit4", "carers_star", "csi", "wemwbs", "swemwbs"}
# Declared score ranges, written out: items x scale minimum/maximum.
SUMMED_RANGES = {
    "zarit22": (0, 88),
    "zarit12": (0, 48),
    "zarit4": (0, 16),
    "csi": (0, 13),
    "wemwbs": (14, 70),
    "swemwbs": (7, 35),
    "carers_star": (7, 70),
    "who5": (0, 100),
}
ALL_IDS = sorted(i.stem for i in INSTRUMENT_FILES)
FAST = settings(max_examples=60, deadline=None)  # deadline: a loaded CI machine is slow


def who5() -> Instrument:
    return shipped("who5")


def raw_data(instrument_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "resources" / "instruments" / f"{instrument_id}.json").read_text("utf-8")
    )
    return data


# ---- WHO-5 scoring: every one of the 6**5 answer vectors ------------------------------------
def who5_rule(answers: tuple[int, ...]) -> tuple[int, int, str, tuple[str, ...]]:
    """DOMAIN.md's rule, independently of the code: raw 0-25, score = raw x 4, <= 28 likely
    depression, <= 50 poor, else good; items at 0 or 1 are low (item ids are "1".."5")."""
    raw = sum(answers)
    score = raw * 4
    band = "likely_depression" if score <= 28 else "poor" if score <= 50 else "good"
    low = tuple(str(n) for n, value in enumerate(answers, start=1) if value <= 1)
    return raw, score, band, low


def test_who5_scores_every_answer_combination_by_the_rule() -> None:
    instrument = who5()
    combinations = list(itertools.product(range(6), repeat=5))
    assert len(combinations) == 6**5
    for answers in combinations:
        result = instrument.score(answers)
        raw, score, band, low = who5_rule(answers)
        assert (result.raw, result.score, result.band, result.low_items) == (raw, score, band, low)
        assert result.answers == answers
        assert (result.instrument_id, result.instrument_version) == ("who5", "1998")
        assert result.raw is not None and 0 <= result.raw <= 25 and 0 <= score <= 100
        codes = {p.code for p in prompts(instrument, result, None)}
        assert ("score_28" in codes) == (score <= 28)
        assert ("score_50" in codes) == (28 < score <= 50)
        assert ("item_low" in codes) == bool(low)
        assert "drop" not in codes and "child_low" not in codes


# ---- bands ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [
        ((0, 0, 0, 0, 0), 0, "likely_depression"),
        ((2, 2, 1, 1, 1), 28, "likely_depression"),  # raw 7: the last score that refers on
        ((2, 2, 2, 1, 1), 32, "poor"),  # raw 8: the next score the scale can give
        ((3, 3, 2, 2, 2), 48, "poor"),  # raw 12: no WHO-5 score is 50
        ((3, 3, 3, 2, 2), 52, "good"),  # raw 13
        ((5, 5, 5, 5, 5), 100, "good"),
    ],
)
def test_who5_bands_at_the_boundaries(answers: tuple[int, ...], score: int, band: str) -> None:
    result = who5().score(answers)
    assert (result.score, result.band) == (score, band)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "likely_depression"),
        (28, "likely_depression"),
        (28.5, "poor"),
        (29, "poor"),
        (32, "poor"),
        (48, "poor"),
        (50, "poor"),
        (50.5, "good"),
        (51, "good"),
        (52, "good"),
        (100, "good"),
        (101, None),
        (None, None),
    ],
)
def test_band_for_on_the_boundary_values(score: float | None, band: str | None) -> None:
    assert band_for(who5().bands, score) == band


def test_band_for_takes_the_first_band_that_holds_the_score() -> None:
    bands = (Band("low", 10), Band("high", 20))
    assert [band_for(bands, s) for s in (-5, 10, 10.01, 20, 21)] == [
        "low",
        "low",
        "high",
        "high",
        None,
    ]
    assert band_for((), 5) is None


# ---- significant change ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (60, 50, -10),  # exactly the threshold, down
        (50, 60, 10),  # exactly the threshold, up
        (60, 52, None),  # WHO-5 moves in steps of 4: 8 is not significant...
        (52, 60, None),
        (60, 48, -12),  # ...12 is
        (48, 60, 12),
        (60, 51, None),
        (60, 60, None),
        (100, 0, -100),
        (None, 60, None),
        (60, None, None),
        (None, None, None),
    ],
)
def test_change_is_significant_from_10_points(
    previous: int | None, current: int | None, expected: int | None
) -> None:
    assert change(previous, current, 10) == expected


def test_change_without_a_threshold_is_never_significant() -> None:
    assert change(0, 100, None) is None


@settings(deadline=None)
@given(st.integers(0, 25), st.integers(0, 25))
def test_change_between_who5_scores(previous_raw: int, current_raw: int) -> None:
    delta = (current_raw - previous_raw) * 4
    expected = delta if abs(delta) >= 10 else None
    assert change(previous_raw * 4, current_raw * 4, 10) == expected


# ---- prompts ----------------------------------------------------------------------------------
def codes(found: tuple[Prompt, ...]) -> list[str]:
    return [p.code for p in found]


def test_a_fall_of_10_or_more_prompts_a_drop_with_its_points() -> None:
    instrument = who5()
    score = instrument.score((3, 3, 3, 3, 3))  # 60, good, nothing low
    assert codes(prompts(instrument, score, None)) == []
    (drop,) = prompts(instrument, score, 72)
    assert (drop.code, drop.points) == ("drop", 12)
    assert drop.message.format(points=drop.points).startswith("The score has dropped by 12 ")
    assert "talk" in drop.steps and "new_check_in" in drop.steps
    assert [(p.code, p.points) for p in prompts(instrument, score, 70)] == [("drop", 10)]
    assert prompts(instrument, score, 68) == ()  # a fall of 8
    assert prompts(instrument, score, 48) == ()  # a rise says nothing
    assert prompts(instrument, score, 0) == ()


def test_a_score_of_28_or_lower_prompts_referral() -> None:
    instrument = who5()
    score = instrument.score((2, 2, 1, 1, 1))  # 28
    found = prompts(instrument, score, 40)
    assert codes(found) == ["score_28", "drop", "item_low"]
    assert found[0].steps == ("gp", "talk")
    assert found[1].points == 12


def test_a_score_of_50_or_lower_prompts_talk_and_help() -> None:
    instrument = who5()
    found = prompts(instrument, instrument.score((2, 2, 2, 2, 2)), None)  # 40
    assert codes(found) == ["score_50"]
    assert found[0].steps == ("talk", "relief", "group")


def test_a_low_item_prompts_asking_more_even_at_a_good_score() -> None:
    instrument = who5()
    score = instrument.score((5, 5, 5, 5, 0))  # 80
    assert score.band == "good" and score.low_items == ("5",)
    found = prompts(instrument, score, None)
    assert codes(found) == ["item_low"]
    assert found[0].steps == ("talk",)


def test_the_child_check_in_prompts_a_talk_with_the_child() -> None:
    child = shipped("child_smiley")
    score = child.score((1, 3, 2, 4, 5))  # low_item_max 2: home and school are low
    assert (score.raw, score.score, score.band) == (None, None, None)
    assert score.low_items == ("home", "school")
    found = prompts(child, score, None)
    assert codes(found) == ["child_low"]
    assert found[0].steps == ("talk_child",)
    assert prompts(child, child.score((3, 3, 3, 4, 5)), None) == ()


def test_the_own_life_questions_flag_an_item_at_zero() -> None:
    own_life = shipped("own_life")
    score = own_life.score((0, 1, 2, 3))
    assert score.low_items == ("sleep",)
    assert codes(prompts(own_life, score, None)) == ["item_low"]


# ---- answers: bad ones are refused, good ones score consistently, for every instrument -------
def number_text(value: str) -> bool:
    """Text that reads as a whole number (" 3 "): a form or the command line gives these."""
    return re.fullmatch(r"-?[0-9]+", value.strip()) is not None


NOT_AN_ANSWER = st.one_of(
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.text().filter(lambda t: not number_text(t)),
    st.binary(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.fractions(),
    st.lists(st.integers(0, 5), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.sampled_from([3.0, Decimal(3), Fraction(3), "3.0", "3,5", "½", "３", "+", "", " "]),
)


def valid_answers(instrument: Instrument) -> st.SearchStrategy[list[int]]:
    size = len(instrument.scale_items)
    return st.lists(
        st.integers(instrument.scale_min, instrument.scale_max), min_size=size, max_size=size
    )


@st.composite
def invalid_answers(draw: st.DrawFn, instrument: Instrument) -> object:
    """An answer vector off the scale: wrong length, a value out of range, a value that is no
    whole number, or text instead of a vector."""
    size = len(instrument.scale_items)
    low, high = instrument.scale_min, instrument.scale_max
    kind = draw(st.sampled_from(["length", "range", "type", "text"]))
    if kind == "text":  # "31251" must not pass as five answers
        digits = [str(d) for d in range(max(low, 0), min(high, 9) + 1)]
        return draw(st.text() | st.text(alphabet=digits, min_size=size, max_size=size))
    answers: list[object] = list(draw(valid_answers(instrument)))
    if kind == "length":
        length = draw(st.integers(0, size + 3).filter(lambda n: n != size))
        return draw(st.lists(st.integers(low, high), min_size=length, max_size=length))
    position = draw(st.integers(0, size - 1))
    if kind == "range":
        outside = st.integers(max_value=low - 1) | st.integers(min_value=high + 1)
        answers[position] = draw(outside | outside.map(str))
    else:
        answers[position] = draw(NOT_AN_ANSWER)
    return draw(st.sampled_from([answers, tuple(answers)]))


@pytest.mark.parametrize("instrument_id", ALL_IDS)
@FAST
@given(data=st.data())
def test_answers_off_the_scale_are_refused_with_a_message(
    instrument_id: str, data: st.DataObject
) -> None:
    instrument = shipped(instrument_id)
    answers = data.draw(invalid_answers(instrument))
    with pytest.raises(ValidationError) as caught:
        instrument.score(answers)  # type: ignore[arg-type]  # off the contract on purpose
    error = caught.value
    assert error.field == "answers"
    assert error.message.strip()
    danish = error.translated(catalog("da").gettext)
    assert danish.strip() and danish != error.message


@pytest.mark.parametrize("instrument_id", ALL_IDS)
@FAST
@given(data=st.data())
def test_answers_on_the_scale_are_accepted_and_scored_consistently(
    instrument_id: str, data: st.DataObject
) -> None:
    instrument = shipped(instrument_id)
    answers = data.draw(valid_answers(instrument))
    as_text = data.draw(st.booleans())
    given_answers: list[object] = [f" {a} " if as_text else a for a in answers]
    result = instrument.score(given_answers)
    assert result.answers == tuple(answers)
    if instrument.rule == "none":
        assert (result.raw, result.score, result.band) == (None, None, None)
    else:
        factor = instrument.factor if instrument.rule == "sum_times" else 1
        assert result.raw == sum(answers)
        assert result.score == sum(answers) * factor
        assert instrument.score_min is not None and instrument.score_max is not None
        assert instrument.score_min <= result.score <= instrument.score_max
        assert result.band == band_for(instrument.bands, result.score)
        if instrument.bands:
            assert result.band is not None
    expected_low = (
        ()
        if instrument.low_item_max is None
        else tuple(
            item.id
            for item, value in zip(instrument.scale_items, answers, strict=True)
            if value <= instrument.low_item_max
        )
    )
    assert result.low_items == expected_low
    assert instrument.score(answers) == result  # the same answers, the same score


def test_text_items_take_no_answer() -> None:
    own_life = shipped("own_life")
    with pytest.raises(ValidationError, match="needs 4 answers, not 5"):
        own_life.score((1, 1, 1, 1, 1))


def test_a_string_is_not_an_answer_vector() -> None:
    with pytest.raises(ValidationError, match="needs 5 answers, not 1"):
        who5().score("31251")


def test_a_large_number_is_out_of_range_not_a_non_number() -> None:
    with pytest.raises(ValidationError, match="Answer 5 must be between 0 and 5"):
        who5().score(("3", "4", "2", "5", "1000"))


# ---- the shipped instrument files -------------------------------------------------------------
def test_every_shipped_instrument_file_loads() -> None:
    loaded = shipped_instruments()
    assert sorted(loaded) == ALL_IDS
    assert len(ALL_IDS) >= 10
    for path in INSTRUMENT_FILES:
        instrument = instrument_from_data(json.loads(path.read_text("utf-8")))
        assert instrument.id == path.stem
        assert instrument == loaded[path.stem]
        assert instrument.name_in("en") and instrument.name_in("da")
        assert instrument.scale_items
        assert len({item.id for item in instrument.items}) == len(instrument.items)
        assert {item.kind for item in instrument.items} <= {"scale", "text"}


def test_the_licensed_instruments_are_exactly_the_copyrighted_ones() -> None:
    assert {i.id for i in shipped_instruments().values() if i.licence == "licensed"} == LICENSED


@pytest.mark.parametrize("instrument_id", sorted(LICENSED))
def test_a_licensed_instrument_ships_without_item_text_or_labels(instrument_id: str) -> None:
    data = raw_data(instrument_id)
    assert data["licence"] == "licensed" and data["text_allowed"] is False
    assert all(not item.get("text") for item in data["items"])
    assert not data["scale"].get("labels")
    instrument = shipped(instrument_id)
    assert all(item.text == {} for item in instrument.items)
    assert instrument.scale_labels == {}
    assert not instrument.shows_text and not instrument.text_loaded
    assert instrument.credit["da"] and instrument.credit["en"]


@pytest.mark.parametrize("instrument_id", sorted(SUMMED_RANGES))
def test_the_declared_score_range_is_items_times_the_scale(instrument_id: str) -> None:
    instrument = shipped(instrument_id)
    items = len(instrument.scale_items)
    factor = instrument.factor if instrument.rule == "sum_times" else 1
    assert instrument.rule in ("sum", "sum_times")
    assert (instrument.score_min, instrument.score_max) == SUMMED_RANGES[instrument_id]
    assert instrument.score_min == items * instrument.scale_min * factor
    assert instrument.score_max == items * instrument.scale_max * factor
    lowest = instrument.score([instrument.scale_min] * items)
    highest = instrument.score([instrument.scale_max] * items)
    assert (lowest.score, highest.score) == SUMMED_RANGES[instrument_id]


def test_who5_has_danish_and_english_text_and_credit() -> None:
    instrument = who5()
    assert (instrument.licence, instrument.audience, instrument.rule) == (
        "free",
        "adult",
        "sum_times",
    )
    assert instrument.shows_text
    assert [item.id for item in instrument.items] == ["1", "2", "3", "4", "5"]
    for language in ("da", "en"):
        assert all(item.text[language].strip() for item in instrument.items)
        assert len(instrument.scale_labels[language]) == 6
        assert instrument.intro[language].strip()
    assert "Psykiatrisk Center Nordsjælland" in instrument.credit["da"]
    assert "Mental Health Centre North Zealand" in instrument.credit["en"]
    assert instrument.items[0].text_in("da") != instrument.items[0].text_in("en")
    assert [b.code for b in instrument.bands] == ["likely_depression", "poor", "good"]
    assert (instrument.low_item_max, instrument.significant_change) == (1, 10)


def test_the_child_instrument_is_for_children() -> None:
    child = shipped("child_smiley")
    assert child.audience == "child"
    assert child.scale_kind == "smiley"
    registry = InstrumentRegistry()
    assert [i.id for i in registry.for_audience("child")] == ["child_smiley"]
    assert "child_smiley" not in {i.id for i in registry.for_audience("adult")}


def test_the_own_life_questions() -> None:
    own_life = shipped("own_life")
    assert [i.id for i in own_life.scale_items] == [
        "sleep",
        "own_time",
        "work_interests",
        "someone_to_talk_to",
    ]
    assert [(i.id, i.kind) for i in own_life.text_items] == [("worry", "text")]
    assert own_life.rule == "none" and own_life.audience == "adult"


def test_a_licensed_shell_with_item_text_is_refused() -> None:
    data = raw_data("zarit4")
    data["items"][0]["text"] = {"en": "Licensed item 1"}
    with pytest.raises(InstrumentDataError, match="item text"):
        instrument_from_data(data)


def test_a_licensed_shell_with_scale_labels_is_refused() -> None:
    data = raw_data("zarit4")
    data["scale"]["labels"] = {"en": ["Label 0", "Label 1", "Label 2", "Label 3", "Label 4"]}
    with pytest.raises(InstrumentDataError, match="scale labels"):
        instrument_from_data(data)


def test_a_licensed_instrument_that_allows_text_is_refused() -> None:
    data = raw_data("zarit4")
    data["text_allowed"] = True
    with pytest.raises(InstrumentDataError, match="shell"):
        instrument_from_data(data)


BAD_INSTRUMENT_FILES = {
    "no scale": lambda d: d.pop("scale"),
    "unknown rule": lambda d: d["scoring"].update(rule="average"),
    "unknown audience": lambda d: d.update(audience="pet"),
    "unknown licence": lambda d: d.update(licence="secret"),
    "too few labels": lambda d: d["scale"].update(labels={"en": ["Too", "few"]}),
    "labels as a string": lambda d: d["scale"].update(labels={"en": "abcdef"}),
    "labels as a list": lambda d: d["scale"].update(labels=["At no time"]),
    "item text not text": lambda d: d["items"][0].update(text={"en": 5}),
}


@pytest.mark.parametrize("spoil", BAD_INSTRUMENT_FILES.values(), ids=BAD_INSTRUMENT_FILES.keys())
def test_a_malformed_instrument_file_is_a_data_error(spoil: Any) -> None:
    data = raw_data("who5")
    spoil(data)
    with pytest.raises(InstrumentDataError):
        instrument_from_data(data)


# ---- licensed text loaded by a municipality -------------------------------------------------
def licensed_text(instrument_id: str = "zarit4") -> dict[str, Any]:
    """A made-up text file: placeholder sentences, never a real instrument's wording."""
    instrument = shipped(instrument_id)
    steps = instrument.scale_max - instrument.scale_min + 1
    return {
        "id": instrument.id,
        "version": instrument.version,
        "items": {
            item.id: {"en": f"Licensed item {item.id}", "da": f"Licenseret spørgsmål {item.id}"}
            for item in instrument.items
        },
        "labels": {
            "en": [f"Label {n}" for n in range(steps)],
            "da": [f"Etiket {n}" for n in range(steps)],
        },
    }


def test_licensed_text_merges_into_the_shell() -> None:
    shell = shipped("zarit4")
    merged = with_licensed_text(shell, licensed_text())
    assert merged.text_loaded and merged.shows_text
    assert [item.text_in("en") for item in merged.items] == [
        "Licensed item 1",
        "Licensed item 2",
        "Licensed item 3",
        "Licensed item 4",
    ]
    assert merged.items[0].text_in("da") == "Licenseret spørgsmål 1"
    assert merged.scale_labels["en"] == ("Label 0", "Label 1", "Label 2", "Label 3", "Label 4")
    assert merged.score((4, 4, 4, 4)) == shell.score((4, 4, 4, 4))  # text changes no score
    assert shell.items[0].text == {}  # the shipped shell is untouched
    registry = InstrumentRegistry({"zarit4": licensed_text()})
    assert registry.get("zarit4").text_loaded
    assert not registry.get("zarit12").text_loaded


def spoiled(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(licensed_text())
    change(data)
    return data


BAD_TEXT_FILES = {
    "wrong id": lambda d: d.update(id="zarit12"),
    "wrong version": lambda d: d.update(version="shell-0"),
    "missing item": lambda d: d["items"].pop("4"),
    "extra item": lambda d: d["items"].update({"5": {"en": "Licensed item 5"}}),
    "no items": lambda d: d.pop("items"),
    "items as a list": lambda d: d.update(items=["Licensed item 1"]),
    "too few labels": lambda d: d["labels"]["en"].pop(),
    "too many labels": lambda d: d["labels"]["da"].append("Etiket 5"),
    "labels as a string": lambda d: d["labels"].update(en="abcde"),
    "labels as a list": lambda d: d.update(labels=["Label 0"]),
    "labels not text": lambda d: d["labels"].update(en=[0, 1, 2, 3, 4]),
    "item text not text": lambda d: d["items"].update({"1": {"en": 1}}),
}


@pytest.mark.parametrize("change", BAD_TEXT_FILES.values(), ids=BAD_TEXT_FILES.keys())
def test_a_wrong_licensed_text_file_is_refused(change: Any) -> None:
    with pytest.raises(InstrumentDataError):
        with_licensed_text(shipped("zarit4"), spoiled(change))


def test_checked_licensed_text_accepts_a_good_file() -> None:
    merged, data = checked_licensed_text(json.dumps(licensed_text("csi")).encode())
    assert merged.id == "csi" and merged.text_loaded
    assert data["id"] == "csi"


BAD_RAW_TEXT_FILES = {
    **{name: json.dumps(spoiled(c)).encode() for name, c in BAD_TEXT_FILES.items()},
    "not JSON": b"not json",
    "not UTF-8": b"\xff\xfe",
    "not an object": b"[1, 2]",
    "a free instrument": json.dumps({**licensed_text(), "id": "who5"}).encode(),
    "no such instrument": json.dumps({**licensed_text(), "id": "nonexistent"}).encode(),
}


@pytest.mark.parametrize("raw", BAD_RAW_TEXT_FILES.values(), ids=BAD_RAW_TEXT_FILES.keys())
def test_checked_licensed_text_turns_a_bad_file_into_a_validation_error(raw: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_licensed_text(raw)
    error = caught.value
    assert error.field == "file"
    assert error.message.startswith("The file is not a text file for a licensed instrument: ")
    assert error.translated(catalog("da").gettext).startswith("Filen er ikke en tekstfil")


# ---- every text an advisor sees is in Danish --------------------------------------------------
def every_prompt() -> list[Prompt]:
    instrument, child = who5(), shipped("child_smiley")
    found = [
        *prompts(instrument, instrument.score((1, 1, 1, 1, 1)), 100),
        *prompts(instrument, instrument.score((2, 2, 2, 2, 2)), None),
        *prompts(child, child.score((1, 1, 1, 1, 1)), None),
    ]
    assert {p.code for p in found} == {"score_28", "score_50", "drop", "item_low", "child_low"}
    return found


@pytest.mark.parametrize(
    "text",
    [*STEP_TEXTS.values(), *BAND_TEXTS.values(), *(p.message for p in every_prompt())],
)
def test_every_instrument_text_has_a_danish_translation(text: str) -> None:
    danish = catalog("da").gettext(text)
    assert danish.strip() and danish != text
    if "{points}" in text:
        assert "12" in danish.format(points=12)


def test_every_prompt_step_and_band_has_its_text() -> None:
    assert {step for p in every_prompt() for step in p.steps} <= set(STEP_TEXTS)
    assert {b.code for b in who5().bands} == set(BAND_TEXTS)
