"""Plain SQL for bulk writes inside an open ORM transaction, without per-statement compiling.

An import writes a few hundred rows into a dozen tables once. Through the ORM each statement
is compiled for the engine first (1–2 ms apiece on a freshly opened database, more than
SQLite's own work for the whole import), and per-row ORM bookkeeping costs ten times the
insert. These helpers hand rows straight to the sqlite3 connection of the session (same
transaction) and fall back to SQLAlchemy Core on any other database. On SQLite, values pass
through each column type's own bind processor, so what is stored is exactly what the ORM
would have stored (datetimes as UTC text).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Table, insert, text
from sqlmodel import Session, SQLModel


def rows(
    session: Session, sql: str, params: Mapping[str, object] | None = None
) -> list[tuple[Any, ...]]:
    """The rows of one query written with :named parameters (as SQLite's driver takes them)."""
    sqlite = _sqlite(session)
    if sqlite is not None:
        return sqlite.execute(sql, dict(params or {})).fetchall()
    return [tuple(row) for row in session.connection().execute(text(sql), dict(params or {}))]


def execute_many(session: Session, sql: str, params: Sequence[Mapping[str, object]]) -> None:
    """One statement (:named parameters) run for every parameter set."""
    sqlite = _sqlite(session)
    if sqlite is not None:
        sqlite.executemany(sql, params)
    else:
        session.connection().execute(text(sql), [dict(p) for p in params])


_SQLITE = "steward_desk.sqlite3_connection"


def _sqlite(session: Session) -> sqlite3.Connection | None:
    """The session's own sqlite3 connection, inside its open transaction (None elsewhere).

    Statements given straight to it skip SQLAlchemy's per-call machinery (about 60 µs each)
    yet commit or roll back with the session: pysqlite opens the transaction on the first
    write of that same connection, and the session's commit ends it."""
    return _connection(session)[0]


def _connection(session: Session) -> tuple[sqlite3.Connection | None, Any]:
    """(the sqlite3 connection or None, the dialect) of the session's open transaction.

    A transaction keeps its connection until it ends: both are looked up once per
    transaction (`session.connection()` costs 30 µs a call, a dozen calls per import)."""
    transaction = session.get_transaction()
    cached = session.info.get(_SQLITE)
    if transaction is None or cached is None or cached[0] is not transaction:
        connection = session.connection()
        driver = connection.connection.driver_connection
        sqlite = driver if isinstance(driver, sqlite3.Connection) else None
        cached = (session.get_transaction(), sqlite, connection.dialect)
        session.info[_SQLITE] = cached
    return cached[1], cached[2]


def chunks(items: Sequence[str], size: int = 500) -> list[list[str]]:
    """`items` in lists of at most `size`, one per IN (…) of a statement: SQLite builds older
    than 3.32 allow 999 bound parameters."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def insert_tuples(
    session: Session,
    model: type[SQLModel],
    columns: tuple[str, ...],
    rows: Sequence[tuple[object, ...]],
) -> None:
    """INSERT rows given as tuples in `columns` order, inside the session's transaction."""
    if not rows:
        return
    table: Table = model.__table__  # type: ignore[attr-defined]
    sqlite, dialect = _connection(session)
    if sqlite is None:
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    processors = [
        (index, processor)
        for index, processor in enumerate(_processors(table, columns, dialect))
        if processor is not None
    ]
    if processors:
        rows = [_bound(row, processors) for row in rows]
    marks = ", ".join("?" for _ in columns)
    sqlite.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows)


def insert_dicts(
    session: Session, model: type[SQLModel], rows: Sequence[Mapping[str, object]]
) -> None:
    """INSERT rows given as dicts (all with the keys of the first)."""
    if rows:
        columns = tuple(rows[0])
        pick = itemgetter(*columns) if len(columns) > 1 else lambda r: (r[columns[0]],)
        insert_tuples(session, model, columns, list(map(pick, rows)))


def new_row(model: type[SQLModel], **values: object) -> dict[str, object]:
    """A row of `model` as the ORM would insert it: these values, the model's defaults (and
    default factories: new ids, timestamps) for the rest. No model object is built: building
    one costs more than inserting it."""
    row: dict[str, object] = {}
    for name, field in model.model_fields.items():
        if name in values:
            row[name] = values[name]
        elif field.default_factory is not None:
            row[name] = field.default_factory()  # type: ignore[call-arg]
        elif field.default is not PydanticUndefined:
            row[name] = field.default
        else:
            raise TypeError(f"{model.__name__}.{name} needs a value")
    return row


def new_ids(count: int) -> list[str]:
    """`count` new ids, each as `tables.new_id` makes them (`str(uuid.uuid4())`), from one
    read of the OS's random source: uuid4 reads it once per id (6 µs each, 40 of them per
    40-car import)."""
    digits = os.urandom(16 * count).hex()
    ids = []
    for start in range(0, 32 * count, 32):
        h = digits[start : start + 32]
        # RFC 4122: version nibble 4; the variant's top two bits 10 (8, 9, a or b).
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}")
    return ids


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


_PROCESSORS: dict[tuple[type, str, tuple[str, ...]], list[Callable[[Any], Any] | None]] = {}


def _processors(
    table: Table, columns: tuple[str, ...], dialect: Any
) -> list[Callable[[Any], Any] | None]:
    """Each column's bind processor; kept per dialect class, because every newly opened
    engine has a new dialect object and working them out again costs a millisecond."""
    key = (type(dialect), table.name, columns)
    found = _PROCESSORS.get(key)
    if found is None:
        found = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
        ]
        _PROCESSORS[key] = found
    return found


def _bound(
    row: tuple[object, ...], processors: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[object, ...]:
    values = list(row)
    for index, processor in processors:
        values[index] = processor(values[index])
    return tuple(values)
