"""The local database: SQLModel tables, the engine, migrations and repositories that return
core objects."""
