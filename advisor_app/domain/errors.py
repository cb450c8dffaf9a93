"""Errors the user can act on. Anything else that escapes a service is our bug.

A message is an English source template marked with ``N_`` (so the catalog extraction finds
it) plus parameters; the UI shows ``error.translated(gettext)``. String parameters are labels
(English source strings too) and are translated the same way. No personal data goes into a
message: messages may end up in logs.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    return message


class ServiceError(Exception):
    """A problem the advisor can act on."""

    def __init__(self, template: str, *, field: str | None = None, **params: object) -> None:
        self.template = template
        self.params = params
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, gettext: Callable[[str], str]) -> str:
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return gettext(self.template).format(**params)


class ValidationError(ServiceError):
    """Input that breaks a rule; ``field`` names the form field when there is one."""


class NotFoundError(ServiceError):
    """The record no longer exists (deleted by someone else, or a stale id)."""


class ConflictError(ServiceError):
    """Someone else changed the record since it was opened (optimistic concurrency)."""


class BusyError(ServiceError):
    """A team database: another client holds what this call needs (a lock) longer than the
    lock timeout, or the server took longer than the statement timeout. Nothing was saved;
    trying again later may work."""


class ConnectionLostError(ServiceError):
    """The connection to the database server broke during the call. Nothing of the call
    was saved (or, at the commit, it cannot be known); the next call reconnects."""


class AccessDeniedError(ServiceError):
    """The actor's role or purpose does not allow this."""
