"""The fast bulk writer: rows as plain tuples with explicit ids, handed to the driver in
batches (executemany on SQLite, COPY on PostgreSQL) inside the caller's transaction. No
per-row ORM objects and no per-value bind processing: those cost more than generating.

The columns a row tuple fills are the table's own, in the order of the ORM's metadata
(``COLUMNS``, derived, never kept by hand). ``RowShapes`` checks every batch against them
before it is written, so a model change (a column added, removed or moved) stops the run
with the table and column named instead of writing values into the wrong columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Float,
    Integer,
    String,
    Table,
    Time,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from advisor_app.devtools.demo.clock import DAY, EPOCH_ORDINAL
from advisor_app.persistence.models import Base
from advisor_app.persistence.types import UTCDateTime

# The tables demo data fills, parents before children: SQLite checks foreign keys row by
# row, not at commit. A capability that adds demo data adds its tables here.
TABLE_ORDER = (
    "citizen",
    "citizen_condition",
    "relative",
    "care_relation",
    "consent",
    "advice_case",
    "advisory_session",
    "session_topic",
    "check_in",
    "check_in_answer",
    "mentor",
    "mentor_request",
    "mentor_match",
    "mentor_review",
    "follow_up_action",
    "session_participant",
    "relief_arrangement",
    "relief_exception",
    "relief_status_change",
    "relief_need",
    "offer_referral",
    "record_revision",
    "booking",
)
# What each row tuple fills, in order: every column of the table, as the models declare them.
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(column.name for column in Base.metadata.tables[name].columns)
    for name in TABLE_ORDER
}
# The tables with an integer ``id`` the generator numbers itself (the others are link tables).
ID_TABLES = tuple(name for name in TABLE_ORDER if "id" in COLUMNS[name])

Row = tuple[object, ...]


class Values:
    """Times are epoch seconds and dates ordinals while generating; here they become what the
    driver binds. Rows skip SQLAlchemy's per-value bind processing (a third of the run time,
    measured), so SQLite gets exactly the text its types write (``check`` proves it at the
    start of every run) and PostgreSQL gets aware datetimes, dates and booleans."""

    def __init__(self, dialect: Dialect) -> None:
        self.text = dialect.name == "sqlite"
        self._days: dict[int, object] = {}

    def at(self, ts: int) -> object:
        if not self.text:
            return datetime.fromtimestamp(ts, UTC)
        day, seconds = divmod(ts, DAY)
        return (
            f"{self.day(day + EPOCH_ORDINAL)} "
            f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"
        )

    def day(self, ordinal: int) -> object:
        found = self._days.get(ordinal)
        if found is None:
            found = date.fromordinal(ordinal)
            if self.text:
                found = found.isoformat()
            self._days[ordinal] = found
        return found

    def flag(self, value: bool) -> object:
        return int(value) if self.text else value

    def clock(self, hour: int, minute: int) -> object:
        """A time of day (relief schedules' local start and end)."""
        return f"{hour:02d}:{minute:02d}:00.000000" if self.text else time(hour, minute)

    def check(self, dialect: Dialect) -> None:
        """Our values must equal what the columns' own types would bind."""
        ts = 1_700_000_123
        samples: list[tuple[object, object, TypeEngine[Any]]] = [
            (self.at(ts), datetime.fromtimestamp(ts, UTC), UTCDateTime()),
            (self.day(739_000), date.fromordinal(739_000), Date()),
            (self.flag(True), True, Boolean()),
            (self.flag(False), False, Boolean()),
            (self.clock(9, 30), time(9, 30), Time()),
        ]
        for ours, value, type_ in samples:
            process = type_.dialect_impl(dialect).bind_processor(dialect)
            expected = process(value) if process is not None else value
            if ours != expected:
                raise RuntimeError(
                    f"demo data would store {ours!r} where the ORM stores {expected!r}"
                )


class RowShapes:
    """What a row tuple must look like for each table: one value per column, in the table's
    column order, each None (where the column is nullable) or of the Python type the
    column's type binds through ``Values``. Every row's length is checked (25 ms a million
    rows), and the types of each batch's first row: checking every value took about 2 s a
    million rows (measured), several seconds of a 100,000-relative run."""

    def __init__(self, tables: Mapping[str, Table], values: Values) -> None:
        self._columns = {
            name: tuple(
                (column.name, _bound_types(table.name, column.name, column.type, values))
                for column in table.columns
            )
            for name, table in tables.items()
        }
        self._nullable = {
            name: tuple(column.nullable for column in table.columns)
            for name, table in tables.items()
        }

    def check(self, table: str, batch: Sequence[Row]) -> None:
        if not batch:
            return
        columns = self._columns[table]
        widths = set(map(len, batch))
        if widths != {len(columns)}:
            raise RuntimeError(
                f"demo data builds {table} rows of {sorted(widths)} values; the table has "
                f"{len(columns)} columns: {', '.join(name for name, _types in columns)}"
            )
        for value, (name, types), nullable in zip(
            batch[0], columns, self._nullable[table], strict=True
        ):
            if value is None:
                if not nullable:
                    raise RuntimeError(f"demo data leaves {table}.{name} empty (NOT NULL)")
            elif type(value) not in types:
                raise RuntimeError(
                    f"demo data puts a {type(value).__name__} into {table}.{name}, which "
                    f"takes {' or '.join(t.__name__ for t in types)}"
                )


def _bound_types(
    table: str, column: str, type_: TypeEngine[Any], values: Values
) -> tuple[type, ...]:
    # Most specific first: Enum and Text are kinds of String.
    if isinstance(type_, UTCDateTime):
        return (type(values.at(0)),)
    if isinstance(type_, Date):
        return (type(values.day(EPOCH_ORDINAL)),)
    if isinstance(type_, Boolean):
        return (type(values.flag(True)),)
    if isinstance(type_, Time):
        return (type(values.clock(0, 0)),)
    if isinstance(type_, Integer):
        return (int,)
    if isinstance(type_, Float):
        return (float, int)
    if isinstance(type_, String):
        return (str,)
    raise RuntimeError(
        f"demo data has no rule for {table}.{column} ({type_!r}): add it to bulk._bound_types"
    )


class Rows:
    """The rows built since the last write, per table; the next id of each table; and how
    many rows of each table this run has built."""

    def __init__(self, next_ids: Mapping[str, int]) -> None:
        self.ids = dict(next_ids)
        self.pending: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
        self.counts: dict[str, int] = dict.fromkeys(TABLE_ORDER, 0)

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        self.pending[table].append(row)
        self.counts[table] += 1


class Sink:
    """Writes row tuples straight to the driver: COPY on psycopg (PostgreSQL), executemany
    elsewhere; in the caller's transaction."""

    def __init__(self, connection: Connection, values: Values) -> None:
        self.connection = connection
        dialect = connection.dialect
        if dialect.paramstyle not in ("qmark", "format", "pyformat"):
            raise RuntimeError(f"demo data cannot write with paramstyle {dialect.paramstyle}")
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self.shapes = RowShapes({name: Base.metadata.tables[name] for name in TABLE_ORDER}, values)
        quote = dialect.identifier_preparer.quote
        self.columns = {
            name: ", ".join(quote(c) for c in columns) for name, columns in COLUMNS.items()
        }
        self.tables = {name: quote(name) for name in COLUMNS}
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.inserts = {
            name: f"INSERT INTO {self.tables[name]} ({self.columns[name]}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
            for name, columns in COLUMNS.items()
        }

    def write(self, rows: dict[str, list[Row]]) -> None:
        """Writes and empties every table's pending rows, parents first."""
        for name in TABLE_ORDER:
            batch = rows[name]
            if not batch:
                continue
            self.shapes.check(name, batch)
            if self.copy:
                driver = self.connection.connection.driver_connection
                assert driver is not None
                statement = f"COPY {self.tables[name]} ({self.columns[name]}) FROM STDIN"
                with driver.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                self.connection.exec_driver_sql(self.inserts[name], batch)
            batch.clear()


def next_ids(session: Session) -> dict[str, int]:
    """The first free id of each table: appending never reuses or touches existing ids."""
    out: dict[str, int] = {}
    for name in ID_TABLES:
        table = Base.metadata.tables[name]
        out[name] = int(session.scalar(select(func.max(table.c.id))) or 0) + 1
    return out


def lock_tables(connection: Connection) -> None:
    """On PostgreSQL, keep other writers out of the tables whose ids we number ourselves
    until commit; SQLite's IMMEDIATE transaction already does."""
    if connection.dialect.name == "postgresql":
        # The bulk load waits for its table lock, and runs, longer than an advisor's call
        # may (Database's lock and statement timeouts): lifted for this transaction only.
        connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.exec_driver_sql(f"LOCK TABLE {', '.join(ID_TABLES)} IN SHARE ROW EXCLUSIVE MODE")


def reset_sequences(connection: Connection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each to its table's maximum so
    the next ordinary insert does not collide."""
    if connection.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
        )


def analyze(connection: Connection) -> None:
    """Refresh the query planner's statistics after a bulk load. Without them SQLite picked
    the ``status`` index for a relative's open follow-ups and RelativeService.get took 240 ms
    instead of 5 ms at 100,000 relatives (measured)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("ANALYZE")
    else:
        connection.exec_driver_sql(f"ANALYZE {', '.join(TABLE_ORDER)}")
