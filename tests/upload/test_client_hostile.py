"""A server the client must not believe, on a real loopback socket (attacks, round 3).

Each test scripts a hostile or broken server's answers and plays the client, the uploader and its outbox
against it. Was: a server's error text (escape sequences, a megabyte of message, a field path of
invisible characters) reached the exception, the log and the outbox's dead letters raw and whole; an
answer saying ``created`` for another session id confirmed the session sent, which left the outbox for
good; a pagination cursor that led back to itself made ``iter_sessions`` ask for ever; any 200 to
``/v1/auth/revoke`` told the user the keys were revoked. Checked and unchanged: a redirect is not followed,
so nothing (no signature, no user hash) reaches the other host; absurd limits in ``/v1/info`` are bounded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from fixtures.payloads import make_document
from helpers.cli import run
from helpers.servers import serving_thread
from swgdb_bridge.errors import APIError
from swgdb_bridge.protocol import SIGNATURE_HEADER, USER_HASH_HEADER
from swgdb_bridge.upload.client import SWGDBAPIClient, TransientAPIError, encode_payload
from swgdb_bridge.upload.config import UploadConfig
from swgdb_bridge.upload.outbox import NewItem, Outbox
from swgdb_bridge.upload.uploader import SessionUploader

KEY, USER = "k" * 40, "u" * 32
CREDENTIALS = {"SWGDB_API_KEY": KEY, "SWGDB_USER_HASH": USER}
INFO = {"api_version": "v1", "server_time": time.time(), "limits": {"max_batch_sessions": 10}}
Answer = tuple[int, dict[str, str], Any]
ESCAPES = "\x1b]0;owned\x07\x1b[2J\u202e\u2028"


class Hostile:
    """A loopback server answering each path from a script (the last answer repeats), recording requests."""

    def __init__(self) -> None:
        self.script: dict[str, list[Answer]] = {"/v1/info": [(200, {}, INFO)]}
        self.requests: list[tuple[str, dict[str, str]]] = []
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?")[0]
                hostile.requests.append((path, dict(self.headers)))
                answers = hostile.script.get(path, [(404, {}, {"error": "not_found"})])
                status, headers, document = answers.pop(0) if len(answers) > 1 else answers[0]
                body = document if isinstance(document, bytes) else json.dumps(document).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                """Quiet: the tests read the client's side."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def client(self, **options: Any) -> SWGDBAPIClient:
        options.setdefault("max_retries", 0)
        return SWGDBAPIClient(self.url, KEY, USER, sleep=lambda _s: None, **options)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    yield from _running(Hostile())


@pytest.fixture
def bystander() -> Iterator[Hostile]:
    """Another host on loopback: a redirect's target, which must never hear from the client."""
    yield from _running(Hostile())


