"""The auditor's side of the access log: verify the chain, filter the events, draw a random
sample for the routine spot-check, and export what was filtered. Each of these is logged."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select

from advisor_app.domain.audit_chain import Verdict
from advisor_app.domain.enums import AuditAction, Purpose, Role
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.text import spreadsheet_safe
from advisor_app.persistence.models import AuditEvent
from advisor_app.services import audit_log
from advisor_app.services.door import Gated, Work, door

ENTITY = "audit_event"
PAGE_LIMIT = 2000
SAMPLE_MAX = 500
LOCAL = ZoneInfo("Europe/Copenhagen")
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "username",
    "role",
    "purpose",
    "action",
    "entity",
    "entity_id",
    "relative_id",
    "search_term",
    "detail",
    "hash",
)


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    relative_id: int | None = None
    action: AuditAction | None = None
    from_date: date | None = None  # local days, both included
    to_date: date | None = None

    def describe(self) -> str:
        parts = [
            f"user={self.username}" if self.username else "",
            f"relative={self.relative_id}" if self.relative_id is not None else "",
            f"action={self.action.value}" if self.action else "",
            f"from={self.from_date.isoformat()}" if self.from_date else "",
            f"to={self.to_date.isoformat()}" if self.to_date else "",
        ]
        return " ".join(p for p in parts if p) or "all"


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    username: str
    role: Role | None
    purpose: Purpose | None
    action: AuditAction
    entity: str
    entity_id: int | None
    relative_id: int | None
    search_term: str | None
    detail: str | None
    hash: str


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int


def _row(e: AuditEvent) -> AuditRow:
    return AuditRow(**{name: getattr(e, name) for name in CSV_COLUMNS})


def _csv_cell(name: str, value: object) -> str:
    if name == "occurred_at" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return spreadsheet_safe("" if value is None else str(value))


def _where(flt: AuditFilter) -> ColumnElement[bool]:
    if flt.from_date and flt.to_date and flt.from_date > flt.to_date:
        raise ValidationError(N_("The period ends before it starts."), field="period")
    conditions: list[ColumnElement[bool]] = []
    if flt.username:
        conditions.append(AuditEvent.username == flt.username.strip().lower())
    if flt.relative_id is not None:
        conditions.append(AuditEvent.relative_id == flt.relative_id)
    if flt.action is not None:
        conditions.append(AuditEvent.action == flt.action)
    if flt.from_date is not None:
        conditions.append(AuditEvent.occurred_at >= datetime.combine(flt.from_date, time(), LOCAL))
    if flt.to_date is not None:
        end = datetime.combine(flt.to_date + timedelta(days=1), time(), LOCAL)
        conditions.append(AuditEvent.occurred_at < end)
    return and_(True, *conditions)


class AuditService(Gated):
    @door(Permission.AUDIT_VERIFY)
    def verify(self, work: Work, expect_head: str | None = None) -> Verdict:
        """Walk the whole chain; the check itself is logged after it (it is not part of what
        was checked)."""
        verdict = audit_log.verify_chain(work.session, expect_head)
        work.log(AuditAction.READ, ENTITY, detail="verify ok" if verdict.ok else "verify broken")
        return verdict

    @door(Permission.AUDIT_READ)
    def events(self, work: Work, flt: AuditFilter, *, limit: int = PAGE_LIMIT) -> AuditPage:
        """The newest events that match, and how many match in all."""
        where = _where(flt)
        total = work.session.scalar(select(func.count(AuditEvent.id)).where(where)) or 0
        rows = work.session.scalars(
            select(AuditEvent).where(where).order_by(AuditEvent.id.desc()).limit(limit)
        )
        page = AuditPage(tuple(_row(e) for e in rows), int(total))
        work.log(AuditAction.SEARCH, ENTITY, search_term=flt.describe())
        return page

    @door(Permission.AUDIT_READ)
    def sample(
        self, work: Work, flt: AuditFilter, size: int = 20, *, seed: int | None = None
    ) -> tuple[AuditRow, ...]:
        """A random sample of the matching events, for the routine spot-check; the sample
        is logged with its seed, so it can be drawn again."""
        if not 1 <= size <= SAMPLE_MAX:
            raise ValidationError(
                N_("A sample has between 1 and {most} events."), most=SAMPLE_MAX, field="size"
            )
        where = _where(flt)
        ids = list(work.session.scalars(select(AuditEvent.id).where(where)))
        chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        picked = sorted(random.Random(chosen_seed).sample(ids, min(size, len(ids))))
        rows = work.session.scalars(
            select(AuditEvent).where(AuditEvent.id.in_(picked)).order_by(AuditEvent.id)
        )
        found = tuple(_row(e) for e in rows)
        work.log(
            AuditAction.READ,
            ENTITY,
            search_term=flt.describe(),
            detail=f"sample {len(found)} seed {chosen_seed}",
        )
        return found

    @door(Permission.AUDIT_READ)
    def export_csv(self, work: Work, flt: AuditFilter) -> bytes:
        """Every matching event as CSV (UTF-8 with BOM, so Excel reads æøå; times in UTC)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        count = 0
        rows = work.session.scalars(
            select(AuditEvent)
            .where(_where(flt))
            .order_by(AuditEvent.id)
            .execution_options(yield_per=5000)
        )
        for e in rows:
            count += 1
            writer.writerow([_csv_cell(name, getattr(e, name)) for name in CSV_COLUMNS])
        work.log(
            AuditAction.EXPORT, ENTITY, search_term=flt.describe(), detail=f"csv {count} events"
        )
        return ("\ufeff" + out.getvalue()).encode("utf-8")
