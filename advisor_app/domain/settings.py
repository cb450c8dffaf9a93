"""The municipality's settings (kommunens indstillinger): one registry of typed keys.

A capability that needs a setting adds a ``SettingSpec`` to ``SETTINGS``; the storage
(``municipal_setting``: key -> text or image bytes) and the admin's page need no change:
the value is checked and converted here, by its kind. Settings hold no personal data: every
role may read them, only an administrator changes them.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from advisor_app.domain.contact import clean_email, clean_phone
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.mentoring import (
    DEFAULT_BEREAVEMENT_MONTHS,
    DEFAULT_MAX_KM,
    WEIGHT_MAX,
    MatchSettings,
    MatchWeights,
)
from advisor_app.domain.text import clean_line

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 4000

SettingValue = str | int | Decimal | bytes


class SettingKind(StrEnum):
    TEXT = "text"
    PHONE = "phone"
    EMAIL = "email"
    INTEGER = "integer"
    DECIMAL = "decimal"
    IMAGE = "image"  # a PNG or JPEG logo, at most LOGO_MAX_BYTES


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    kind: SettingKind
    label: str  # English source string, shown on the admin's page
    default: SettingValue | None = None
    max_len: int = 200
    minimum: Decimal | None = None
    maximum: Decimal | None = None


MUNICIPALITY_NAME = "municipality.name"
MUNICIPALITY_LOGO = "municipality.logo"
HANDOUT_CONTACT_LINE = "handout.contact_line"
HANDOUT_CONTACT_PHONE = "handout.contact_phone"
HANDOUT_CONTACT_EMAIL = "handout.contact_email"
# Mentor matching (domain/mentoring.py): the weight of each similarity, the bereaved mentor's
# waiting period and the distance that no longer counts. A key per value, so the admin's page
# shows each as a field and the access log names what changed.
MENTOR_WEIGHT_PREFIX = "mentoring.weight."
MENTOR_BEREAVEMENT_MONTHS = "mentoring.bereavement_months"
MENTOR_MAX_KM = "mentoring.max_km"
# The session dialog's duration before the running clock passes it (a real meeting's length).
SESSION_DEFAULT_MINUTES = "sessions.default_minutes"
DEFAULT_SESSION_MINUTES = 45
# Backups of the workstation's file (domain/backup_rules.py): how many generations are kept.
BACKUPS_DAILY = "backups.daily"
BACKUPS_WEEKLY = "backups.weekly"
BACKUPS_MONTHLY = "backups.monthly"
BACKUP_DEFAULTS = {BACKUPS_DAILY: 7, BACKUPS_WEEKLY: 4, BACKUPS_MONTHLY: 12}
_DEFAULT_WEIGHTS = MatchWeights()
_WEIGHT_LABELS = {
    "condition": N_("Mentor matching: weight of the same condition"),
    "relation": N_("Mentor matching: weight of the same relation"),
    "stage": N_("Mentor matching: weight of the same stage"),
    "age": N_("Mentor matching: weight of the same age group"),
    "work": N_("Mentor matching: weight of both working or both retired"),
    "distance": N_("Mentor matching: weight of living close"),
    "interests": N_("Mentor matching: weight of shared interests"),
}

SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(MUNICIPALITY_NAME, SettingKind.TEXT, N_("Municipality"), "", max_len=120),
        SettingSpec(MUNICIPALITY_LOGO, SettingKind.IMAGE, N_("Logo (PNG or JPEG)")),
        SettingSpec(
            HANDOUT_CONTACT_LINE,
            SettingKind.TEXT,
            N_("Contact line on handouts"),
            "",
            max_len=200,
        ),
        SettingSpec(HANDOUT_CONTACT_PHONE, SettingKind.PHONE, N_("Phone on handouts")),
        SettingSpec(HANDOUT_CONTACT_EMAIL, SettingKind.EMAIL, N_("E-mail on handouts")),
        *(
            SettingSpec(
                MENTOR_WEIGHT_PREFIX + name,
                SettingKind.DECIMAL,
                label,
                Decimal(str(getattr(_DEFAULT_WEIGHTS, name))),
                minimum=Decimal(0),
                maximum=Decimal(str(WEIGHT_MAX)),
            )
            for name, label in _WEIGHT_LABELS.items()
        ),
        SettingSpec(
            MENTOR_BEREAVEMENT_MONTHS,
            SettingKind.INTEGER,
            N_("Mentor matching: months a bereaved mentor waits"),
            DEFAULT_BEREAVEMENT_MONTHS,
            minimum=Decimal(0),
            maximum=Decimal(120),
        ),
        SettingSpec(
            MENTOR_MAX_KM,
            SettingKind.DECIMAL,
            N_("Mentor matching: distance in km that no longer counts"),
            Decimal(str(DEFAULT_MAX_KM)),
            minimum=Decimal(1),
            maximum=Decimal(1000),
        ),
        SettingSpec(
            SESSION_DEFAULT_MINUTES,
            SettingKind.INTEGER,
            N_("Sessions: default duration in minutes"),
            DEFAULT_SESSION_MINUTES,
            minimum=Decimal(5),
            maximum=Decimal(600),
        ),
        *(
            SettingSpec(
                key,
                SettingKind.INTEGER,
                label,
                BACKUP_DEFAULTS[key],
                minimum=Decimal(0),
                maximum=Decimal(366),
            )
            for key, label in (
                (BACKUPS_DAILY, N_("Backups: daily copies kept")),
                (BACKUPS_WEEKLY, N_("Backups: weekly copies kept")),
                (BACKUPS_MONTHLY, N_("Backups: monthly copies kept")),
            )
        ),
    )
}


def match_settings(values: Mapping[str, SettingValue | None]) -> MatchSettings:
    """The mentor matching's settings from the municipality's values (a missing or cleared
    key is its default); a combination the matching cannot use (every weight 0) is a
    ValidationError, so saving it is refused."""

    def number(key: str) -> Decimal:
        value = values.get(key)
        if value is None or isinstance(value, bytes):
            default = SETTINGS[key].default
            assert default is not None and not isinstance(default, bytes)
            return Decimal(str(default))
        return Decimal(str(value))

    weights = {name: float(number(MENTOR_WEIGHT_PREFIX + name)) for name in _WEIGHT_LABELS}
    return MatchSettings(
        MatchWeights.from_mapping(weights),
        int(number(MENTOR_BEREAVEMENT_MONTHS)),
        float(number(MENTOR_MAX_KM)),
    )


def spec_of(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError(N_("There is no such setting."), field="key") from None


def clean_setting(spec: SettingSpec, value: object) -> SettingValue | None:
    """The value as stored, checked by its kind; None (or an empty text) clears it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    field = spec.key
    if spec.kind is SettingKind.IMAGE:
        if not isinstance(value, bytes):
            raise ValidationError(N_("The logo must be an image file."), field=field)
        image_size(value)
        return value
    if isinstance(value, bytes):
        raise ValidationError(N_("{label} must be text."), label=spec.label, field=field)
    text = str(value)
    try:
        if spec.kind is SettingKind.PHONE:
            return clean_phone(text)
        if spec.kind is SettingKind.EMAIL:
            return clean_email(text)
    except ValidationError as error:
        raise ValidationError(error.template, field=field, **error.params) from None
    if spec.kind is SettingKind.TEXT:
        return clean_line(text, field=field, label=spec.label, max_len=spec.max_len)
    return _number(spec, text)


