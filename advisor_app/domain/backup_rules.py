"""Which backups (sikkerhedskopier) to keep: generations by day, week and month.

Like a grandfather-father-son rotation: of the ordinary copies, the newest of each of the
last ``daily`` days that have a copy is kept, the newest of each of the last ``weekly`` ISO
weeks, and the newest of each of the last ``monthly`` months (one copy may serve all three).
The newest verified copy is never given up, whatever the counts say. Copies made before a
migration or a restore, and the raw copy of a damaged file a restore replaced, are the way
back from those moments: they are kept apart, the newest ``monthly`` of them (at least one).
Dates are UTC days, as the file names carry them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class BackupKind(StrEnum):
    MANUAL = "manual"  # an administrator's "make a backup now"
    DAILY = "daily"  # the timer while the program is open
    CLOSE = "close"  # when the window closes
    MIGRATION = "migration"  # before a migration
    RESTORE = "restore"  # the database a restore replaced
    DAMAGED = "damaged"  # a raw copy of a damaged file a restore replaced (not verified)


SPECIAL_KINDS = frozenset({BackupKind.MIGRATION, BackupKind.RESTORE, BackupKind.DAMAGED})


@dataclass(frozen=True, slots=True)
class Generation:
    name: str
    made_at: datetime
    verified: bool
    special: bool = False


def _newest_per(
    generations: Iterable[Generation], period: Callable[[datetime], Hashable], count: int
) -> set[str]:
    """The newest generation of each of the ``count`` latest periods that have one."""
    kept: set[str] = set()
    seen: set[Hashable] = set()
    for generation in sorted(generations, key=lambda g: g.made_at, reverse=True):
        key = period(generation.made_at)
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.add(key)
        kept.add(generation.name)
    return kept


def to_keep(
    generations: Iterable[Generation], *, daily: int, weekly: int, monthly: int
) -> set[str]:
    every = list(generations)
    ordinary = [g for g in every if g.verified and not g.special]
    kept = _newest_per(ordinary, lambda t: t.date(), daily)
    kept |= _newest_per(ordinary, lambda t: t.isocalendar()[:2], weekly)
    kept |= _newest_per(ordinary, lambda t: (t.year, t.month), monthly)
    special = sorted((g for g in every if g.special), key=lambda g: g.made_at, reverse=True)
    kept |= {g.name for g in special[: max(monthly, 1)]}
    verified = [g for g in every if g.verified]
    if verified:
        kept.add(max(verified, key=lambda g: g.made_at).name)
    return kept


def to_prune(
    generations: Iterable[Generation], *, daily: int, weekly: int, monthly: int
) -> set[str]:
    """The names to delete: everything ``to_keep`` does not keep."""
    every = list(generations)
    kept = to_keep(every, daily=daily, weekly=weekly, monthly=monthly)
    return {g.name for g in every} - kept


def backup_due(newest: datetime | None, now: datetime) -> bool:
    """Whether the day's backup is still to be made (none yet today)."""
    return newest is None or newest.date() < _day(now)


def _day(moment: datetime) -> date:
    return moment.date()
