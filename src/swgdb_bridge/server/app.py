"""The reference SWGDB server as an ASGI app: ``create_app(storage, settings)``.

The app owns no state of its own (nonces, rate counters and sessions all live in ``storage``), so any
number of workers or hosts can serve one PostgreSQL database. Interactive docs UIs are off (they would pull
assets from a CDN); the machine-readable OpenAPI document is at ``/v1/openapi.json``.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from swgdb_bridge import __version__
from swgdb_bridge.server.api.errors import ApiProblem, install_error_handlers, problem_response
from swgdb_bridge.server.api.openapi import install_openapi
from swgdb_bridge.server.api.pairing import build_pairing_router
from swgdb_bridge.server.api.routes import build_router
from swgdb_bridge.server.ops.connections import CLIENT_LEFT, client_left, mark_client_left
from swgdb_bridge.server.ops.install import install_operations
from swgdb_bridge.server.ops.logging import loggable
from swgdb_bridge.server.settings import ServerSettings

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Storage

log = logging.getLogger("swgdb_bridge.server")


def create_app(
    storage: Storage,
    settings: ServerSettings | None = None,
    *,
    dashboard: bool = True,
    dashboard_options: Mapping[str, Any] | None = None,
) -> FastAPI:
    """Build the app around an open storage; the caller keeps ownership of ``storage`` (and closes it).

    The user dashboard is mounted at ``/dashboard`` unless ``dashboard`` is false (the benchmark's floor).
    """
    settings = settings or ServerSettings()
    app = FastAPI(
        title="SWGDB reference server",
        version=__version__,
        description="Receives signed, sanitized MS11 session uploads. Protocol: docs/protocol.md.",
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.storage = storage
    app.state.settings = settings
    included = [
        *_include(app, build_router(storage, settings), prefix="/v1"),
        *_include(app, build_pairing_router(storage, settings)),
    ]
    install_error_handlers(app)
    install_openapi(app, settings.max_batch_sessions)
    if dashboard:
        from swgdb_bridge.server.dashboard import mount_dashboard

        mount_dashboard(app, storage, settings, **(dashboard_options or {}))
    install_operations(app, storage, included)  # /healthz, /readyz, /metrics; inside RequestContext
    app.add_middleware(RequestContext)
    return app


def _include(app: FastAPI, router: APIRouter, prefix: str = "") -> list[str]:
    """Include ``router`` under ``prefix``; returns its routes' full path templates (for the metrics)."""
    app.include_router(router, prefix=prefix)
    return [prefix + route.path_format for route in router.routes if hasattr(route, "path_format")]


# Headers every answer carries unless its app set them (the dashboard sets stricter ones): no MIME sniffing of
# JSON answers, no framing of the API's own pages (``/pair``), no referrer leaving with a link, and no copy
# in any cache: answers hold API keys, device codes, login links and users' sessions (RFC 6749 5.1).
_DEFAULT_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


_SCHEME_AND_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?:[/\\]{2}[^/\\?#]*)?")
"""What precedes a URL's path: a scheme, then an authority (browsers take a backslash for a slash)."""


def _own_location(value: bytes) -> bytes:
    """A redirect's target as a path on this server: Starlette's slash redirects are absolute URLs built
    from the request's ``Host`` header, which the client chooses (``Host: evil.example`` would send the
    browser there, and a cache could keep that answer for everyone). The server only ever redirects to
    itself, so scheme and host are dropped, and leading slashes collapse to one: browsers read ``//evil``
    and ``/\\evil`` as a host. A pattern, not ``urlsplit``: a ``Host`` such as ``[evil`` makes it raise."""
    rest = _SCHEME_AND_HOST.sub("", value.decode("latin-1"), count=1)
    return ("/" + rest.lstrip("/\\")).encode("latin-1")


def _with_defaults(headers: Iterable[tuple[bytes, bytes]], request_id: str) -> list[tuple[bytes, bytes]]:
    headers = [
        (name, _own_location(value) if name.lower() == b"location" else value) for name, value in headers
    ]
    present = {name.lower() for name, _ in headers}
    missing = [header for header in _DEFAULT_HEADERS if header[0] not in present]
    return [*headers, *missing, (b"x-request-id", request_id.encode())]


class RequestContext:
    """Gives each request an id (``X-Request-ID``), logs one access line, and turns crashes into clean 500s.

    The access line holds method, path (no query string, escaped: :func:`loggable`), status and time —
    never headers or bodies, so keys, signatures and session content cannot reach the log. Crashes are logged as type and stack frames
    only: an exception's message may quote SQL parameters, i.e. a session's content. A client that hangs
    up before its body is complete is no crash (:data:`CLIENT_LEFT`): else anyone could write a stack
    trace into the log with every connection.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        outcome = {"status": 500, "sent": False}

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"], outcome["sent"] = message["status"], True
                message["headers"] = _with_defaults(message.get("headers", []), request_id)
            await send(message)

        async def watched_receive() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect" and not outcome["sent"]:
                mark_client_left(scope)
            return message

        try:
            await self.app(scope, watched_receive, tagged_send)
        except ClientDisconnect:
            log.info("request %s ended: the client left before its body was complete", request_id)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("request %s crashed with %s\n%s", request_id, type(exc).__name__, frames)
            if not outcome["sent"]:
                problem = ApiProblem(
                    500,
                    "internal_error",
                    f"Internal server error (request id {request_id}); see the server log.",
                )
                await problem_response(problem)(scope, receive, tagged_send)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info(
                "request %s %s %s -> %s in %.1f ms",
                request_id,
                loggable(scope["method"]),
                loggable(scope["path"]),
                CLIENT_LEFT if client_left(scope) else outcome["status"],
                elapsed_ms,
            )
