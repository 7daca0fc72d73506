"""What a hostile or broken server answers with a 200 is not believed blindly (probe E).

A real HTTP server on loopback answers each path with a scripted JSON document; the commands and the
uploader run against it as a user would. Was: a pairing answer without ``user_hash`` was a ``KeyError``
traceback, one with a list for a user hash wrote a config file no later command (not even ``login``) could
read, a device pairing with ``"interval": "nan"`` was a ``ValueError`` traceback, ``dashboard --print``
wrote the server's escape sequences raw to the terminal, and an upload answered ``200 {}`` counted as
stored: the session left the outbox and was never sent again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from fixtures.payloads import make_document
from helpers.cli import run
from helpers.servers import serving_thread
from swgdb_bridge.upload.client import SWGDBAPIClient, encode_payload
from swgdb_bridge.upload.config import UploadConfig, default_config_file
from swgdb_bridge.upload.outbox import NewItem, Outbox
from swgdb_bridge.upload.uploader import SessionUploader

KEY, USER = "k" * 40, "u" * 32
CREDENTIALS = {"SWGDB_API_KEY": KEY, "SWGDB_USER_HASH": USER}
INFO = {"api_version": "v1", "server_time": 0, "limits": {"max_batch_sessions": 10}}


class _Scripted(BaseHTTPRequestHandler):
    """Answers ``answers[path]`` (status, JSON document); unknown paths are a 404."""

    answers: ClassVar[dict[str, tuple[int, Any]]] = {}

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, document = self.answers.get(self.path.split("?")[0], (404, {"error": "not_found"}))
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the client's side."""


class Scripted:
    """A running scripted server: fill in ``answers`` by path; ``url`` is its ``/v1`` address."""

    def __init__(self, answers: dict[str, tuple[int, Any]], port: int) -> None:
        self.answers = answers
        self.url = f"http://127.0.0.1:{port}/v1"


@pytest.fixture
def scripted(bridge_home: Path) -> Iterator[Scripted]:
    answers: dict[str, tuple[int, Any]] = {"/v1/info": (200, INFO)}
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Scripted,), {"answers": answers}))
    thread = serving_thread(server, "scripted-server")
    thread.start()
    try:
        yield Scripted(answers, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def assert_no_raw_controls(text: str) -> None:
    assert not [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)], repr(text)


