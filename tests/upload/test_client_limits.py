"""A client that distrusts its server (issue 13, findings 8 and 9 and the client "Also" items).

Each test plays the attack against the real client — a gzip bomb, a trickle over a real socket, absurd or
malformed hints, plain http to another host, a key file others can read — and asserts the bound.
Scripted answers come through ``httpx.MockTransport`` as streams, the way a network delivers them.
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from fixtures.payloads import make_document
from swgdb_bridge.cli import app
from swgdb_bridge.errors import APIError, ConfigError, UploadError
from swgdb_bridge.upload._limits import MAX_ANSWER_BYTES
from swgdb_bridge.upload._retry import MAX_WAIT_SECONDS, MIN_PACED_RATE, TokenBucket, parse_retry_after
from swgdb_bridge.upload.client import SWGDBAPIClient, TransientAPIError, encode_payload
from swgdb_bridge.upload.config import UploadConfig, default_config_file, load_with_sources
from swgdb_bridge.upload.outbox import NewItem, Outbox
from swgdb_bridge.upload.uploader import SessionUploader, SWGDBUploadManager

KEY = "k" * 40
USER = "distrustful"
MIB = 1024 * 1024
CHUNK = 64 * 1024  # what a socket read hands httpx at most


class Served(httpx.SyncByteStream):
    """A response body handed out in network-sized chunks, counting what the client actually pulled."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.served = 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), CHUNK):
            chunk = self.data[start : start + CHUNK]
            self.served += len(chunk)
            yield chunk


def serving(body: bytes, status: int = 200, **headers: str) -> tuple[httpx.MockTransport, list[Served]]:
    streams: list[Served] = []

    def handle(_request: httpx.Request) -> httpx.Response:
        streams.append(Served(body))
        return httpx.Response(status, headers=headers, stream=streams[-1])

    return httpx.MockTransport(handle), streams


def client_on(transport: httpx.BaseTransport, **options: Any) -> SWGDBAPIClient:
    options.setdefault("max_retries", 0)
    return SWGDBAPIClient("http://127.0.0.1:9/v1", KEY, USER, transport=transport, **options)


def gzipped_zeros(mib: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    return b"".join(packer.compress(zeros) for _ in range(mib)) + packer.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """~260 KB of gzip that inflates to 256 MiB (the red team's 4 MB one inflated to gigabytes)."""
    return gzipped_zeros(256)


# -- finding 8: response bombs -----------------------------------------------------------------------


def peak_memory(call: Callable[[], object]) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    try:
        call()
    except Exception as exc:  # the caller asserts which
        return tracemalloc.get_traced_memory()[1], exc
    finally:
        tracemalloc.stop()
    return 0, None


def test_a_gzip_bomb_costs_at_most_the_cap_not_gigabytes(bomb: bytes) -> None:
    transport, streams = serving(bomb, **{"Content-Encoding": "gzip", "Content-Type": "application/json"})
    with client_on(transport) as client:
        peak, error = peak_memory(client.get_api_info)
    assert isinstance(error, UploadError) and error.code == "answer_too_large"
    assert "larger than 1,048,576 bytes (decompressed)" in str(error)
    assert peak < 4 * MIB, f"peak {peak / MIB:.1f} MiB"  # 557 MiB before the cap
    assert streams[0].served < len(bomb)  # and it stopped pulling from the network


def test_a_bomb_answering_an_upload_is_a_failed_upload_not_a_crash(bomb: bytes) -> None:
    transport, _ = serving(bomb, **{"Content-Encoding": "gzip"})
    with client_on(transport) as client:
        result = client.push_session_data(make_document("bomb-1"))
    assert result["success"] is False and result["error_code"] == "answer_too_large"


def test_a_huge_plain_answer_is_cut_at_the_cap_as_sent() -> None:
    transport, streams = serving(b"[" + b"0," * (10 * MIB))
    with client_on(transport) as client, pytest.raises(UploadError, match=r"\(as sent\)"):
        client.get_api_info()
    assert streams[0].served <= MAX_ANSWER_BYTES + CHUNK


def test_a_declared_length_past_the_cap_is_refused_before_reading() -> None:
    transport, streams = serving(b"{}", **{"Content-Length": str(10**12)})
    with client_on(transport) as client, pytest.raises(UploadError, match="larger than"):
        client.get_api_info()
    assert streams[0].served == 0


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"{}", {"Content-Encoding": "br"}, "Content-Encoding 'br'"),
        (b"this is not gzip", {"Content-Encoding": "gzip"}, "corrupt"),
        (gzipped_zeros(1)[:100], {"Content-Encoding": "gzip"}, "cut short"),
        (b"[" * 100_000, {}, "not JSON"),
        (b"[1, 2]", {}, "unexpected answer list"),
    ],
)
def test_odd_answers_are_clear_errors(body: bytes, headers: dict[str, str], message: str) -> None:
    transport, _ = serving(body, **headers)
    with client_on(transport) as client, pytest.raises(APIError, match=message):
        client.get_api_info()


