"""Inputs for the service tests, and ways to look at the database behind the services' back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import (
    AuditAction,
    Condition,
    ConsentMethod,
    ConsentScope,
    Purpose,
    RelationType,
    Role,
    SessionForm,
)
from advisor_app.domain.errors import AccessDeniedError
from advisor_app.domain.permissions import DEFAULT_PURPOSE
from advisor_app.persistence.database import Database, sqlite_url
from advisor_app.persistence.models import Advisor, AuditEvent, Base
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

# argon2id at its cheapest: the tests are about the rules, not the hash's cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def make_user(
    services: Services,
    username: str,
    display_name: str | None = None,
    role: Role = Role.ADVISOR,
    purpose: Purpose | None = None,
) -> Actor:
    """A user row and its Actor, made behind the door's back (the sign-in has tests of its
    own): the door on a workstation checks that the row exists, is active and has the role."""
    with services.db.begin() as session:
        row = Advisor(
            username=username,
            display_name=display_name or username,
            role=role,
            active=True,
            created_at=datetime.now(UTC),
            failed_sign_ins=0,
        )
        session.add(row)
        session.flush()
        return Actor(
            AdvisorId(row.id), username, role, purpose or DEFAULT_PURPOSE[role], row.display_name
        )


def existing_user(services: Services, username: str) -> Actor:
    """The Actor of a user row that is already there (e.g. from an older schema)."""
    with services.db.begin() as session:
        row = session.scalars(select(Advisor).where(Advisor.username == username)).one()
        return Actor(
            AdvisorId(row.id), username, row.role, DEFAULT_PURPOSE[row.role], row.display_name
        )


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


@contextmanager
def refused_and_logged(services: Services) -> Iterator[None]:
    """The call inside the block is refused by the door: no row changes, and the log gains
    exactly one REFUSED event (a refusal leaves a trace)."""
    before = table_counts(services.db)
    last = max((e.id for e in audit_events(services.db)), default=0)
    with pytest.raises(AccessDeniedError):
        yield
    after = table_counts(services.db)
    assert {**after, "audit_event": before["audit_event"]} == before
    new = [e for e in audit_events(services.db) if e.id > last]
    assert [e.action for e in new] == [AuditAction.REFUSED]


def audit_events(db: Database) -> list[AuditEvent]:
    with db.begin() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def audit_summary(events: Sequence[AuditEvent]) -> list[tuple[AuditAction, str]]:
    return [(e.action, e.entity) for e in events]


def migrated_sqlite_copy(template: Path, target: Path) -> str:
    """A copy of a migrated template file (content and its 0600 mode) at ``target``."""
    shutil.copy(template, target)
    return sqlite_url(target)
