"""What an operator needs from every app: ``/healthz``, ``/readyz``, ``/metrics`` and request ids in logs.

One call from :func:`~swgdb_bridge.server.app.create_app`, before its ``RequestContext`` middleware is
added, so that the request id exists when these middlewares run and the access line sees the context.
The endpoints sit outside ``/v1``: they are not part of the signed protocol, and a reverse proxy should
keep ``/metrics`` to the monitoring network (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from swgdb_bridge.server.ops.health import health_endpoints
from swgdb_bridge.server.ops.logging import RequestIdContext
from swgdb_bridge.server.ops.metrics import MetricsMiddleware, ServerMetrics, metrics_endpoint

if TYPE_CHECKING:
    from fastapi import FastAPI

    from swgdb_bridge.server.db.storage import Storage


def install_operations(app: FastAPI, storage: Storage, included: Iterable[str] = ()) -> ServerMetrics:
    """Mount the three endpoints and the two middlewares on ``app``; returns the app's metrics.

    ``included`` are the full path templates of the routes of the routers ``app`` includes: the
    metrics label each request by its template.
    """
    metrics = ServerMetrics()
    healthz, readyz = health_endpoints(storage)
    for path, endpoint in (
        ("/healthz", healthz),
        ("/readyz", readyz),
        ("/metrics", metrics_endpoint(metrics)),
    ):
        app.add_route(path, endpoint, methods=["GET"], include_in_schema=False)
    app.add_middleware(MetricsMiddleware, metrics=metrics, included=tuple(included))
    app.add_middleware(RequestIdContext)
    app.state.metrics = metrics
    return metrics
