"""Helpers shared by services. They take a session and never commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from advisor_app.domain.errors import N_, ConflictError, NotFoundError

T = TypeVar("T")

CHANGED_BY_OTHERS = "Someone else changed this record after you opened it. Reopen it and try again."


def get_or_404(session: Session, model: type[T], ident: int, what: str = "record") -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFoundError(N_("The record no longer exists; someone may have deleted it."))
    return obj


def check_version(current: int, expected: int) -> None:
    if current != expected:
        raise ConflictError(CHANGED_BY_OTHERS)


@contextmanager
def conflicts_as_errors() -> Iterator[None]:
    """An UPDATE that matched no row because of the version column is someone else's edit."""
    try:
        yield
    except StaleDataError:
        raise ConflictError(CHANGED_BY_OTHERS) from None


def like_pattern(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
