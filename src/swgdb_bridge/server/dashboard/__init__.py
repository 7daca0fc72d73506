"""The user's SWGDB dashboard: server-rendered pages under ``/dashboard`` over the server's database.

``mount_dashboard`` is what ``create_app`` calls; ``dashboard_link`` makes the one-time login links (the
``server dashboard-link`` command and the demo). The web framework and templates load only when mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from swgdb_bridge.server.dashboard.auth import dashboard_link

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from swgdb_bridge.server.settings import ServerSettings
    from swgdb_bridge.server.storage import Storage

__all__ = ["dashboard_link", "mount_dashboard"]


def mount_dashboard(app: Starlette, storage: Storage, settings: ServerSettings, **options: Any) -> None:
    """Serve the dashboard from ``app`` at ``/dashboard`` (``options``: live-update timing, for tests)."""
    from swgdb_bridge.server.dashboard.views import create_dashboard

    app.mount("/dashboard", create_dashboard(storage, settings, **options))
