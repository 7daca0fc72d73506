"""``SWGDBAPIClient``: signed, retried, compressed HTTP calls to a SWGDB server (protocol v1).

Every request is signed by :class:`~swgdb_bridge.upload._auth.SignedAuth` over the bytes actually sent; a
retry is a new request, signed anew, so the server's replay guard never mistakes it for a replay.
Transient failures (connection errors, timeouts, 408, 429, 5xx) are retried with the backoff and the
bounded ``Retry-After`` of :mod:`swgdb_bridge.upload._retry`; anything else is reported with the server's
own message. The server is not trusted with our resources: answers are size-capped, each request has an
overall deadline and plain http is refused beyond loopback (:mod:`swgdb_bridge.upload._limits`). The client
never reads or writes local state: the durable queue is :mod:`swgdb_bridge.upload.outbox`.
"""

from __future__ import annotations

import functools
import gzip
import logging
import math
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from swgdb_bridge import __version__
from swgdb_bridge.errors import APIError, AuthError, UploadError
from swgdb_bridge.payload import is_session_id
from swgdb_bridge.payload_fast import AnyPayload
from swgdb_bridge.protocol import MAX_CLOCK_SKEW_SECONDS, USER_HASH_SHAPE
from swgdb_bridge.upload import _answers as answers
from swgdb_bridge.upload import results as design_results
from swgdb_bridge.upload._auth import SignedAuth
from swgdb_bridge.upload._limits import (
    DEFAULT_DEADLINE_SECONDS,
    MAX_ANSWER_BYTES,
    deadline,
    enforce_deadline,
    read_capped,
)
from swgdb_bridge.upload._retry import TokenBucket, backoff_delay, parse_retry_after
from swgdb_bridge.upload.config import require_https

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
STORED_STATUSES = frozenset({"created", "updated", "unchanged"})
_MAX_NAME_CHARS = 200
_STATUS_FIELDS = ("status", "digest", "updated_at")
MAX_VERSION_CHARS = 64
"""The most of a server's ``api_version`` the client repeats: a version is a short word (``v1``)."""
DEFAULT_COMPRESS_THRESHOLD = 16 * 1024
# Waits longer than this are not slept through inside one call: the error goes up with its
# ``retry_after`` and the outbox schedules the session for later, which survives restarts.
DEFAULT_MAX_INLINE_WAIT = 10.0
# An answer rebuilt from the capped, decompressed body no longer has these framing headers.
_FRAMING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

PayloadLike = AnyPayload | dict[str, Any] | bytes


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The CA store httpx would load (``SSL_CERT_FILE``/``SSL_CERT_DIR`` honoured), built once per process.

    Loading it costs ~20 ms; without sharing, a process that makes a client per command, per folder or
    per test pays that every time. An ``SSLContext`` is safe to share between clients and threads.
    """
    return httpx.create_ssl_context()


class TransientAPIError(UploadError):
    """A failure worth retrying later (network, timeout, 408, 429, 5xx). ``retry_after`` is the server's hint."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status, code)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What the server said about one session. ``status`` is created/updated/unchanged, or rejected/too_large."""

    session_id: str | None
    status: str
    digest: str | None = None
    error: str | None = None
    message: str | None = None

    @property
    def stored(self) -> bool:
        return self.status in STORED_STATUSES


def check_answered_for(session_ids: Sequence[str | None], results: Sequence[UploadResult]) -> None:
    """Each result must be about the session sent in its place: a stored status proves storage only of the
    id it names. An answer naming another id (a broken or hostile server, a proxy mixing up answers) would
    drop the session sent from the outbox for good, so the whole answer proves nothing: a
    :class:`TransientAPIError`, and everything sent stays queued. A refusal may name no id (a single
    upload's 422 names none), but not another one; an id of None (bytes sent as given) is not checked."""
    for sent, result in zip(session_ids, results, strict=True):
        if (
            sent is not None
            and result.session_id != sent
            and (result.stored or result.session_id is not None)
        ):
            raise TransientAPIError(
                f"the server's answer about session {sent} names another session "
                f"({answers.text(result.session_id, 80)}); check SWGDB_API_URL",
                code="bad_answer",
            )


