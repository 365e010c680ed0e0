"""Alembic environment: runs on the engine handed over by store.db, never on a URL of its own."""

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration on SQLite copies a table, drops the old one and renames the copy; with foreign
        # keys enforced (store.db turns them on) the drop fails as soon as another table's rows point at
        # the table. SQLite's own procedure for such changes: keys off during the change (the pragma is
        # ignored inside a transaction, so before it), foreign_key_check before the commit.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # ends SQLAlchemy's autobegun transaction (pysqlite emitted no BEGIN for it)
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=sqlite)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing at missing rows: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