@pytest.mark.parametrize(
    "answer",
    [
        {"name": "Kaelen", "api_key": "secret-key-0123456789"},  # no user hash
        {"name": "Kaelen", "user_hash": ["u"], "api_key": {"k": 1}},  # not strings
        {"name": "Kaelen", "user_hash": "u\n\x1b[2J", "api_key": "k\r\nX-Evil: 1"},  # not header-safe
    ],
)
def test_a_pairing_answer_without_usable_credentials_is_an_error_and_writes_nothing(
    scripted: Scripted, answer: dict[str, Any]
) -> None:
    from swgdb_bridge.pairing import new_pairing_code

    scripted.answers["/v1/pairing/redeem"] = (200, answer)
    done = run("login", new_pairing_code(), "--server", scripted.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no usable" in done.stderr and "secret-key" not in done.stdout + done.stderr
    assert not default_config_file().exists()
    assert run("login", "--help").returncode == 0  # a config file that would break every command: none


@pytest.mark.parametrize(
    "answer",
    [
        {"device_code": "d" * 32},  # no user code, no address
        {"device_code": "d", "user_code": "K7QF", "verification_uri_complete": "http://x/\x1b]0;owned\x07"},
    ],
)
def test_a_device_pairing_answer_without_usable_codes_is_an_error(scripted: Scripted, answer: dict) -> None:
    scripted.answers["/v1/pairing/device"] = (200, answer)
    done = run("login", "--server", scripted.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no usable" in done.stderr
    assert_no_raw_controls(done.stdout + done.stderr)


@pytest.mark.parametrize(("interval", "expires_in"), [("nan", "soon"), (1e308, -5), (None, [])])
def test_device_pairing_times_are_finite_and_bounded(
    scripted: Scripted, interval: Any, expires_in: Any
) -> None:
    scripted.answers["/v1/pairing/device"] = (
        200,
        {
            "device_code": "d" * 32,
            "user_code": "K7QF-M2XD-9",
            "verification_uri_complete": "http://127.0.0.1/dashboard/pair?code=K7QF-M2XD-9",
            "interval": interval,
            "expires_in": expires_in,
        },
    )
    with SWGDBAPIClient(scripted.url, "", "", max_retries=0) as client:
        started = client.start_device_pairing()
    assert 1.0 <= started["interval"] <= 60.0 and 1.0 <= started["expires_in"] <= 3600.0


def test_a_dashboard_link_with_escape_sequences_is_refused_not_printed(scripted: Scripted) -> None:
    link = scripted.url.removesuffix("/v1") + "/dashboard/login?token=\x1b]0;owned\x07\x1b[2J"
    scripted.answers["/v1/auth/dashboard-link"] = (200, {"url": link, "expires_in": 900})
    done = run("dashboard", "--print", env={"SWGDB_API_URL": scripted.url, **CREDENTIALS})
    assert done.returncode == 1, done.stdout + done.stderr
    assert_no_raw_controls(done.stdout + done.stderr)


@pytest.mark.parametrize(
    "answer", [{}, {"session_id": "h-1"}, {"status": "stored?"}, {"status": ["created"]}]
)
def test_an_upload_answer_that_does_not_say_stored_keeps_the_session_queued(
    scripted: Scripted, tmp_path: Path, answer: dict[str, Any]
) -> None:
    scripted.answers["/v1/sessions/upload"] = (200, answer)
    scripted.answers["/v1/sessions/batch-upload"] = (200, {"results": [{"index": 0, **answer}, {"index": 1}]})
    config = UploadConfig(swgdb_api_url=scripted.url, api_key=KEY, user_hash=USER)
    for batch, ids in ((False, ["h-1"]), (True, ["h-1", "h-2"])):
        with Outbox(tmp_path / f"outbox-{batch}.db") as box:
            box.enqueue([NewItem(i, "d" * 64, encode_payload(make_document(i))) for i in ids])
            uploader = SessionUploader(config, outbox_path=tmp_path / f"outbox-{batch}.db", batch=batch)
            report = uploader.process(box, [])
            assert (report.uploaded, report.failed, box.count()) == (0, 0, len(ids)), report
            assert box.dead_letters() == []


@pytest.mark.parametrize(
    "answer", [{}, {"status": "created", "digest": 5, "updated_at": None}, {"status": ["x"], "digest": None}]
)
def test_a_status_answer_of_the_wrong_shape_is_shown_not_a_traceback(
    scripted: Scripted, answer: dict
) -> None:
    """Was: ``{}`` was a KeyError, a number for the digest a TypeError, both tracebacks."""
    scripted.answers["/v1/sessions/s-1/status"] = (200, answer)
    done = run("status", "s-1", env={"SWGDB_API_URL": scripted.url, **CREDENTIALS})
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "server:" in done.stdout


@pytest.mark.parametrize(
    "version", ["v" * 100_000, "\x1b]0;owned\x07" * 5_000, ["v1"] * 20_000, {"v": "1" * 50_000}, None]
)
def test_checks_server_version_is_shown_cut_short_and_escaped(scripted: Scripted, version: Any) -> None:
    """Was: ``check`` printed whatever ``api_version`` the server sent, and ``--json`` repeated the whole
    ``/v1/info`` (a megabyte of anything). Now at most 64 characters of the version, escaped."""
    scripted.answers["/v1/info"] = (200, {**INFO, "api_version": version, "padding": "p" * 200_000})
    env = {**CREDENTIALS, "SWGDB_API_URL": scripted.url}
    shown = run("check", env=env)
    assert shown.returncode in (1, 3), shown.stdout + shown.stderr  # the scripted server has no /auth
    assert_no_raw_controls(shown.stdout + shown.stderr)
    assert len(shown.stdout + shown.stderr) < 2_000, len(shown.stdout)
    reported = json.loads(run("check", "--json", env=env).stdout)
    assert set(reported["server"]) == {"api_version"} and len(reported["server"]["api_version"]) <= 100
