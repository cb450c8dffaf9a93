"""A team database (PostgreSQL) enforces the roles itself: ``advisor-app db roles``, run by
the database's owner, creates one group role per program role and GRANTs it just what the
role may touch. A desktop client connects directly, so the program's own check is a
courtesy; these grants are the security.

- every login: the staff list (advisor: id, name, role, active), the session topics, the
  schema version, and the access log's head (id, hash) and INSERT on it, so every call can
  append its event; nobody but the owner may UPDATE or DELETE the access log;
- advisor: the case tables (every table not named below: a new table is case content
  until it is said otherwise), instrument texts;
- manager: nothing more (statistics views join when they exist);
- admin: users and reference data, no case content; the access log read only, to verify
  its chain (``audit verify``);
- auditor: the whole access log, read only.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from advisor_app.domain.enums import Role
from advisor_app.persistence.models import Base

GROUP_PREFIX = "advisor_app_"
NOT_CASE_CONTENT = frozenset({"advisor", "audit_event", "topic", "instrument_text"})
STAFF_COLUMNS = "id, username, display_name, role, active"


def group_role(role: Role) -> str:
    return f"{GROUP_PREFIX}{role.value}"


def case_tables() -> list[str]:
    return sorted(t for t in Base.metadata.tables if t not in NOT_CASE_CONTENT)


def statements(database: str) -> Iterable[str]:
    """The SQL, in order; idempotent so it can run again after each upgrade."""
    groups = [group_role(r) for r in Role]
    everyone = ", ".join(groups)
    for group in groups:
        yield (
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{group}') THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    yield "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC"
    yield f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}"
    yield f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}"
    yield f'GRANT CONNECT ON DATABASE "{database}" TO {everyone}'
    yield f"GRANT USAGE ON SCHEMA public TO {everyone}"
    yield f"GRANT SELECT ON alembic_version, topic TO {everyone}"
    yield f"GRANT SELECT ({STAFF_COLUMNS}) ON advisor TO {everyone}"
    yield f"GRANT SELECT (id, hash), INSERT ON audit_event TO {everyone}"
    advisor = group_role(Role.ADVISOR)
    yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(case_tables())} TO {advisor}"
    yield f"GRANT SELECT, INSERT, UPDATE ON instrument_text TO {advisor}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {advisor}"
    admin = group_role(Role.ADMIN)
    yield f"GRANT SELECT, INSERT, UPDATE ON advisor, topic, instrument_text TO {admin}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {admin}"
    # Reading the whole log is the auditor's; the admin may read it to verify the chain.
    yield f"GRANT SELECT ON audit_event TO {group_role(Role.AUDITOR)}, {admin}"


def apply(connection: Connection) -> list[str]:
    """Run the statements as the owner, in one transaction; returns the group roles."""
    database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
    for statement in statements(str(database)):
        connection.execute(text(statement))
    return [group_role(r) for r in Role]
