"""The frozen views and inputs of the relief service (services/relief.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from advisor_app.domain.enums import RelationType
from advisor_app.domain.relief import (
    LegalBasisCatalogue,
    ProviderKind,
    ReliefId,
    ReliefKind,
    ReliefStatus,
    ReliefWarning,
    Situation,
)
from advisor_app.domain.relief_schedule import Recurrence, Schedule, WeekCoverage


@dataclass(frozen=True)
class ScheduleInput:
    recurrence: Recurrence
    start_time: time
    end_time: time
    span_days: int = 0  # an overnight or longer stay ends this many days after it starts
    skip_holidays: bool = False
    exceptions: tuple[date, ...] = ()  # cancelled dates


@dataclass(frozen=True)
class ReliefInput:
    """An arrangement as the form sends it. ``legal_basis`` None takes the proposed one;
    ``status`` is the first status of a new arrangement (later ones go through
    ``change_status`` so each has its date). The schedule's first date is ``starts_on``
    and its last ``ends_on``."""

    relation_id: int
    kind: ReliefKind
    provider_kind: ProviderKind
    provider_name: str
    starts_on: date
    ends_on: date | None = None
    schedule: ScheduleInput | None = None
    legal_basis: str | None = None
    status: ReliefStatus = ReliefStatus.REQUESTED
    citizen_died_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class StatusStep:
    status: ReliefStatus
    changed_on: date


@dataclass(frozen=True)
class ReliefView:
    id: ReliefId
    version: int
    relation_id: int
    relative_id: int
    citizen_id: int
    citizen_name: str
    kind: ReliefKind
    provider_kind: ProviderKind
    provider_name: str
    status: ReliefStatus
    history: tuple[StatusStep, ...]
    legal_basis: str | None
    legal_reference: str | None  # 'Ældreloven § 16'
    starts_on: date
    ends_on: date | None
    schedule: Schedule | None
    citizen_died_on: date | None
    note: str | None

    @property
    def status_since(self) -> date:
        return self.history[-1].changed_on if self.history else self.starts_on

    def as_input(self) -> ReliefInput:
        schedule = self.schedule
        return ReliefInput(
            relation_id=self.relation_id,
            kind=self.kind,
            provider_kind=self.provider_kind,
            provider_name=self.provider_name,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            schedule=None
            if schedule is None
            else ScheduleInput(
                schedule.recurrence,
                schedule.start_time,
                schedule.end_time,
                schedule.span_days,
                schedule.skip_holidays,
                tuple(sorted(schedule.exceptions)),
            ),
            legal_basis=self.legal_basis,
            status=self.status,
            citizen_died_on=self.citizen_died_on,
            note=self.note,
        )


@dataclass(frozen=True)
class RelationChoice:
    """A care relation the relative has: whom an arrangement can cover."""

    relation_id: int
    citizen_id: int
    citizen_name: str
    relation_type: RelationType
    situation: Situation


@dataclass(frozen=True)
class NeedView:
    relative_id: int
    hours_per_week: float
    stated_on: date
    version: int


@dataclass(frozen=True)
class ReliefPlanView:
    """Everything the relief tab shows, read in one call."""

    relative_id: int
    today: date
    arrangements: tuple[ReliefView, ...]
    relations: tuple[RelationChoice, ...]
    need: NeedView | None
    warnings: tuple[ReliefWarning, ...]
    coverage: tuple[WeekCoverage, ...]
    catalogue: LegalBasisCatalogue
