"""Who does a thing and why: every service call takes an Actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

from advisor_app.domain.enums import Purpose, Role
from advisor_app.domain.errors import N_, AccessDeniedError

AdvisorId = NewType("AdvisorId", int)


@dataclass(frozen=True, slots=True)
class Actor:
    advisor_id: AdvisorId
    username: str
    role: Role
    purpose: Purpose

    def require_personal_data(self) -> None:
        """Managers see statistics only, never names, notes or CPR numbers (DOMAIN.md)."""
        if self.role is Role.MANAGER:
            raise AccessDeniedError(
                N_("Your role gives access to statistics only, not to personal data.")
            )
        if self.purpose is Purpose.STATISTICS:
            raise AccessDeniedError(
                N_("Personal data cannot be opened for the purpose of statistics.")
            )
