"""Who does a thing and why: every service call takes an Actor, made by signing in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

from advisor_app.domain.enums import Purpose, Role

AdvisorId = NewType("AdvisorId", int)


@dataclass(frozen=True, slots=True)
class Actor:
    advisor_id: AdvisorId
    username: str
    role: Role
    purpose: Purpose
    display_name: str = ""
