"""Soak: 8 uploader processes push sessions through two server processes while one of them restarts.

Every uploader is a separate Python process with its own user, using the real ``SWGDBAPIClient`` (its
retries and backoff) and failing over to the other server when one does not answer. One server gets
SIGTERM a quarter of the way in and comes back on the same port; the uploaders hold their second half
until it is back, so the restarted server surely serves traffic too. Afterwards: every session is stored
exactly once with the content that was sent, none is lost, and no response was a 5xx (none is expected
even during the restart: a graceful stop finishes in-flight requests and then refuses connections).

``SWGDB_SOAK_SCALE=N`` multiplies the sessions per uploader (default 1: 30 each, 240 in all, CI-sized).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from fixtures.payloads import make_payload
from swgdb_bridge.upload.client import tls_context

if TYPE_CHECKING:
    from fixtures.live_server import Account
    from swgdb_bridge.server.db.storage import Storage

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

UPLOADERS = 8
SESSIONS_PER_UPLOADER = 30 * max(1, int(os.environ.get("SWGDB_SOAK_SCALE", "1") or 1))
HERE = Path(__file__).resolve().parent


class RecordingTransport(httpx.HTTPTransport):
    """The real HTTP transport, noting each response's status (or the failure) with the wall time."""

    def __init__(self, log: list[dict[str, Any]]) -> None:
        super().__init__(verify=tls_context())
        self.log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        entry: dict[str, Any] = {"time": time.time(), "url": str(request.url.host) + f":{request.url.port}"}
        self.log.append(entry)
        try:
            response = super().handle_request(request)
        except httpx.TransportError as exc:
            entry["error"], entry["failed_at"] = type(exc).__name__, time.time()
            raise
        entry["status"] = response.status_code
        return response


def uploader_main(config_path: str) -> None:
    """Entry point of one uploader process: upload every session, failing over between the servers."""
    from swgdb_bridge.upload.client import SWGDBAPIClient, TransientAPIError

    config = json.loads(Path(config_path).read_text())
    log: list[dict[str, Any]] = []
    clients = [
        SWGDBAPIClient(
            url,
            config["api_key"],
            config["user_hash"],
            max_retries=1,
            retry_delay_seconds=0.05,
            transport=RecordingTransport(log),
        )
        for url in config["urls"]
    ]
    results = {}
    for index in range(config["count"]):
        if index == config["count"] // 2:
            wait_for(Path(config["resume_flag"]))
        session_id = f"{config['prefix']}-{index:04d}"
        body = make_payload(session_id, xp=1000 + index).to_json_bytes()
        for attempt in range(200):
            try:
                results[session_id] = clients[(index + attempt) % len(clients)].send_session(body).status
                break
            except TransientAPIError:
                time.sleep(0.05)
    Path(config["report"]).write_text(json.dumps({"results": results, "log": log}))


def wait_for(flag: Path, timeout: float = 240.0) -> None:
    """The second half waits until the restarted server is back, so it surely gets traffic too."""
    deadline = time.monotonic() + timeout
    while not flag.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{flag} did not appear in {timeout:.0f} s")
        time.sleep(0.05)


def start_uploader(folder: Path, user: Account, urls: list[str], number: int) -> subprocess.Popen[bytes]:
    config = {
        "api_key": user.api_key,
        "user_hash": user.user_hash,
        "urls": urls,
        "count": SESSIONS_PER_UPLOADER,
        "prefix": f"soak{number}",
        "report": str(folder / f"report-{number}.json"),
        "resume_flag": str(folder / "restarted"),
    }
    config_path = folder / f"uploader-{number}.json"
    config_path.write_text(json.dumps(config))
    code = f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]; import test_soak; test_soak.uploader_main(sys.argv[1])"
    with (folder / f"uploader-{number}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(config_path)], stdout=log, stderr=subprocess.STDOUT
        )


def stored_count(storage: Storage, users: list[Account]) -> int:
    return sum(len(storage.list_sessions(user.user_hash, 1000, None)[0]) for user in users)


def test_uploads_through_two_servers_survive_a_restart(postgres_url: str, tmp_path: Path) -> None:
    # Imported here, not at the top: each uploader process imports this module and needs none of them.
    from test_scaleout import ServerProcess

    from fixtures.live_server import Account
    from fixtures.postgres import TEST_SERVER_SECRET
    from swgdb_bridge.payload import content_digest
    from swgdb_bridge.server.db.storage import Storage

    storage = Storage(postgres_url, server_secret=TEST_SERVER_SECRET)
    servers = [
        ServerProcess(postgres_url, tmp_path / f"server-{name}.log", SWGDB_RATE_LIMIT="1000000")
        for name in "ab"
    ]
    users = [Account(*storage.add_user(f"uploader-{n}")) for n in range(UPLOADERS)]
    uploaders: list[subprocess.Popen[bytes]] = []
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        urls = [f"{server.url}/v1" for server in servers]
        uploaders = [start_uploader(tmp_path, user, urls, n) for n, user in enumerate(users)]
        total = UPLOADERS * SESSIONS_PER_UPLOADER
        deadline = time.monotonic() + 120
        while stored_count(storage, users) < total // 4:
            assert time.monotonic() < deadline, "uploads did not get going"
            assert all(p.poll() in (None, 0) for p in uploaders)
            time.sleep(0.1)
        stopping_at = time.time()
        servers[1].stop()
        servers[1].start()
        back_at = time.time()
        (tmp_path / "restarted").touch()
        for process in uploaders:
            assert process.wait(timeout=240) == 0, (tmp_path / "uploader-0.log").read_text()[-2000:]
        reports = [json.loads((tmp_path / f"report-{n}.json").read_text()) for n in range(UPLOADERS)]
    finally:
        for process in uploaders:
            if process.poll() is None:
                process.kill()
        for server in servers:
            server.stop()

    for number, (user, report) in enumerate(zip(users, reports, strict=True)):
        rows, cursor = storage.list_sessions(user.user_hash, 1000, None)
        expected = {f"soak{number}-{i:04d}": 1000 + i for i in range(SESSIONS_PER_UPLOADER)}
        # every session exactly once, none lost
        assert cursor is None and sorted(row.session_id for row in rows) == sorted(expected)
        for row in rows:
            document = make_payload(row.session_id, xp=expected[row.session_id]).to_document()
            assert row.digest == content_digest(document)
        assert set(report["results"]) == set(expected)
        assert set(report["results"].values()) <= {"created", "unchanged"}
    log = [entry for report in reports for entry in report["log"]]
    server_errors = [entry for entry in log if entry.get("status", 0) >= 500]
    assert server_errors == [], f"5xx answers (restart window {stopping_at:.2f}-{back_at:.2f})"
    restarted = f"127.0.0.1:{servers[1].port}"
    assert any(e["url"] == restarted and e.get("status") == 201 for e in log if e["time"] > back_at)
    # A refused request overlapped the restart: started before the server was back, failed after it began
    # to stop (a loaded machine may pause an uploader between noting the start and connecting).
    refused = [entry for entry in log if "error" in entry]
    overlapping = [e for e in refused if e["time"] <= back_at and e["failed_at"] >= stopping_at]
    assert overlapping == refused, ([e for e in refused if e not in overlapping][:5], stopping_at, back_at)
    storage.close()
