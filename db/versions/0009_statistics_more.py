"""statistics views for referrals to offers, relief arrangements and mentor matches: codes,
dates and a relative's number, nothing that names a person

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:30:00
"""

from collections.abc import Sequence

from alembic import op

from advisor_app.persistence.stats_views import MORE_VIEWS

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name, body in MORE_VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in reversed(list(MORE_VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
