"""The statistics views: everything the management statistics read, and nothing more. No
name, note, CPR number or free text is in them; a relative is a number (for counting
distinct persons) and a birth year (for child or adult).

The statistics service reads only these views, on SQLite and PostgreSQL alike, so that on a
team database a manager's login may be granted SELECT on them and on nothing that holds a
person (persistence/pg_roles.py). They are created by migration 0004 from ``VIEWS``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, Integer, String, TableClause, column, table

from advisor_app.persistence.types import UTCDateTime

VIEWS: dict[str, str] = {
    "stats_session": """
        SELECT s.id AS session_id, s.started_at, s.duration_minutes, s.form, s.anonymous,
               s.advisor_id, c.relative_id, r.birth_year
        FROM advisory_session s
        LEFT JOIN advice_case c ON c.id = s.case_id
        LEFT JOIN relative r ON r.id = c.relative_id""",
    "stats_session_topic": """
        SELECT st.session_id, t.code AS topic
        FROM session_topic st JOIN topic t ON t.id = st.topic_id""",
    # Per relative, not per session: small, and a session's rows come from joining it by
    # its relative (a DISTINCT over every session would be read whole for each query).
    "stats_relative_condition": """
        SELECT DISTINCT cr.relative_id, cc.condition
        FROM care_relation cr
        JOIN citizen_condition cc ON cc.citizen_id = cr.citizen_id""",
    "stats_relative_relation": """
        SELECT DISTINCT cr.relative_id, cr.relation_type
        FROM care_relation cr""",
    "stats_case": """
        SELECT c.relative_id, c.opened_at FROM advice_case c""",
    "stats_follow_up": """
        SELECT f.id AS follow_up_id, f.due_on, f.status, f.completed_at
        FROM follow_up_action f""",
    "stats_check_in": """
        SELECT ci.id AS check_in_id, c.relative_id, ci.taken_at, ci.instrument_id, ci.score
        FROM check_in ci JOIN advice_case c ON c.id = ci.case_id""",
}

stats_session: TableClause = table(
    "stats_session",
    column("session_id", Integer),
    column("started_at", UTCDateTime()),
    column("duration_minutes", Integer),
    column("form", String),
    column("anonymous", Boolean),
    column("advisor_id", Integer),
    column("relative_id", Integer),
    column("birth_year", Integer),
)
stats_session_topic = table(
    "stats_session_topic", column("session_id", Integer), column("topic", String)
)
stats_relative_condition = table(
    "stats_relative_condition", column("relative_id", Integer), column("condition", String)
)
stats_relative_relation = table(
    "stats_relative_relation", column("relative_id", Integer), column("relation_type", String)
)
stats_case = table("stats_case", column("relative_id", Integer), column("opened_at", UTCDateTime()))
stats_follow_up = table(
    "stats_follow_up",
    column("follow_up_id", Integer),
    column("due_on", Date),
    column("status", String),
    column("completed_at", UTCDateTime()),
)
stats_check_in = table(
    "stats_check_in",
    column("check_in_id", Integer),
    column("relative_id", Integer),
    column("taken_at", UTCDateTime()),
    column("instrument_id", String),
    column("score", Integer),
)