def test_a_gzip_answer_within_the_cap_is_read() -> None:
    info = {"api_version": "v1", "server_time": time.time(), "padding": "x" * 500_000}
    transport, _ = serving(zlib.compress(orjson.dumps(info), wbits=31), **{"Content-Encoding": "gzip"})
    with client_on(transport) as client:
        assert client.get_api_info() == info


# -- finding 9: a trickle cannot hold the client past its deadline ---------------------------------


class Trickle:
    """A loopback server that answers one byte every ``interval`` s: in the headers, or in the body."""

    def __init__(self, phase: str, interval: float = 0.05, total: int = 40) -> None:
        self.phase, self.interval, self.total = phase, interval, total
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Trickle:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self.thread.join(timeout=self.interval * self.total + 5)

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.recv(65536)
            if self.phase == "body":
                conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {self.total}\r\n\r\n".encode())
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(self.total):
                time.sleep(self.interval)
                try:
                    conn.sendall(b"1")
                except OSError:  # the client hung up
                    return
                self.sent += 1


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_trickling_server_cannot_hold_the_client_past_its_deadline(phase: str) -> None:
    """Each byte arrives well within the 30 s read timeout; only the overall deadline stops the wait."""
    with Trickle(phase) as server:
        client = SWGDBAPIClient(server.url, KEY, USER, timeout=30, deadline_seconds=0.3, max_retries=0)
        with client, pytest.raises(TransientAPIError, match=r"0\.3 s deadline per request"):
            client.get_api_info()
        sent = server.sent
    assert sent < server.total / 2  # it gave up long before the 2 s trickle ended


# -- finding 9: hints clamped or ignored, never a traceback, never +Inf ----------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999999999", MAX_WAIT_SECONDS),
        ("9" * 400, MAX_WAIT_SECONDS),
        ("9" * 5000, MAX_WAIT_SECONDS),  # past Python's int() digit limit
        (formatdate(253402300799, usegmt=True), MAX_WAIT_SECONDS),  # 9999-12-31
        ("soon", None),
        ("²", None),
        ("-5", None),
        ("1.5", None),
        ("inf", None),
        ("NaN", None),
        ("\x1b]0;pwned\x07", None),
    ],
)
def test_retry_after_is_clamped_or_ignored_with_a_warning(value: str, expected: float | None, caplog) -> None:
    assert parse_retry_after(value) == expected
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "Retry-After" in caplog.text and "\x1b" not in caplog.text and len(caplog.text) < 300


def router(routes: dict[str, list[Callable[[], httpx.Response]]]) -> httpx.MockTransport:
    """Answers by path, each path's answers in order, its last one repeating."""

    def handle(request: httpx.Request) -> httpx.Response:
        answers = routes[request.url.path]
        return (answers.pop(0) if len(answers) > 1 else answers[0])()

    return httpx.MockTransport(handle)


def reply(status: int, data: Any, **headers: str) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(status, headers=headers, stream=httpx.ByteStream(orjson.dumps(data)))


def info(limits: Any) -> Callable[[], httpx.Response]:
    return reply(200, {"api_version": "v1", "server_time": time.time(), "limits": limits})


def test_a_huge_retry_after_parks_a_session_an_hour_at_most_and_force_still_sends_it(tmp_path: Path) -> None:
    transport = router(
        {
            "/v1/info": [info({"max_batch_sessions": 100})],
            "/v1/sessions/upload": [
                reply(429, {"error": "rate_limited", "message": "slow down"}, **{"Retry-After": "9" * 400}),
                reply(200, {"session_id": "park-1", "status": "created", "digest": "d" * 64}),
            ],
        }
    )
    config = UploadConfig(swgdb_api_url="http://127.0.0.1:9/v1", api_key=KEY, user_hash=USER)
    uploader = SessionUploader(
        config, client=client_on(transport), outbox_path=tmp_path / "outbox.db", batch=False
    )
    with Outbox(tmp_path / "outbox.db") as box:
        box.enqueue([NewItem("park-1", "d" * 64, encode_payload(make_document("park-1")))])
        parked = uploader.process(box, [])
        wait = box.pending()[0].next_attempt_at - time.time()
        forced = uploader.process(box, [], force=True)
        left = box.count()
    assert parked.queued == 1 and math.isfinite(wait) and wait <= MAX_WAIT_SECONDS
    assert forced.uploaded == 1 and left == 0


