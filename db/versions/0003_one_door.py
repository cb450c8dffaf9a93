"""one door: users with argon2id passwords and lockout, the auditor role, a chained access log

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00

The access log becomes a hash chain: existing events are numbered 1..n in their order and
chained (domain/audit_chain.py); from now on the program gives out each id itself.
On SQLite the log also refuses UPDATE and DELETE by trigger (a guard against accidents; the
chain is what detects a deliberate change).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from advisor_app.domain.audit_chain import GENESIS, ChainedEvent, event_hash

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = ("advisor", "manager", "admin")
ROLES = (*OLD_ROLES, "auditor")
OLD_PURPOSES = ("advisory", "statistics", "administration", "demo_data")
PURPOSES = ("advisory", "statistics", "administration", "audit", "demo_data")
OLD_ACTIONS = ("read", "search", "create", "update", "delete", "export", "print")
ACTIONS = (*OLD_ACTIONS, "refused", "sign_in", "sign_in_failed", "account_locked")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("advisor", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_enum(OLD_ROLES, "role"),
            type_=_enum(ROLES, "role"),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_enum(OLD_ROLES, "role"),
            type_=_enum(ROLES, "role"),
            nullable=True,
        )
        batch_op.alter_column(
            "purpose",
            existing_type=_enum(OLD_PURPOSES, "purpose"),
            type_=_enum(PURPOSES, "purpose"),
            nullable=True,
        )
        batch_op.alter_column(
            "action",
            existing_type=_enum(OLD_ACTIONS, "auditaction"),
            type_=_enum(ACTIONS, "auditaction"),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    bind = op.get_bind()
    _chain_existing_events(bind)

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_hash"), ["hash"])
        batch_op.create_index(batch_op.f("ix_audit_event_advisor_id"), ["advisor_id"], unique=False)
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the access log cannot be changed'); END"
            )


def _chain_existing_events(bind: sa.Connection) -> None:
    """Number the events 1..n in their order (ascending, so a new id never meets one still
    in use) and chain them."""
    from advisor_app.persistence.types import UTCDateTime

    names = (
        "id",
        "occurred_at",
        "advisor_id",
        "username",
        "role",
        "purpose",
        "action",
        "entity",
        "entity_id",
        "relative_id",
        "search_term",
        "detail",
    )
    log = sa.table(
        "audit_event",
        *(sa.column(n, UTCDateTime()) if n == "occurred_at" else sa.column(n) for n in names),
        sa.column("prev_hash"),
        sa.column("hash"),
    )
    rows = bind.execute(sa.select(*(log.c[n] for n in names)).order_by(log.c.id)).mappings().all()
    update = (
        sa.update(log)
        .where(log.c.id == sa.bindparam("old_id"))
        .values(id=sa.bindparam("new_id"), prev_hash=sa.bindparam("p"), hash=sa.bindparam("h"))
    )
    previous = GENESIS
    changes = []
    for number, row in enumerate(rows, start=1):
        event = ChainedEvent(**{**row, "id": number}, prev_hash=previous)
        digest = event_hash(event)
        changes.append({"old_id": row["id"], "new_id": number, "p": previous, "h": digest})
        previous = digest
    for start in range(0, len(changes), 5000):
        bind.execute(update, changes[start : start + 5000])


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute("DELETE FROM audit_event WHERE role IS NULL OR purpose IS NULL")
    op.execute(
        "DELETE FROM audit_event WHERE action IN "
        "('refused', 'sign_in', 'sign_in_failed', 'account_locked')"
    )
    op.execute("UPDATE advisor SET role = 'admin' WHERE role = 'auditor'")
    op.execute("DELETE FROM audit_event WHERE purpose = 'audit'")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_advisor_id"))
        batch_op.drop_constraint(batch_op.f("uq_audit_event_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.alter_column(
            "action",
            existing_type=_enum(ACTIONS, "auditaction"),
            type_=_enum(OLD_ACTIONS, "auditaction"),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "purpose",
            existing_type=_enum(PURPOSES, "purpose"),
            type_=_enum(OLD_PURPOSES, "purpose"),
            nullable=False,
        )
        batch_op.alter_column(
            "role",
            existing_type=_enum(ROLES, "role"),
            type_=_enum(OLD_ROLES, "role"),
            nullable=False,
        )
    with op.batch_alter_table("advisor", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_sign_ins")
        batch_op.drop_column("password_hash")
        batch_op.alter_column(
            "role",
            existing_type=_enum(ROLES, "role"),
            type_=_enum(OLD_ROLES, "role"),
            existing_nullable=False,
        )
