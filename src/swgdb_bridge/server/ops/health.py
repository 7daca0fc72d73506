"""``GET /healthz`` (liveness) and ``GET /readyz`` (readiness) for load balancers and orchestrators.

Liveness says only that this process answers HTTP: restarting it would not help a database outage, so the
database is not consulted. Readiness says whether this worker can do useful work right now — the database
answers and its schema is at this release's migration head — so a proxy stops sending uploads to it while
PostgreSQL is down or an upgrade is half done. The reasons in a 503 name what to check, never where the
database is: the endpoint is often public (a load balancer's), so the user, host, port and name the storage's
message gives (its password masked) go to the server's log only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from swgdb_bridge.errors import BridgeError

if TYPE_CHECKING:
    from starlette.requests import Request

    from swgdb_bridge.server.db.storage import Storage

log = logging.getLogger("swgdb_bridge.server")

DATABASE_UNREACHABLE = "database unreachable: the server's log says which database and why"
SCHEMA_NOT_CURRENT = (
    "database schema is not at this release's migration head: an upgrade is half done, or a newer release "
    "migrated it. Restart this worker with the release that matches the database (docs/deploy.md)"
)


def readiness(storage: Storage) -> list[str]:
    """What stops this worker from serving uploads; empty when it is ready. Blocking: call off the loop."""
    try:
        storage.ping()
    except BridgeError as error:
        log.warning("not ready: %s", error)
        return [DATABASE_UNREACHABLE]
    try:
        current = storage.migrations_current()
    except Exception as error:
        return [f"cannot read the schema revision ({type(error).__name__}); is the database reachable?"]
    if not current:
        return [SCHEMA_NOT_CURRENT]
    return []


def health_endpoints(storage: Storage) -> tuple[Any, Any]:
    """The two handlers, closed over the app's storage."""

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        problems = await run_in_threadpool(readiness, storage)
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    return healthz, readyz
