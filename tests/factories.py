"""Inputs for the service tests, and ways to look at the database behind the services' back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import (
    AuditAction,
    Condition,
    ConsentMethod,
    ConsentScope,
    RelationType,
    SessionForm,
)
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import AuditEvent, Base
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ConsentInput,
    ParticipantInput,
    RelationInput,
    RelativeDetail,
    RelativeInput,
    SessionInput,
    SessionView,
)
from advisor_app.services.facade import Services


def today() -> date:
    return date.today()


def an_hour_ago() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def relative_input(name: str = "Søren Hansen", **changes: object) -> RelativeInput:
    values: dict[str, object] = {
        "phone": "+45 12 34 56 78",
        "email": "soren@example.dk",
        "postcode": "7400",
        "birth_year": 1958,
    }
    values.update(changes)
    return RelativeInput(name, **values)  # type: ignore[arg-type]


def citizen_input(name: str = "Karen Hansen", cpr: str | None = "010145-1234") -> CitizenInput:
    return CitizenInput(name, cpr=cpr, conditions=(Condition.HEART, Condition.DEMENTIA))


def consent_inputs() -> list[ConsentInput]:
    return [
        ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.WRITTEN, today()),
        ConsentInput(
            ConsentScope.CARE_PLAN,
            ConsentMethod.ORAL,
            today() - timedelta(days=30),
            expires_on=today() + timedelta(days=365),
            note="Givet ved hjemmebesøg",
        ),
    ]


def register_family(
    services: Services,
    actor: Actor,
    name: str = "Søren Hansen",
    citizen: str = "Karen Hansen",
    cpr: str | None = "010145-1234",
    **relative_changes: object,
) -> RelativeDetail:
    """A relative with the citizen they care for, the relation and two consents."""
    return services.relatives.register(
        actor,
        relative_input(name, **relative_changes),
        citizen_input(citizen, cpr),
        RelationInput(RelationType.SPOUSE, hours_per_week=20),
        consent_inputs(),
    )


def session_input(
    relative_id: int | None,
    *,
    topic_ids: Sequence[int] = (),
    participants: Sequence[ParticipantInput] = (),
    actions: Sequence[ActionInput] = (),
    anonymous: bool = False,
    notes: str = "Talte om aflastning.",
) -> SessionInput:
    return SessionInput(
        relative_id=relative_id,
        started_at=an_hour_ago(),
        duration_minutes=45,
        form=SessionForm.IN_PERSON,
        topic_ids=tuple(topic_ids),
        notes=notes,
        anonymous=anonymous,
        participants=tuple(participants),
        actions=tuple(actions),
    )


def record_with_actions(
    services: Services, actor: Actor, relative_id: int, *dues: date | None
) -> SessionView:
    actions = [ActionInput(f"Opfølgning {i}", due) for i, due in enumerate(dues, 1)]
    return services.sessions.record(actor, session_input(relative_id, actions=actions))


def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table: the before/after picture that shows nothing was half saved."""
    with db.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def audit_events(db: Database) -> list[AuditEvent]:
    with db.begin() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def audit_summary(events: Sequence[AuditEvent]) -> list[tuple[AuditAction, str]]:
    return [(e.action, e.entity) for e in events]
