"""Alembic migrations (batch mode for SQLite). Run through storage.migrate, not alembic.ini."""
