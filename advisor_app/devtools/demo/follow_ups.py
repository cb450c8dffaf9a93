"""Follow-ups (aftaler, ``follow_up_action``): one belongs to a session or to a check-in, and
both kinds get their status by the same rule, from how long ago they fell due."""

from __future__ import annotations

import random

from advisor_app.devtools.demo.bulk import Rows, Values
from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL, Today
from advisor_app.domain.enums import ActionStatus


def follow_up_status(
    rng: random.Random, today: Today, start_day: int, due: int | None, created: int
) -> tuple[ActionStatus, int | None]:
    """A follow-up's status by how long ago it fell due, and when it was completed."""
    r = rng.random()
    reference = due if due is not None else start_day + 30
    if reference >= today.ordinal:  # not yet due
        status = ActionStatus.OPEN if r < 0.85 else ActionStatus.DONE
    elif reference >= today.ordinal - 60:  # recently due
        status = (
            ActionStatus.DONE
            if r < 0.70
            else (ActionStatus.OPEN if r < 0.95 else ActionStatus.CANCELLED)
        )
    else:  # long ago: mostly done, a few forgotten and overdue
        status = (
            ActionStatus.DONE
            if r < 0.88
            else (ActionStatus.CANCELLED if r < 0.97 else ActionStatus.OPEN)
        )
    completed = None
    if status is not ActionStatus.OPEN:
        latest = min((reference - EPOCH_ORDINAL) * DAY + 14 * DAY, today.start - 60)
        completed = rng.randint(min(created, latest), latest)
    return status, completed


def add_follow_up(
    rows: Rows,
    values: Values,
    *,
    session_id: int | None,
    check_in_id: int | None,
    description: str,
    due: int | None,
    status: ActionStatus,
    completed: int | None,
    owner_id: int,
) -> None:
    rows.add(
        "follow_up_action",
        (
            rows.next_id("follow_up_action"),
            session_id,
            check_in_id,
            None,  # mentor_match_id: a mentor match's review reminders are devtools/demo/mentors.py's
            description,
            None if due is None else values.day(due),
            status.value,
            None if completed is None else values.at(completed),
            owner_id,  # the advisor who agreed it
            1,
        ),
    )
