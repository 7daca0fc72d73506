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
    """Serve the dashboard from ``app`` at ``/dashboard`` (``options``: live-update timing, for tests);
    its live-update streams are capped by :class:`~swgdb_bridge.server.dashboard.live.StreamLimit`."""
    from swgdb_bridge.server.dashboard.auth import Authenticator, login_cookie
    from swgdb_bridge.server.dashboard.live import StreamLimit, StreamSlots
    from swgdb_bridge.server.dashboard.routes import create_dashboard

    auth = Authenticator(storage, settings.clock)
    slots = StreamSlots(settings.max_streams_per_login, settings.max_streams)
    app.state.stream_slots = slots
    pages = create_dashboard(storage, settings, **options)
    dashboard = StreamLimit(
        pages,
        route=pages.url_path_for("events"),
        cookie=login_cookie,
        identify=lambda cookie: user.user_id if (user := auth.user_for(cookie)) else None,
        slots=slots,
    )

    async def on_its_own_scope(scope: Scope, receive: Receive, send: Send) -> None:
        """Starlette points ``scope["app"]`` (and ``router``) at the dashboard app while it runs; a copy keeps
        the outer app's scope as the outer middlewares left it (the metrics read ``scope["app"]`` after)."""
        await dashboard(dict(scope), receive, send)

    app.mount("/dashboard", on_its_own_scope)
