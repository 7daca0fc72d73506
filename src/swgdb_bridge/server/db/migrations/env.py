"""Alembic environment: runs on the connection :mod:`swgdb_bridge.server.db.migrate` hands over."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through swgdb_bridge.server.db.migrate (Storage does on start)")

context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
