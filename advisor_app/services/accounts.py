"""Who may use the program: signing in, the first administrator, and user administration.

On a workstation database (SQLite) the program is the guard: passwords are hashed with
argon2id (argon2-cffi), five wrong passwords lock the account for 15 minutes, and both are
logged. On a team database (PostgreSQL) each user signs in as their own PostgreSQL login:
the server checks the password (or Kerberos), the program keeps none, and the login's group
role (persistence/pg_roles.py) decides what the server lets it touch.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import load_only

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import AuditAction, Role
from advisor_app.domain.errors import N_, AccessDeniedError, ValidationError
from advisor_app.domain.permissions import DEFAULT_PURPOSE, Permission
from advisor_app.domain.rules import LOCKOUT_MINUTES, MAX_FAILED_SIGN_INS, check_password
from advisor_app.domain.text import clean_line
from advisor_app.persistence.models import Advisor
from advisor_app.persistence.pg_roles import SET_GROUP, group_role
from advisor_app.services.door import Door, Gated, KeepAndRefuse, Work, door, entrance

ENTITY = "advisor"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
WRONG = N_("Wrong user name or password.")


@dataclass(frozen=True)
class UserView:
    id: AdvisorId
    username: str
    display_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    has_password: bool


def _view(row: Advisor) -> UserView:
    return UserView(
        AdvisorId(row.id),
        row.username,
        row.display_name,
        row.role,
        row.active,
        row.locked_until,
        row.password_hash is not None,
    )


def clean_username(value: str) -> str:
    """Lower-case letters, digits, '.', '_' and '-': the same name works as a PostgreSQL
    login without quoting."""
    name = (clean_line(value, field="username", label=N_("User name")) or "").lower()
    if not USERNAME_PATTERN.match(name):
        raise ValidationError(
            N_("A user name has 1-63 lower-case letters, digits, '.', '_' or '-'."),
            field="username",
        )
    return name


@contextmanager
def _login_without_group() -> Iterator[None]:
    """A team database's login that is in none of the program's group roles may not even
    read the staff list: that is a refusal, not a bug (and the server has logged it; the
    login may not write to the program's log either)."""
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise AccessDeniedError(
                N_("Your database login is not a user of the program.")
            ) from None
        raise


def loggable(name: str) -> str:
    """A typed user name as the log may keep it: people type their password into the name
    field, so what cannot be a user name is not written down."""
    return name if USERNAME_PATTERN.match(name) else "(not a user name)"


def actor_of(row: Advisor) -> Actor:
    return Actor(
        AdvisorId(row.id), row.username, row.role, DEFAULT_PURPOSE[row.role], row.display_name
    )


class AccountService(Gated):
    def __init__(self, door_: Door, hasher: PasswordHasher | None = None) -> None:
        super().__init__(door_)
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self._dummy = self._hasher.hash("not a password of anyone's")

    @property
    def _team(self) -> bool:
        return not self._door.db.is_sqlite

    # ---- the entrance -----------------------------------------------------------------
    @entrance(Permission.SIGN_IN_STATUS)
    def has_users(self, work: Work) -> bool:
        """Whether anyone can sign in. On a workstation that needs an active administrator
        with a password: a database from before sign-in (users without passwords) asks for
        its first administrator, who then sets the others' passwords."""
        with _login_without_group():
            return bool(work.session.scalar(self._sign_in_possible()))

    def _sign_in_possible(self) -> Any:
        found = select(func.count(Advisor.id))
        if self._team:
            return found
        return found.where(
            Advisor.role == Role.ADMIN,
            Advisor.active.is_(True),
            Advisor.password_hash.is_not(None),
        )

    @entrance(Permission.FIRST_ADMIN)
    def create_first_admin(
        self, work: Work, username: str, display_name: str, password: str | None
    ) -> Actor:
        """The first user of a new database, an administrator, signed in at once."""
        name = clean_username(username)
        shown = clean_line(display_name or name, field="display_name", label=N_("Name")) or name
        if work.session.scalar(self._sign_in_possible()):
            raise AccessDeniedError(N_("The database already has users: sign in."))
        if work.session.scalar(select(Advisor.id).where(Advisor.username == name)) is not None:
            raise ValidationError(N_("A user with this name already exists."), field="username")
        row = Advisor(
            username=name,
            display_name=shown,
            role=Role.ADMIN,
            active=True,
            created_at=work.now(),
            failed_sign_ins=0,
            password_hash=self._new_hash(password),
        )
        work.session.add(row)
        work.session.flush()
        if self._team:
            self._grant_group(work, name, Role.ADMIN)
        actor = actor_of(row)
        work.log(
            AuditAction.CREATE, ENTITY, entity_id=row.id, detail=Role.ADMIN.value, as_actor=actor
        )
        work.log(AuditAction.SIGN_IN, ENTITY, entity_id=row.id, as_actor=actor)
        return actor

    @entrance(Permission.SIGN_IN)
    def sign_in(self, work: Work, username: str, password: str | None) -> Actor:
        """The Actor for a user whose password is right. On a team database the server has
        already checked the login: the user must be that login."""
        typed = (username or "").strip().lower()[:120]
        # What cannot be a user name is nobody's (and is never sent to the database: a NUL
        # would be refused there as an error rather than as a wrong name).
        name = typed if USERNAME_PATTERN.match(typed) else ""
        if self._team:
            # The staff columns only: a login may read no more of the table (db roles).
            staff = select(Advisor).options(
                load_only(
                    Advisor.id, Advisor.username, Advisor.display_name, Advisor.role, Advisor.active
                )
            )
            with _login_without_group():
                row = work.session.scalar(staff.where(Advisor.username == name))
            return self._sign_in_team(work, name, row)
        row = work.session.scalar(select(Advisor).where(Advisor.username == name)) if name else None
        if row is None or row.password_hash is None:
            self._matches(self._dummy, password or "")  # the same time as for a real user
            work.log(
                AuditAction.SIGN_IN_FAILED, ENTITY, username=loggable(typed), detail="unknown user"
            )
            raise KeepAndRefuse(AccessDeniedError(WRONG))
        self._check_password(work, row, password or "", detail=None)
        return actor_of(row)

    def _sign_in_team(self, work: Work, name: str, row: Advisor | None) -> Actor:
        login = str(work.session.scalar(text("SELECT session_user")))
        if row is None or login != name or not row.active:
            # In the login's own name: the server takes events from a login in no other.
            work.log(AuditAction.SIGN_IN_FAILED, ENTITY, username=login, detail="no such user")
            raise KeepAndRefuse(
                AccessDeniedError(N_("Your database login is not a user of the program."))
            )
        member = work.session.scalar(
            text("SELECT pg_has_role(current_user, :group, 'MEMBER')"),
            {"group": group_role(row.role)},
        )
        if not member:
            work.log(AuditAction.SIGN_IN_FAILED, ENTITY, username=login, detail="no group role")
            raise KeepAndRefuse(
                AccessDeniedError(
                    N_("Your database login lacks the group role for your role; ask the owner.")
                )
            )
        actor = actor_of(row)
        work.log(AuditAction.SIGN_IN, ENTITY, entity_id=row.id, as_actor=actor)
        return actor

    def _check_password(self, work: Work, row: Advisor, password: str, detail: str | None) -> None:
        """Count a wrong password and lock at the fifth; log both. The password is checked
        first, always: a disabled or locked account says so only to the right password (no
        probing of user names), and a locked account counts nothing more."""
        actor = actor_of(row)
        now = work.now()
        assert row.password_hash is not None
        right = self._matches(row.password_hash, password)
        if not row.active:
            work.log(
                AuditAction.SIGN_IN_FAILED,
                ENTITY,
                entity_id=row.id,
                as_actor=actor,
                detail="disabled",
            )
            message = N_("This account is disabled.") if right else WRONG
            raise KeepAndRefuse(AccessDeniedError(message))
        if row.locked_until is not None:
            if row.locked_until > now:
                work.log(
                    AuditAction.SIGN_IN_FAILED,
                    ENTITY,
                    entity_id=row.id,
                    as_actor=actor,
                    detail="locked",
                )
                if not right:
                    raise KeepAndRefuse(AccessDeniedError(WRONG))
                raise KeepAndRefuse(
                    AccessDeniedError(
                        N_(
                            "The account is locked for {minutes} minutes after too many wrong "
                            "passwords. An administrator can unlock it."
                        ),
                        minutes=max(1, math.ceil((row.locked_until - now).total_seconds() / 60)),
                    )
                )
            row.locked_until = None
            row.failed_sign_ins = 0
        if not right:
            row.failed_sign_ins += 1
            work.log(
                AuditAction.SIGN_IN_FAILED,
                ENTITY,
                entity_id=row.id,
                as_actor=actor,
                detail=detail or "wrong password",
            )
            if row.failed_sign_ins >= MAX_FAILED_SIGN_INS:
                row.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
                work.log(AuditAction.ACCOUNT_LOCKED, ENTITY, entity_id=row.id, as_actor=actor)
                raise KeepAndRefuse(
                    AccessDeniedError(
                        N_(
                            "Too many wrong passwords: the account is locked for {minutes} "
                            "minutes. An administrator can unlock it."
                        ),
                        minutes=LOCKOUT_MINUTES,
                    )
                )
            raise KeepAndRefuse(AccessDeniedError(WRONG))
        row.failed_sign_ins = 0
        if self._hasher.check_needs_rehash(row.password_hash):
            row.password_hash = self._hasher.hash(password)
        work.log(AuditAction.SIGN_IN, ENTITY, entity_id=row.id, as_actor=actor, detail=detail)

    def _matches(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _new_hash(self, password: str | None) -> str | None:
        if self._team:
            return None  # the server holds the password
        if password is None:
            raise ValidationError(N_("Choose a password."), field="password")
        check_password(password)
        return self._hasher.hash(password)

    # ---- one's own account --------------------------------------------------------------
    @door(Permission.OWN_ACCOUNT)
    def confirm_password(self, work: Work, password: str) -> None:
        """The idle lock's question: the signed-in user's password again (counted like a
        sign-in, so the lock cannot be used to guess)."""
        if self._team:
            if self._door.db.login_works(password):
                work.log(AuditAction.SIGN_IN, ENTITY, detail="screen lock")
                return
            work.log(AuditAction.SIGN_IN_FAILED, ENTITY, detail="screen lock")
            raise KeepAndRefuse(AccessDeniedError(WRONG))
        self._check_password(work, self._own_row(work), password, detail="screen lock")

    @door(Permission.OWN_ACCOUNT)
    def change_own_password(self, work: Work, old: str, new: str) -> None:
        if self._team:
            raise ValidationError(N_("On a team database your password is the database's."))
        row = self._own_row(work)
        self._check_password(work, row, old, detail="password change")
        row.password_hash = self._new_hash(new)
        work.log(AuditAction.UPDATE, ENTITY, entity_id=row.id, detail="password")

    def _own_row(self, work: Work) -> Advisor:
        row = work.session.get(Advisor, work.actor.advisor_id)
        if row is None:
            raise AccessDeniedError(N_("Your account is no longer active. Sign in again."))
        return row

    # ---- administration -------------------------------------------------------------------
    @door(Permission.USERS_MANAGE)
    def add_user(
        self,
        work: Work,
        username: str,
        role: Role,
        display_name: str | None = None,
        password: str | None = None,
    ) -> UserView:
        name = clean_username(username)
        shown = clean_line(display_name or name, field="display_name", label=N_("Name")) or name
        if work.session.scalar(select(Advisor.id).where(Advisor.username == name)) is not None:
            raise ValidationError(N_("A user with this name already exists."), field="username")
        row = Advisor(
            username=name,
            display_name=shown,
            role=role,
            active=True,
            created_at=work.now(),
            failed_sign_ins=0,
            password_hash=self._new_hash(password),
        )
        work.session.add(row)
        work.session.flush()
        if self._team:
            self._grant_group(work, name, role)
        work.log(AuditAction.CREATE, ENTITY, entity_id=row.id, detail=role.value)
        return _view(row)

    def _grant_group(self, work: Work, login: str, role: Role, *, member: bool = True) -> None:
        """Put the login in (or out of) its role's group, through the owner's function of
        ``db roles``: the server then enforces the role."""
        try:
            with work.session.begin_nested():
                work.session.execute(
                    text(f"SELECT {SET_GROUP}(:login, :role, :member)"),
                    {"login": login, "role": role.value, "member": member},
                )
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state == "42704":  # undefined object: no such login
                raise ValidationError(
                    N_("The database has no login of this name: create it first (createuser)."),
                    field="username",
                ) from None
            if state == "42883":  # undefined function: db roles has not run
                raise ValidationError(
                    N_("The database's group roles are missing: its owner runs 'db roles'.")
                ) from None
            if state == "42501":  # insufficient privilege
                raise AccessDeniedError(
                    N_("Your database login may not change this user's group.")
                ) from None
            raise

    @door(Permission.USERS_MANAGE)
    def list_users(self, work: Work) -> tuple[UserView, ...]:
        rows = work.session.scalars(select(Advisor).order_by(Advisor.username))
        found = tuple(_view(r) for r in rows)
        work.log(AuditAction.READ, ENTITY, detail="list")
        return found

    def _user(self, work: Work, username: str) -> Advisor:
        row = work.session.scalar(
            select(Advisor).where(Advisor.username == (username or "").strip().lower())
        )
        if row is None:
            raise ValidationError(N_("There is no user with this name."), field="username")
        return row

    @door(Permission.USERS_MANAGE)
    def unlock(self, work: Work, username: str) -> UserView:
        row = self._user(work, username)
        row.locked_until = None
        row.failed_sign_ins = 0
        work.log(AuditAction.UPDATE, ENTITY, entity_id=row.id, detail="unlocked")
        return _view(row)

    @door(Permission.USERS_MANAGE)
    def disable(self, work: Work, username: str) -> UserView:
        row = self._user(work, username)
        if row.id == work.actor.advisor_id:
            raise ValidationError(N_("You cannot disable your own account."), field="username")
        row.active = False
        if self._team:
            self._grant_group(work, row.username, row.role, member=False)
        work.log(AuditAction.UPDATE, ENTITY, entity_id=row.id, detail="disabled")
        return _view(row)

    @door(Permission.USERS_MANAGE)
    def set_password(self, work: Work, username: str, password: str) -> UserView:
        row = self._user(work, username)
        if self._team:
            raise ValidationError(
                N_("On a team database a password is set on the database login (ALTER ROLE).")
            )
        row.password_hash = self._new_hash(password)
        row.failed_sign_ins = 0
        row.locked_until = None
        work.log(AuditAction.UPDATE, ENTITY, entity_id=row.id, detail="password")
        return _view(row)
