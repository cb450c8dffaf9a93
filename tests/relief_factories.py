"""Inputs for the relief tests."""

from __future__ import annotations

from datetime import date, time

from advisor_app.domain.actor import Actor
from advisor_app.domain.relief import ProviderKind, ReliefKind, ReliefStatus
from advisor_app.domain.relief_schedule import Recurrence
from advisor_app.services.facade import Services
from advisor_app.services.relief_dto import ReliefInput, ReliefView, ScheduleInput


def weekly_input(
    relation_id: int,
    starts_on: date,
    *,
    kind: ReliefKind = ReliefKind.DAY_CENTRE,
    start: time = time(9),
    end: time = time(15),
    recurrence: Recurrence = Recurrence.WEEKLY,
    ends_on: date | None = None,
    status: ReliefStatus = ReliefStatus.GRANTED,
    exceptions: tuple[date, ...] = (),
    skip_holidays: bool = False,
    provider: str = "Dagcentret Solgården",
    legal_basis: str | None = None,
) -> ReliefInput:
    return ReliefInput(
        relation_id=relation_id,
        kind=kind,
        provider_kind=ProviderKind.MUNICIPAL,
        provider_name=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        schedule=ScheduleInput(recurrence, start, end, 0, skip_holidays, exceptions),
        legal_basis=legal_basis,
        status=status,
    )


def make_arrangement(
    services: Services, actor: Actor, relation_id: int, starts_on: date, **changes: object
) -> ReliefView:
    return services.relief.create(actor, weekly_input(relation_id, starts_on, **changes))  # type: ignore[arg-type]
