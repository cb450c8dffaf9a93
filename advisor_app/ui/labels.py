"""The words the UI shows for the domain's closed vocabularies, translated at display time."""

from __future__ import annotations

from enum import StrEnum

from advisor_app.domain.labels import LABELS as _LABELS
from advisor_app.i18n import _


def label(member: StrEnum) -> str:
    return _(_LABELS[member])


def all_labelled() -> list[tuple[StrEnum, str]]:
    """Every enum member with its source label (not a dict: members of two vocabularies
    with the same text would be one key there)."""
    return list(_LABELS.items())
