"""The one door every public service method goes through.

A method declares its permission with ``@door(Permission.X)`` and is written as
``def method(self, work: Work, ...)``; callers call it as ``method(actor, ...)``. The door,
in one transaction and in this order:

1. checks the actor against the permission (role and purpose, domain/permissions.py) and,
   on a workstation database, that the account still exists, is active and has that role;
2. runs the work, which reads the session, the clock and the actor from ``work`` and notes
   its access events with ``work.log(...)``;
3. appends those events to the chained access log (services/audit_log.py);
4. commits.

On a team database a unit of work the server gave up because of a colleague's (a
serialization failure, a deadlock, a unique or foreign-key check the colleague won) runs
again from step 1, a bounded number of times; so a work function must be re-runnable: all
its effects are in the transaction. Lock and statement timeouts and a lost connection become
typed messages (services/contention.py).

A refusal raises ``AccessDeniedError`` and is itself logged, in a transaction of its own.
A method whose permission is ``logged`` must note at least one event: forgetting is a bug
the door reports at once rather than a silent hole in the log.

Why a decorator and not a context manager each method opens: the permission then sits on
the method where a test can enumerate it (``PERMISSION_ATTR``), and no method can reach the
session without passing the check first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from advisor_app.domain.actor import Actor
from advisor_app.domain.clock import Clock
from advisor_app.domain.enums import AuditAction
from advisor_app.domain.errors import N_, AccessDeniedError, ConflictError
from advisor_app.domain.permissions import ENTRANCES, RULES, Permission, refusal
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import Advisor
from advisor_app.persistence.storage_errors import raise_storage_error
from advisor_app.services import audit_log, contention
from advisor_app.services.arguments import check_call
from advisor_app.services.common import CHANGED_BY_OTHERS

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="Gated")

PERMISSION_ATTR = "__door_permission__"


@dataclass
class Work:
    """What a method gets inside the door: the transaction, the clock and who acts."""

    session: Session
    clock: Clock
    permission: Permission
    method: str
    _actor: Actor | None
    events: list[audit_log.PendingEvent] = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise AssertionError(f"{self.method} runs at the entrance: there is no actor yet")
        return self._actor

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.today()

    def log(
        self,
        action: AuditAction,
        entity: str,
        *,
        entity_id: int | None = None,
        relative_id: int | None = None,
        search_term: str | None = None,
        detail: str | None = None,
        as_actor: Actor | None = None,
        username: str | None = None,
    ) -> None:
        """Note an access event; the door writes it with the work, or not at all."""
        self.events.append(
            audit_log.PendingEvent.by(
                as_actor or self._actor,
                self.clock.now(),
                action,
                entity,
                username=username,
                entity_id=entity_id,
                relative_id=relative_id,
                search_term=search_term,
                detail=detail,
            )
        )


class KeepAndRefuse(Exception):
    """Raised by the work to refuse while keeping what it wrote: the door commits the work
    and its events, then raises ``error`` (a wrong password must be counted and logged)."""

    def __init__(self, error: AccessDeniedError) -> None:
        super().__init__(error.message)
        self.error = error


class RefusedInside(Exception):
    """Carries an AccessDeniedError raised by the work out of its transaction."""

    def __init__(self, error: AccessDeniedError) -> None:
        super().__init__(error.message)
        self.error = error


class Door:
    """Holds the database and the clock; services pass every call through ``run``."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def run(
        self,
        permission: Permission,
        method: str,
        actor: Actor | None,
        work_fn: Callable[[Work], R],
    ) -> R:
        if permission in ENTRANCES:
            actor = None
        else:
            if not isinstance(actor, Actor):
                raise TypeError(f"{method} needs the signed-in Actor as its first argument")
            denied = refusal(actor, permission)
            if denied is not None:
                self._log_refusal(actor, permission, method)
                raise denied
        try:
            return self._run_again_on_collision(permission, method, actor, work_fn)
        except StaleDataError:
            # An UPDATE that matched no row because of the version column: a colleague's edit.
            raise ConflictError(CHANGED_BY_OTHERS) from None
        except RefusedInside as inside:
            # A refusal the work itself raised (its transaction is gone): logged on its own.
            self._log_refusal(actor, permission, method)
            raise inside.error from None
        except DBAPIError as exc:
            # A locked, full, read-only or damaged file, a lost server: rolled back, and said
            # so in words the advisor can act on (persistence/storage_errors.py). Else a bug.
            raise_storage_error(exc)
            raise

    def _run_again_on_collision(
        self,
        permission: Permission,
        method: str,
        actor: Actor | None,
        work_fn: Callable[[Work], R],
    ) -> R:
        """The unit of work, run again from the start (a new transaction, a new ``Work``)
        when a team database gave it up because of a colleague's transaction: a
        serialization failure, a deadlock, or a check-then-insert the colleague won
        (services/contention.py). What still fails becomes a typed message."""
        postgresql = not self.db.is_sqlite
        attempt = 1
        while True:
            try:
                return self._run(permission, method, actor, work_fn)
            except DBAPIError as exc:
                if attempt < contention.retry_budget(exc, postgresql=postgresql):
                    contention.pause(attempt)
                    attempt += 1
                    continue
                error = contention.typed(exc, postgresql=postgresql)
                if error is None:
                    raise
                # Not chained: the driver's text can hold personal data (a CPR number in a key).
                raise error from None

    def _run(
        self,
        permission: Permission,
        method: str,
        actor: Actor | None,
        work_fn: Callable[[Work], R],
    ) -> R:
        with self.db.begin() as session:
            if actor is not None and self.db.is_sqlite:
                denied = _account_refusal(session, actor)
                if denied is not None:
                    session.rollback()
                    self._log_refusal(actor, permission, method)
                    raise denied
            work = Work(session, self.clock, permission, method, actor)
            try:
                result = work_fn(work)
            except AccessDeniedError as error:
                raise RefusedInside(error) from None
            except KeepAndRefuse as stop:
                # What the work did so far stays (a failed sign-in's count, its event).
                audit_log.append(session, work.events)
                refused: AccessDeniedError | None = stop.error
            else:
                refused = None
                if RULES[permission].logged and not work.events:
                    raise AssertionError(f"{method} wrote no access event")
                audit_log.append(session, work.events)
        if refused is not None:
            raise refused
        return result

    def _log_refusal(self, actor: Actor | None, permission: Permission, method: str) -> None:
        refused = audit_log.PendingEvent.by(
            actor, self.clock.now(), AuditAction.REFUSED, method[:60], detail=permission.value
        )
        try:
            with self.db.begin() as session:
                audit_log.append(session, [refused])
        except DBAPIError as exc:
            # A team database's login in none of the program's groups may not even append
            # to the log: the server refused it everything, and its own log has the attempt.
            if getattr(exc.orig, "sqlstate", None) != "42501":
                raise


