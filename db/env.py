"""Alembic environment: the engine comes from advisor_app's Database (config.attributes)."""

from __future__ import annotations

from typing import Any

from alembic import context

from advisor_app.persistence.models import Base
from advisor_app.persistence.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Autogenerate renders custom types without importing them; spell ours out."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through advisor_app (advisor-app db upgrade)")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Recreating a table others refer to (batch mode) needs foreign keys off, which
            # SQLite only allows outside a transaction; they are checked again below.
            _raw_sqlite(connection, "PRAGMA foreign_keys = OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_item=render_item,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        try:
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # A migration may run longer than a user's statement timeout.
                    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
                context.run_migrations()
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left a reference to a missing row")
        finally:
            if sqlite:
                # Never hand a connection without foreign keys back to the pool: a new one
                # gets them from the connect hook.
                connection.invalidate()


def _raw_sqlite(connection: Any, statement: str) -> None:
    """On the DB-API connection, outside SQLAlchemy's transaction (autocommit mode)."""
    connection.connection.driver_connection.execute(statement)


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported")
run_migrations_online()
