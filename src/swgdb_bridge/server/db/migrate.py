"""Alembic, driven from code: the migration scripts ship inside the package, so no ``alembic.ini``.

Workers of one deployment may start together; the upgrade holds a database-wide lock (an advisory lock
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) so exactly one of them migrates and the others then find
the schema current.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from swgdb_bridge.errors import ConfigError
from swgdb_bridge.server.db.engine import writer

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
_PG_LOCK_KEY = 0x53574744  # "SWGD": the advisory lock id of our migrations


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; a schema already at the head is left alone after one read.

    That read is every start but the first after a release: it skips the lock and Alembic's migration
    environment, which costs several times the read. A worker that reads an older schema while another
    migrates takes the lock and finds nothing left to do.
    """
    if revision == "head" and current_revisions(engine) == head_revisions():
        return
    with writer(engine).begin() as connection:
        _lock(connection)
        _refuse_unknown_revisions(connection)
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with writer(engine).begin() as connection:
        _lock(connection)
        _refuse_unknown_revisions(connection)
        command.downgrade(_config(connection), revision)


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process: they ship inside the package and do not change."""
    return ScriptDirectory.from_config(_config())


def head_revisions() -> set[str]:
    return set(_scripts().get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _refuse_unknown_revisions(connection: Connection) -> None:
    """A schema migrated by a newer release: say so, instead of Alembic's "Can't locate revision"."""
    known = {script.revision for script in _scripts().walk_revisions()}
    unknown = sorted(set(MigrationContext.configure(connection).get_current_heads()) - known)
    if unknown:
        raise ConfigError(
            f"the database schema is at revision {', '.join(unknown)}, which this swgdb-bridge release does not "
            "know: a newer release upgraded it. Run that release (or a newer one), or restore the backup taken "
            "before the upgrade (docs/deploy.md)"
        )


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
