"""Drafts (kladder): what a session or a check-in being typed holds, so that a crash, a kill
or a lost connection costs nothing typed. Plain data and its JSON form only; where the
files live and how they are written is ``services/drafts.py``'s, the autosave ``ui/drafts.py``'s.

A draft is as sensitive as the database (notes about a relative and a citizen): it is never
logged, and its file is protected like the database file. It is not a saved record: nothing
in it counts anywhere until the advisor saves the session or check-in it belongs to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

#: The JSON layout's version: a file of another version is not read (and not deleted).
DRAFT_FORMAT = 1


class DraftError(ValueError):
    """A draft file that cannot be read back (another format, or damaged)."""


class DraftKind(StrEnum):
    SESSION = "session"
    CHECK_IN = "check_in"


@dataclass(frozen=True)
class DraftSubject:
    """What a draft belongs to: a new session or check-in with a relative (no relative: an
    anonymous session), or the correction of a saved one (``editing_id``)."""

    kind: DraftKind
    relative_id: int | None
    editing_id: int | None = None

    def file_prefix(self) -> str:
        """A file name part: ids only, never a name (no personal data in file names)."""
        who = "anon" if self.relative_id is None else f"r{self.relative_id}"
        edit = "" if self.editing_id is None else f"-e{self.editing_id}"
        return f"{self.kind.value}-{who}{edit}"


@dataclass(frozen=True)
class DraftAction:
    description: str
    due_on: date | None = None


@dataclass(frozen=True)
class SessionDraft:
    """Every field of the session dialog (ui/session_dialog.py)."""

    opened_at: datetime
    started_at: datetime
    duration_minutes: int
    duration_touched: bool
    form: str
    topic_ids: tuple[int, ...] = ()
    citizen_ids: tuple[int, ...] = ()
    others: str = ""
    notes: str = ""
    actions: tuple[DraftAction, ...] = ()
    pending_action: str = ""
    pending_due: date | None = None


@dataclass(frozen=True)
class CheckInDraft:
    """Every answer and choice of the check-in dialog (ui/check_in_dialog.py)."""

    instrument_id: str
    mode: str
    taken_at: datetime
    main_values: tuple[int | None, ...] = ()
    main_texts: tuple[str, ...] = ()
    own_life_values: tuple[int | None, ...] = ()
    own_life_texts: tuple[str, ...] = ()


DraftContent = SessionDraft | CheckInDraft


@dataclass(frozen=True)
class Draft:
    """One dialog's typed work at ``saved_at``. ``draft_id`` is the dialog's own (one file per
    dialog opened), so a dialog opened after a crash never overwrites the draft it offers."""

    subject: DraftSubject
    draft_id: str
    saved_at: datetime
    label: str  # who the draft is with (the relative's name), for the offer; "" if anonymous
    content: DraftContent
    reason: str = ""  # a correction's reason
    editing_version: int | None = None


# ---- JSON ----------------------------------------------------------------------------------
def _dt(value: datetime) -> str:
    if value.tzinfo is None:
        raise DraftError("naive datetime in a draft")
    return value.isoformat()


def _read_dt(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise DraftError("naive datetime in a draft")
    return parsed


def _read_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


def _maybe_ints(values: Any) -> tuple[int | None, ...]:
    return tuple(None if v is None else int(v) for v in values)


def _strs(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _content_to_dict(content: DraftContent) -> dict[str, Any]:
    if isinstance(content, SessionDraft):
        return {
            "opened_at": _dt(content.opened_at),
            "started_at": _dt(content.started_at),
            "duration_minutes": content.duration_minutes,
            "duration_touched": content.duration_touched,
            "form": content.form,
            "topic_ids": list(content.topic_ids),
            "citizen_ids": list(content.citizen_ids),
            "others": content.others,
            "notes": content.notes,
            "actions": [
                {"description": a.description, "due_on": a.due_on and a.due_on.isoformat()}
                for a in content.actions
            ],
            "pending_action": content.pending_action,
            "pending_due": content.pending_due and content.pending_due.isoformat(),
        }
    return {
        "instrument_id": content.instrument_id,
        "mode": content.mode,
        "taken_at": _dt(content.taken_at),
        "main_values": list(content.main_values),
        "main_texts": list(content.main_texts),
        "own_life_values": list(content.own_life_values),
        "own_life_texts": list(content.own_life_texts),
    }


def _content_from_dict(kind: DraftKind, data: dict[str, Any]) -> DraftContent:
    if kind is DraftKind.SESSION:
        return SessionDraft(
            opened_at=_read_dt(data["opened_at"]),
            started_at=_read_dt(data["started_at"]),
            duration_minutes=int(data["duration_minutes"]),
            duration_touched=bool(data["duration_touched"]),
            form=str(data["form"]),
            topic_ids=_ints(data["topic_ids"]),
            citizen_ids=_ints(data["citizen_ids"]),
            others=str(data["others"]),
            notes=str(data["notes"]),
            actions=tuple(
                DraftAction(str(a["description"]), _read_date(a["due_on"])) for a in data["actions"]
            ),
            pending_action=str(data["pending_action"]),
            pending_due=_read_date(data["pending_due"]),
        )
    return CheckInDraft(
        instrument_id=str(data["instrument_id"]),
        mode=str(data["mode"]),
        taken_at=_read_dt(data["taken_at"]),
        main_values=_maybe_ints(data["main_values"]),
        main_texts=_strs(data["main_texts"]),
        own_life_values=_maybe_ints(data["own_life_values"]),
        own_life_texts=_strs(data["own_life_texts"]),
    )


def to_json(draft: Draft) -> str:
    kind = DraftKind.SESSION if isinstance(draft.content, SessionDraft) else DraftKind.CHECK_IN
    if kind is not draft.subject.kind:
        raise DraftError("a draft's content does not match its subject")
    document = {
        "format": DRAFT_FORMAT,
        "kind": draft.subject.kind.value,
        "relative_id": draft.subject.relative_id,
        "editing_id": draft.subject.editing_id,
        "draft_id": draft.draft_id,
        "saved_at": _dt(draft.saved_at),
        "label": draft.label,
        "reason": draft.reason,
        "editing_version": draft.editing_version,
        "content": _content_to_dict(draft.content),
    }
    # ensure_ascii=False keeps æøå readable; surrogates are escaped by json either way.
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> Draft:
    """The draft in ``text``; ``DraftError`` for anything else (never a partial draft)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != DRAFT_FORMAT:
            raise DraftError("not a draft of this format")
        kind = DraftKind(data["kind"])
        relative_id = data["relative_id"]
        editing_id = data["editing_id"]
        version = data["editing_version"]
        return Draft(
            subject=DraftSubject(
                kind,
                None if relative_id is None else int(relative_id),
                None if editing_id is None else int(editing_id),
            ),
            draft_id=str(data["draft_id"]),
            saved_at=_read_dt(data["saved_at"]),
            label=str(data["label"]),
            content=_content_from_dict(kind, data["content"]),
            reason=str(data["reason"]),
            editing_version=None if version is None else int(version),
        )
    except DraftError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DraftError(f"unreadable draft ({type(exc).__name__})") from None
