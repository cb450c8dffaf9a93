"""The one object the UI and the command line talk to (Anki's "collection" facade). Every
service behind it passes its calls through the same door (services/door.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from advisor_app.domain.actor import Actor
from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.clock import Clock, SystemClock
from advisor_app.domain.errors import N_, AccessDeniedError, StorageError
from advisor_app.persistence.database import Database, sqlite_path_of
from advisor_app.persistence.file_checks import check_sqlite_file
from advisor_app.persistence.instance_lock import InstanceLock
from advisor_app.persistence.integrity import refuse_damaged
from advisor_app.persistence.storage_errors import storage_error
from advisor_app.services.accounts import AccountService
from advisor_app.services.audit import AuditService
from advisor_app.services.backups import BackupService, automatic_backup, restore_into
from advisor_app.services.bookings import BookingService
from advisor_app.services.check_ins import CheckInService
from advisor_app.services.corrections import CorrectionService
from advisor_app.services.door import Door, Gated
from advisor_app.services.drafts import DraftStore
from advisor_app.services.duplicates import DuplicateService
from advisor_app.services.handouts import HandoutService
from advisor_app.services.mentors import MentorService
from advisor_app.services.offers import OfferService
from advisor_app.services.reference import ReferenceService, seed_reference_data
from advisor_app.services.relatives import RelativeService
from advisor_app.services.relief import ReliefService
from advisor_app.services.sessions import SessionService
from advisor_app.services.settings import SettingsService
from advisor_app.services.statistics import StatisticsService
from advisor_app.services.today import TodayService


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    accounts: AccountService
    audit: AuditService
    check_ins: CheckInService
    offers: OfferService
    mentors: MentorService
    reference: ReferenceService
    relatives: RelativeService
    relief: ReliefService
    sessions: SessionService
    statistics: StatisticsService
    settings: SettingsService
    handouts: HandoutService
    corrections: CorrectionService
    bookings: BookingService
    today: TodayService
    duplicates: DuplicateService
    backups: BackupService

    @classmethod
    def build(
        cls, db: Database, clock: Clock | None = None, hasher: PasswordHasher | None = None
    ) -> Services:
        the_clock = clock or SystemClock()
        door = Door(db, the_clock)
        return cls(
            db=db,
            clock=the_clock,
            accounts=AccountService(door, hasher),
            audit=AuditService(door),
            check_ins=CheckInService(door),
            offers=OfferService(door),
            mentors=MentorService(door),
            reference=ReferenceService(door),
            relatives=RelativeService(door),
            relief=ReliefService(door),
            sessions=SessionService(door),
            statistics=StatisticsService(door),
            settings=SettingsService(door),
            handouts=HandoutService(door),
            corrections=CorrectionService(door),
            bookings=BookingService(door),
            today=TodayService(door),
            duplicates=DuplicateService(door),
            backups=BackupService(door),
        )

    def gated(self) -> dict[str, Gated]:
        """Every service behind the door, by its attribute name (for the coverage test)."""
        return {name: value for name, value in vars(self).items() if isinstance(value, Gated)}

    def backup_automatically(self, kind: BackupKind, *, only_if_due: bool = False) -> Path | None:
        """The program's own copy (on close, daily): services/backups.py."""
        return automatic_backup(self.db, kind, only_if_due=only_if_due, now=self.clock.now())

    def restore_backup(self, actor: Actor, name: str) -> Path | None:
        """An administrator's restore: through the door (permission, check, access event),
        then the file is replaced with the engine disposed. Returns the copy kept of what
        was replaced. The program must open the database again afterwards."""
        plan = self.backups.plan_restore(actor, name)
        return restore_into(self.db, plan.source)

    def draft_store(self, actor: Actor) -> DraftStore | None:
        """The user's drafts on this computer for this database (services/drafts.py); None
        where there is nowhere to keep them (an in-memory database)."""
        return DraftStore.for_user(self.db, actor)

    def describe_database(self) -> str:
        """Where the data is, for the status bar: a file path or a server, never a password."""
        path = self.db.sqlite_path
        if path is not None:
            return str(path)
        return self.db.url.render_as_string(hide_password=True)


