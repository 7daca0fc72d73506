"""The known-answer vectors published in docs/protocol.md hold for our signer and verifier."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from swgdb_bridge import protocol

DOC = Path(__file__).resolve().parents[1] / "docs" / "protocol.md"
_BLOCK = re.compile(r"^```vector\n(.*?)^```", re.DOTALL | re.MULTILINE)


def load_vectors() -> list[dict[str, str]]:
    vectors = []
    for block in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        fields = dict(
            line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in block.splitlines()
        )
        vectors.append(fields)
    return vectors


VECTORS = load_vectors()


def test_the_document_publishes_vectors_for_bodies_queries_and_utf8_keys() -> None:
    names = {v["name"] for v in VECTORS}
    assert {"validate", "upload", "list-with-query", "gzip-batch", "utf8-key"} <= names


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_signer_reproduces_vector(vector: dict[str, str]) -> None:
    body = bytes.fromhex(vector["body_hex"])
    headers = protocol.sign_request(
        vector["api_key"],
        vector["user_hash"],
        vector["method"],
        vector["path"],
        body,
        timestamp=int(vector["timestamp"]),
        nonce=vector["nonce"],
    )
    assert headers[protocol.CONTENT_SHA256_HEADER] == vector["content_sha256"]
    assert headers[protocol.SIGNATURE_HEADER] == vector["signature"]
    message = protocol.string_to_sign(
        int(vector["timestamp"]), vector["nonce"], vector["method"], vector["path"], vector["content_sha256"]
    )
    assert message == vector["string_to_sign"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_verifier_accepts_vector_and_only_under_its_key(vector: dict[str, str]) -> None:
    raw = [(name.lower().encode(), value.encode()) for name, value in _headers_of(vector).items()]
    parsed = protocol.parse_signed_headers(raw)
    protocol.check_body(parsed, bytes.fromhex(vector["body_hex"]))
    assert protocol.signature_matches([vector["api_key"]], parsed, vector["method"], vector["path"])
    assert protocol.signature_matches(
        ["old-key", vector["api_key"]], parsed, vector["method"], vector["path"]
    )
    assert not protocol.signature_matches([vector["api_key"] + "x"], parsed, vector["method"], vector["path"])


def _headers_of(vector: dict[str, str]) -> dict[str, str]:
    return {
        protocol.USER_HASH_HEADER: vector["user_hash"],
        protocol.TIMESTAMP_HEADER: vector["timestamp"],
        protocol.NONCE_HEADER: vector["nonce"],
        protocol.CONTENT_SHA256_HEADER: vector["content_sha256"],
        protocol.SIGNATURE_HEADER: vector["signature"],
    }
