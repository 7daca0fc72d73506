"""Reading request bodies defensively: size-capped on the wire, size-capped after gunzip, then JSON.

Each step refuses as soon as a limit is crossed, so an oversize upload or a decompression bomb costs the
server at most ``limit + 1`` bytes of memory, never the attacker's full amount. Before JSON is parsed, its
values are counted from the bytes: 32 MiB of ``{},{},…`` would otherwise become ten million Python objects
(over a gigabyte) before the payload model could refuse a single one.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from starlette.requests import Request

from swgdb_bridge.server.api.errors import ApiProblem

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ENCODINGS = {"", "identity", "gzip"}


def too_large(what: str, limit: int) -> ApiProblem:
    return ApiProblem(
        413,
        "body_too_large",
        f"The {what} is larger than the server's limit of {limit} bytes; split it into smaller uploads "
        "(GET /v1/info lists the limits).",
    )


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, exactly as received, refusing (413) the moment it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large("request body", limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large("request body", limit)
        chunks.append(chunk)
    return b"".join(chunks)


def content_encoding(request: Request) -> str:
    """The one content coding of the body: none, ``identity`` or ``gzip``; anything else is a 415."""
    values = request.headers.getlist("content-encoding")
    coding = values[0].strip().lower() if len(values) == 1 else ("" if not values else "multiple")
    if coding not in _ENCODINGS:
        raise ApiProblem(
            415,
            "unsupported_encoding",
            "Send the body uncompressed or with 'Content-Encoding: gzip' (one coding).",
        )
    return coding


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress one gzip member, never producing more than ``limit + 1`` bytes before refusing (413)."""
    inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
    out = bytearray()
    pending = data
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, limit + 1 - len(out))
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
            out += chunk
            if len(out) > limit:
                raise too_large("decompressed request body", limit)
    except zlib.error:
        raise _bad_gzip() from None
    if not inflater.eof or inflater.unused_data:
        raise _bad_gzip()
    return bytes(out)


def _bad_gzip() -> ApiProblem:
    return ApiProblem(
        400, "malformed_body", "The body is not one complete gzip stream, as 'Content-Encoding: gzip' said."
    )


def decode_body(raw: bytes, coding: str, limit: int) -> bytes:
    if coding == "gzip":
        return gunzip_capped(raw, limit)
    if len(raw) > limit:
        raise too_large("request body", limit)
    return raw


def check_json_budget(body: bytes, max_values: int) -> None:
    """Refuse (413) a body with more than ``max_values`` JSON values, counted without parsing.

    Every value after the first follows a comma or opens an object or array, so commas plus opening
    brackets bound the number of values (from above: those characters inside strings count too).
    """
    values = body.count(b",") + body.count(b"{") + body.count(b"[")
    if values > max_values:
        raise ApiProblem(
            413,
            "body_too_complex",
            f"The body holds about {values} JSON values, more than the server's limit of {max_values}; "
            "split the session or the batch into smaller uploads (GET /v1/info lists the limits).",
        )


def parse_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiProblem(
            400,
            "malformed_json",
            f"The body is not valid JSON (at byte {exc.pos}); send one UTF-8 JSON document.",
        ) from None
