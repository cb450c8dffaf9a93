"""The instrument registry: the instruments shipped in ``resources/instruments`` (read once),
plus item text a municipality holding a licence has loaded into the database, so that every
advisor of a team sees it and it is backed up with the data."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.instruments import (
    Instrument,
    InstrumentDataError,
    instrument_from_data,
    with_licensed_text,
)
from advisor_app.locations import resources_dir

WHO5 = "who5"
OWN_LIFE = "own_life"
CHILD_DEFAULT = "child_smiley"


@cache
def shipped_instruments() -> Mapping[str, Instrument]:
    """Every instrument file in resources/instruments, by id (read once per process)."""
    found: dict[str, Instrument] = {}
    for path in sorted((resources_dir() / "instruments").glob("*.json")):
        instrument = instrument_from_data(parse_instrument_json(path.read_bytes()))
        found[instrument.id] = instrument
    return found


def shipped(instrument_id: str) -> Instrument:
    """A shipped instrument by id, or a ValidationError the user can read."""
    try:
        return shipped_instruments()[instrument_id]
    except KeyError:
        raise ValidationError(
            N_("There is no instrument called {name}."), field="instrument", name=instrument_id
        ) from None


def parse_instrument_json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentDataError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InstrumentDataError("an instrument file holds one JSON object")
    return data


class InstrumentRegistry:
    """The shipped instruments with the licensed texts given (``{id: text file data}``)."""

    def __init__(self, licensed_texts: Mapping[str, Mapping[str, Any]] = {}) -> None:
        self._instruments = dict(shipped_instruments())
        for instrument_id, data in licensed_texts.items():
            base = self._instruments.get(instrument_id)
            if base is None or base.text_allowed:
                continue
            try:
                self._instruments[instrument_id] = with_licensed_text(base, data)
            except InstrumentDataError:
                continue  # text for an older shell version: the shell still works without it

    def get(self, instrument_id: str) -> Instrument:
        try:
            return self._instruments[instrument_id]
        except KeyError:
            raise ValidationError(
                N_("There is no instrument called {name}."), field="instrument", name=instrument_id
            ) from None

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._instruments.values())

    def for_audience(self, audience: str) -> tuple[Instrument, ...]:
        """The instruments a check-in may be scored with: a child gets child instruments only;
        the own-life questions go with an adult check-in, never alone."""
        return tuple(
            i for i in self._instruments.values() if i.audience == audience and i.id != OWN_LIFE
        )


def checked_licensed_text(raw: bytes) -> tuple[Instrument, dict[str, Any]]:
    """Check a licensed text file against its shipped shell: (merged instrument, data)."""
    try:
        data = parse_instrument_json(raw)
        base = shipped_instruments().get(str(data.get("id")))
        if base is None or base.text_allowed:
            raise InstrumentDataError("not a licensed instrument of this program")
        return with_licensed_text(base, data), data
    except InstrumentDataError as exc:
        raise ValidationError(
            N_("The file is not a text file for a licensed instrument: {reason}"),
            field="file",
            reason=str(exc),
        ) from None
