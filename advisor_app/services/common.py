"""Helpers shared by services. They take a session and never commit."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from advisor_app.domain.errors import N_, ConflictError, NotFoundError

T = TypeVar("T")

CHANGED_BY_OTHERS = N_(
    "Someone else changed this record after you opened it. Reopen it and try again."
)


def get_or_404(session: Session, model: type[T], ident: int, what: str = "record") -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFoundError(N_("The record no longer exists; someone may have deleted it."))
    return obj


def locked_or_404(session: Session, model: type[T], ident: int, *, key_share: bool = False) -> T:
    """``get_or_404`` with a row lock on PostgreSQL (nothing on SQLite, whose writers take
    turns): ``key_share`` (FOR KEY SHARE) keeps the row from being deleted until commit
    while others may still update it, as a foreign key does; otherwise FOR UPDATE. A row a
    colleague deletes meanwhile is waited for and then found gone."""
    lock: dict[str, bool] = {"key_share": True} if key_share else {}
    obj = session.get(model, ident, with_for_update=lock or True, populate_existing=True)
    if obj is None:
        raise NotFoundError(N_("The record no longer exists; someone may have deleted it."))
    return obj


def check_version(current: int, expected: int) -> None:
    if current != expected:
        raise ConflictError(CHANGED_BY_OTHERS)


def like_pattern(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
