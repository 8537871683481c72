"""Laps packed per car entry: one car_laps row of JSON columns instead of one lap row per lap

Revision ID: 0004
Revises: 0003

Storing 11,000 lap rows was most of the cost of importing an 8-hour race. Existing laps move
into car_laps (lap k at index k − 1 of every column, as storage/tables.py CarLaps documents),
then the lap table goes. The importer always numbered a car's laps 1…n; a car whose stored
lap numbers are not exactly that stops the migration (the backup taken before it stays)
rather than renumber anything.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _split_values(text: str) -> list[int | None]:
    """"31000,42000,27000" as 0001 stored it; an empty field was a missing sector."""
    return [int(v) if v else None for v in text.split(",")] if text else []


def upgrade() -> None:
    op.create_table(
        "car_laps",
        sa.Column("car_entry_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("laps", sa.Integer(), nullable=False),
        sa.Column("lap_time_ms", sa.Text(), nullable=False),
        sa.Column("valid", sa.Text(), nullable=False),
        sa.Column("driver_index", sa.Text(), nullable=False),
        sa.Column("splits", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["car_entry_id"], ["car_entry.id"]),
        sa.PrimaryKeyConstraint("car_entry_id"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT car_entry_id, lap_number, driver_index, lap_time_ms, valid, splits "
            "FROM lap ORDER BY car_entry_id, lap_number"
        )
    ).all()
    cars: dict[str, list[tuple[int, int, int | None, bool, str]]] = {}
    for entry, number, driver, time, valid, splits in rows:
        cars.setdefault(entry, []).append((number, driver, time, bool(valid), splits))
    packed = []
    for entry, laps in cars.items():
        numbers = [lap[0] for lap in laps]
        if numbers != list(range(1, len(laps) + 1)):
            raise RuntimeError(
                f"car entry {entry}: stored lap numbers {numbers[:5]}… are not 1…{len(laps)}; "
                "the laps cannot be packed without renumbering them"
            )
        packed.append(
            {
                "car_entry_id": entry,
                "laps": len(laps),
                "lap_time_ms": _dumps([lap[2] for lap in laps]),
                "valid": _dumps([lap[3] for lap in laps]),
                "driver_index": _dumps([lap[1] for lap in laps]),
                "splits": _dumps([_split_values(lap[4]) for lap in laps]),
            }
        )
    if packed:
        connection.execute(
            sa.text(
                "INSERT INTO car_laps (car_entry_id, laps, lap_time_ms, valid, driver_index, "
                "splits) VALUES (:car_entry_id, :laps, :lap_time_ms, :valid, :driver_index, "
                ":splits)"
            ),
            packed,
        )
    with op.batch_alter_table("lap", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lap_car_entry_id"))
    op.drop_table("lap")


def downgrade() -> None:
    op.create_table(
        "lap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("car_entry_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lap_number", sa.Integer(), nullable=False),
        sa.Column("driver_index", sa.Integer(), nullable=False),
        sa.Column("lap_time_ms", sa.Integer(), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("splits", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["car_entry_id"], ["car_entry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("car_entry_id", "lap_number"),
    )
    with op.batch_alter_table("lap", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lap_car_entry_id"), ["car_entry_id"], unique=False)
    connection = op.get_bind()
    rows = []
    for entry, times, valid, drivers, splits in connection.execute(
        sa.text("SELECT car_entry_id, lap_time_ms, valid, driver_index, splits FROM car_laps")
    ):
        for number, (time, ok, driver, sectors) in enumerate(
            zip(json.loads(times), json.loads(valid), json.loads(drivers), json.loads(splits)),
            start=1,
        ):
            rows.append(
                {
                    "car_entry_id": entry,
                    "lap_number": number,
                    "driver_index": driver,
                    "lap_time_ms": time,
                    "valid": ok,
                    "splits": ",".join("" if s is None else str(s) for s in sectors),
                }
            )
    if rows:
        connection.execute(
            sa.text(
                "INSERT INTO lap (car_entry_id, lap_number, driver_index, lap_time_ms, valid, "
                "splits) VALUES (:car_entry_id, :lap_number, :driver_index, :lap_time_ms, "
                ":valid, :splits)"
            ),
            rows,
        )
    op.drop_table("car_laps")
