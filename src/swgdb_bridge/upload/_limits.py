"""What the client accepts from a server it does not trust: bounded answers, in bounded time.

A hostile server, or anyone in the middle of a plain-http connection, can answer with a 4 MB gzip bomb
that inflates to gigabytes, trickle one byte every few seconds (each read is then "on time"), or just
listen. So:

- **answers are capped**, before and after decompression (``MAX_ANSWER_BYTES``): the body is read raw
  and inflated here with a bound on the output of every step, so a bomb costs at most the cap;
- **each request has an overall deadline** (``DEFAULT_DEADLINE_SECONDS``): connect, send, headers and
  body together. httpx only bounds each socket operation, so the deadline is enforced under httpcore, in
  the network stream, where every connect, read and write asks how much time is left.

(Plain http to another machine is refused by :func:`swgdb_bridge.upload.config.require_https`.)
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import httpcore
import httpx

from swgdb_bridge.errors import UploadError

MAX_ANSWER_BYTES = 1024 * 1024  # the largest real answer (a batch of 1,000 results) is ~150 KB
DEFAULT_DEADLINE_SECONDS = 120.0

# (monotonic end, seconds allowed) of the request this thread is sending, if any
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("swgdb_request_deadline", default=None)
T = TypeVar("T")


# -- overall deadline ------------------------------------------------------------------------------


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every network operation inside the block shares one budget of ``seconds``."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise ``httpx.ReadTimeout`` when the current request has used up its deadline."""
    _time_left(None, httpx.ReadTimeout)


def _time_left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the deadline; ``error`` when nothing is left."""
    current = _DEADLINE.get()
    if current is None:
        return timeout
    end, seconds = current
    left = end - time.monotonic()
    if left <= 0:
        raise error(f"no complete answer within the client's {seconds:g} s deadline per request")
    return left if timeout is None else min(timeout, left)


def _bounded(call: Callable[[float | None], T], timeout: float | None, error: type[Exception]) -> T:
    """``call(timeout)`` within the deadline; a timeout caused by the deadline says so."""
    try:
        return call(_time_left(timeout, error))
    except error:
        _time_left(None, error)  # raises the deadline's own message when that is what ran out
        raise


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(lambda t: self._inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _bounded(lambda t: self._inner.write(buffer, t), timeout, httpcore.WriteTimeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        return _DeadlineStream(
            _bounded(
                lambda t: self._inner.start_tls(ssl_context, server_hostname, t),
                timeout,
                httpcore.ConnectTimeout,
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **options: Any) -> Any:
        connect = self._inner.connect_tcp
        return _DeadlineStream(
            _bounded(lambda t: connect(host, port, t, **options), timeout, httpcore.ConnectTimeout)
        )

    def connect_unix_socket(self, path: str, timeout: float | None = None, **options: Any) -> Any:
        connect = self._inner.connect_unix_socket
        return _DeadlineStream(
            _bounded(lambda t: connect(path, t, **options), timeout, httpcore.ConnectTimeout)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def enforce_deadline(client: httpx.Client) -> None:
    """Put the deadline under every connection ``client`` opens through httpx's own transports.

    httpx has no public hook for this, so it reaches into the pinned httpx/httpcore (``_transport``,
    ``_mounts`` for proxies from the environment, each transport's ``_pool``): an upgrade that moves them
    fails here, loudly, and ``tests/upload/test_client_limits.py`` checks the deadline end to end.
    """
    for transport in (client._transport, *client._mounts.values()):
        if isinstance(transport, httpx.HTTPTransport):
            pool = transport._pool
            pool._network_backend = _DeadlineBackend(pool._network_backend)  # type: ignore[attr-defined]


# -- bounded answers -------------------------------------------------------------------------------


def read_capped(response: httpx.Response, what: str, limit: int = MAX_ANSWER_BYTES) -> bytes:
    """The body of a streamed ``response``, decompressed, refusing more than ``limit`` bytes either side.

    Only ``gzip`` (what the client asks for) or no encoding is accepted. Each inflate step may produce at
    most one byte past the room left, so a bomb is detected after ``limit`` bytes, not after gigabytes.
    """
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise UploadError(
            f"{what}: the server answered with Content-Encoding {encoding[:40]!r}, which the client does not "
            "accept (only gzip); check that SWGDB_API_URL points at a SWGDB server",
            code="bad_answer",
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and len(declared) < 20 and int(declared) > limit:
        raise _too_large(what, limit, "as sent")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    body = bytearray()
    for chunk in response.iter_raw():
        if response.num_bytes_downloaded > limit:
            raise _too_large(what, limit, "as sent")
        body += chunk if inflater is None else _inflate(inflater, chunk, limit - len(body) + 1, what)
        if len(body) > limit:
            raise _too_large(what, limit, "decompressed")
        check_deadline()
    if inflater is not None and not inflater.eof:
        raise UploadError(f"{what}: the server's gzip answer is cut short", code="bad_answer")
    return bytes(body)


def _inflate(inflater: Any, chunk: bytes, most: int, what: str) -> bytes:
    try:
        return inflater.decompress(chunk, most)  # type: ignore[no-any-return]
    except zlib.error:
        raise UploadError(f"{what}: the server's gzip answer is corrupt", code="bad_answer") from None


def _too_large(what: str, limit: int, stage: str) -> UploadError:
    return UploadError(
        f"{what}: the server's answer is larger than {limit:,} bytes ({stage}); the client stopped reading. "
        "No SWGDB answer is that large: check that SWGDB_API_URL points at a SWGDB server",
        code="answer_too_large",
    )
