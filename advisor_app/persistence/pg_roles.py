"""A team database (PostgreSQL) enforces the roles itself: ``advisor-app db roles``, run by
the database's owner, creates one group role per program role and GRANTs it just what the
role may touch. A desktop client connects directly, so the program's own check is a
courtesy; these grants are the security.

- every login: the staff list (advisor: id, name, role, active), the session topics and
  instrument texts, the schema version, and the access log's head (id, hash) and INSERT on
  it, so every call can append its event, in its own name only (a trigger); nobody but the
  owner may UPDATE or DELETE the access log;
- advisor: the case tables (every table not named below: a new table is case content
  until it is said otherwise), instrument texts;
- manager: the statistics views (persistence/stats_views.py, ``ALL_VIEWS``), which
  hold no name, note, CPR number or free text;
- admin: users, reference data and the municipal settings (which every login reads), no
  case content; the access log read only, to verify
  its chain (``audit verify``); it puts logins in the program's groups only through
  ``advisor_app_set_group`` (SECURITY DEFINER, never its own login), not with CREATEROLE;
- auditor: the whole access log, read only;
- the offer catalogue (``offer``, ``offer_version``) is no case content: every login reads
  it, the admin edits it; a relative's referrals to offers are case content.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from advisor_app.domain.enums import Role
from advisor_app.persistence.models import Base
from advisor_app.persistence.stats_views import ALL_VIEWS

GROUP_PREFIX = "advisor_app_"
NOT_CASE_CONTENT = frozenset(
    {
        "advisor",
        "audit_event",
        "topic",
        "instrument_text",
        "offer",
        "offer_version",
        "municipal_setting",
    }
)
STAFF_COLUMNS = "id, username, display_name, role, active"


SET_GROUP = "advisor_app_set_group"
SET_GROUP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SET_GROUP}(login text, program_role text, member boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF program_role NOT IN ('advisor', 'manager', 'admin', 'auditor') THEN
        RAISE EXCEPTION 'not a role of the program: %', program_role;
    END IF;
    IF login = session_user THEN
        RAISE EXCEPTION 'a login cannot change its own group' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND NOT rolsuper) THEN
        RAISE EXCEPTION 'no such login' USING ERRCODE = '42704';
    END IF;
    IF member THEN
        EXECUTE format('GRANT %I TO %I', '{GROUP_PREFIX}' || program_role, login);
    ELSE
        EXECUTE format('REVOKE %I FROM %I', '{GROUP_PREFIX}' || program_role, login);
    END IF;
END $$"""
AUDIT_GUARD = "advisor_app_audit_guard"
AUDIT_GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {AUDIT_GUARD}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.username IS DISTINCT FROM session_user
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
       AND session_user <> (SELECT tableowner FROM pg_tables
                            WHERE schemaname = 'public' AND tablename = 'audit_event') THEN
        RAISE EXCEPTION 'an access event must name the login that writes it'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$"""


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
    yield f"GRANT SELECT ON alembic_version, topic, instrument_text TO {everyone}"
    yield f"GRANT SELECT ON municipal_setting TO {everyone}"
    yield f"GRANT SELECT ({STAFF_COLUMNS}) ON advisor TO {everyone}"
    yield f"GRANT SELECT (id, hash), INSERT ON audit_event TO {everyone}"
    advisor = group_role(Role.ADVISOR)
    yield f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(case_tables())} TO {advisor}"
    yield f"GRANT INSERT, UPDATE ON instrument_text TO {advisor}"
    yield f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {advisor}"
    admin = group_role(Role.ADMIN)
    yield f"GRANT SELECT, INSERT, UPDATE ON advisor, topic, instrument_text TO {admin}"
    yield f"GRANT USAGE, SELECT ON SEQUENCE advisor_id_seq, topic_id_seq TO {admin}"
    # The offer catalogue: read by all, edited by the admin (services/offers.py).
    yield f"GRANT SELECT ON offer, offer_version TO {everyone}"
    yield f"GRANT INSERT, UPDATE ON offer, offer_version TO {admin}"
    yield f"GRANT USAGE, SELECT ON SEQUENCE offer_id_seq, offer_version_id_seq TO {admin}"
    yield f"GRANT INSERT, UPDATE ON municipal_setting TO {admin}"
    # Reading the whole log is the auditor's; the admin may read it to verify the chain.
    yield f"GRANT SELECT ON audit_event TO {group_role(Role.AUDITOR)}, {admin}"
    yield f"GRANT SELECT ON {', '.join(ALL_VIEWS)} TO {group_role(Role.MANAGER)}"
    # An admin puts users in the program's groups through this function alone, never with
    # CREATEROLE (which on PostgreSQL 15 could grant any group, its own login's included).
    yield SET_GROUP_FUNCTION
    yield f"REVOKE ALL ON FUNCTION {SET_GROUP}(text, text, boolean) FROM PUBLIC"
    yield f"GRANT EXECUTE ON FUNCTION {SET_GROUP}(text, text, boolean) TO {admin}"
    # Every login may append to the access log, but only in its own name.
    yield AUDIT_GUARD_FUNCTION
    yield "DROP TRIGGER IF EXISTS audit_event_names_its_writer ON audit_event"
    yield (
        "CREATE TRIGGER audit_event_names_its_writer BEFORE INSERT ON audit_event "
        f"FOR EACH ROW EXECUTE FUNCTION {AUDIT_GUARD}()"
    )


def groups_exist(connection: Connection) -> bool:
    return bool(
        connection.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :name"),
            {"name": group_role(Role.ADVISOR)},
        ).scalar()
    )


def apply(connection: Connection) -> list[str]:
    """Run the statements as the owner, in one transaction; returns the group roles."""
    database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
    for statement in statements(str(database)):
        connection.execute(text(statement))
    return [group_role(r) for r in Role]
