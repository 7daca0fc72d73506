"""Server side of protocol v1: who sent this request, and is it fresh and intact?

Order matters and is part of the contract (docs/protocol.md):

1. parse the five headers strictly (anything odd → 401, never a 500);
2. the timestamp must lie within ±300 s of the server clock;
3. the signature must verify under one of the user's active keys — an unknown user costs the same HMAC
   against a throw-away key and gets the same 401, so responses do not reveal which users exist;
4. the body is read with a size cap and its SHA-256 must match the signed digest;
5. only then is the nonce recorded (atomically, in the database, so several workers share it) — a nonce
   seen before is a replay;
6. the user's rate limit is charged last, so forged or replayed requests cannot spend a victim's budget.

Steps 5 and 6 are one database transaction (:meth:`Storage.admit`). The upload routes take them over
(they call :meth:`Verifier.verify` instead of using the verifier as a dependency): they validate the
payload first and then spend the claim and store the sessions in that same transaction, so an upload
costs one transaction, not three.

Keys come from the worker's :class:`~swgdb_bridge.server.db.keys.KeyCache` when it has a fresh entry; a
signature that fails against cached keys is checked again against the database's, so a key issued a moment
ago (rotation, pairing) works at once, and failures cost the same steps for known and unknown users.

Nothing here parses JSON: that happens after, on bytes already proven to be the ones that were signed.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from swgdb_bridge.protocol import (
    SignatureRejected,
    SignedHeaders,
    check_body,
    check_timestamp,
    parse_signed_headers,
    signature_matches,
)
from swgdb_bridge.server.api.body import content_encoding, read_capped
from swgdb_bridge.server.api.errors import ApiProblem, unauthorized
from swgdb_bridge.server.db.storage import RateLimitDecision, RequestClaim
from swgdb_bridge.server.settings import ServerSettings, at

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Admission, Storage

log = logging.getLogger("swgdb_bridge.server")

IPV6_CLIENT_PREFIX = 64
"""The IPv6 network one client holds: providers route a /64 (or more) to each customer."""
MAX_BUCKET_ADDRESS = len("ffff:ffff:ffff:ffff::/64")
"""The longest client key :func:`client_network` returns (a budget's key is at most 200 characters)."""
REMEMBERED_REFUSALS = 4096
"""Refused client addresses one :class:`ClientAddressLimit` remembers (memory stays bounded)."""
_WITH_PORT = re.compile(r"\[([0-9A-Fa-f:.]+)\](?::[0-9]{1,5})?|([0-9.]+):[0-9]{1,5}")


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    """A request whose sender and raw bytes are proven; ``body`` is still encoded as sent.

    ``claim`` is what the request spends: already spent when the verifier ran as a dependency, still to
    be passed to :meth:`Storage.admit` after :meth:`Verifier.verify`.
    """

    user_hash: str
    body: bytes
    content_encoding: str
    claim: RequestClaim
    request_id: Any


def signed_target(request: Request) -> str:
    """The path as the client sent it, percent-encoding and query string untouched: what was signed."""
    scope = request.scope
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    query: bytes = scope.get("query_string", b"")
    try:
        target = raw_path.decode("ascii")
        return f"{target}?{query.decode('ascii')}" if query else target
    except UnicodeDecodeError:
        raise SignatureRejected("non-ASCII request target") from None


def rate_limit_headers(decision: RateLimitDecision, window_seconds: int) -> dict[str, str]:
    """IETF ``RateLimit-*`` fields (draft-ietf-httpapi-ratelimit-headers, the widely deployed form)."""
    return {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(max(decision.remaining, 0)),
        "RateLimit-Reset": str(max(int(decision.reset_seconds), 0)),
        "RateLimit-Policy": f"{decision.limit};w={window_seconds}",
    }


def admitted(admission: Admission, settings: ServerSettings, request_id: Any) -> RateLimitDecision:
    """The rate-limit decision of an admitted claim; a replay is refused (401), a user over budget 429."""
    if admission.decision is None:
        log.info("request %s refused: %s", request_id, "nonce already used (replay)")
        raise unauthorized()
    if not admission.decision.allowed:
        raise rate_limited(admission.decision, settings.rate_limit_window_seconds, "user")
    return admission.decision


def rate_limited(decision: RateLimitDecision, window_seconds: int, who: str) -> ApiProblem:
    retry_after = max(int(decision.reset_seconds), 1)
    return ApiProblem(
        429,
        "rate_limited",
        f"Too many requests for this {who}: at most {decision.limit} per {window_seconds} s. "
        f"Retry after {retry_after} s.",
        headers={**rate_limit_headers(decision, window_seconds), "Retry-After": str(retry_after)},
    )


class Verifier:
    """FastAPI dependency that authenticates a signed request; see the module docstring for the order."""

    def __init__(self, storage: Storage, settings: ServerSettings) -> None:
        self.storage = storage
        self.settings = settings
        # Stands in for an unknown user's key: same work, certain mismatch, nothing to learn from timing.
        self._decoy_keys = [secrets.token_urlsafe(32)]

    async def __call__(self, request: Request, response: Response) -> VerifiedRequest:
        """As a dependency: verify, then spend the claim and set the rate-limit headers."""
        verified = await self.verify(request)
        admission, _ = await run_in_threadpool(self.storage.admit, verified.claim)
        decision = admitted(admission, self.settings, verified.request_id)
        response.headers.update(rate_limit_headers(decision, self.settings.rate_limit_window_seconds))
        return verified

    async def verify(self, request: Request) -> VerifiedRequest:
        """Steps 1-4 of the module docstring; the claim is left for the caller to spend.

        The upload routes call this directly instead of declaring a dependency: one step that reads and
        verifies, no dependency solving, and the claim is spent in the transaction that stores.
        """
        try:
            headers = parse_signed_headers(request.scope["headers"])
            target = signed_target(request)
        except SignatureRejected as exc:
            raise self._refuse(request, exc.reason) from None
        self._check_clock(request, headers)
        await self._check_signature(request, headers, target)
        encoding = content_encoding(request)
        body = await read_capped(request, self.settings.max_body_bytes)
        try:
            check_body(headers, body)
        except SignatureRejected as exc:
            raise self._refuse(request, exc.reason) from None
        return VerifiedRequest(headers.user_hash, body, encoding, self._claim(headers), _request_id(request))

    def _claim(self, headers: SignedHeaders) -> RequestClaim:
        """The nonce is kept until the clock check alone refuses its timestamp."""
        s = self.settings
        return RequestClaim(
            user_hash=headers.user_hash,
            nonce=headers.nonce,
            nonce_expires_at=at(headers.timestamp + s.max_clock_skew_seconds),
            limit=s.rate_limit_requests,
            window_seconds=s.rate_limit_window_seconds,
            now=s.utcnow(),
        )

    def _check_clock(self, request: Request, headers: SignedHeaders) -> None:
        now = self.settings.now()
        try:
            check_timestamp(headers.timestamp, now, self.settings.max_clock_skew_seconds)
        except SignatureRejected as exc:
            _log_refusal(request, exc.reason)
            raise ApiProblem(
                401,
                "clock_skew",
                f"The request timestamp is more than {self.settings.max_clock_skew_seconds} s away from the "
                f"server clock (server time {int(now)}). Fix this computer's clock, or compare with "
                "GET /v1/info.",
            ) from None

    async def _check_signature(self, request: Request, headers: SignedHeaders, target: str) -> None:
        """Cached keys first; on a miss or a mismatch, the database's (see the module docstring)."""
        cache, now = self.storage.key_cache, self.settings.now()
        cached = cache.get(headers.user_hash, now)
        if cached is not None and self._matches(cached, headers, request.method, target):
            return
        keys = await run_in_threadpool(self.storage.active_keys, headers.user_hash, self.settings.utcnow())
        cache.put(headers.user_hash, keys, now)
        if not self._matches(keys, headers, request.method, target):
            raise self._refuse(request, "signature does not verify (or unknown user)")

    def _matches(self, keys: Sequence[str], headers: SignedHeaders, method: str, target: str) -> bool:
        """An unknown user's (empty) keys cost one HMAC against the decoy key, a known user's the same."""
        return signature_matches(keys or self._decoy_keys, headers, method, target) and bool(keys)

    def _refuse(self, request: Request, reason: str) -> ApiProblem:
        _log_refusal(request, reason)
        return unauthorized()


class ClientAddressLimit:
    """A per-client-address budget, charged before any other work on input a stranger can send and
    guess at (``/v1/auth/validate``, pairing codes, the dashboard's sign-in): as a dependency it answers
    ``429`` past the budget; :meth:`spend` lets a non-API caller answer in its own way.

    The count lives in the database, shared by every worker. A refusal is also remembered here until its
    window ends (a window's count only grows, so it stays refused): a stranger's flood then costs one
    write transaction per request up to ``requests + 1``, not one per request, and does not queue for
    the database's write lock with every upload. At most :data:`REMEMBERED_REFUSALS` are kept.
    """

    def __init__(self, storage: Storage, settings: ServerSettings, name: str, requests: int) -> None:
        self.storage = storage
        self.settings = settings
        self.name = name
        self.requests = requests
        self._refused_until: dict[str, float] = {}  # bucket → server time its window ends

    async def spend(self, request: Request) -> ApiProblem | None:
        """Charge one request to its client address: None within the budget, else the ``429`` to answer."""
        bucket = f"{self.name}:{client_network(request.client.host if request.client else None)}"
        window, now = self.settings.rate_limit_window_seconds, self.settings.now()
        decision = self._remembered_refusal(bucket, now)
        if decision is None:
            decision = await run_in_threadpool(
                self.storage.hit_rate_limit, bucket, self.requests, window, self.settings.utcnow()
            )
            if not decision.allowed:
                self._remember_refusal(bucket, now + decision.reset_seconds)
        return None if decision.allowed else rate_limited(decision, window, "client address")

    def _remembered_refusal(self, bucket: str, now: float) -> RateLimitDecision | None:
        until = self._refused_until.get(bucket)
        if until is None or not now < until:
            return None
        return RateLimitDecision(False, self.requests, 0, max(1, math.ceil(until - now)))

    def _remember_refusal(self, bucket: str, until: float) -> None:
        self._refused_until.pop(bucket, None)
        if len(self._refused_until) >= REMEMBERED_REFUSALS:
            del self._refused_until[next(iter(self._refused_until))]  # the oldest refusal
        self._refused_until[bucket] = until

    async def __call__(self, request: Request) -> None:
        refused = await self.spend(request)
        if refused is not None:
            raise refused


def client_network(host: str | None) -> str:
    """The key of the client a per-address budget charges: what one client cannot vary at will.

    An IPv4 address is one client; an IPv6 address counts as its /64 network (:data:`IPV6_CLIENT_PREFIX`),
    since a client can send from any address of it; an IPv4-mapped IPv6 address is its IPv4 address. A
    port (``203.0.113.9:51234``, ``[2001:db8::1]:443``, as some proxies report the client) is dropped.
    A name that is no IP address (a proxy's ``unknown``, or text a client slipped through a proxy) gets the
    one key ``unknown``: made-up names are no fresh budgets, and no key outgrows its column.
    """
    address = _ip(host or "")
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        prefix = int(address) >> (128 - IPV6_CLIENT_PREFIX) << (128 - IPV6_CLIENT_PREFIX)
        return str(IPv6Network((prefix, IPV6_CLIENT_PREFIX)))
    return str(address) if address is not None else "unknown"


def _ip(host: str) -> IPv4Address | IPv6Address | None:
    """``host`` as an IP address, with or without a port (and the brackets around an IPv6 address)."""
    written = _WITH_PORT.fullmatch(host.strip())
    try:
        return ip_address((written[1] or written[2]) if written else host.strip())
    except ValueError:
        return None


def _log_refusal(request: Request, reason: str) -> None:
    # The reason names a check, never a header value: no key, signature or nonce reaches the log.
    log.info("request %s refused: %s", _request_id(request), reason)


def _request_id(request: Request) -> Any:
    return getattr(request.state, "request_id", "-")
