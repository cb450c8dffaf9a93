"""corrections: a version column on check-ins (a colleague's edit is refused, not lost) and
the record_revision table (each earlier version of a corrected session or check-in, and the
tombstone of a deleted one)

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 03:40:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # A plain ADD COLUMN (no table copy): the statistics views read check_in.
    op.add_column(
        "check_in",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    op.create_table(
        "record_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "record",
            sa.Enum(
                "advisory_session",
                "check_in",
                name="revisedrecord",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("relative_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "corrected",
                "deleted",
                name="revisionkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'corrected' AND content IS NOT NULL)"
            " OR (kind = 'deleted' AND content IS NULL)",
            name=op.f("ck_record_revision_content_unless_deleted"),
        ),
        sa.ForeignKeyConstraint(
            ["advisor_id"], ["advisor.id"], name=op.f("fk_record_revision_advisor_id_advisor")
        ),
        sa.ForeignKeyConstraint(
            ["relative_id"],
            ["relative.id"],
            name=op.f("fk_record_revision_relative_id_relative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_revision")),
    )
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_revision_record", ["record", "record_id", "made_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_revision_relative_id"), ["relative_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("record_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_revision_relative_id"))
        batch_op.drop_index("ix_record_revision_record")
    op.drop_table("record_revision")
    op.drop_column("check_in", "version")
