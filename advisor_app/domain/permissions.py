"""What each role may do: one table, read by the service door (services/door.py).

Every public service method declares one ``Permission``. The door checks the actor's role and
purpose against ``RULES`` before any work is done, and refuses (and logs the refusal)
otherwise. On a team database the same table becomes PostgreSQL GRANTs
(persistence/pg_roles.py), so the server enforces it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Purpose, Role
from advisor_app.domain.errors import N_, AccessDeniedError


class Permission(StrEnum):
    CASES_READ = "cases.read"  # relatives, citizens, sessions, check-ins, follow-up lists
    CASES_WRITE = "cases.write"
    CASES_DELETE = "cases.delete"
    REFERENCE_READ = "reference.read"  # topics, instruments: no personal data
    INSTRUMENT_TEXT_LOAD = "reference.instrument_text"
    USERS_MANAGE = "users.manage"
    OWN_ACCOUNT = "account.own"  # change one's own password
    AUDIT_VERIFY = "audit.verify"
    AUDIT_READ = "audit.read"
    STATISTICS_READ = "statistics.read"  # aggregated and suppressed: never a person
    SIGN_IN = "account.sign_in"  # the entrance: no actor yet
    FIRST_ADMIN = "account.first_admin"  # only while the database has no users
    SIGN_IN_STATUS = "account.status"  # whether the database has users yet: no personal data
    OFFERS_READ = "offers.read"  # the offer catalogue: no personal data
    OFFERS_MANAGE = "offers.manage"  # edit, import and export the catalogue
    SETTINGS_READ = "settings.read"  # the municipality's name, logo, contact line: not personal
    SETTINGS_WRITE = "settings.write"
    HANDOUTS = "handouts"  # make, record, list and print again a relative's handouts
    BACKUP_READ = "backups.read"  # list the workstation file's backups: dates and sizes
    BACKUP_MAKE = "backups.make"  # a copy of everything: logged like an export
    BACKUP_RESTORE = "backups.restore"  # replace the database with a backup


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[Role]
    purposes: frozenset[Purpose]
    logged: bool  # touches personal data or security: the call must write an access event
    refusal: str  # why a role outside ``roles`` is refused (an English source template)


def _rule(roles: set[Role], purposes: set[Purpose], *, logged: bool, refusal: str) -> Rule:
    return Rule(frozenset(roles), frozenset(purposes), logged, refusal)


_CASE_WORK = N_("Your role does not give access to relatives' cases.")
_ALL_ROLES = set(Role)
_ALL_PURPOSES = set(Purpose)

RULES: dict[Permission, Rule] = {
    Permission.CASES_READ: _rule(
        {Role.ADVISOR}, {Purpose.ADVISORY, Purpose.DEMO_DATA}, logged=True, refusal=_CASE_WORK
    ),
    Permission.CASES_WRITE: _rule(
        {Role.ADVISOR}, {Purpose.ADVISORY, Purpose.DEMO_DATA}, logged=True, refusal=_CASE_WORK
    ),
    Permission.CASES_DELETE: _rule(
        {Role.ADVISOR}, {Purpose.ADVISORY}, logged=True, refusal=_CASE_WORK
    ),
    Permission.REFERENCE_READ: _rule(
        _ALL_ROLES, _ALL_PURPOSES, logged=False, refusal=N_("You cannot read reference data.")
    ),
    Permission.INSTRUMENT_TEXT_LOAD: _rule(
        {Role.ADVISOR, Role.ADMIN},
        {Purpose.ADVISORY, Purpose.ADMINISTRATION},
        logged=True,
        refusal=N_("Your role cannot load instrument texts."),
    ),
    Permission.USERS_MANAGE: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION, Purpose.DEMO_DATA},
        logged=True,
        refusal=N_("Only an administrator can manage users."),
    ),
    Permission.OWN_ACCOUNT: _rule(
        _ALL_ROLES, _ALL_PURPOSES, logged=True, refusal=N_("You cannot change this account.")
    ),
    Permission.AUDIT_VERIFY: _rule(
        {Role.AUDITOR, Role.ADMIN},
        {Purpose.AUDIT, Purpose.ADMINISTRATION},
        logged=True,
        refusal=N_("Only an auditor or an administrator can verify the access log."),
    ),
    Permission.AUDIT_READ: _rule(
        {Role.AUDITOR},
        {Purpose.AUDIT},
        logged=True,
        refusal=N_("Only an auditor can read the access log."),
    ),
    Permission.STATISTICS_READ: _rule(
        {Role.MANAGER},
        {Purpose.STATISTICS},
        logged=True,
        refusal=N_("Only a manager can see the statistics."),
    ),
    Permission.OFFERS_READ: _rule(
        {Role.ADVISOR, Role.ADMIN},
        {Purpose.ADVISORY, Purpose.ADMINISTRATION, Purpose.DEMO_DATA},
        logged=False,
        refusal=N_("Your role does not use the offer catalogue."),
    ),
    Permission.OFFERS_MANAGE: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION, Purpose.DEMO_DATA},
        logged=True,
        refusal=N_("Only an administrator can change the offer catalogue."),
    ),
    Permission.SETTINGS_READ: _rule(
        _ALL_ROLES, _ALL_PURPOSES, logged=False, refusal=N_("You cannot read the settings.")
    ),
    Permission.SETTINGS_WRITE: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION},
        logged=True,
        refusal=N_("Only an administrator can change the municipality's settings."),
    ),
    Permission.HANDOUTS: _rule(
        {Role.ADVISOR}, {Purpose.ADVISORY, Purpose.DEMO_DATA}, logged=True, refusal=_CASE_WORK
    ),
    Permission.BACKUP_READ: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION},
        logged=False,
        refusal=N_("Only an administrator can see the backups."),
    ),
    Permission.BACKUP_MAKE: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION},
        logged=True,
        refusal=N_("Only an administrator can make a backup."),
    ),
    Permission.BACKUP_RESTORE: _rule(
        {Role.ADMIN},
        {Purpose.ADMINISTRATION},
        logged=True,
        refusal=N_("Only an administrator can restore a backup."),
    ),
    # The entrance: checked by the door's anonymous path, never against an actor.
    Permission.SIGN_IN: _rule(set(), set(), logged=True, refusal=N_("Sign-in refused.")),
    Permission.FIRST_ADMIN: _rule(
        set(), set(), logged=True, refusal=N_("The database already has users: sign in.")
    ),
    Permission.SIGN_IN_STATUS: _rule(set(), set(), logged=False, refusal=N_("Sign-in refused.")),
}

ENTRANCES = frozenset({Permission.SIGN_IN, Permission.FIRST_ADMIN, Permission.SIGN_IN_STATUS})

DEFAULT_PURPOSE: dict[Role, Purpose] = {
    Role.ADVISOR: Purpose.ADVISORY,
    Role.MANAGER: Purpose.STATISTICS,
    Role.ADMIN: Purpose.ADMINISTRATION,
    Role.AUDITOR: Purpose.AUDIT,
}


def allows(role: Role, permission: Permission) -> bool:
    return role in RULES[permission].roles


def refusal(actor: Actor, permission: Permission) -> AccessDeniedError | None:
    """None when ``actor`` may use ``permission``; otherwise the error to raise."""
    rule = RULES[permission]
    if actor.role not in rule.roles:
        return AccessDeniedError(rule.refusal)
    if actor.purpose not in rule.purposes:
        return AccessDeniedError(
            N_("This cannot be done for the purpose you signed in with ({purpose})."),
            purpose=PURPOSE_LABELS[actor.purpose],
        )
    return None


ROLE_LABELS: dict[Role, str] = {
    Role.ADVISOR: N_("Advisor"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("Administrator"),
    Role.AUDITOR: N_("Auditor"),
}

PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.ADVISORY: N_("advising relatives"),
    Purpose.STATISTICS: N_("statistics"),
    Purpose.ADMINISTRATION: N_("administration"),
    Purpose.AUDIT: N_("access log review"),
    Purpose.DEMO_DATA: N_("demo data"),
}