def open_services(
    url: str,
    *,
    upgrade: bool = True,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    create_folder: bool = False,
) -> tuple[Services, Path | None]:
    """Connect, migrate when behind (after a verified backup) and seed reference data.

    On a team database a user's login may neither migrate nor write reference data (the
    grants of ``db roles``): there the owner's ``db upgrade`` does both, and a start on a
    schema at head touches neither. A SQLite file is checked first (persistence/
    file_checks.py); ``create_folder`` only for the default data folder. Storage trouble
    is raised as the domain's StorageError (what ``storage_trouble`` tells apart).

    A workstation file that fails the start's quick_check is refused before anything is
    written to it (DamagedDatabaseError names the newest verified backup)."""
    refuse_damaged(sqlite_path_of(url))
    db = Database(url, create_folder=create_folder)
    try:
        # Several programs starting at once on a new team database: one migrates and seeds,
        # the others wait and then find the schema at head (a no-op on SQLite).
        with db.migration_lock():
            behind = upgrade and db.schema_behind()
            backup = db.upgrade() if behind else None
            if (db.is_sqlite or behind) and (behind or db.accepts_writes()):
                seed_reference_data(db, clock or SystemClock())
    except BaseException:
        db.dispose()
        raise
    return Services.build(db, clock, hasher), backup


def restore_file(url: str, source: Path) -> Path | None:
    """Restore ``source`` over the workstation's file without signing in: the command line's
    ``restore FILE`` and the start's offer when the file is damaged (no one can sign in to a
    damaged file; whoever runs the program as this OS account can replace the file anyway).
    Returns the copy kept of what was replaced."""
    db = Database(url)
    try:
        return restore_into(db, source)
    finally:
        db.dispose()


def storage_trouble(exc: BaseException) -> StorageError | None:
    """What a failure to open or use the database means in the user's words (a locked,
    full, read-only, damaged or unreachable database), or None: then it is a bug, or a
    refused sign-in (``server_refused_sign_in``)."""
    return storage_error(exc)


def hold_instance(url: str, *, create_folder: bool = False) -> InstanceLock | None:
    """The window's claim on a SQLite file: raises AlreadyOpen when another window has it
    (persistence/instance_lock.py). None for a team database (PostgreSQL serves many)."""
    db_path = Database.path_of(url)
    if db_path is None:
        return None
    check_sqlite_file(db_path, create_folder=create_folder)
    return InstanceLock(db_path).acquire()


def server_refused_sign_in(exc: BaseException) -> bool:
    """Whether opening a team database failed because the server refused the login."""
    text = str(getattr(exc, "orig", None) or exc)
    return "password authentication failed" in text or "no password supplied" in text


def with_login(url: str, username: str | None, password: str | None) -> str:
    """A PostgreSQL URL with the user's own login and password (never shown, never logged);
    any other URL unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    if username:
        parsed = parsed.set(username=username)
    if password is not None:
        parsed = parsed.set(password=password)
    return parsed.render_as_string(hide_password=False)


def open_team_as(
    url: str, username: str, password: str, *, hasher: PasswordHasher | None = None
) -> tuple[Services, Actor]:
    """Connect to a team database as the user's own login and sign in: the server checks
    the password. A refusal is an AccessDeniedError the sign-in dialog shows."""
    try:
        services, _backup = open_services(with_login(url, username, password), hasher=hasher)
    except OperationalError as exc:
        if server_refused_sign_in(exc):
            raise AccessDeniedError(N_("Wrong user name or password.")) from None
        trouble = storage_error(exc)  # an unreachable server: said in the sign-in dialog
        if trouble is not None:
            raise trouble from None
        raise
    try:
        return services, services.accounts.sign_in(username, None)
    except BaseException:
        services.db.dispose()
        raise
