"""``swgdb-bridge server run``: the real command in a subprocess, talked to over loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson

from fixtures.payloads import make_payload
from helpers import http
from helpers.ports import on_free_port, raise_if_port_taken
from swgdb_bridge import protocol

CLI = [sys.executable, "-m", "swgdb_bridge"]


def _serve(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], str]:
    """``server run --port PORT`` once it answers; ``EADDRINUSE`` if the port was taken meanwhile."""
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*CLI, "server", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.communicate()[0].decode(errors="replace")
            raise_if_port_taken(output, port)
            raise AssertionError(f"server run exited early:\n{output}")
        try:
            if http.get(f"{url}/v1/info", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("server run did not answer within 60 s")


def test_server_run_serves_signed_uploads_and_logs_no_secrets(bridge_home: Path, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "SWGDB_DATABASE_URL": database_url}
    added = subprocess.run(
        [*CLI, "server", "add-user", "cli-test", "--json"], env=env, capture_output=True, check=True
    )
    account = orjson.loads(added.stdout)
    server, url = on_free_port(lambda port: _serve(env, port))
    try:
        body = make_payload("cli-1").to_json_bytes()
        headers = protocol.sign_request(
            account["api_key"], account["user_hash"], "POST", "/v1/sessions/upload", body
        )
        response = http.post(f"{url}/v1/sessions/upload", content=body, headers=headers)
        assert response.status_code == 201, response.text
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    log = output.decode()
    assert server.returncode in (0, 130), log  # 130: uvicorn re-raises the Ctrl-C after shutting down
    assert "Finished server process" in log  # a graceful stop, not a kill
    assert "POST /v1/sessions/upload -> 201" in log
    assert account["api_key"] not in log
    assert headers[protocol.SIGNATURE_HEADER][3:] not in log
