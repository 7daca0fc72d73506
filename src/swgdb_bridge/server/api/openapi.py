"""The OpenAPI document at ``/v1/openapi.json``: FastAPI's, plus what it cannot see by itself.

Signed routes read their bodies raw (see :mod:`swgdb_bridge.server.api.routes`), so the payload schemas and the
five protocol headers are added here, which also lets schemathesis generate meaningful requests.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from swgdb_bridge import protocol
from swgdb_bridge.payload import SessionPayload

_REF = "#/components/schemas/{model}"

_HEADER_TEXTS = {
    protocol.USER_HASH_HEADER: "The user hash issued with the API key.",
    protocol.TIMESTAMP_HEADER: "Unix time in whole seconds; ±300 s of the server clock.",
    protocol.NONCE_HEADER: "32 lowercase hex characters, new for every request.",
    protocol.CONTENT_SHA256_HEADER: "SHA-256 of the exact body bytes sent.",
    protocol.SIGNATURE_HEADER: "v1= + HMAC-SHA256; see docs/protocol.md.",
}

SIGNED_HEADER_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": name,
        "in": "header",
        "required": True,
        "description": _HEADER_TEXTS[name],
        # The protocol matches whole values; a JSON Schema pattern matches anywhere unless anchored.
        "schema": {"type": "string", "pattern": f"^(?:{protocol.HEADER_PATTERNS[name]})$"},
    }
    for name in protocol.SIGNED_HEADERS
]


def json_request_body(schema_name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=schema_name)}}},
    }


def payload_schemas(max_batch_sessions: int) -> dict[str, Any]:
    """``SessionPayload`` and its parts as OpenAPI components, plus the batch envelope."""
    schema = SessionPayload.model_json_schema(by_alias=True, ref_template=_REF)
    components = schema.pop("$defs", {})
    components["SessionPayload"] = schema
    components["BatchUpload"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["sessions"],
        "properties": {
            "sessions": {
                "type": "array",
                "maxItems": max_batch_sessions,
                "items": {"$ref": _REF.format(model="SessionPayload")},
            }
        },
    }
    return components


def install_openapi(app: FastAPI, max_batch_sessions: int) -> None:
    """Replace ``app.openapi`` with a cached generator that merges in the payload components."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, component in payload_schemas(max_batch_sessions).items():
                if name in schemas and schemas[name] != component:
                    raise RuntimeError(f"OpenAPI component name clash: {name}")
                schemas[name] = component
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
