"""ORM rows -> frozen views. Used inside a service's session only."""

from __future__ import annotations

from datetime import date

from advisor_app.domain.cpr import Cpr
from advisor_app.domain.enums import ParticipantKind
from advisor_app.domain.rules import consent_status, is_overdue
from advisor_app.persistence.models import (
    Action,
    AdvisorySession,
    CareRelation,
    Citizen,
    Consent,
    Participant,
)
from advisor_app.services.dto import (
    ActionId,
    ActionView,
    CheckInId,
    CitizenId,
    CitizenView,
    ConsentId,
    ConsentView,
    ParticipantView,
    RelationId,
    RelationView,
    RelativeId,
    SessionId,
    SessionView,
)
from advisor_app.services.reference import topic_view


def citizen_view(citizen: Citizen) -> CitizenView:
    masked = (
        Cpr(citizen.cpr, citizen.birth_date).masked if citizen.cpr and citizen.birth_date else None
    )
    return CitizenView(
        id=CitizenId(citizen.id),
        version=citizen.version,
        name=citizen.name,
        cpr_masked=masked,
        birth_date=citizen.birth_date,
        birth_year=citizen.birth_year,
        legal_framework=citizen.legal_framework,
        conditions=tuple(c.condition for c in citizen.conditions),
    )


def consent_view(consent: Consent, today: date) -> ConsentView:
    return ConsentView(
        id=ConsentId(consent.id),
        version=consent.version,
        scope=consent.scope,
        method=consent.method,
        given_on=consent.given_on,
        expires_on=consent.expires_on,
        withdrawn_at=consent.withdrawn_at,
        note=consent.note,
        status=consent_status(consent.given_on, consent.expires_on, consent.withdrawn_at, today),
    )


def relation_view(relation: CareRelation, today: date) -> RelationView:
    return RelationView(
        id=RelationId(relation.id),
        version=relation.version,
        citizen=citizen_view(relation.citizen),
        relation_type=relation.relation_type,
        hours_per_week=relation.hours_per_week,
        starts_on=relation.starts_on,
        ends_on=relation.ends_on,
        designated_by_citizen=relation.designated_by_citizen,
        consents=tuple(consent_view(c, today) for c in relation.consents),
    )


def action_view(
    action: Action,
    today: date,
    relative_id: int | None = None,
    relative_name: str | None = None,
) -> ActionView:
    return ActionView(
        id=ActionId(action.id),
        version=action.version,
        session_id=SessionId(action.session_id) if action.session_id is not None else None,
        check_in_id=CheckInId(action.check_in_id) if action.check_in_id is not None else None,
        description=action.description,
        due_on=action.due_on,
        status=action.status,
        completed_at=action.completed_at,
        overdue=is_overdue(action.status, action.due_on, today),
        relative_id=RelativeId(relative_id) if relative_id is not None else None,
        relative_name=relative_name,
        mentor_match_id=action.mentor_match_id,
        owner_id=action.owner_id,
    )


def participant_view(
    participant: Participant, names: dict[tuple[str, int], str]
) -> ParticipantView:
    if participant.kind is ParticipantKind.RELATIVE and participant.relative_id is not None:
        label = names.get(("relative", participant.relative_id), "")
    elif participant.kind is ParticipantKind.CITIZEN and participant.citizen_id is not None:
        label = names.get(("citizen", participant.citizen_id), "")
    else:
        label = participant.description or ""
    return ParticipantView(
        kind=participant.kind,
        label=label,
        relative_id=RelativeId(participant.relative_id) if participant.relative_id else None,
        citizen_id=CitizenId(participant.citizen_id) if participant.citizen_id else None,
    )


def session_view(
    row: AdvisorySession,
    today: date,
    relative_id: int | None,
    advisor_name: str,
    names: dict[tuple[str, int], str],
) -> SessionView:
    return SessionView(
        id=SessionId(row.id),
        version=row.version,
        relative_id=RelativeId(relative_id) if relative_id is not None else None,
        started_at=row.started_at,
        duration_minutes=row.duration_minutes,
        form=row.form,
        anonymous=row.anonymous,
        notes=row.notes,
        advisor_name=advisor_name,
        topics=tuple(topic_view(t) for t in row.topics),
        participants=tuple(participant_view(p, names) for p in row.participants),
        actions=tuple(action_view(a, today, relative_id) for a in row.actions),
    )
