"""The one object the UI and the command line talk to (Anki's "collection" facade)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from advisor_app.persistence.database import Database
from advisor_app.services.advisors import AdvisorService
from advisor_app.services.check_ins import CheckInService
from advisor_app.services.reference import ReferenceService
from advisor_app.services.relatives import RelativeService
from advisor_app.services.sessions import SessionService


@dataclass(frozen=True)
class Services:
    db: Database
    advisors: AdvisorService
    check_ins: CheckInService
    reference: ReferenceService
    relatives: RelativeService
    sessions: SessionService

    @classmethod
    def build(cls, db: Database) -> Services:
        return cls(
            db=db,
            advisors=AdvisorService(db),
            check_ins=CheckInService(db),
            reference=ReferenceService(db),
            relatives=RelativeService(db),
            sessions=SessionService(db),
        )

    def describe_database(self) -> str:
        """Where the data is, for the status bar: a file path or a server, never a password."""
        path = self.db.sqlite_path
        if path is not None:
            return str(path)
        return self.db.url.render_as_string(hide_password=True)


def open_services(url: str, *, upgrade: bool = True) -> tuple[Services, Path | None]:
    """Connect, migrate (after a verified backup) and seed reference data."""
    db = Database(url)
    backup = db.upgrade() if upgrade else None
    services = Services.build(db)
    services.reference.seed()
    return services, backup
