"""Scale-out on PostgreSQL: separate ``server run`` processes, and ``--workers N``, share one database.

Each server here is a real ``python -m swgdb_bridge server run`` subprocess on its own loopback port, so
nothing but PostgreSQL connects them: a nonce used at one is spent at the other, a user's rate limit is
one budget, and a session sent through both is one row. :class:`ServerProcess` is also used by the soak.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson
import pytest

from fixtures.live_server import Account
from fixtures.payloads import make_document, make_payload
from fixtures.postgres import TEST_SERVER_SECRET
from helpers import http
from helpers.ports import free_port, on_free_port, raise_if_port_taken
from swgdb_bridge import protocol
from swgdb_bridge.server.db.storage import Storage

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("scaleout")]

START_TIMEOUT_SECONDS = 90.0  # generous: a loaded 2-core CI box takes seconds to import a worker
RATE_LIMIT = 8
RATE_WINDOW_SECONDS = 60  # windows start at multiples of it (Unix time): a burst may span two


class ServerProcess:
    """``swgdb-bridge server run`` in a subprocess; its log goes to ``log_path``."""

    def __init__(self, database_url: str, log_path: Path, *, workers: int = 1, **env: str) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.workers = workers
        self.env = {**os.environ, "SWGDB_SERVER_SECRET": TEST_SERVER_SECRET.decode(), **env}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.started = False  # once up, a restart must come back on the same port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str) -> ServerProcess:
        """Launch and wait until ready. A restart keeps its port (clients know it); a first start moves to
        another port if someone took this one between the probe and the bind."""
        try:
            self.launch(*extra)
            self.wait_ready()
            return self
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or self.started:
                raise

        def attempt(port: int) -> ServerProcess:
            self.port = port
            self.launch(*extra)
            self.wait_ready()
            return self

        return on_free_port(attempt)

    def launch(self, *extra: str) -> None:
        """Start the process without waiting for it (start several, then :meth:`wait_ready` for each)."""
        command = [
            sys.executable,
            "-m",
            "swgdb_bridge",
            "server",
            "run",
            "--port",
            str(self.port),
            "--database-url",
            self.database_url,
            "--workers",
            str(self.workers),
            *extra,
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise_if_port_taken(self.log_tail(), self.port)
                raise AssertionError(f"server on {self.url} exited early\n{self.log_tail()}")
            try:
                if http.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    self.started = True
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(
            f"server on {self.url} not ready in {START_TIMEOUT_SECONDS} s\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM (graceful: in-flight requests finish), as a service manager would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else "(no log)"


@pytest.fixture(scope="module")
def shared_database(postgres_cluster) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = postgres_cluster.new_database()
    Storage(url, server_secret=TEST_SERVER_SECRET).close()  # migrated once, before any server starts
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="module")
def pair(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """Two server processes on one PostgreSQL database, with a small per-user rate limit."""
    folder = tmp_path_factory.mktemp("pair")
    servers = [
        ServerProcess(
            shared_database,
            folder / f"server-{name}.log",
            SWGDB_RATE_LIMIT=str(RATE_LIMIT),
            SWGDB_RATE_LIMIT_WINDOW=str(RATE_WINDOW_SECONDS),
        )
        for name in "ab"
    ]
    try:
        for server in servers:
            server.launch()
        for server in servers:
            try:
                server.wait_ready()
            except OSError:  # its port was taken between the probe and the bind: again on another
                server.port = free_port()
                server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def db(shared_database: str) -> Iterator[Storage]:
    with Storage(shared_database, server_secret=TEST_SERVER_SECRET, migrate=False) as opened:
        yield opened


def account(db: Storage, name: str) -> Account:
    return Account(*db.add_user(name))


def signed_upload(user: Account, body: bytes) -> dict[str, str]:
    headers = protocol.sign_request(user.api_key, user.user_hash, "POST", "/v1/sessions/upload", body)
    return {**headers, "Content-Type": "application/json"}


def signed_get(user: Account, target: str) -> dict[str, str]:
    return protocol.sign_request(user.api_key, user.user_hash, "GET", target, b"")


def test_a_request_replayed_to_the_other_process_is_refused(pair: list[ServerProcess], db: Storage) -> None:
    user = account(db, "replay")
    body = make_payload("replayed").to_json_bytes()
    headers = signed_upload(user, body)
    first = http.post(f"{pair[0].url}/v1/sessions/upload", content=body, headers=headers)
    replay = http.post(f"{pair[1].url}/v1/sessions/upload", content=body, headers=headers)
    assert first.status_code == 201
    assert (replay.status_code, replay.json()["error"]) == (401, "unauthorized")
    assert [row.session_id for row in db.list_sessions(user.user_hash, 10, None)[0]] == ["replayed"]


def test_one_users_burst_across_both_processes_is_limited_as_one(
    pair: list[ServerProcess], db: Storage
) -> None:
    for attempt in range(3):  # a burst across a window's end has two budgets: then again, as a new user
        user = account(db, f"burst-{attempt}")
        started = time.time()
        statuses = [
            http.get(f"{pair[i % 2].url}/v1/sessions", headers=signed_get(user, "/v1/sessions")).status_code
            for i in range(2 * RATE_LIMIT)
        ]
        if int(started) // RATE_WINDOW_SECONDS == int(time.time()) // RATE_WINDOW_SECONDS:
            break
    assert statuses.count(200) == RATE_LIMIT and statuses.count(429) == RATE_LIMIT
    assert set(statuses[:RATE_LIMIT]) == {200}  # the budget is spent in order, whichever process answers
    other = account(db, "bystander")  # a limit per user, not per server
    assert (
        http.get(f"{pair[1].url}/v1/sessions", headers=signed_get(other, "/v1/sessions")).status_code == 200
    )


def test_sessions_sent_through_both_processes_land_once(pair: list[ServerProcess], db: Storage) -> None:
    user = account(db, "both")
    documents = [make_document(f"both-{n}", xp=100 + n) for n in range(5)]
    batch = orjson.dumps({"sessions": documents})
    batch_headers = protocol.sign_request(
        user.api_key, user.user_hash, "POST", "/v1/sessions/batch-upload", batch
    )
    created = http.post(f"{pair[0].url}/v1/sessions/batch-upload", content=batch, headers=batch_headers)
    assert [item["status"] for item in created.json()["results"]] == ["created"] * 5
    again = [
        http.post(f"{pair[1].url}/v1/sessions/upload", content=body, headers=signed_upload(user, body))
        for body in (orjson.dumps(document) for document in documents[:4])
    ]
    assert [(r.status_code, r.json()["status"]) for r in again] == [(200, "unchanged")] * 4

    fresh = make_payload("both-race").to_json_bytes()  # the same new session to both at once: one row
    with ThreadPoolExecutor(2) as pool:
        raced = list(
            pool.map(
                lambda server: http.post(
                    f"{server.url}/v1/sessions/upload", content=fresh, headers=signed_upload(user, fresh)
                ),
                pair,
            )
        )
    assert sorted(r.json()["status"] for r in raced) == ["created", "unchanged"]
    rows, _ = db.list_sessions(user.user_hash, 100, None)
    assert sorted(row.session_id for row in rows) == sorted(
        [*(d["session_id"] for d in documents), "both-race"]
    )


def metric_value(text: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def test_workers_share_the_database_metrics_and_write_json_logs(
    shared_database: str, db: Storage, tmp_path: Path
) -> None:
    """``--workers 2``: every scrape, whichever worker answers it, counts the requests of both."""
    metrics_dir = tmp_path / "prometheus"
    server = ServerProcess(
        shared_database, tmp_path / "workers.log", workers=2, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    user = account(db, "workers")
    try:
        server.start("--log-format", "json")
        body = make_payload("via-workers").to_json_bytes()
        upload = http.post(
            f"{server.url}/v1/sessions/upload", content=body, headers=signed_upload(user, body)
        )
        assert upload.status_code == 201
        for _ in range(24):  # a new connection each time, so the kernel spreads them over the workers
            assert http.get(f"{server.url}/v1/info").status_code == 200
        scrapes = [http.get(f"{server.url}/metrics").text for _ in range(6)]
    finally:
        server.stop()
    pids = {path.stem.rsplit("_", 1)[1] for path in metrics_dir.glob("*.db")}
    assert len(pids) == 2  # both workers wrote their values into the shared folder
    for text in scrapes:
        assert metric_value(text, "swgdb_request_duration_seconds_count", route="/v1/info") == 24
        assert metric_value(text, "swgdb_uploads_total", status="created") == 1

    lines = [orjson.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if "POST /v1/sessions/upload -> 201" in line["message"]]
    assert [line["request_id"] for line in access] == [upload.headers["x-request-id"]]
    log_text = server.log_path.read_text()
    assert user.api_key not in log_text and upload.request.headers["x-swgdb-signature"] not in log_text
