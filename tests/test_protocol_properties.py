"""Properties of the v1 signer and strict parser; signatures are compared in constant time only."""

from __future__ import annotations

import ast
import hmac
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge import protocol

SRC = Path(protocol.__file__).resolve().parent

keys = st.text(min_size=1, max_size=64)
user_hashes = st.from_regex(r"\A[A-Za-z0-9_-]{1,128}\Z")
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])
paths = st.from_regex(r"\A/v1/[!-~]{0,80}\Z")
bodies = st.binary(max_size=512)
timestamps = st.integers(min_value=0, max_value=10**12 - 1)
nonces = st.from_regex(r"\A[0-9a-f]{32}\Z")

FIELDS = {
    "api_key": keys,
    "method": methods,
    "path": paths,
    "body": bodies,
    "timestamp": timestamps,
    "nonce": nonces,
}


def _sign(request: dict) -> dict[str, str]:
    return protocol.sign_request(
        request["api_key"],
        request["user_hash"],
        request["method"],
        request["path"],
        request["body"],
        timestamp=request["timestamp"],
        nonce=request["nonce"],
    )


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("ascii"), value.encode("ascii")) for name, value in headers.items()]


requests = st.fixed_dictionaries({**FIELDS, "user_hash": user_hashes})


@given(requests)
def test_what_is_signed_verifies(request: dict) -> None:
    parsed = protocol.parse_signed_headers(_raw(_sign(request)))
    protocol.check_body(parsed, request["body"])
    assert parsed.user_hash == request["user_hash"]
    assert protocol.signature_matches([request["api_key"]], parsed, request["method"], request["path"])


@given(requests, st.sampled_from(sorted(FIELDS)), st.data())
def test_changing_any_signed_field_changes_the_signature(
    request: dict, field: str, data: st.DataObject
) -> None:
    changed = {**request, field: data.draw(FIELDS[field].filter(lambda v: v != request[field]), label=field)}
    assert _sign(changed)[protocol.SIGNATURE_HEADER] != _sign(request)[protocol.SIGNATURE_HEADER]


@given(requests, st.sampled_from(["method", "path", "timestamp", "nonce"]), st.data())
def test_verifier_refuses_a_request_whose_line_differs_from_what_was_signed(
    request: dict, field: str, data: st.DataObject
) -> None:
    headers = _sign(request)
    other = data.draw(FIELDS[field].filter(lambda v: v != request[field]), label=field)
    if field in ("timestamp", "nonce"):  # tampered headers, same request line
        headers[{"timestamp": protocol.TIMESTAMP_HEADER, "nonce": protocol.NONCE_HEADER}[field]] = str(other)
        method, path = request["method"], request["path"]
    else:
        method, path = (other, request["path"]) if field == "method" else (request["method"], other)
    parsed = protocol.parse_signed_headers(_raw(headers))
    assert not protocol.signature_matches([request["api_key"]], parsed, method, path)


@settings(max_examples=50)
@given(requests, bodies)
def test_a_different_body_fails_the_digest_check(request: dict, other_body: bytes) -> None:
    parsed = protocol.parse_signed_headers(_raw(_sign(request)))
    if other_body == request["body"]:
        protocol.check_body(parsed, other_body)
    else:
        with pytest.raises(protocol.SignatureRejected):
            protocol.check_body(parsed, other_body)


GOOD = protocol.sign_request("k", "user-1", "GET", "/v1/auth/validate", timestamp=1795000000, nonce="ab" * 16)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (protocol.TIMESTAMP_HEADER, "01795000000"),
        (protocol.TIMESTAMP_HEADER, "+1795000000"),
        (protocol.TIMESTAMP_HEADER, "1795000000.0"),
        (protocol.TIMESTAMP_HEADER, "-1"),
        (protocol.TIMESTAMP_HEADER, "1" * 13),
        (protocol.NONCE_HEADER, "AB" * 16),
        (protocol.NONCE_HEADER, "ab" * 15),
        (protocol.NONCE_HEADER, "ab" * 17),
        (protocol.SIGNATURE_HEADER, GOOD[protocol.SIGNATURE_HEADER].upper()),
        (protocol.SIGNATURE_HEADER, "v2=" + GOOD[protocol.SIGNATURE_HEADER][3:]),
        (protocol.SIGNATURE_HEADER, GOOD[protocol.SIGNATURE_HEADER][3:]),
        (protocol.CONTENT_SHA256_HEADER, protocol.EMPTY_BODY_SHA256[:-1]),
        (protocol.USER_HASH_HEADER, "user 1"),
        (protocol.USER_HASH_HEADER, ""),
    ],
)
def test_parser_refuses_non_canonical_values(header: str, value: str) -> None:
    with pytest.raises(protocol.SignatureRejected):
        protocol.parse_signed_headers(_raw({**GOOD, header: value}))


def test_parser_refuses_duplicates_non_ascii_and_missing_headers() -> None:
    raw = _raw(GOOD)
    with pytest.raises(protocol.SignatureRejected, match="duplicated"):
        protocol.parse_signed_headers([*raw, raw[1]])
    with pytest.raises(protocol.SignatureRejected, match="non-ASCII"):
        protocol.parse_signed_headers([*raw[:-1], (raw[-1][0], "v1=é".encode())])
    for missing in range(len(raw)):
        with pytest.raises(protocol.SignatureRejected, match="missing"):
            protocol.parse_signed_headers(raw[:missing] + raw[missing + 1 :])


# --- signatures are compared only with hmac.compare_digest ---------------------------------------------

SECRET_WORDS = ("signature", "digest", "sha256", "expected", "given", "mac")


def _comparisons_of_secrets(path: Path) -> list[str]:
    """Each ``==``/``!=``/``is``/``in`` comparison in ``path`` whose operands look like a signature/digest."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            text = ast.unparse(node).lower()
            if any(word in text for word in SECRET_WORDS):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("module", ["protocol.py", "server/api/verify.py"])
def test_no_plain_comparison_of_signature_values(module: str) -> None:
    assert _comparisons_of_secrets(SRC / module) == []


def test_signature_checks_call_compare_digest_once_per_key() -> None:
    """Traced at run time (sys.setprofile sees C calls), with nothing patched: every key is compared."""
    headers = protocol.parse_signed_headers(_raw(GOOD))
    calls: list[str] = []

    def profile(_frame, event, arg):
        if event == "c_call":
            calls.append(getattr(arg, "__name__", ""))

    sys.setprofile(profile)
    try:
        matched = protocol.signature_matches(["k", "old-key", "another"], headers, "GET", "/v1/auth/validate")
        protocol.check_body(headers, b"")
    finally:
        sys.setprofile(None)
    assert matched
    assert hmac.compare_digest.__name__ == "compare_digest"
    assert calls.count("compare_digest") == 3 + 1
