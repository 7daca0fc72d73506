"""The user's SWGDB dashboard: server-rendered pages under ``/dashboard`` over the server's database.

``mount_dashboard`` is what ``create_app`` calls; ``dashboard_link`` makes the one-time login links (the
``server dashboard-link`` command and the demo). The web framework and templates load only when mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from swgdb_bridge.server.dashboard.auth import dashboard_link

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.types import Receive, Scope, Send

    from swgdb_bridge.server.db.storage import Storage
    from swgdb_bridge.server.settings import ServerSettings

__all__ = ["dashboard_link", "mount_dashboard"]


def mount_dashboard(app: Starlette, storage: Storage, settings: ServerSettings, **options: Any) -> None:
    """Serve the dashboard from ``app`` at ``/dashboard`` (``options``: live-update timing, for tests)."""
    from swgdb_bridge.server.dashboard.routes import create_dashboard

    dashboard = create_dashboard(storage, settings, **options)

    async def on_its_own_scope(scope: Scope, receive: Receive, send: Send) -> None:
        """Starlette points ``scope["app"]`` (and ``router``) at the dashboard app while it runs; a copy keeps
        the outer app's scope as the outer middlewares left it (the metrics read ``scope["app"]`` after)."""
        await dashboard(dict(scope), receive, send)

    app.mount("/dashboard", on_its_own_scope)
