"""The demo users: one of each role, so a demo database can be tried from every side."""

from __future__ import annotations

from sqlalchemy import select

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import Purpose, Role
from advisor_app.persistence.models import Advisor
from advisor_app.services.facade import Services

USERS: tuple[tuple[str, Role, str], ...] = (
    ("demo-admin", Role.ADMIN, "Birgit Lund"),
    ("demo-advisor", Role.ADVISOR, "Mette Kjær"),
    ("demo-manager", Role.MANAGER, "Lars Holm"),
    ("demo-auditor", Role.AUDITOR, "Henrik Dahl"),
)
NAMES = tuple(name for name, _role, _shown in USERS)
AUTHOR = "demo-advisor"


def create(services: Services, password: str, admin: Actor | None = None) -> list[str]:
    """Add the demo users that are missing (returns their names): on an empty database
    demo-admin comes first (the first administrator), and adds the others."""
    accounts = services.accounts
    if admin is None:
        name, _role, shown = USERS[0]
        admin = accounts.create_first_admin(name, shown, password)
        made = [name]
    else:
        made = []
    existing = {u.username for u in accounts.list_users(admin)}
    for name, role, shown in USERS:
        if name not in existing:
            accounts.add_user(admin, name, role, shown, password)
            made.append(name)
    return made


def author(services: Services) -> Actor:
    """The advisor the demo sessions and check-ins are by, working for demo data."""
    with services.db.begin() as session:
        row = session.scalar(select(Advisor).where(Advisor.username == AUTHOR))
        if row is None:
            raise LookupError("the demo advisor is missing")
        return Actor(AdvisorId(row.id), row.username, row.role, Purpose.DEMO_DATA, row.display_name)
