"""The earlier versions of sessions and check-ins: their content as JSON, read back as
snapshots, and the "corrected on ... by ..." mark the lists show. Plain helpers on a session
that never commit; the door-gated methods are in services/corrections.py."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisor_app.domain.corrections import RevisedRecord, RevisionKind
from advisor_app.domain.enums import ActionStatus, CheckInMode, SessionForm
from advisor_app.persistence.correction_models import RecordRevision
from advisor_app.persistence.models import Advisor, AdvisorySession, CheckIn
from advisor_app.services.correction_dto import (
    CheckInSnapshot,
    FollowUpSnapshot,
    RevisionView,
    SessionSnapshot,
)
from advisor_app.services.dto import AnswerView, TopicId, TopicView

Mark = tuple[datetime, str]


def session_content(row: AdvisorySession, names: dict[tuple[str, int], str]) -> str:
    """The session's whole content as JSON: what a correction replaces."""
    participants = []
    for p in row.participants:
        if p.relative_id is not None:
            shown = names.get(("relative", p.relative_id), "")
        elif p.citizen_id is not None:
            shown = names.get(("citizen", p.citizen_id), "")
        else:
            shown = p.description or ""
        participants.append(
            {
                "kind": p.kind.value,
                "relative_id": p.relative_id,
                "citizen_id": p.citizen_id,
                "description": p.description,
                "shown": shown,
            }
        )
    data = {
        "started_at": row.started_at.isoformat(),
        "duration_minutes": row.duration_minutes,
        "form": row.form.value,
        "notes": row.notes,
        "topics": [
            {"id": t.id, "code": t.code, "label_da": t.label_da, "label_en": t.label_en}
            for t in row.topics
        ],
        "participants": participants,
        "follow_ups": [
            {
                "description": a.description,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "status": a.status.value,
            }
            for a in row.actions
        ],
    }
    return json.dumps(data, ensure_ascii=False)


def check_in_content(row: CheckIn) -> str:
    """The check-in's whole content as JSON: what a correction replaces."""
    data = {
        "taken_at": row.taken_at.isoformat(),
        "mode": row.mode.value,
        "language": row.language.value,
        "instrument_id": row.instrument_id,
        "instrument_version": row.instrument_version,
        "raw": row.raw,
        "score": row.score,
        "band": row.band,
        "prompts": row.prompts,
        "answers": [
            {
                "instrument_id": a.instrument_id,
                "item_id": a.item_id,
                "position": a.position,
                "value": a.value,
                "text": a.text,
            }
            for a in row.answers
        ],
    }
    return json.dumps(data, ensure_ascii=False)


def _session_snapshot(data: dict[str, Any]) -> SessionSnapshot:
    return SessionSnapshot(
        started_at=datetime.fromisoformat(data["started_at"]),
        duration_minutes=int(data["duration_minutes"]),
        form=SessionForm(data["form"]),
        notes=data["notes"],
        topics=tuple(
            TopicView(TopicId(t["id"]), t["code"], t["label_da"], t["label_en"])
            for t in data["topics"]
        ),
        participants=tuple(p["shown"] for p in data["participants"]),
        follow_ups=tuple(
            FollowUpSnapshot(
                f["description"],
                date.fromisoformat(f["due_on"]) if f["due_on"] else None,
                ActionStatus(f["status"]),
            )
            for f in data["follow_ups"]
        ),
    )


def _check_in_snapshot(data: dict[str, Any]) -> CheckInSnapshot:
    return CheckInSnapshot(
        taken_at=datetime.fromisoformat(data["taken_at"]),
        mode=CheckInMode(data["mode"]),
        instrument_id=data["instrument_id"],
        instrument_version=data["instrument_version"],
        score=data["score"],
        band=data["band"],
        answers=tuple(
            AnswerView(a["instrument_id"], a["item_id"], a["value"], a["text"])
            for a in data["answers"]
        ),
    )


def revision_view(row: RecordRevision, advisor_name: str) -> RevisionView:
    session = check_in = None
    if row.content is not None:
        data = json.loads(row.content)
        if row.record is RevisedRecord.SESSION:
            session = _session_snapshot(data)
        else:
            check_in = _check_in_snapshot(data)
    return RevisionView(
        id=row.id,
        record=row.record,
        record_id=row.record_id,
        kind=row.kind,
        record_version=row.record_version,
        made_at=row.made_at,
        advisor_name=advisor_name,
        reason=row.reason,
        session=session,
        check_in=check_in,
    )


def advisor_names(session: Session) -> dict[int, str]:
    return {aid: name for aid, name in session.execute(select(Advisor.id, Advisor.display_name))}


def correction_marks(
    session: Session, record: RevisedRecord, record_ids: Iterable[int]
) -> dict[int, Mark]:
    """The latest correction of each record that has one: when and by whom."""
    ids = list(set(record_ids))
    if not ids:
        return {}
    latest = (
        select(RecordRevision.record_id, func.max(RecordRevision.id).label("last_id"))
        .where(
            RecordRevision.record == record,
            RecordRevision.kind == RevisionKind.CORRECTED,
            RecordRevision.record_id.in_(ids),
        )
        .group_by(RecordRevision.record_id)
        .subquery()
    )
    found = session.execute(
        select(RecordRevision.record_id, RecordRevision.made_at, Advisor.display_name)
        .join(latest, latest.c.last_id == RecordRevision.id)
        .join(Advisor, Advisor.id == RecordRevision.advisor_id)
    )
    return {rid: (at, name) for rid, at, name in found}