def _running(server: Hostile) -> Iterator[Hostile]:
    thread = serving_thread(server.server, "hostile-server")
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def assert_shown_safely(text: str, most: int = 2_000) -> None:
    """No raw control, bidi or line-separator character, and no more than ``most`` characters."""
    raw = [c for c in text if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2028"]
    assert not raw and len(text) <= most, (raw[:5], len(text))


def uploader_on(server: Hostile, tmp_path: Path, batch: bool) -> SessionUploader:
    config = UploadConfig(swgdb_api_url=server.url, api_key=KEY, user_hash=USER, max_retries=0)
    return SessionUploader(config, outbox_path=tmp_path / f"outbox-{batch}.db", batch=batch)


def queue(box: Outbox, *ids: str) -> None:
    box.enqueue([NewItem(i, "d" * 64, encode_payload(make_document(i))) for i in ids])


# -- error text: escaped and bounded wherever the client repeats it ------------------------------------

HUGE_ERROR = {
    "error": ESCAPES + "x" * 5_000,
    "message": ESCAPES + "A" * 500_000,
    "fields": [{"path": ESCAPES * 100, "message": "\u2028" * 1_000}] * 30,
}
"""About 900 KB of JSON, under the client's 1 MiB cap on answers."""


@pytest.mark.parametrize("status", [500, 403, 418])
def test_a_servers_error_text_reaches_errors_and_logs_escaped_and_bounded(
    hostile: Hostile, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    hostile.script["/v1/auth/validate"] = [(status, {}, HUGE_ERROR)]
    caplog.set_level("DEBUG")
    with hostile.client(max_retries=1) as client, pytest.raises(APIError) as refused:
        client._json("GET", "/auth/validate")
    assert refused.value.code is None  # a code of the wrong shape is no code
    assert_shown_safely(str(refused.value))
    for record in caplog.records:
        assert_shown_safely(record.getMessage())


@pytest.mark.parametrize("batch", [False, True])
def test_a_refusals_text_is_stored_in_the_dead_letters_escaped_and_bounded(
    hostile: Hostile, tmp_path: Path, batch: bool
) -> None:
    # a refusal in the API's error format (a code of its shape): anything else is a proxy's, and retried
    hostile.script["/v1/sessions/upload"] = [(422, {}, {**HUGE_ERROR, "error": "validation_error"})]
    error = {**HUGE_ERROR, "message": ESCAPES + "A" * 200_000}  # two of them fit under the cap
    hostile.script["/v1/sessions/batch-upload"] = [
        (200, {}, {"results": [{"index": i, "session_id": f"e-{i}", "error": error} for i in (0, 1)]})
    ]
    uploader = uploader_on(hostile, tmp_path, batch)
    with Outbox(tmp_path / f"outbox-{batch}.db") as box:
        queue(box, "e-0", "e-1")
        report = uploader.process(box, [])
        dead = box.dead_letters()
    assert report.failed == 2 and len(dead) == 2
    for text in [*report.errors, *(d.reason for d in dead)]:
        assert_shown_safely(text)


# -- an answer about another session proves nothing about this one ------------------------------------


def created(session_id: str, index: int | None = None) -> dict[str, Any]:
    answer = {"session_id": session_id, "status": "created", "digest": "d" * 64}
    return answer if index is None else {"index": index, **answer}


@pytest.mark.parametrize("batch", [False, True])
def test_an_answer_naming_another_session_keeps_the_sent_ones_queued(
    hostile: Hostile, tmp_path: Path, batch: bool
) -> None:
    hostile.script["/v1/sessions/upload"] = [(200, {}, created("someone-else"))]
    hostile.script["/v1/sessions/batch-upload"] = [
        (200, {}, {"results": [created("h-2", 0), created("h-1", 1)]})  # each other's answers
    ]
    uploader = uploader_on(hostile, tmp_path, batch)
    with Outbox(tmp_path / f"outbox-{batch}.db") as box:
        queue(box, *(["h-1", "h-2"] if batch else ["h-1"]))
        report = uploader.process(box, [])
        assert (report.uploaded, report.failed, box.dead_letters()) == (0, 0, [])
        assert box.count() == (2 if batch else 1)
    assert "names another session" in " ".join(report.errors)


def test_the_design_api_does_not_count_an_answer_about_another_session(hostile: Hostile) -> None:
    hostile.script["/v1/sessions/upload"] = [(200, {}, created("someone-else"))]
    hostile.script["/v1/sessions/batch-upload"] = [(200, {}, {"results": [created("x", 0), created("y", 1)]})]
    with hostile.client() as client:
        single = client.push_session_data(make_document("d-1"))
        both = client.batch_upload_sessions([make_document("d-1"), make_document("d-2")])
    assert single["success"] is False and both["success"] is False and both["uploaded_count"] == 0


# -- pagination that leads nowhere -----------------------------------------------------------------


@pytest.mark.parametrize(
    "pages",
    [
        [{"sessions": [{"session_id": "a"}], "next_cursor": "again"}],  # the same cursor for ever
        [{"sessions": [], "next_cursor": f"c{i}"} for i in range(8)],  # empty pages, new cursors
    ],
)
def test_pagination_that_does_not_advance_is_an_error_not_an_endless_loop(
    hostile: Hostile, pages: list[dict[str, Any]]
) -> None:
    script: list[Answer] = [(200, {}, page) for page in pages] * 4
    hostile.script["/v1/sessions"] = [*script, (404, {}, {"error": "not_found", "message": "stop"})]
    with hostile.client() as client, pytest.raises(APIError) as stopped:
        list(client.iter_sessions())
    assert stopped.value.code == "bad_answer" and len(hostile.requests) <= 3


def test_pagination_that_advances_is_followed_to_its_end(hostile: Hostile) -> None:
    hostile.script["/v1/sessions"] = [
        (200, {}, {"sessions": [{"session_id": "a"}], "next_cursor": "c1"}),
        (200, {}, {"sessions": [{"session_id": "b"}], "next_cursor": None}),
    ]
    with hostile.client() as client:
        assert [s["session_id"] for s in client.iter_sessions()] == ["a", "b"]


# -- redirects (checked: never followed) -------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_not_followed_and_the_session_stays_queued(
    hostile: Hostile, bystander: Hostile, tmp_path: Path, status: int
) -> None:
    elsewhere = {"Location": f"{bystander.url}/sessions/upload"}
    for path in ("/v1/sessions/upload", "/v1/auth/validate", "/v1/info"):
        hostile.script[path] = [(status, elsewhere, {})]
    uploader = uploader_on(hostile, tmp_path, batch=False)
    with Outbox(tmp_path / "outbox-False.db") as box:
        queue(box, "r-1")
        report = uploader.process(box, [])
        assert box.count() == 1 and box.dead_letters() == []
    with hostile.client() as client:
        assert client.validate_credentials()["valid"] is False
        with pytest.raises(APIError, match=str(status)):
            client.send_session(encode_payload(make_document("r-2")))
    assert report.uploaded == 0 and bystander.requests == []
    signed = [headers for path, headers in hostile.requests if path != "/v1/info"]
    assert signed and all(USER_HASH_HEADER in h and SIGNATURE_HEADER in h for h in signed)


def test_a_transient_failure_after_a_redirect_is_still_no_proof(hostile: Hostile) -> None:
    """A 2xx reached only by a redirect would be the other host's word: the client never gets that far."""
    hostile.script["/v1/sessions/upload"] = [(307, {"Location": "/v1/elsewhere"}, {})]
    hostile.script["/v1/elsewhere"] = [(200, {}, created("r-3"))]
    with hostile.client() as client, pytest.raises(APIError) as refused:
        client.send_session(encode_payload(make_document("r-3")))
    assert not isinstance(refused.value, TransientAPIError) and hostile.paths() == ["/v1/sessions/upload"]


# -- a claim the user is told about must be made in so many words ------------------------------------


@pytest.mark.parametrize("answer", [{}, {"revoked": "yes"}, {"revoked": 1}, {"revoked": False}])
def test_keys_are_revoked_only_when_the_server_says_so_in_json_true(
    hostile: Hostile, bridge_home: Path, answer: dict[str, Any]
) -> None:
    """Was: any 200 object (a proxy's ``{}``) printed "Revoked your keys on the server": a user with a
    leaked key would stop worrying while the key still worked."""
    hostile.script["/v1/auth/revoke"] = [(200, {}, answer)]
    with hostile.client() as client, pytest.raises(APIError, match="does not say 'revoked'"):
        client.revoke_keys()
    done = run("logout", "--revoke", env={"SWGDB_API_URL": hostile.url, **CREDENTIALS})
    assert done.returncode == 1 and "Revoked" not in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("valid", ["false", 1, [True], None])
def test_credentials_are_valid_only_when_the_server_says_json_true(hostile: Hostile, valid: Any) -> None:
    hostile.script["/v1/auth/validate"] = [(200, {}, {"valid": valid, "user_hash": USER})]
    with hostile.client() as client:
        assert client.validate_credentials()["valid"] is False


# -- absurd limits in /v1/info (checked: bounded) --------------------------------------------------


@pytest.mark.parametrize(
    "limits",
    [
        {
            "max_batch_sessions": 10**9,
            "max_body_bytes": 10**18,
            "rate_limit": {"requests": 0, "window_seconds": 0},
        },
        {
            "max_batch_sessions": 0,
            "max_body_bytes": 1,
            "rate_limit": {"requests": 10**9, "window_seconds": 10**9},
        },
    ],
)
def test_absurd_limits_in_info_are_bounded_and_uploads_go_on(
    hostile: Hostile, tmp_path: Path, limits: dict[str, Any]
) -> None:
    hostile.script["/v1/info"] = [(200, {}, {**INFO, "limits": limits})]
    hostile.script["/v1/sessions/upload"] = [(200, {}, created("l-1"))]
    uploader = uploader_on(hostile, tmp_path, batch=True)
    with Outbox(tmp_path / "outbox-True.db") as box:
        queue(box, "l-1")
        report = uploader.process(box, [])
        assert report.uploaded == 1 and box.count() == 0, report
    bucket = uploader.client.rate_limiter
    assert bucket is not None and 1 / 60 <= bucket.rate <= 1_000_000
