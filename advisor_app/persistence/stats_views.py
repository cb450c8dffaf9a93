"""The statistics views: everything the management statistics read, and nothing more. No
name, note, CPR number or free text is in them; a relative is a number (for counting
distinct persons) and a birth year (for child or adult).

The statistics service reads only these views, on SQLite and PostgreSQL alike, so that on a
team database a manager's login may be granted SELECT on them and on nothing that holds a
person (persistence/pg_roles.py). Migration 0004 created ``VIEWS`` (frozen: a migration
must create tomorrow what it created when it was written); migration 0009 created
``MORE_VIEWS``, the referrals to offers, relief arrangements and mentor matches. The
manager's grants cover ``ALL_VIEWS``.
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

# Migration 0009: referrals, relief and mentoring. Codes and dates only: no offer title,
# provider name, note, end note or outcome text (a referral's outcome is free text).
MORE_VIEWS: dict[str, str] = {
    "stats_referral": """
        SELECT r.id AS referral_id, r.referred_on, r.status, v.kind, c.relative_id
        FROM offer_referral r
        JOIN offer_version v ON v.id = r.offer_version_id
        JOIN advice_case c ON c.id = r.case_id""",
    # One row per status change of an arrangement, with the day it took effect.
    "stats_relief_change": """
        SELECT a.id AS arrangement_id, a.kind, sc.status, sc.changed_on, cr.relative_id
        FROM relief_status_change sc
        JOIN relief_arrangement a ON a.id = sc.arrangement_id
        JOIN care_relation cr ON cr.id = a.relation_id""",
    # A match becomes active on its first meeting's day.
    "stats_mentor_match": """
        SELECT m.id AS match_id, m.status, m.proposed_at, m.first_meeting_on AS active_on,
               m.ended_at, m.end_reason, m.outcome, m.mentee_id AS relative_id
        FROM mentor_match m""",
}
ALL_VIEWS: dict[str, str] = {**VIEWS, **MORE_VIEWS}

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
stats_referral = table(
    "stats_referral",
    column("referral_id", Integer),
    column("referred_on", Date),
    column("status", String),
    column("kind", String),
    column("relative_id", Integer),
)
stats_relief_change = table(
    "stats_relief_change",
    column("arrangement_id", Integer),
    column("kind", String),
    column("status", String),
    column("changed_on", Date),
    column("relative_id", Integer),
)
stats_mentor_match = table(
    "stats_mentor_match",
    column("match_id", Integer),
    column("status", String),
    column("proposed_at", UTCDateTime()),
    column("active_on", Date),
    column("ended_at", UTCDateTime()),
    column("end_reason", String),
    column("outcome", String),
    column("relative_id", Integer),
)
