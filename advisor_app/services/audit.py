"""The audit trail: one event per touch of personal data, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import AuditAction
from advisor_app.persistence.database import utcnow
from advisor_app.persistence.models import AuditEvent

SEARCH_TERM_MAX = 200


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    *,
    entity_id: int | None = None,
    relative_id: int | None = None,
    search_term: str | None = None,
    detail: str | None = None,
) -> None:
    """Add the event to ``session``; the caller's transaction commits or drops it with the work."""
    session.add(
        AuditEvent(
            occurred_at=utcnow(),
            advisor_id=actor.advisor_id,
            username=actor.username,
            role=actor.role,
            purpose=actor.purpose,
            action=action,
            entity=entity,
            entity_id=entity_id,
            relative_id=relative_id,
            search_term=None if search_term is None else search_term[:SEARCH_TERM_MAX],
            detail=detail,
        )
    )
