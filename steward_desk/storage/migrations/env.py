"""Alembic environment: the connection comes from storage.migrate via config.attributes."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import steward_desk.storage.panel_tables
import steward_desk.storage.tables  # noqa: F401  (registers the tables on the metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through steward_desk.storage.migrate")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
