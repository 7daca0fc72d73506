"""The reference SWGDB server: verify signed requests, store sessions, serve the dashboard.

It imports the shared payload model and protocol, never client code; public entry points live in
:mod:`swgdb_bridge.server.db.storage` and the app module.
"""


def __getattr__(name: str) -> object:
    """``dashboard_link`` (used by the demo), imported on first use so the package stays light."""
    if name == "dashboard_link":
        from swgdb_bridge.server.dashboard.auth import dashboard_link

        return dashboard_link
    raise AttributeError(f"module 'swgdb_bridge.server' has no attribute {name!r}")
