"""The municipality's settings (domain/settings.py): every role reads them, an administrator
changes them, and each change is an access event. Values come back typed, with each key's
default where none is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.domain.enums import AuditAction
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.settings import (
    DEFAULT_SESSION_MINUTES,
    HANDOUT_CONTACT_EMAIL,
    HANDOUT_CONTACT_LINE,
    HANDOUT_CONTACT_PHONE,
    MUNICIPALITY_LOGO,
    MUNICIPALITY_NAME,
    SESSION_DEFAULT_MINUTES,
    SETTINGS,
    SettingKind,
    SettingValue,
    clean_setting,
    from_text,
    match_settings,
    spec_of,
)
from advisor_app.persistence.models import MunicipalSetting
from advisor_app.services.common import check_version
from advisor_app.services.door import Gated, Work, door

ENTITY = "municipal_setting"


@dataclass(frozen=True)
class MunicipalSettings:
    """Every known setting's value (or its default) and the stored row's version (0: none)."""

    values: Mapping[str, SettingValue | None]
    versions: Mapping[str, int] = field(default_factory=dict)

    def text(self, key: str) -> str:
        value = self.values.get(key)
        return "" if value is None or isinstance(value, bytes) else str(value)

    @property
    def municipality(self) -> str:
        return self.text(MUNICIPALITY_NAME)

    @property
    def logo(self) -> bytes | None:
        value = self.values.get(MUNICIPALITY_LOGO)
        return value if isinstance(value, bytes) else None

    @property
    def contact_line(self) -> str:
        return self.text(HANDOUT_CONTACT_LINE)

    @property
    def contact_phone(self) -> str:
        return self.text(HANDOUT_CONTACT_PHONE)

    @property
    def contact_email(self) -> str:
        return self.text(HANDOUT_CONTACT_EMAIL)

    @property
    def default_session_minutes(self) -> int:
        value = self.values.get(SESSION_DEFAULT_MINUTES)
        return int(value) if isinstance(value, int | Decimal) else DEFAULT_SESSION_MINUTES


def read_settings(session: Session) -> MunicipalSettings:
    """For services that use settings inside their own transaction (a handout's header)."""
    stored = {row.key: row for row in session.scalars(select(MunicipalSetting))}
    values: dict[str, SettingValue | None] = {}
    versions: dict[str, int] = {}
    for key, spec in SETTINGS.items():
        row = stored.get(key)
        if row is None:
            values[key] = spec.default
            continue
        versions[key] = row.version
        if spec.kind is SettingKind.IMAGE:
            values[key] = row.blob_value
        else:
            values[key] = None if row.text_value is None else from_text(spec, row.text_value)
    return MunicipalSettings(values, versions)


class SettingsService(Gated):
    @door(Permission.SETTINGS_READ)
    def current(self, work: Work) -> MunicipalSettings:
        return read_settings(work.session)

    @door(Permission.SETTINGS_WRITE)
    def save(
        self,
        work: Work,
        changes: Mapping[str, object],
        versions: Mapping[str, int] | None = None,
    ) -> MunicipalSettings:
        """Set each key in ``changes`` (None or "" clears it); all or nothing. ``versions``
        (from ``current``) makes a colleague's change in between a ConflictError."""
        if not changes:
            raise ValidationError(N_("There is nothing to save."))
        cleaned = {key: clean_setting(spec_of(key), value) for key, value in changes.items()}
        session = work.session
        for key, value in cleaned.items():
            spec = SETTINGS[key]
            row = session.get(MunicipalSetting, key)
            if versions is not None:
                check_version(row.version if row is not None else 0, versions.get(key, 0))
            if row is None:
                row = MunicipalSetting(key=key)
                session.add(row)
            row.text_value = None if value is None or spec.kind is SettingKind.IMAGE else str(value)
            row.blob_value = value if isinstance(value, bytes) else None
            row.updated_at = work.now()
            row.updated_by = work.actor.advisor_id
            work.log(AuditAction.UPDATE, ENTITY, detail=key)
        session.flush()
        saved = read_settings(session)
        match_settings(saved.values)  # a combination the matching cannot use rolls back
        return saved