def _account_refusal(session: Session, actor: Actor) -> AccessDeniedError | None:
    """On a workstation the program is the guard: the account must still be as signed in.
    (On PostgreSQL the server enforces the login and its grants.)"""
    row = session.get(Advisor, actor.advisor_id)
    if row is None or row.username != actor.username or not row.active:
        return AccessDeniedError(N_("Your account is no longer active. Sign in again."))
    if row.role is not actor.role:
        return AccessDeniedError(N_("Your role has changed. Sign in again."))
    return None


class Gated:
    """Base of every service: it owns the door its methods pass through."""

    def __init__(self, door: Door) -> None:
        self._door = door


def door(
    permission: Permission,
) -> Callable[[Callable[Concatenate[S, Work, P], R]], Callable[Concatenate[S, Actor, P], R]]:
    """Declare ``permission`` for a service method and route every call through the door."""

    def wrap(fn: Callable[Concatenate[S, Work, P], R]) -> Callable[Concatenate[S, Actor, P], R]:
        method = fn.__qualname__

        @functools.wraps(fn)
        def through_door(self: S, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            check_call(fn, args, kwargs)  # wrong types never reach the transaction
            return self._door.run(
                permission, method, actor, lambda work: fn(self, work, *args, **kwargs)
            )

        setattr(through_door, PERMISSION_ATTR, permission)
        return through_door

    return wrap


def entrance(
    permission: Permission,
) -> Callable[[Callable[Concatenate[S, Work, P], R]], Callable[Concatenate[S, P], R]]:
    """The door's entrance for the calls made before anyone has signed in (sign-in, the
    first administrator): no actor, but the same transaction and access log."""
    if permission not in ENTRANCES:
        raise ValueError(f"{permission} is not an entrance")

    def wrap(fn: Callable[Concatenate[S, Work, P], R]) -> Callable[Concatenate[S, P], R]:
        method = fn.__qualname__

        @functools.wraps(fn)
        def through_entrance(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            # No argument check here: whatever is typed at sign-in is a wrong user name or
            # password, counted and logged as such, never a ValidationError that says more.
            return self._door.run(
                permission, method, None, lambda work: fn(self, work, *args, **kwargs)
            )

        setattr(through_entrance, PERMISSION_ATTR, permission)
        return through_entrance

    return wrap


def permission_of(method: Any) -> Permission | None:
    found = getattr(method, PERMISSION_ATTR, None)
    return found if isinstance(found, Permission) else None
