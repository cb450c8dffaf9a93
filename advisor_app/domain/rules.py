"""Small rules about consents, actions and relations that the services and the UI share."""

from __future__ import annotations

from datetime import date, datetime

from advisor_app.domain.enums import ActionStatus, ConsentStatus
from advisor_app.domain.errors import N_, ValidationError

MAX_CARE_HOURS_A_WEEK = 168
MAX_SESSION_MINUTES = 8 * 60


def consent_status(
    given_on: date, expires_on: date | None, withdrawn_at: datetime | None, today: date
) -> ConsentStatus:
    """Whether a consent (samtykke) is in force on ``today``."""
    if withdrawn_at is not None and withdrawn_at.date() <= today:
        return ConsentStatus.WITHDRAWN
    if given_on > today:
        return ConsentStatus.NOT_YET
    if expires_on is not None and expires_on < today:
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


def is_overdue(status: ActionStatus, due_on: date | None, today: date) -> bool:
    return status is ActionStatus.OPEN and due_on is not None and due_on < today


def check_care_hours(hours: float | None) -> float | None:
    if hours is None:
        return None
    if not 0 <= hours <= MAX_CARE_HOURS_A_WEEK:
        raise ValidationError(
            N_("Hours of care a week must be between 0 and {limit}."),
            limit=MAX_CARE_HOURS_A_WEEK,
            field="hours_per_week",
        )
    return round(float(hours), 1)


# A date the advisor means lies in this range. Year 1 or 9999 is a slip of the keyboard (or a
# wrong value from a caller); it sorts before or after everything and breaks date arithmetic.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_real_date(value: date | None, *, field: str) -> None:
    """Refuse a date (or a datetime's date) outside EARLIEST_DATE..LATEST_DATE."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            N_("The date must lie between {low} and {high}."),
            low=EARLIEST_DATE.isoformat(),
            high=LATEST_DATE.isoformat(),
            field=field,
        )


def check_period(start: date | None, end: date | None, *, field: str = "end") -> None:
    check_real_date(start, field=field)
    check_real_date(end, field=field)
    if start is not None and end is not None and end < start:
        raise ValidationError(N_("The end date is before the start date."), field=field)


def check_duration(minutes: int) -> int:
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        raise ValidationError(
            N_("The duration must be between 1 and {limit} minutes."),
            limit=MAX_SESSION_MINUTES,
            field="duration",
        )
    return minutes


PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024
MAX_FAILED_SIGN_INS = 5
LOCKOUT_MINUTES = 15


def check_password(password: str) -> None:
    """A password of at least 12 characters (NIST SP 800-63B: length, not composition)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            N_("The password must have at least {count} characters."),
            count=PASSWORD_MIN_LENGTH,
            field="password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(N_("The password is too long."), field="password")
    if any(ord(ch) < 32 for ch in password):
        raise ValidationError(
            N_("The password cannot contain control characters."), field="password"
        )
