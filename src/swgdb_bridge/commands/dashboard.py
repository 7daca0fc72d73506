"""``swgdb-bridge server dashboard-link USER_HASH``: a one-time login link to the user's dashboard.

It joins the ``server`` group (so ``server.register`` must run first). The link is printed alone on stdout,
so scripts can capture it; it works once, within 15 minutes.
"""

from __future__ import annotations

import typer

from swgdb_bridge.commands.server import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    check_base_url,
    database_url_option,
    opened_storage,
    server_app,
)


def register(app: typer.Typer) -> None:
    server_app.command("dashboard-link")(dashboard_link)


def dashboard_link(
    user_hash: str = typer.Argument(..., help="The user's hash, as printed by add-user."),
    base_url: str = typer.Option(
        DEFAULT_BASE_URL,
        "--base-url",
        envvar=BASE_URL_ENV,
        help="The server's address as the browser reaches it (scheme, host and port).",
    ),
    database_url: str | None = database_url_option(),
) -> None:
    """Print a login link for a user's dashboard: it works once, within 15 minutes."""
    from swgdb_bridge.server.dashboard.auth import dashboard_link as make_link

    check_base_url(base_url)
    with opened_storage(database_url) as storage:
        link = make_link(storage, user_hash, base_url)
    typer.echo(link)
