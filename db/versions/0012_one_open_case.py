"""one open course per relative: a partial unique index on advice_case(relative_id) where
closed_at is null; a relative that already has several open courses (two first sessions
saved at the same moment on a team database) gets them merged into the oldest first

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_advice_case_open_relative"
# Every table that refers to a course (advice_case.id), as of 0011.
CASE_REFERENCES = ("advisory_session", "check_in", "offer_referral", "mentor_match")

DUPLICATES = """
SELECT c.id, keep.id FROM advice_case c
JOIN (
    SELECT relative_id, min(id) AS id FROM advice_case
    WHERE closed_at IS NULL GROUP BY relative_id HAVING count(*) > 1
) keep ON keep.relative_id = c.relative_id
WHERE c.closed_at IS NULL AND c.id <> keep.id
"""


def upgrade() -> None:
    """Upgrade schema."""
    bind = op.get_bind()
    for extra, kept in bind.execute(sa.text(DUPLICATES)).all():
        for table in CASE_REFERENCES:
            bind.execute(
                sa.text(f"UPDATE {table} SET case_id = :kept WHERE case_id = :extra"),
                {"kept": kept, "extra": extra},
            )
        bind.execute(sa.text("DELETE FROM advice_case WHERE id = :extra"), {"extra": extra})
    op.create_index(
        INDEX,
        "advice_case",
        ["relative_id"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )


def downgrade() -> None:
    """Downgrade schema (merged courses stay merged)."""
    op.drop_index(INDEX, table_name="advice_case")
