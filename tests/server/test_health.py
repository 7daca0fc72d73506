"""``/healthz`` and ``/readyz`` against real databases: ready, database gone, schema behind, back again."""

from __future__ import annotations

import logging

import pytest

from fixtures.postgres import TEST_SERVER_SECRET, PostgresCluster, require_pg_bin
from helpers.http import http_client
from helpers.ports import refused_port
from swgdb_bridge.server.db import migrate
from swgdb_bridge.server.db.storage import Storage
from swgdb_bridge.server.ops.health import DATABASE_UNREACHABLE
from swgdb_bridge.server.runner import start_server


def test_ready_on_a_migrated_database(database_url: str) -> None:
    with start_server(database_url) as server, http_client(base_url=server.url) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_not_ready_while_the_schema_is_behind_then_ready_after_the_upgrade(database_url: str) -> None:
    storage = Storage(database_url, server_secret=TEST_SERVER_SECRET, migrate=False)
    with start_server(storage=storage) as server, http_client(base_url=server.url) as http:
        behind = http.get("/readyz")
        assert behind.status_code == 503
        assert "migration head" in behind.json()["problems"][0]
        assert http.get("/healthz").status_code == 200  # alive: restarting would not fix it
        migrate.upgrade(storage.engine)
        assert http.get("/readyz").status_code == 200
    storage.close()


def test_not_ready_when_postgres_stops_and_ready_when_it_is_back() -> None:
    """A cluster of its own, so that stopping it disturbs no other test."""
    cluster = PostgresCluster(require_pg_bin())
    cluster.start()
    try:
        with start_server(cluster.new_database()) as server, http_client(base_url=server.url) as http:
            assert http.get("/readyz").status_code == 200
            cluster._run("pg_ctl", "-D", str(cluster.data), "-m", "fast", "-w", "stop")
            down = http.get("/readyz")
            assert down.status_code == 503 and down.json()["status"] == "unavailable"
            assert down.json()["problems"][0].startswith("database unreachable")
            assert http.get("/healthz").status_code == 200
            options = f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.root}"
            cluster._run(
                "pg_ctl", "-D", str(cluster.data), "-l", str(cluster.log), "-o", options, "-w", "start"
            )
            assert http.get("/readyz").status_code == 200  # the pool's pre-ping replaces dead connections
    finally:
        cluster.stop()


def test_not_ready_on_a_dead_port_and_where_the_database_is_goes_to_the_log_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``/readyz`` is often public (a load balancer's probe): its answer names no user, host, port or
    database (before: ``postgresql+psycopg://swgdb@127.0.0.1:PORT/swgdb``), the server's log does, and
    never the password."""
    with refused_port() as port, caplog.at_level(logging.WARNING, "swgdb_bridge.server"):
        url = f"postgresql://swgdb:hunter2-secret@127.0.0.1:{port}/swgdb"
        storage = Storage(url, server_secret=TEST_SERVER_SECRET, migrate=False)
        with start_server(storage=storage) as server, http_client(base_url=server.url) as http:
            down = http.get("/readyz")
        storage.close()
    assert down.status_code == 503
    assert down.json()["problems"] == [DATABASE_UNREACHABLE]
    assert not any(secret in down.text for secret in (str(port), "127.0.0.1", "swgdb@", "hunter2"))
    assert f"127.0.0.1:{port}" in caplog.text and "hunter2" not in caplog.text
