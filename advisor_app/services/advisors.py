"""Advisors (users) and the Actor a session works as."""

from __future__ import annotations

from sqlalchemy import select

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import Purpose, Role
from advisor_app.domain.errors import N_
from advisor_app.domain.text import clean_line
from advisor_app.persistence.database import Database, utcnow
from advisor_app.persistence.models import Advisor


class AdvisorService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure(
        self,
        username: str,
        display_name: str | None = None,
        role: Role = Role.ADVISOR,
        purpose: Purpose = Purpose.ADVISORY,
    ) -> Actor:
        """The Actor for ``username``, creating the advisor on first use (a desktop login)."""
        name = clean_line(username, field="username", label=N_("User name")) or ""
        with self._db.begin() as session:
            advisor = session.scalar(select(Advisor).where(Advisor.username == name))
            if advisor is None:
                advisor = Advisor(
                    username=name,
                    display_name=clean_line(
                        display_name or name, field="display_name", label=N_("Name")
                    )
                    or name,
                    role=role,
                    active=True,
                    created_at=utcnow(),
                )
                session.add(advisor)
                session.flush()
            return Actor(AdvisorId(advisor.id), advisor.username, advisor.role, purpose)
