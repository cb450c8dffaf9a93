"""What a team database (PostgreSQL) says when colleagues collide, and what the door does.

Several advisors' programs write to one database at once. The door (services/door.py) runs
each unit of work in one transaction; when the server gives up on that transaction because
of another one, the whole unit of work runs again, from the beginning, in a new
transaction, where it sees what the colleague committed:

- 40001 serialization failure and 40P01 deadlock: the server's own advice is to retry;
- 23505 unique violation and 23503 foreign-key violation: a check-then-insert the colleague
  won ("no user of this name yet? then add one"; "this citizen still exists? then link
  them"). Run again, the check sees the colleague's row and answers as it would have one
  second later: the name is taken, the CPR number is the colleague's citizen (linked when the
  names agree), the relative is gone. PostgreSQL itself reports such a race as 40001 under
  SERIALIZABLE; under READ COMMITTED it says 23505, so it is treated alike here.

A bounded number of attempts with a small random (jittered) wait between them, so two
programs that collided do not collide again in step. When the attempts run out, the error
becomes a typed message the advisor understands, never a raw driver error. A lock held
longer than the lock timeout, a statement over the statement timeout and a broken
connection are not retried (the advisor already waited, or the commit's fate is unknown):
they become ``BusyError`` and ``ConnectionLostError`` at once.

On SQLite, writers take turns (BEGIN IMMEDIATE), so none of this applies: an integrity error
there is a program bug and stays one.
"""

from __future__ import annotations

import random
import time

from sqlalchemy.exc import DBAPIError

from advisor_app.domain.errors import (
    N_,
    BusyError,
    ConflictError,
    ConnectionLostError,
    NotFoundError,
    ServiceError,
)

# Attempts in all (the first included) for a serialization failure or a deadlock, and for an
# integrity error (one more run is enough to see a colleague's committed row; a second
# failure is rare and a third means it is no race).
MAX_ATTEMPTS = 5
MAX_INTEGRITY_ATTEMPTS = 3
BACKOFF_BASE_S = 0.02  # the first wait is up to 20 ms, then 40, 80, ... (with jitter)
BACKOFF_MAX_S = 0.5

SERIALIZATION_FAILURE = "40001"
DEADLOCK = "40P01"
UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, or NOWAIT
QUERY_CANCELED = "57014"  # statement_timeout
ADMIN_SHUTDOWN = "57P01"  # pg_terminate_backend, a server shutting down

RETRY_STATES = frozenset({SERIALIZATION_FAILURE, DEADLOCK})
INTEGRITY_STATES = frozenset({UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION})

HELD_BY_COLLEAGUE = N_(
    "A colleague's program holds this data just now. Nothing was saved; try again in a moment."
)
TOO_SLOW = N_(
    "The database took too long to answer. Nothing was saved; try again, or ask the database's"
    " administrator if it goes on."
)
CONNECTION_LOST = N_(
    "The connection to the database server was lost. What you typed is kept; check your"
    " network and try again."
)
BUSY_RACE = N_(
    "A colleague changed the same data at the same moment. Nothing was saved; try again."
)
COLLEAGUE_SAVED = N_(
    "A colleague saved the same thing a moment ago. Reopen the record and try again."
)
COLLEAGUE_DELETED = N_(
    "A colleague deleted what this refers to a moment ago. Reopen the record and try again."
)
# By constraint name (the naming convention of persistence/models.py).
UNIQUE_MESSAGES = {
    "uq_citizen_cpr": N_(
        "A colleague registered this CPR number a moment ago. Search for the citizen and"
        " choose them."
    ),
    "uq_advisor_username": N_("A colleague added a user with this name a moment ago."),
    "uq_advice_case_open_relative": N_(
        "A colleague opened a course for this relative a moment ago. Try again."
    ),
}


def sqlstate(exc: BaseException) -> str | None:
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return state if isinstance(state, str) else None


def constraint_name(exc: BaseException) -> str | None:
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name if isinstance(name, str) else None


def retry_budget(exc: DBAPIError, *, postgresql: bool) -> int:
    """How many attempts in all this kind of failure may have (1: none again)."""
    if not postgresql:
        return 1
    state = sqlstate(exc)
    if state in RETRY_STATES:
        return MAX_ATTEMPTS
    if state in INTEGRITY_STATES:
        return MAX_INTEGRITY_ATTEMPTS
    return 1


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): full jitter, capped."""
    ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


def pause(attempt: int) -> None:
    time.sleep(backoff(attempt))


def typed(exc: DBAPIError, *, postgresql: bool) -> ServiceError | None:
    """The message for a database error the advisor can act on; None for a program bug."""
    if exc.connection_invalidated or sqlstate(exc) == ADMIN_SHUTDOWN:
        return ConnectionLostError(CONNECTION_LOST)
    if not postgresql:
        return None
    state = sqlstate(exc)
    if state == LOCK_NOT_AVAILABLE:
        return BusyError(HELD_BY_COLLEAGUE)
    if state == QUERY_CANCELED:
        return BusyError(TOO_SLOW)
    if state in RETRY_STATES:
        return BusyError(BUSY_RACE)
    if state == UNIQUE_VIOLATION:
        return ConflictError(UNIQUE_MESSAGES.get(constraint_name(exc) or "", COLLEAGUE_SAVED))
    if state == FOREIGN_KEY_VIOLATION:
        return NotFoundError(COLLEAGUE_DELETED)
    if state is not None and state.startswith("08"):  # connection exceptions
        return ConnectionLostError(CONNECTION_LOST)
    return None