def _number(spec: SettingSpec, text: str) -> int | Decimal:
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or (
        spec.kind is SettingKind.INTEGER and number != number.to_integral_value()
    ):
        message = (
            N_("{label} must be a whole number.")
            if spec.kind is SettingKind.INTEGER
            else N_("{label} must be a number.")
        )
        raise ValidationError(message, label=spec.label, field=spec.key)
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise ValidationError(
            N_("{label} must be between {minimum} and {maximum}."),
            label=spec.label,
            minimum=str(spec.minimum),
            maximum=str(spec.maximum),
            field=spec.key,
        )
    return int(number) if spec.kind is SettingKind.INTEGER else number


def from_text(spec: SettingSpec, text: str) -> SettingValue:
    if spec.kind is SettingKind.INTEGER:
        return int(text)
    if spec.kind is SettingKind.DECIMAL:
        return Decimal(text)
    return text


# ---- the logo: PNG or JPEG, read from its own header (no imaging library) -----------------
_PNG = b"\x89PNG\r\n\x1a\n"
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[str, int, int]:
    """("png" | "jpeg", width, height) of a logo, or a ValidationError saying what is wrong."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            N_("The logo is too large (at most {kb} KB)."), kb=LOGO_MAX_BYTES // 1024, field="logo"
        )
    found = _png_size(data) if data.startswith(_PNG) else None
    if found is None and data.startswith(b"\xff\xd8\xff"):
        found = _jpeg_size(data)
    if found is None:
        raise ValidationError(N_("The logo must be a PNG or JPEG image."), field="logo")
    _kind, width, height = found
    if not (0 < width <= LOGO_MAX_SIDE and 0 < height <= LOGO_MAX_SIDE):
        raise ValidationError(
            N_("The logo's sides must be 1 to {most} pixels."), most=LOGO_MAX_SIDE, field="logo"
        )
    return found


def _png_size(data: bytes) -> tuple[str, int, int] | None:
    if len(data) < 33 or data[12:16] != b"IHDR" or not data.rstrip().endswith(b"IEND\xaeB`\x82"):
        return None
    width, height = struct.unpack(">II", data[16:24])
    return ("png", width, height)


def _jpeg_size(data: bytes) -> tuple[str, int, int] | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return ("jpeg", width, height)
        if marker in (0xD9, 0xDA):  # end, or the image data before any frame header
            return None
        position += 2 + length
    return None