def _encoded(payload: PayloadLike) -> bytes | UploadResult:
    """The payload's bytes, or the refusal of a session JSON cannot carry (a lone surrogate, a set, a
    number as a key: a caller's dict may hold any of them). That session alone fails, with the reason, and
    nothing is sent for it: the others of its batch still go, and a queue keeps it to be fixed."""
    try:
        return encode_payload(payload)
    except orjson.JSONEncodeError as exc:
        message = f"the session cannot be encoded as JSON ({answers.text(exc, 200)}); fix its data"
        return UploadResult(_session_id_of(payload), "rejected", error="unencodable", message=message)


def _session_id_of(payload: PayloadLike) -> str | None:
    if isinstance(payload, dict):
        value = payload.get("session_id")
        return value if isinstance(value, str) else None
    return None if isinstance(payload, bytes) else payload.session_id


def encode_payload(payload: PayloadLike) -> bytes:
    """Canonical JSON bytes of a payload (a model, a document dict, or bytes already encoded)."""
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, AnyPayload):
        return payload.to_json_bytes()
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def _server_message(response: httpx.Response) -> tuple[str | None, str]:
    """The server's ``{"error", "message"}`` pair, tolerating other shapes (proxies, FastAPI defaults).

    Both are the server's words on their way to the terminal, the log and the outbox's dead letters:
    escaped and bounded by :mod:`~swgdb_bridge.upload._answers` (the reason phrase too: HTTP allows bytes
    0x80-0xFF there, and 0x9B is a terminal's CSI)."""
    reason = answers.text(response.reason_phrase) if response.reason_phrase else ""
    try:
        body = orjson.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        return _describe_error(body, reason)
    return None, reason or f"HTTP {response.status_code}"


def _describe_error(body: dict[str, Any], fallback: str = "") -> tuple[str | None, str]:
    """``(code, message)`` from an error body, escaped and bounded; validation errors name their first
    few field paths."""
    message = body.get("message") or body.get("detail")
    if not message:
        message = fallback
    else:
        message = answers.text(message if isinstance(message, str) else orjson.dumps(message).decode())
    fields = body.get("fields")
    if isinstance(fields, list) and fields:
        shown = [
            f"{answers.text(f.get('path'), 100)}: {answers.text(f.get('message'), 100)}"
            for f in fields[:3]
            if isinstance(f, dict)
        ]
        more = f" (+{len(fields) - 3} more)" if len(fields) > 3 else ""
        message = f"{message} [{'; '.join(shown)}{more}]"
    return answers.code(body.get("error")), message


def _parse_server_time(value: Any) -> float:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        if isinstance(value, str) and len(value) <= 64:
            return datetime.fromisoformat(value).timestamp()
    except (ValueError, OverflowError):
        pass
    raise APIError(f"the server's /v1/info has no usable server_time ({str(value)[:40]!r})", code="bad_info")


def shown_api_version(info: dict[str, Any]) -> str:
    """``/v1/info``'s ``api_version`` as the client prints or reports it: escaped, at most
    :data:`MAX_VERSION_CHARS` characters of it. The server may send anything there, of any size."""
    return answers.text(info.get("api_version", "(none)"), MAX_VERSION_CHARS)