@pytest.mark.parametrize(
    "limits",
    [
        {"max_batch_sessions": "lots", "max_body_bytes": [], "rate_limit": "fast"},
        {"rate_limit": {"requests": "many", "window_seconds": None}},
        ["not", "an", "object"],
        {
            "max_batch_sessions": 1e300,
            "max_body_bytes": -5,
            "rate_limit": {"requests": 1, "window_seconds": 1e9},
        },
        {
            "max_batch_sessions": True,
            "max_body_bytes": 1e30,
            "rate_limit": {"requests": 1e30, "window_seconds": 0},
        },
    ],
)
def test_malformed_or_absurd_server_limits_are_bounded_with_a_warning(
    limits: Any, tmp_path: Path, caplog
) -> None:
    with client_on(router({"/v1/info": [info(limits)]})) as client, Outbox(tmp_path / "o.db") as box:
        manager = SWGDBUploadManager(client, box)
        manager.configure_from_server()
    assert 1 <= manager.max_batch_sessions <= 100 and manager.max_batch_bytes <= 8 * MIB
    assert client.rate_limiter is None or client.rate_limiter.rate >= MIN_PACED_RATE
    assert "WARNING" in {r.levelname for r in caplog.records}


def test_a_rate_hint_of_one_request_per_billion_seconds_paces_at_one_a_minute(caplog) -> None:
    bucket = TokenBucket.for_server_hint({"requests": 1, "window_seconds": 1e9})
    assert bucket is not None and bucket.rate == MIN_PACED_RATE
    assert "one a minute" in caplog.text
    assert TokenBucket.for_server_hint({"requests": 120, "window_seconds": 60}).rate > 1  # type: ignore[union-attr]


@pytest.mark.parametrize("server_time", ["yesterday", "9" * 100, None, True, [1]])
def test_an_unusable_server_time_is_an_api_error_not_a_traceback(server_time: Any) -> None:
    transport = router({"/v1/info": [reply(200, {"api_version": "v1", "server_time": server_time})]})
    with client_on(transport) as client, pytest.raises(APIError, match="no usable server_time"):
        client.clock_skew()


# -- plain http beyond loopback, and a key file others can read ------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://swgdb.example/v1",
        "http://127.0.0.1:8765/v1",
        "http://127.9.9.9/v1",
        "http://[::1]:8765/v1",
        "http://localhost:8765/v1",
    ],
)
def test_https_or_this_machine_is_accepted(url: str) -> None:
    SWGDBAPIClient(url, KEY, USER).close()


@pytest.mark.parametrize(
    "url", ["http://swgdb.example/v1", "http://192.168.1.20:8765/v1", "http://[fe80::1]/v1"]
)
def test_plain_http_to_another_host_needs_an_explicit_yes(url: str) -> None:
    with pytest.raises(ConfigError, match="--allow-insecure-http"):
        SWGDBAPIClient(url, KEY, USER)
    SWGDBAPIClient(url, KEY, USER, allow_insecure_http=True).close()
    with pytest.raises(
        ConfigError, match=r"plain http:// .*\(from environment\)|\(from environment\) uses plain"
    ):
        load_with_sources({"SWGDB_API_URL": url})
    config, sources = load_with_sources({"SWGDB_API_URL": url, "SWGDB_ALLOW_INSECURE_HTTP": "1"})
    assert config.allow_insecure_http is True and sources["allow_insecure_http"] == "environment"


def test_the_command_line_flag_allows_plain_http(tmp_path: Path) -> None:
    args = ["upload", "--dry-run", "--dir", str(tmp_path), "--api-url", "http://swgdb.example/v1"]
    refused = CliRunner().invoke(app, args)
    allowed = CliRunner().invoke(app, [*args, "--allow-insecure-http"])
    assert refused.exit_code == 3 and "plain http://" in refused.output
    assert allowed.exit_code == 0, allowed.output


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits; Windows has ACLs, which the check skips")
def test_a_key_file_others_can_read_is_warned_about(caplog) -> None:
    path = default_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'api_key = "{KEY}"\n')
    path.chmod(0o600)
    load_with_sources({})
    assert caplog.text == ""
    path.chmod(0o644)
    load_with_sources({})
    assert f"chmod 600 {path}" in caplog.text and KEY not in caplog.text
