"""The client's retry logic and signing against scripted answers (``httpx.MockTransport``): fast, no server.

What the real server says about these requests (replays refused, compressed bodies verified) is checked
end to end in ``test_client.py``; here each test scripts the answers and inspects every request sent.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.payloads import make_document
from swgdb_bridge import protocol
from swgdb_bridge.upload._auth import SignedAuth
from swgdb_bridge.upload._retry import MAX_WAIT_SECONDS, backoff_delay, parse_retry_after
from swgdb_bridge.upload.client import SWGDBAPIClient, TransientAPIError, encode_payload

KEY = "k" * 40
USER = "scripted-user"
Answer = Exception | Callable[[httpx.Request], httpx.Response]


def reply(status: int, data: Any, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    """An answer as a network transport gives it: a stream, read by the client (not pre-read in memory)."""
    body = orjson.dumps(data)
    return lambda _request: httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


class Script:
    """A transport that plays ``answers`` in order (the last one repeats) and keeps every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request)


created = reply(200, {"session_id": "s-1", "status": "created", "digest": "d" * 64})


def answer(status: int, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return reply(status, {"error": f"e{status}", "message": f"said {status}"}, **headers)


def client_for(script: Script, sleeps: list[float] | None = None, **options: object) -> SWGDBAPIClient:
    options.setdefault("retry_delay_seconds", 0.001)
    return SWGDBAPIClient(
        "http://127.0.0.1:9/v1",
        KEY,
        USER,
        transport=script.transport,
        sleep=(sleeps.append if sleeps is not None else lambda _s: None),
        **options,  # type: ignore[arg-type]
    )


def verifies(request: httpx.Request) -> bool:
    """What the server checks: the signature over the path and the body bytes as received."""
    headers = protocol.parse_signed_headers(request.headers.raw)
    protocol.check_body(headers, request.content)
    return protocol.signature_matches([KEY], headers, request.method, request.url.raw_path.decode())


def test_transient_answers_are_retried_each_attempt_signed_anew() -> None:
    script = Script(answer(503), answer(500), httpx.ConnectError("refused"), answer(408), created)
    sleeps: list[float] = []
    with client_for(script, sleeps, max_retries=5) as client:
        result = client.push_session_data(make_document("s-1"))
    assert result["success"] is True and result["status"] == "created"
    assert len(sleeps) == 4 and len(script.requests) == 5
    assert all(verifies(r) for r in script.requests)
    nonces = {r.headers[protocol.NONCE_HEADER] for r in script.requests}
    assert len(nonces) == 5  # a replay guard would refuse any repeated nonce


def test_compressed_bodies_are_signed_as_sent_and_queries_as_on_the_request_line() -> None:
    script = Script(created)
    with client_for(script, compress_threshold=0) as client:
        client.send_session(encode_payload(make_document("z-1")))
    sent = script.requests[0]
    assert sent.headers["Content-Encoding"] == "gzip" and gzip.decompress(sent.content).startswith(b"{")
    assert verifies(sent)
    listing = Script(reply(200, {"sessions": [], "next_cursor": None}))
    with client_for(listing) as client:
        client.list_sessions(limit=2, cursor="a b/c=")
    assert b"?" in listing.requests[0].url.raw_path and verifies(listing.requests[0])


def test_info_is_not_signed_and_the_key_never_travels() -> None:
    script = Script(reply(200, {"api_version": "v1", "server_time": time.time()}))
    with client_for(script) as client:
        client.get_api_info()
    sent = script.requests[0]
    assert not any(name in sent.headers for name in protocol.SIGNED_HEADERS)
    signed = Script(reply(200, {"valid": True}))
    with client_for(signed) as client:
        client.validate_credentials()
    assert KEY not in str(signed.requests[0].headers) and KEY not in repr(SignedAuth(KEY, USER))


def test_retry_after_is_honoured() -> None:
    script = Script(answer(429, **{"Retry-After": "2"}), created)
    sleeps: list[float] = []
    with client_for(script, sleeps) as client:
        assert client.push_session_data(make_document("s-1"))["status"] == "created"
    assert sleeps == [2.0]


def test_long_retry_after_goes_back_to_the_caller() -> None:
    """Longer than max_inline_wait: not slept through, the outbox schedules it instead."""
    script = Script(answer(429, **{"Retry-After": "120"}))
    with client_for(script, max_inline_wait=10) as client, pytest.raises(TransientAPIError) as caught:
        client.send_session(encode_payload(make_document("ra-2")))
    assert caught.value.retry_after == 120.0 and caught.value.status == 429
    assert len(script.requests) == 1


def test_retries_are_bounded() -> None:
    script = Script(answer(503))
    sleeps: list[float] = []
    with client_for(script, sleeps, max_retries=2) as client:
        result = client.push_session_data(make_document("m-1"))
    assert result["success"] is False and "503" in result["message"]
    assert len(sleeps) == 2 and len(script.requests) == 3


@pytest.mark.parametrize("status", [400, 413, 422])
def test_refusals_are_answers_not_retried(status: int) -> None:
    script = Script(answer(status), created)
    with client_for(script) as client:
        result = client.push_session_data(make_document("v-1"))
    assert result["status"] == ("too_large" if status == 413 else "rejected")
    assert result["message"] == f"said {status}" and len(script.requests) == 1


def test_backoff_grows_and_is_jittered() -> None:
    script = Script(answer(503))
    sleeps: list[float] = []
    with client_for(script, sleeps, max_retries=6, retry_delay_seconds=1.0, max_inline_wait=1e9) as client:
        client.push_session_data(make_document("b-1"))
    assert all(0 <= s <= 2**attempt for attempt, s in enumerate(sleeps))
    assert len(set(sleeps)) == len(sleeps)  # drawn, not fixed


@given(attempt=st.integers(min_value=0, max_value=10**6), base=st.floats(min_value=0, max_value=1e6))
def test_backoff_stays_within_its_bounds_for_any_attempt_count(attempt: int, base: float) -> None:
    assert 0 <= backoff_delay(attempt, base) <= min(MAX_WAIT_SECONDS, base * 2.0 ** min(attempt, 64))


def test_retry_after_http_date() -> None:
    now = time.time()
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
