"""Protocol v1: how a request is signed, shared word for word by the client and the server.

A signed request carries five headers; the API key itself never travels. The signature is
``v1=`` + hex HMAC-SHA256 (keyed with the key's UTF-8 bytes) over
``{timestamp}.{nonce}.{METHOD}.{path}.{content_sha256}``, where ``path`` includes ``/v1`` and any query
string and ``content_sha256`` is the SHA-256 of the exact body bytes sent. ``docs/protocol.md`` has the
known-answer vectors. Parsing is strict on purpose: anything unexpected is a refusal, never a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

VERSION = "v1"
USER_HASH_HEADER = "X-SWGDB-User-Hash"
TIMESTAMP_HEADER = "X-SWGDB-Timestamp"
NONCE_HEADER = "X-SWGDB-Nonce"
CONTENT_SHA256_HEADER = "X-SWGDB-Content-SHA256"
SIGNATURE_HEADER = "X-SWGDB-Signature"
SIGNED_HEADERS = (USER_HASH_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, CONTENT_SHA256_HEADER, SIGNATURE_HEADER)

MAX_CLOCK_SKEW_SECONDS = 300
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

HEADER_PATTERNS = {
    USER_HASH_HEADER: r"[A-Za-z0-9_-]{1,128}",
    TIMESTAMP_HEADER: r"0|[1-9][0-9]{0,11}",  # canonical: no leading zeros, no sign
    NONCE_HEADER: r"[0-9a-f]{32}",
    CONTENT_SHA256_HEADER: r"[0-9a-f]{64}",
    SIGNATURE_HEADER: r"v1=[0-9a-f]{64}",
}
"""Each header's exact shape, matched against the whole value; the OpenAPI document publishes these."""
_SHAPES = {name: re.compile(pattern) for name, pattern in HEADER_PATTERNS.items()}
USER_HASH_SHAPE = _SHAPES[USER_HASH_HEADER]


def is_user_hash(value: str) -> bool:
    """Whether ``value`` has the shape of a user hash (the header's rule: ASCII letters, digits, ``_`` and
    ``-``). Anything else can go into no request and names no user: the client refuses such a setting, and
    the server never sends it to its database (a lone surrogate from an argument that was not UTF-8 cannot
    be encoded for it, and PostgreSQL refuses a NUL)."""
    return USER_HASH_SHAPE.fullmatch(value) is not None


class SignatureRejected(Exception):
    """A request that fails protocol checks. ``reason`` is for logs and metrics, never for the client."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """The five protocol headers, parsed and shape-checked."""

    user_hash: str
    timestamp: int
    nonce: str
    content_sha256: str
    signature: str


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: int, nonce: str, method: str, path: str, content_sha256: str) -> str:
    return f"{timestamp}.{nonce}.{method.upper()}.{path}.{content_sha256}"


def compute_signature(api_key: str, message: str) -> str:
    digest = hmac.new(api_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def sign_request(
    api_key: str,
    user_hash: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers that sign one request. Every call draws a fresh nonce: a retry must be signed anew."""
    ts = int(time.time()) if timestamp is None else timestamp
    nonce = secrets.token_hex(16) if nonce is None else nonce
    digest = body_sha256(body)
    signature = compute_signature(api_key, string_to_sign(ts, nonce, method, path, digest))
    return {
        USER_HASH_HEADER: user_hash,
        TIMESTAMP_HEADER: str(ts),
        NONCE_HEADER: nonce,
        CONTENT_SHA256_HEADER: digest,
        SIGNATURE_HEADER: signature,
    }


def parse_signed_headers(raw_headers: Iterable[tuple[bytes, bytes]]) -> SignedHeaders:
    """Pick the protocol headers out of raw ASGI header pairs, strictly.

    Missing, duplicated, non-ASCII or malformed → :class:`SignatureRejected`.
    """
    wanted = {name.lower(): name for name in SIGNED_HEADERS}
    found: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = raw_name.decode("latin-1").lower()
        if name not in wanted:
            continue
        if name in found:
            raise SignatureRejected(f"duplicated header {wanted[name]}")
        try:
            found[name] = raw_value.decode("ascii")
        except UnicodeDecodeError:
            raise SignatureRejected(f"non-ASCII header {wanted[name]}") from None
    missing = [wanted[n] for n in wanted if n not in found]
    if missing:
        raise SignatureRejected(f"missing header {missing[0]}")
    values = [found[n.lower()] for n in SIGNED_HEADERS]
    for name, value in zip(SIGNED_HEADERS, values, strict=True):
        if not _SHAPES[name].fullmatch(value):
            raise SignatureRejected(f"malformed header {name}")
    user_hash, timestamp, nonce, content_sha256, signature = values
    return SignedHeaders(user_hash, int(timestamp), nonce, content_sha256, signature)


def check_timestamp(timestamp: int, now: float, window: int = MAX_CLOCK_SKEW_SECONDS) -> None:
    """Refuse a timestamp more than ``window`` seconds from ``now``, in either direction (the edge passes)."""
    if abs(int(now) - timestamp) > window:
        raise SignatureRejected("timestamp outside the allowed window")


def check_body(headers: SignedHeaders, body: bytes) -> None:
    """The declared digest must match the raw bytes received, before anything parses them."""
    if not hmac.compare_digest(headers.content_sha256.encode(), body_sha256(body).encode()):
        raise SignatureRejected("content digest mismatch")


def signature_matches(api_keys: Iterable[str], headers: SignedHeaders, method: str, path: str) -> bool:
    """True when the signature verifies under any of ``api_keys`` (two during a key rotation).

    Every key is tried, with ``hmac.compare_digest`` on bytes, so timing does not tell which one matched.
    """
    message = string_to_sign(headers.timestamp, headers.nonce, method, path, headers.content_sha256)
    given = headers.signature.encode("ascii")
    matched = False
    for key in api_keys:
        expected = compute_signature(key, message).encode("ascii")
        matched |= hmac.compare_digest(expected, given)
    return matched
