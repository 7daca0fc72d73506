"""Schema: Alembic builds exactly what tables.py describes, both ways, on both engines; start-up errors."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from fixtures.payloads import make_document
from fixtures.postgres import TEST_SERVER_SECRET
from helpers.ports import refused_port
from helpers.race import race
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.server.db import migrate
from swgdb_bridge.server.db.engine import make_engine, parse_database_url
from swgdb_bridge.server.db.storage import Storage, StorageError, default_database_url
from swgdb_bridge.server.db.tables import metadata


def schema_gaps(storage: Storage) -> list[tuple]:
    """Differences between tables.py and the database, except objects only the database has.

    Later migrations (the dashboard's) may add tables and indexes of their own; what tables.py declares
    must all be there, with the same types.
    """
    with storage.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    flat = [d for item in diffs for d in (item if isinstance(item, list) else [item])]
    return [d for d in flat if not d[0].startswith("remove_")]


def test_upgrade_from_empty_builds_the_declared_schema(database_url: str) -> None:
    with Storage(database_url, server_secret=TEST_SERVER_SECRET) as storage:
        assert storage.migrations_current()
        assert schema_gaps(storage) == []
        assert set(metadata.tables) <= set(inspect(storage.engine).get_table_names())


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    with Storage(database_url, server_secret=TEST_SERVER_SECRET) as storage:
        user, _ = storage.add_user("alice")
        migrate.downgrade(storage.engine, "base")
        assert not storage.migrations_current()
        assert set(inspect(storage.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(storage.engine)
        assert storage.migrations_current() and schema_gaps(storage) == []
        assert storage.add_user("bob")[0] != user


def test_without_migrate_an_empty_database_is_not_current(database_url: str) -> None:
    with Storage(database_url, server_secret=TEST_SERVER_SECRET, migrate=False) as storage:
        storage.ping()
        assert not storage.migrations_current()


def test_workers_starting_together_all_come_up(database_url: str) -> None:
    opened = race([lambda: Storage(database_url, server_secret=TEST_SERVER_SECRET) for _ in range(3)])
    try:
        assert all(storage.migrations_current() for storage in opened)
    finally:
        for storage in opened:
            storage.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with (
        Storage(
            f"sqlite:///{tmp_path / 'nested' / 'server.db'}", server_secret=TEST_SERVER_SECRET
        ) as storage,
        storage.engine.connect() as connection,
    ):
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_unreachable_database_is_named_without_its_password() -> None:
    with refused_port() as port, pytest.raises(StorageError) as caught:
        Storage(f"postgresql://swgdb:hunter2-secret@127.0.0.1:{port}/swgdb")
    message = str(caught.value)
    assert f"postgresql+psycopg://swgdb:***@127.0.0.1:{port}/swgdb" in message
    assert "hunter2" not in message and caught.value.__cause__ is None


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@h/db",
        "not a url",
        # no TCP port: was a ValueError traceback, or the driver's "cannot resolve host"
        "postgresql://u:hunter2@h:abc/db",
        "postgresql://u:hunter2@h:99999/db",
        "postgresql://u:hunter2@h:0/db",
        "postgresql+psycopg://u:hunter2@[::1/db",
        "postgresql://u:hunter2@h:-1/db",
        "postgresql://u:hunter2\udcff@h/db",  # bytes that were not UTF-8: was a UnicodeEncodeError traceback
        "postgresql://u:hunter2@h/db\x00",
    ],
)
def test_unsupported_urls_are_refused_with_the_options_to_use(url: str) -> None:
    with pytest.raises(ConfigError, match="sqlite:///PATH or postgresql") as caught:
        Storage(url)
    assert "hunter2" not in str(caught.value)


def test_default_database_url(bridge_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_database_url() == f"sqlite:///{bridge_home / 'data' / 'server.db'}"
    assert (bridge_home / "data").is_dir()
    monkeypatch.setenv("SWGDB_DATABASE_URL", "postgresql://db.example/swgdb")
    assert default_database_url() == "postgresql://db.example/swgdb"


def test_upgrade_from_the_first_revision_keeps_the_data(database_url: str) -> None:
    """A database made by an older release (revision 0001) upgrades in place, users and sessions intact."""
    with Storage(database_url, server_secret=TEST_SERVER_SECRET, migrate=False) as old_release:
        migrate.upgrade(old_release.engine, "0001")
        user, api_key = old_release.add_user("alice")
        document = SessionPayload.model_validate(make_document("s-1")).to_document()
        old_release.upsert_session(user, "s-1", content_digest(document), document, datetime.now(UTC))
    with Storage(database_url, server_secret=TEST_SERVER_SECRET) as upgraded:
        assert upgraded.migrations_current()
        assert upgraded.active_keys(user, datetime.now(UTC)) == [api_key]
        status = upgraded.session_status(user, "s-1")
        assert status is not None and status.digest == content_digest(document)


def test_workers_opening_a_new_sqlite_file_at_once_all_switch_it_to_wal(tmp_path: Path) -> None:
    """SQLite answers "database is locked" at once (no busy timeout) to all but one connection switching a
    new file to WAL together; the engine retries. Before the retry, about one round in ten failed here."""
    for round_number in range(40):
        url = parse_database_url(f"sqlite:///{tmp_path / f'fresh-{round_number}.db'}")
        engines = [make_engine(url) for _ in range(3)]
        race([partial(_connect, engine) for engine in engines])  # a worker's exception fails the test
        for engine in engines:
            engine.dispose()


def _connect(engine: Engine) -> None:
    with engine.connect():
        pass
