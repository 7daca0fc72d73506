"""Prometheus metrics of the server, served at ``GET /metrics`` in the Prometheus text format.

What is counted: uploads by stored status (created / updated / unchanged / rejected, batch items included),
refused requests by the error code of their body (``unauthorized``, ``rate_limited``, ...), request latency
by route template, and batch sizes. Everything is read off the responses by one ASGI middleware, so the API
handlers stay free of metrics code and a new error code is counted without touching this module.

Every label value comes from a fixed set, never from the request as sent: a method outside
:data:`METHODS` and a path that matches no route both count as ``other``, so made-up methods or paths
cannot grow ``/metrics`` one time series at a time.

Several workers: a scrape reaches one worker at random, so per-process counters would jump around. When
``PROMETHEUS_MULTIPROC_DIR`` is set (``server run --workers N`` sets it up), prometheus-client keeps every
value in a per-process file there and ``/metrics`` sums the files of all workers, dead ones included
(counters must not go backwards when a worker is replaced). The variable must be set before
prometheus-client is imported, which holds for uvicorn's workers: they are spawned fresh with the parent's
environment. Separate hosts or ``server run`` processes are scraped one by one; Prometheus sums them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response
from starlette.routing import Mount, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from swgdb_bridge.server.ops.connections import CLIENT_LEFT, client_left

if TYPE_CHECKING:
    from starlette.requests import Request

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UPLOAD_PATHS = frozenset({"/v1/sessions/upload", "/v1/sessions/batch-upload"})
BATCH_PATH = "/v1/sessions/batch-upload"
MAX_INSPECTED_BODY = 256 * 1024
"""Response bodies read for counting are small JSON; anything larger is counted by status alone."""
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "other"
"""The label of every method outside :data:`METHODS` and of every path that matches no route."""


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class ServerMetrics:
    """The server's metric families, on a registry of their own (each app in a test process gets its own)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.uploads = Counter(
            "swgdb_uploads",
            "Sessions received, by the status stored (batch items counted one by one).",
            ["status"],
            registry=self.registry,
        )
        self.rejects = Counter(
            "swgdb_rejects",
            "Requests refused (HTTP 4xx/5xx), by the error code of the response.",
            ["reason", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "swgdb_request_duration_seconds",
            "Time to answer a request, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_sizes = Histogram(
            "swgdb_batch_sessions",
            "Sessions per accepted batch upload.",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """The text format: this registry, or every worker's files in multiprocess mode."""
        directory = multiprocess_dir()
        if directory is None:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=directory)
        return generate_latest(merged)

    def count_response(self, path: str, status: int, body: bytes) -> None:
        """Uploads and batch sizes from a successful upload's body; the reason from an error's body."""
        if status >= 400:
            self.rejects.labels(reason=_error_code(body, status), status=str(status)).inc()
            return
        if path not in UPLOAD_PATHS:
            return
        statuses = _upload_statuses(path, body)
        for stored in statuses:
            self.uploads.labels(status=stored).inc()
        if path == BATCH_PATH:
            self.batch_sizes.observe(len(statuses))


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _error_code(body: bytes, status: int) -> str:
    """The ``error`` field of our error bodies (a small fixed set); ``http_<status>`` for anything else."""
    document = _loads(body)
    code = document.get("error") if isinstance(document, dict) else None
    if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 40:
        return code
    return f"http_{status}"


def _upload_statuses(path: str, body: bytes) -> list[str]:
    document = _loads(body)
    if not isinstance(document, dict):
        return []
    if path == BATCH_PATH:
        items: Iterable[Any] = document.get("results") or []
        return [str(item.get("status")) for item in items if isinstance(item, dict)]
    return [str(document["status"])] if "status" in document else []


class RouteLabels:
    """Maps a request path to its route template (``/v1/sessions/{session_id}/status``), never the raw
    path: ids in paths would make one time series per session. Unknown paths share one label.

    The templates are read once, on the first request, from the app's own routes and mounts plus
    ``included``: the full paths of the routes of the routers the app includes (FastAPI keeps those behind
    the inclusion, with their own, unprefixed paths). Building the OpenAPI document would also give them,
    but costs ~0.1 s per app.
    """

    def __init__(self, included: Iterable[str] = ()) -> None:
        self._included = tuple(included)
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def label(self, app: Any, path: str) -> str:
        if self._patterns is None:
            self._patterns = self._load(app)
        return next((template for pattern, template in self._patterns if pattern.match(path)), OTHER)

    def _load(self, app: Any) -> list[tuple[re.Pattern[str], str]]:
        patterns = []
        for route in app.routes:
            if isinstance(route, Mount):  # everything below a mount (the dashboard) is one label
                patterns.append((re.compile(f"^{re.escape(route.path)}(/.*)?$"), route.path_format))
            elif isinstance(getattr(route, "path_format", None), str):
                patterns.append((compile_path(route.path_format)[0], route.path_format))
        patterns += [(compile_path(template)[0], template) for template in self._included]
        return patterns


class MetricsMiddleware:
    """Times every HTTP request and hands the response's status and (small) body to :class:`ServerMetrics`."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics, included: Iterable[str] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = RouteLabels(included)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Read before the request runs: a mount re-points scope["app"] (and may rewrite the path) on its way in.
        app, path, started = scope.get("app"), scope["path"], time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "inspect": False, "body": bytearray(), "counted": False}

        def count() -> None:
            seen["counted"] = True
            method = scope["method"] if scope["method"] in METHODS else OTHER
            self.metrics.latency.labels(method=method, route=self.routes.label(app, path)).observe(
                time.perf_counter() - started
            )
            body = bytes(seen["body"]) if seen["inspect"] else b""
            status = CLIENT_LEFT if client_left(scope) else seen["status"]
            self.metrics.count_response(path, status, body)

        async def observing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["inspect"] = message["status"] >= 400 or path in UPLOAD_PATHS
            elif message["type"] == "http.response.body":
                if seen["inspect"]:
                    seen["body"] += message.get("body", b"")
                    seen["inspect"] = len(seen["body"]) <= MAX_INSPECTED_BODY
                if not message.get("more_body", False):
                    # Counted before the last byte leaves: a client that has its answer and scrapes next
                    # (perhaps from another worker) must already see this request.
                    count()
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            if not seen["counted"]:
                count()


def metrics_endpoint(metrics: ServerMetrics) -> Any:
    async def serve_metrics(_request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return serve_metrics
