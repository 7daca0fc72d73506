"""The reference SWGDB server: verify signed requests, store sessions, serve the dashboard.

It imports the shared payload model and protocol, never client code; public entry points live in
:mod:`swgdb_bridge.server.storage` and the app module.
"""
