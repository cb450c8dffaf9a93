"""The words the UI shows for the domain's closed vocabularies, translated at display time."""

from __future__ import annotations

from enum import StrEnum

from advisor_app.domain.labels import LABELS as _LABELS
from advisor_app.i18n import _


def label(member: StrEnum) -> str:
    return _(_LABELS[member])


def all_labelled() -> dict[StrEnum, str]:
    """Every enum member with its source label (for the catalog completeness test)."""
    return dict(_LABELS)
