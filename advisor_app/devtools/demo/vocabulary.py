"""What the demo people are made of: common Danish names by sex and birth decade, surnames
and postcodes by frequency, interests and the phrases that fill notes, follow-ups and
consents (resources/seed/demo_names.json); and ``Weighted``, the fast weighted draw."""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from advisor_app.locations import resource


@dataclass(frozen=True)
class Weighted:
    """Items with cumulative weights, for ``random.choices(..., cum_weights=...)``."""

    items: tuple[Any, ...]
    cum: tuple[float, ...]
    total: float

    @classmethod
    def of(cls, pairs: Sequence[tuple[Any, float]]) -> Weighted:
        cum = tuple(accumulate(float(p[1]) for p in pairs))
        return cls(tuple(p[0] for p in pairs), cum, cum[-1])

    def pick(self, rng: random.Random) -> Any:
        """The draw ``rng.choices(items, cum_weights=cum)[0]`` makes, without its overhead."""
        return self.items[bisect(self.cum, rng.random() * self.total, 0, len(self.cum) - 1)]


@dataclass(frozen=True)
class Vocabulary:
    """resources/seed/demo_names.json, ready for fast drawing."""

    bands: tuple[int, ...]
    first_names: dict[tuple[str, int], tuple[str, ...]]
    middle_names: tuple[str, ...]
    surnames: Weighted
    intl_first: dict[str, tuple[str, ...]]
    intl_surnames: tuple[str, ...]
    postcodes: Weighted
    email_domains: tuple[str, ...]
    adult_interests: tuple[str, ...]
    child_interests: tuple[str, ...]
    openings: tuple[str, ...]
    by_topic: dict[str, tuple[str, ...]]
    closings: tuple[str, ...]
    actions: tuple[str, ...]
    participants: tuple[str, ...]
    consent_notes: tuple[str, ...]

    def band(self, birth_year: int) -> int:
        chosen = self.bands[0]
        for start in self.bands:
            if birth_year >= start:
                chosen = start
        return chosen


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    with resource("seed", "demo_names.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    first: dict[tuple[str, int], tuple[str, ...]] = {}
    bands: set[int] = set()
    for sex, by_band in data["first_names"].items():
        for band, names in by_band.items():
            first[(sex, int(band))] = tuple(names)
            bands.add(int(band))
    notes = data["notes"]
    return Vocabulary(
        bands=tuple(sorted(bands)),
        first_names=first,
        middle_names=tuple(data["middle_names"]),
        surnames=Weighted.of([(name, weight) for name, weight in data["surnames"]]),
        intl_first={
            "female": tuple(data["international"]["female"]),
            "male": tuple(data["international"]["male"]),
        },
        intl_surnames=tuple(data["international"]["surnames"]),
        postcodes=Weighted.of([(code, weight) for code, _town, weight in data["postcodes"]]),
        email_domains=tuple(data["email_domains"]),
        adult_interests=tuple(data["interests"]["adult"]),
        child_interests=tuple(data["interests"]["child"]),
        openings=tuple(notes["opening"]),
        by_topic={code: tuple(items) for code, items in notes["by_topic"].items()},
        closings=tuple(notes["closing"]),
        actions=tuple(data["actions"]),
        participants=tuple(data["participants"]),
        consent_notes=tuple(data["consent_notes"]),
    )
