"""Where a follow-up (Action) belongs: a session's case, a check-in's case, or a mentor
match's (the mentee's case). Queries that
go from follow-ups to relatives, or back, use these so that both kinds count everywhere."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, union_all
from sqlalchemy.orm import Session, aliased

from advisor_app.persistence.models import Action, AdvisorySession, Case, CheckIn, MentorMatch


def of_relatives(relative_ids: Collection[int]) -> ColumnElement[bool]:
    """A WHERE clause: the follow-up belongs to one of these relatives. Each kind is reached
    through its own joins (relative -> case -> session or check-in -> follow-up), so the
    indexes serve both; an OR of two IN tests made PostgreSQL scan every open follow-up."""
    via_sessions = (
        select(Action.id)
        .join(AdvisorySession, AdvisorySession.id == Action.session_id)
        .join(Case, Case.id == AdvisorySession.case_id)
        .where(Case.relative_id.in_(relative_ids))
    )
    via_check_ins = (
        select(Action.id)
        .join(CheckIn, CheckIn.id == Action.check_in_id)
        .join(Case, Case.id == CheckIn.case_id)
        .where(Case.relative_id.in_(relative_ids))
    )
    via_matches = (
        select(Action.id)
        .join(MentorMatch, MentorMatch.id == Action.mentor_match_id)
        .join(Case, Case.id == MentorMatch.case_id)
        .where(Case.relative_id.in_(relative_ids))
    )
    return Action.id.in_(union_all(via_sessions, via_check_ins, via_matches))


def with_relative_id(*columns: Any) -> tuple[Select[Any], Any]:
    """``select(Action, *columns)`` joined to the follow-up's case, driven from the follow-ups
    (so an index on the follow-ups serves it); returns the statement and the Case alias."""
    via_session = aliased(AdvisorySession)
    via_check_in = aliased(CheckIn)
    via_match = aliased(MentorMatch)
    owner = aliased(Case)
    stmt = (
        select(Action, *columns)
        .outerjoin(via_session, via_session.id == Action.session_id)
        .outerjoin(via_check_in, via_check_in.id == Action.check_in_id)
        .outerjoin(via_match, via_match.id == Action.mentor_match_id)
        .join(
            owner,
            owner.id == func.coalesce(via_session.case_id, via_check_in.case_id, via_match.case_id),
        )
    )
    return stmt, owner


def relative_of(session: Session, action: Action) -> int | None:
    """The relative a follow-up belongs to; None for one agreed in an anonymous session."""
    if action.mentor_match_id is not None:
        return session.scalar(
            select(MentorMatch.mentee_id).where(MentorMatch.id == action.mentor_match_id)
        )
    if action.check_in_id is not None:
        return session.scalar(
            select(Case.relative_id)
            .join(CheckIn, CheckIn.case_id == Case.id)
            .where(CheckIn.id == action.check_in_id)
        )
    return session.scalar(
        select(Case.relative_id)
        .join(AdvisorySession, AdvisorySession.case_id == Case.id)
        .where(AdvisorySession.id == action.session_id)
    )
