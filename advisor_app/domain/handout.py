"""What a handout (udleveringsark) says, as plain data: the service fills it, a renderer in
``reports/`` prints it, and the record keeps it as JSON so "print again" gives the same pages.

Every text here is either the user's own (names, follow-ups, offers: escaped by the renderer)
or an English source label (relation types, conditions, relief kinds) that the renderer
translates into the recipient's language. Sections that do not apply are empty, never
placeholders: a section the relative has no data for (or no consent for) is simply left out.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

CONTENT_FORMAT = 1  # bump when the JSON shape changes; old records keep their own


class HandoutVariant(StrEnum):
    STANDARD = "standard"
    EASY_READ = "easy"  # let læst: larger type, short sentences, one topic a page
    CHILD = "child"  # a child relative: age-appropriate, no third-party health details


class HandoutDelivery(StrEnum):
    """How a handout was given: printed, or saved as a PDF file."""

    PRINTED = "printed"
    SAVED = "saved"


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    """An agreed follow-up (aftale) with its date."""

    description: str
    due_on: date | None


@dataclass(frozen=True, slots=True)
class OfferItem:
    """One chosen offer with Herning's five answers and the version of the offer it shows."""

    title: str
    what: str
    who: str
    where: str
    when: str
    how: str
    contact: str = ""
    link: str = ""  # printed and as a QR code
    version_id: int | None = None


@dataclass(frozen=True, slots=True)
class OfferGroup:
    need: str
    offers: tuple[OfferItem, ...]


@dataclass(frozen=True, slots=True)
class ReliefItem:
    """One occurrence of relief (aflastning/afløsning) in the coming weeks."""

    day: date
    starts: time
    ends: time
    kind: str  # an English source label, translated by the renderer
    provider: str
    until: date | None = None  # the day a stay ends, when not the day it begins


@dataclass(frozen=True, slots=True)
class MentorItem:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class MeetingItem:
    starts_at: datetime
    place: str = ""


@dataclass(frozen=True, slots=True)
class AdvisorItem:
    name: str
    phone: str = ""
    email: str = ""
    contact_line: str = ""  # e.g. "Ring mandag-torsdag 9-12", from the municipal settings


@dataclass(frozen=True, slots=True)
class CitizenItem:
    """About the person cared for: only with a consent in force that covers it."""

    name: str
    relation: str  # English source label of the relation type
    conditions: tuple[str, ...] = ()  # English source labels; only with a health consent


@dataclass(frozen=True, slots=True)
class HelpLine:
    """Where to turn: general information that needs no consent."""

    name: str
    phone: str = ""
    link: str = ""
    about: str = ""  # an English source text, translated by the renderer


@dataclass(frozen=True, slots=True)
class WellbeingPoint:
    taken_on: date
    score: int


@dataclass(frozen=True, slots=True)
class WellbeingTrend:
    instrument: str  # the instrument's name as shown
    points: tuple[WellbeingPoint, ...]
    scale_max: int = 100


@dataclass(frozen=True, slots=True)
class Handout:
    variant: HandoutVariant
    language: str  # the recipient's: "da" or "en", independent of the UI's
    made_at: datetime  # also the PDF's creation date, so printing again gives the same bytes
    municipality: str
    recipient: str
    logo: bytes | None = None
    follow_ups: tuple[FollowUpItem, ...] = ()
    offers: tuple[OfferGroup, ...] = ()
    relief: tuple[ReliefItem, ...] = ()
    mentor: MentorItem | None = None
    next_meeting: MeetingItem | None = None
    advisor: AdvisorItem | None = None
    citizens: tuple[CitizenItem, ...] = ()
    help_lines: tuple[HelpLine, ...] = ()
    trend: WellbeingTrend | None = None
    notes: tuple[str, ...] = field(default=())  # free text the advisor adds for the relative

    @property
    def offer_version_ids(self) -> tuple[int, ...]:
        return tuple(
            offer.version_id
            for group in self.offers
            for offer in group.offers
            if offer.version_id is not None
        )


# ---- JSON, exactly and back ----------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, time):
        return {"t": value.isoformat()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(handout: Handout) -> str:
    """The handout as canonical JSON (sorted keys): what the record keeps."""
    data = _plain(asdict(handout))
    return json.dumps(
        {"format": CONTENT_FORMAT, "handout": data}, ensure_ascii=False, sort_keys=True
    )


def _scalar(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "b64":
            return base64.b64decode(inner)
        if key == "dt":
            return datetime.fromisoformat(inner)
        if key == "d":
            return date.fromisoformat(inner)
        if key == "t":
            return time.fromisoformat(inner)
    return value


def _items(cls: Any, rows: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(cls(**{k: _scalar(v) for k, v in row.items()}) for row in rows)


def _one(cls: Any, row: dict[str, Any] | None) -> Any:
    return None if row is None else cls(**{k: _scalar(v) for k, v in row.items()})


def from_json(text: str) -> Handout:
    """A recorded handout back as data; the inverse of ``to_json``."""
    wrapper = json.loads(text)
    if wrapper.get("format") != CONTENT_FORMAT:
        raise ValueError(f"unknown handout content format: {wrapper.get('format')}")
    d = wrapper["handout"]
    trend = d["trend"]
    return Handout(
        variant=HandoutVariant(d["variant"]),
        language=d["language"],
        made_at=_scalar(d["made_at"]),
        municipality=d["municipality"],
        recipient=d["recipient"],
        logo=_scalar(d["logo"]),
        follow_ups=_items(FollowUpItem, d["follow_ups"]),
        offers=tuple(
            OfferGroup(group["need"], _items(OfferItem, group["offers"])) for group in d["offers"]
        ),
        relief=_items(ReliefItem, d["relief"]),
        mentor=_one(MentorItem, d["mentor"]),
        next_meeting=_one(MeetingItem, d["next_meeting"]),
        advisor=_one(AdvisorItem, d["advisor"]),
        citizens=tuple(
            CitizenItem(c["name"], c["relation"], tuple(c["conditions"])) for c in d["citizens"]
        ),
        help_lines=_items(HelpLine, d["help_lines"]),
        trend=None
        if trend is None
        else WellbeingTrend(
            trend["instrument"], _items(WellbeingPoint, trend["points"]), trend["scale_max"]
        ),
        notes=tuple(d["notes"]),
    )
