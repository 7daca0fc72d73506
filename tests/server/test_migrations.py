"""Upgrades and downgrades as an operator meets them (test_storage_migrations.py covers the schema itself:
empty → head, head → base → head, 0001 → head with data). Here: one step down and back with data in it,
and a database that a newer release already migrated, refused with a message instead of a traceback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from fixtures.payloads import make_document
from fixtures.postgres import TEST_SERVER_SECRET
from helpers import http
from swgdb_bridge.cli import app
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.server.db import migrate
from swgdb_bridge.server.db.storage import Storage


def previous_revision() -> str:
    """The revision just below the head: what the last release left behind."""
    from alembic.script import ScriptDirectory

    (head,) = migrate.head_revisions()
    down = ScriptDirectory.from_config(migrate._config()).get_revision(head).down_revision
    assert isinstance(down, str), "the head has one parent"
    return down


def test_one_step_down_keeps_the_data_and_the_step_up_restores_the_head(database_url: str) -> None:
    with Storage(database_url, server_secret=TEST_SERVER_SECRET) as storage:
        user, api_key = storage.add_user("alice")
        document = SessionPayload.model_validate(make_document("s-down")).to_document()
        storage.upsert_session(user, "s-down", content_digest(document), document, datetime.now(UTC))
        head_tables = set(inspect(storage.engine).get_table_names())

        migrate.downgrade(storage.engine, previous_revision())
        assert migrate.current_revisions(storage.engine) == {previous_revision()}
        assert not storage.migrations_current()
        assert set(inspect(storage.engine).get_table_names()) < head_tables
        status = storage.session_status(user, "s-down")
        assert status is not None and status.digest == content_digest(document)

        migrate.upgrade(storage.engine)
        assert storage.migrations_current()
        assert set(inspect(storage.engine).get_table_names()) == head_tables
        assert storage.active_keys(user, datetime.now(UTC)) == [api_key]


def stamp_future_revision(database_url: str) -> None:
    with (
        Storage(database_url, server_secret=TEST_SERVER_SECRET) as storage,
        storage.engine.begin() as connection,
    ):
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))


def test_a_database_from_a_newer_release_is_refused_clearly(database_url: str) -> None:
    stamp_future_revision(database_url)
    with pytest.raises(ConfigError, match="revision 0099_from_the_future, which this swgdb-bridge release"):
        Storage(database_url, server_secret=TEST_SERVER_SECRET)
    with Storage(database_url, server_secret=TEST_SERVER_SECRET, migrate=False) as storage:
        with pytest.raises(ConfigError, match="a newer release upgraded it"):
            migrate.downgrade(storage.engine, "base")
        assert migrate.current_revisions(storage.engine) == {"0099_from_the_future"}  # left as it was


def test_server_run_on_a_newer_database_exits_with_the_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'server.db'}"
    stamp_future_revision(url)
    result = CliRunner().invoke(app, ["server", "run", "--database-url", url, "--port", "0"])
    assert result.exit_code == 3  # configuration (the exit-code policy in commands/_output.py)
    assert "a newer release upgraded it" in result.output and "Traceback" not in result.output


def test_an_old_worker_on_an_upgraded_database_reports_not_ready(database_url: str) -> None:
    """Mid rolling upgrade: workers of the old release stop taking traffic (docs/deploy.md, section 6)."""

    from swgdb_bridge.server.runner import start_server

    stamp_future_revision(database_url)
    storage = Storage(database_url, server_secret=TEST_SERVER_SECRET, migrate=False)
    with start_server(storage=storage) as server:
        ready = http.get(f"{server.url}/readyz")
    storage.close()
    assert ready.status_code == 503 and "a newer release" in ready.json()["problems"][0]