def _answer_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The JSON object of a successful answer; anything else is a clear :class:`APIError`, never a traceback."""
    try:
        data = orjson.loads(response.content)
    except ValueError:
        raise APIError(f"{what}: the server's answer is not JSON", response.status_code) from None
    if not isinstance(data, dict):
        raise APIError(f"{what}: unexpected answer {type(data).__name__}", response.status_code)
    return data


class SWGDBAPIClient:
    """Talks protocol v1 to one SWGDB server for one user. Thread-compatible, not thread-safe."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        user_hash: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_delay_seconds: float = 1.0,
        max_inline_wait: float = DEFAULT_MAX_INLINE_WAIT,
        compress_threshold: int | None = DEFAULT_COMPRESS_THRESHOLD,
        rate_limiter: TokenBucket | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        allow_insecure_http: bool = False,
    ) -> None:
        require_https(api_url, allow_insecure_http)
        self.api_url = api_url.rstrip("/")
        self._auth = SignedAuth(api_key, user_hash)
        self.user_hash = user_hash
        self.max_retries = max_retries
        self.retry_delay_seconds = retry_delay_seconds
        self.max_inline_wait = max_inline_wait
        self.compress_threshold = compress_threshold
        self.rate_limiter = rate_limiter
        self.deadline_seconds = deadline_seconds
        self.max_answer_bytes = max_answer_bytes
        self._sleep = sleep
        self._http = httpx.Client(
            transport=transport,
            verify=tls_context(),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
            headers={
                "User-Agent": f"swgdb-bridge/{__version__}",
                "Accept": "application/json",
                "Accept-Encoding": "gzip",  # the only encoding _limits.read_capped inflates
            },
            follow_redirects=False,  # a redirect would have to be re-signed for its new path
        )
        enforce_deadline(self._http)

    def __repr__(self) -> str:
        return f"SWGDBAPIClient(api_url={self.api_url!r}, user_hash={self.user_hash!r})"

    def __enter__(self) -> SWGDBAPIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport ---------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        endpoint: str,
        *,
        body: bytes | None = None,
        query: dict[str, Any] | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        """Send one logical request, retrying transient failures; return any non-retryable response."""
        query_string = urlencode({k: v for k, v in (query or {}).items() if v is not None})
        url = f"{self.api_url}{endpoint}" + (f"?{query_string}" if query_string else "")
        content, headers = self._encode_body(body)
        for attempt in range(self.max_retries + 1):
            if self.rate_limiter is not None:
                self.rate_limiter.acquire()
            request = self._http.build_request(method, url, content=content or None, headers=headers)
            try:
                response = self._send_once(request, signed, f"{method} {endpoint}")
            except httpx.TransportError as exc:
                error = self._unreachable(exc)
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                error = self._transient(method, endpoint, response)
            delay = (
                error.retry_after
                if error.retry_after is not None
                else backoff_delay(attempt, self.retry_delay_seconds)
            )
            if attempt == self.max_retries or delay > self.max_inline_wait:
                raise error
            log.info("%s %s failed (%s); retry %d in %.2fs", method, endpoint, error, attempt + 1, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _send_once(self, request: httpx.Request, signed: bool, what: str) -> httpx.Response:
        """One attempt, within the overall deadline, its answer read whole but never past the size cap.

        The auth flow signs this very request (a retry is another request: a new nonce and timestamp).
        """
        with deadline(self.deadline_seconds):
            streamed = self._http.send(request, auth=self._auth if signed else None, stream=True)
            try:
                body = read_capped(streamed, what, self.max_answer_bytes)
            finally:
                streamed.close()
        headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _FRAMING_HEADERS]
        return httpx.Response(streamed.status_code, headers=headers, content=body, request=request)

    def _encode_body(self, body: bytes | None) -> tuple[bytes, dict[str, str]]:
        """Compress large bodies; the signature then covers the compressed bytes actually sent."""
        if not body:
            return b"", {}
        headers = {"Content-Type": "application/json"}
        if self.compress_threshold is not None and len(body) >= self.compress_threshold:
            headers["Content-Encoding"] = "gzip"
            return gzip.compress(body, compresslevel=5, mtime=0), headers
        return body, headers

    def _unreachable(self, exc: httpx.TransportError) -> TransientAPIError:
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__
        detail = answers.text(exc) if str(exc) else kind  # a protocol error may quote the server's bytes
        return TransientAPIError(
            f"could not reach the SWGDB server at {self.api_url} ({kind}: {detail}); check SWGDB_API_URL "
            "and that the server is running",
            code="unreachable",
        )

    def _transient(self, method: str, endpoint: str, response: httpx.Response) -> TransientAPIError:
        code, message = _server_message(response)
        return TransientAPIError(
            f"{method} {endpoint}: the server answered {response.status_code} ({message}); will retry",
            status=response.status_code,
            code=code,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )

    def _raise_for_error(self, method: str, endpoint: str, response: httpx.Response) -> None:
        """Turn a non-2xx, non-retryable response into the matching error, with the server's message."""
        if response.is_success:
            return
        code, message = _server_message(response)
        status = response.status_code
        if status in (401, 403):
            if endpoint != "/info":  # /info is unsigned and is what the clock is read from: no loop
                self._raise_if_clock_skewed()
            raise AuthError(
                f"the server refused the credentials for user hash {self.user_hash!r} ({status}: {message}); "
                "check SWGDB_API_KEY and SWGDB_USER_HASH (`swgdb-bridge config`)",
                status=status,
                code=code,
            )
        raise UploadError(
            f"{method} {endpoint}: {status} {code or ''} {message}".replace("  ", " "), status, code
        )

    def _raise_if_clock_skewed(self) -> None:
        try:
            skew = self.clock_skew()
        except APIError:
            return
        if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
            raise AuthError(clock_skew_message(skew), status=401, code="clock_skew")

    def _json(self, method: str, endpoint: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, endpoint, **kwargs)
        self._raise_for_error(method, endpoint, response)
        return _answer_object(response, f"{method} {endpoint}")

    # -- API ---------------------------------------------------------------------------------------

    def get_api_info(self) -> dict[str, Any]:
        """``GET /v1/info`` (unsigned): API version, server time and limits."""
        return self._json("GET", "/info", signed=False)

    def clock_skew(self) -> float:
        """Seconds our clock is ahead of the server's (negative: behind), from ``/v1/info``'s ``server_time``."""
        before = time.time()
        info = self.get_api_info()
        after = time.time()
        return (before + after) / 2 - _parse_server_time(info.get("server_time"))

    def validate_credentials(self) -> dict[str, Any]:
        """The design's ``{"success", "valid", "user_info" | "error", ...}``; never raises (see ``results``)."""
        try:
            data = self._json("GET", "/auth/validate")
        except APIError as exc:
            return design_results.credentials_refused(exc, self.user_hash)
        return design_results.credentials_accepted(data, self.user_hash)

    def send_session(self, body: bytes) -> UploadResult:
        """Upload one encoded payload. Raises :class:`TransientAPIError` when it is worth trying later."""
        response = self._request("POST", "/sessions/upload", body=body)
        if response.status_code == 413:
            code, message = _server_message(response)
            return UploadResult(None, "too_large", error=code or "too_large", message=message)
        if response.status_code in (400, 422):  # this payload is refused; 404 would mean a wrong URL
            code, message = _server_message(response)
            if code is None:  # not our API's error body: a proxy or gateway said no, not the server
                raise TransientAPIError(
                    f"POST /sessions/upload: {response.status_code} {message}, not in the SWGDB API's "
                    "error format (a proxy or gateway on the way?); the session stays queued",
                    response.status_code,
                )
            return UploadResult(None, "rejected", error=code, message=message)
        self._raise_for_error("POST", "/sessions/upload", response)
        data = _answer_object(response, "POST /sessions/upload")
        return UploadResult(data.get("session_id"), _stored_status(data), data.get("digest"))

    def send_batch(self, bodies: Sequence[bytes]) -> list[UploadResult]:
        """Upload encoded payloads in one request; a 413 splits the batch in halves, down to one session."""
        if len(bodies) == 1:
            return [self.send_session(bodies[0])]
        envelope = b'{"sessions":[' + b",".join(bodies) + b"]}"
        response = self._request("POST", "/sessions/batch-upload", body=envelope)
        if response.status_code == 413:
            middle = len(bodies) // 2
            return self.send_batch(bodies[:middle]) + self.send_batch(bodies[middle:])
        self._raise_for_error("POST", "/sessions/batch-upload", response)
        items = _answer_object(response, "POST /sessions/batch-upload").get("results")
        results: list[UploadResult | None] = [None] * len(bodies)
        for item in items if isinstance(items, list) else ():
            index = item.get("index") if isinstance(item, dict) else None
            if isinstance(index, int) and 0 <= index < len(bodies):
                results[index] = _item_result(item)
        missing = [i for i, r in enumerate(results) if r is None]
        if missing:
            raise TransientAPIError(
                f"the batch answer has no result for items {missing}", code="bad_batch_answer"
            )
        return [r for r in results if r is not None]

    def push_session_data(self, session_data: PayloadLike) -> dict[str, Any]:
        """Upload one session; the design's ``{"success", "swgdb_session_id", "message" | "error"}``, never raises."""
        body = _encoded(session_data)
        if isinstance(body, UploadResult):
            return design_results.upload_result(body)
        try:
            result = self.send_session(body)
            check_answered_for([_session_id_of(session_data)], [result])
            return design_results.upload_result(result)
        except APIError as exc:
            return design_results.failure(exc)

    def batch_upload_sessions(self, sessions: Sequence[PayloadLike]) -> dict[str, Any]:
        """Upload many sessions; the design's ``{"success", "uploaded_count", "failed_count", "session_ids"}``."""
        bodies = [_encoded(s) for s in sessions]
        sendable = [(index, body) for index, body in enumerate(bodies) if isinstance(body, bytes)]
        try:
            answered = self.send_batch([body for _, body in sendable]) if sendable else []
            check_answered_for([_session_id_of(sessions[index]) for index, _ in sendable], answered)
        except APIError as exc:
            return design_results.batch_failure(exc, len(sessions))
        results = dict(zip((index for index, _ in sendable), answered, strict=True))
        return design_results.batch_result(
            [results[index] if isinstance(body, bytes) else body for index, body in enumerate(bodies)]
        )

    def get_upload_status(self, session_id: str) -> dict[str, Any]:
        """``GET /v1/sessions/{id}/status``: status, digest, received_at, updated_at (404 → UploadError; a
        200 whose status, digest or updated_at is not a string without spaces → APIError, as ``status`` prints
        them)."""
        if not is_session_id(session_id):  # it goes into the URL path unescaped
            raise UploadError(
                f"{session_id!r} is not a session id: ids are letters, digits, '-' or '_'",
                code="invalid_session_id",
            )
        answer = self._json("GET", f"/sessions/{session_id}/status")
        what = f"GET /sessions/{session_id}/status"
        # the command prints them: strings without spaces or control characters, or an error
        for name in _STATUS_FIELDS:
            answers.token(answer, name, what)
        return answer

    def list_sessions(self, limit: int = 100, cursor: str | None = None) -> dict[str, Any]:
        """One page of the user's remote sessions: ``{"sessions": [...], "next_cursor": ...}``."""
        return self._json("GET", "/sessions", query={"limit": limit, "cursor": cursor})

    def iter_sessions(self, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Every remote session of the user, following the pagination cursor.

        A server's cursor must lead on: a cursor it gave before, or one after an empty page, would have
        the client ask for ever (a loop costs no server more than an answer). Either is an :class:`APIError`.
        """
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = self.list_sessions(page_size, cursor)
            sessions = page.get("sessions")
            sessions = sessions if isinstance(sessions, list) else []
            yield from sessions
            cursor = page.get("next_cursor")
            if not cursor or not isinstance(cursor, str):
                return
            if cursor in seen or not sessions:
                raise APIError("GET /sessions: the server's pagination does not advance", code="bad_answer")
            seen.add(cursor)

    # -- account -----------------------------------------------------------------------------------

    def redeem_pairing(self, *, code: str | None = None, device_code: str | None = None) -> dict[str, Any]:
        """``POST /v1/pairing/redeem`` (unsigned): ``user_hash``, ``name`` and ``api_key``, once per code.

        The user hash and key go into the config file and every later request's headers: an answer without
        them in the protocol's shape is an :class:`APIError` here, not a config no command can read later.
        """
        body = orjson.dumps({"code": code} if code is not None else {"device_code": device_code})
        answer = self._json("POST", "/pairing/redeem", body=body, signed=False)
        what = "POST /pairing/redeem"
        name = answer.get("name")
        return {
            "user_hash": answers.token(answer, "user_hash", what, USER_HASH_SHAPE),
            "api_key": answers.token(answer, "api_key", what),
            "name": name[:_MAX_NAME_CHARS] if isinstance(name, str) else None,
        }

    def start_device_pairing(self) -> dict[str, Any]:
        """``POST /v1/pairing/device`` (unsigned): a user code to approve in a browser and a device code.

        Codes and address must be tokens (no spaces or control characters), the times finite and bounded:
        the command prints them and polls by them.
        """
        answer = self._json("POST", "/pairing/device", signed=False)
        what = "POST /pairing/device"
        return {
            "device_code": answers.token(answer, "device_code", what),
            "user_code": answers.token(answer, "user_code", what),
            "verification_uri_complete": answers.token(answer, "verification_uri_complete", what),
            "expires_in": answers.seconds(answer, "expires_in", 600.0, 1.0, 3600.0),
            "interval": answers.seconds(answer, "interval", 5.0, 1.0, 60.0),
        }

    def dashboard_link(self) -> str:
        """A one-time login link to this user's dashboard (signed ``POST /v1/auth/dashboard-link``); a token
        (no spaces or control characters), since the command prints it or hands it to a browser."""
        return answers.token(self._json("POST", "/auth/dashboard-link"), "url", "POST /auth/dashboard-link")

    def revoke_keys(self) -> None:
        """End every API key of this user on the server (signed ``POST /v1/auth/revoke``); an answer that
        does not say ``"revoked": true`` is an :class:`APIError`, as the user is told the keys ended."""
        answers.confirmed(self._json("POST", "/auth/revoke"), "revoked", "POST /auth/revoke")


def _item_result(item: dict[str, Any]) -> UploadResult:
    error = item.get("error")
    if not error:
        return UploadResult(item.get("session_id"), _stored_status(item), item.get("digest"))
    # an item's error is either a code with a sibling message, or a whole error body
    code, message = (
        _describe_error(error)
        if isinstance(error, dict)
        else (answers.code(error), answers.text(item.get("message") or ""))
    )
    status = "too_large" if code in ("too_large", "payload_too_large") else "rejected"
    return UploadResult(item.get("session_id"), status, error=code, message=message)


def _stored_status(answer: dict[str, Any]) -> str:
    """The status of an answer that refused nothing: one of :data:`STORED_STATUSES`, or the session stays
    queued. A 2xx without one is no proof of storage (a proxy, a captive portal, another service at the
    URL), and confirming on it would drop the session from the outbox for good."""
    status = answer.get("status")
    if isinstance(status, str) and status in STORED_STATUSES:
        return status
    raise TransientAPIError(
        f"the server's answer does not say the session was stored (status {str(status)[:40]!r}); "
        "check SWGDB_API_URL",
        code="bad_answer",
    )


def clock_skew_message(skew: float) -> str:
    direction = "ahead of" if skew > 0 else "behind"
    return (
        f"this computer's clock is {abs(skew):.0f} s {direction} the SWGDB server's; signed requests are refused "
        f"beyond {MAX_CLOCK_SKEW_SECONDS} s. Turn on automatic time synchronisation and try again."
    )
