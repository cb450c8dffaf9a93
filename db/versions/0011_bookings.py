"""bookings and follow-up owners: the next meeting booked with a relative (when, how long,
where or by phone/video), and the advisor who owns each follow-up (backfilled from the
session's, check-in's or mentor match's advisor)

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01 03:40:00.000000

On SQLite the batch operation rebuilds follow_up_action, which SQLite refuses while a view
reads the table: the statistics view over follow-ups is dropped and created again around it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from advisor_app.persistence.stats_views import VIEWS

FOLLOW_UP_VIEW = "stats_follow_up"
BACKFILL = """
UPDATE follow_up_action SET owner_id = COALESCE(
    (SELECT s.advisor_id FROM advisory_session s WHERE s.id = follow_up_action.session_id),
    (SELECT c.advisor_id FROM check_in c WHERE c.id = follow_up_action.check_in_id),
    (SELECT m.advisor_id FROM mentor_match m WHERE m.id = follow_up_action.mentor_match_id)
)
"""

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relative_id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person",
                "phone",
                "video",
                name="meetingmode",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "cancelled",
                name="bookingstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "duration_minutes >= 5 AND duration_minutes <= 480", name=op.f("ck_booking_duration")
        ),
        sa.ForeignKeyConstraint(
            ["advisor_id"], ["advisor.id"], name=op.f("fk_booking_advisor_id_advisor")
        ),
        sa.ForeignKeyConstraint(
            ["relative_id"],
            ["relative.id"],
            name=op.f("fk_booking_relative_id_relative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["advisory_session.id"],
            name=op.f("fk_booking_session_id_advisory_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_advisor_id"), ["advisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_session_id"), ["session_id"], unique=False)
        batch_op.create_index(
            "ix_booking_relative_starts", ["relative_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_booking_status_starts", ["status", "starts_at"], unique=False)

    op.execute(f"DROP VIEW IF EXISTS {FOLLOW_UP_VIEW}")
    with op.batch_alter_table("follow_up_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_follow_up_action_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_up_action_owner_id_advisor"), "advisor", ["owner_id"], ["id"]
        )
    op.execute(f"CREATE VIEW {FOLLOW_UP_VIEW} AS {VIEWS[FOLLOW_UP_VIEW]}")
    op.execute(BACKFILL)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(f"DROP VIEW IF EXISTS {FOLLOW_UP_VIEW}")
    with op.batch_alter_table("follow_up_action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_follow_up_action_owner_id_advisor"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_follow_up_action_owner_id"))
        batch_op.drop_column("owner_id")
    op.execute(f"CREATE VIEW {FOLLOW_UP_VIEW} AS {VIEWS[FOLLOW_UP_VIEW]}")

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_status_starts")
        batch_op.drop_index("ix_booking_relative_starts")
        batch_op.drop_index(batch_op.f("ix_booking_session_id"))
        batch_op.drop_index(batch_op.f("ix_booking_advisor_id"))
    op.drop_table("booking")
