"""Possible duplicates before a relative (pårørende, Relative) is registered: the same name
(Danish folding, as the list sorts it) and the same phone number or birth year. The advisor
sees them and may open the one already there instead of registering the person twice."""

from __future__ import annotations

from sqlalchemy import or_, select

from advisor_app.domain.contact import is_child
from advisor_app.domain.enums import AuditAction
from advisor_app.domain.permissions import Permission
from advisor_app.persistence.models import Relative
from advisor_app.services import validation
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import RelativeId, RelativeInput, RelativeRow
from advisor_app.services.relatives import ENTITY, sort_name

DUPLICATE_LIMIT = 20


class DuplicateService(Gated):
    @door(Permission.CASES_READ)
    def possible_duplicates(self, work: Work, data: RelativeInput) -> tuple[RelativeRow, ...]:
        """Relatives already registered with the same name and the same phone or birth year
        as ``data`` (cleaned as registering would: bad input is the same ValidationError).
        Logged as a search with the name as the term, found or not."""
        today = work.today()
        clean = validation.relative(data, today)
        work.log(AuditAction.SEARCH, ENTITY, search_term=clean.name)
        either = []
        if clean.phone:
            either.append(Relative.phone == clean.phone)
        if clean.birth_year is not None:
            either.append(Relative.birth_year == clean.birth_year)
        if not either:
            return ()
        rows = work.session.execute(
            select(
                Relative.id, Relative.name, Relative.phone, Relative.postcode, Relative.birth_year
            )
            .where(Relative.sort_name == sort_name(clean.name), or_(*either))
            .order_by(Relative.id)
            .limit(DUPLICATE_LIMIT)
        )
        return tuple(
            RelativeRow(
                id=RelativeId(r.id),
                name=r.name,
                phone=r.phone,
                postcode=r.postcode,
                citizens="",
                is_child=is_child(r.birth_year, today),
                open_actions=0,
                overdue_actions=0,
            )
            for r in rows
        )
