"""Every vocabulary keeps its own words, even where two enums share a member's text."""

from __future__ import annotations

from enum import StrEnum

import pytest

from advisor_app.domain.enum_labels import EnumLabels
from advisor_app.domain.enums import ParticipantKind, RelationType
from advisor_app.domain.labels import LABELS
from advisor_app.domain.mentoring import Gender, MeetingFrequency
from advisor_app.domain.relief import ReliefStatus
from advisor_app.domain.relief_schedule import Recurrence


class Colour(StrEnum):
    OTHER = "other"


class Shape(StrEnum):
    OTHER = "other"


def test_members_with_the_same_text_keep_their_own_labels() -> None:
    labels = EnumLabels((Colour.OTHER, "another colour"), (Shape.OTHER, "another shape"))
    assert labels[Colour.OTHER] == "another colour"
    assert labels[Shape.OTHER] == "another shape"
    assert len(labels) == 2 and list(labels) == [Colour.OTHER, Shape.OTHER]
    assert "other" not in labels  # the plain text is no member
    with pytest.raises(KeyError):
        labels["other"]  # type: ignore[index]


def test_a_member_labelled_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Colour\.OTHER"):
        EnumLabels((Colour.OTHER, "a"), (Colour.OTHER, "b"))


def test_the_programs_vocabularies_that_share_texts() -> None:
    assert LABELS[RelationType.OTHER] == "Other"
    assert LABELS[Gender.OTHER] == "Other"
    assert LABELS[ParticipantKind.OTHER] == "Other"
    assert LABELS[Recurrence.WEEKLY] == "Every week"
    assert LABELS[MeetingFrequency.WEEKLY] != "" and MeetingFrequency.WEEKLY in LABELS
    assert LABELS[ReliefStatus.PAUSED] == "Paused"


def test_every_member_of_a_labelled_vocabulary_has_a_label() -> None:
    vocabularies = {type(member) for member in LABELS}
    missing = [
        f"{kind.__name__}.{member.name}"
        for kind in vocabularies
        for member in kind
        if member not in LABELS
    ]
    assert missing == []
