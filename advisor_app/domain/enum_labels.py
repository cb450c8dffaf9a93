"""Labels for the members of several closed vocabularies in one mapping.

A ``StrEnum`` member hashes and compares as its text, so in a plain dict ``RelationType.OTHER``
and ``Gender.OTHER`` are one key and the later label silently replaces the earlier. This
mapping keys each member by its enum and its value, so every vocabulary keeps its own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum


class EnumLabels(Mapping[StrEnum, str]):
    def __init__(self, *pairs: tuple[StrEnum, str]) -> None:
        self._labels: dict[tuple[type[StrEnum], str], str] = {}
        self._members: dict[tuple[type[StrEnum], str], StrEnum] = {}
        self.add(pairs)

    def add(self, pairs: Iterable[tuple[StrEnum, str]]) -> None:
        """Add labels; a member labelled twice is a mistake in the source."""
        for member, text in pairs:
            key = (type(member), member.value)
            if key in self._labels:
                raise ValueError(f"{type(member).__name__}.{member.name} is labelled twice")
            self._labels[key] = text
            self._members[key] = member

    def update(self, other: Mapping[StrEnum, str]) -> None:
        self.add(other.items())

    def __getitem__(self, member: StrEnum) -> str:
        if not isinstance(member, StrEnum):
            raise KeyError(member)
        return self._labels[(type(member), member.value)]

    def __contains__(self, member: object) -> bool:
        return isinstance(member, StrEnum) and (type(member), member.value) in self._labels

    def __iter__(self) -> Iterator[StrEnum]:
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._labels)
