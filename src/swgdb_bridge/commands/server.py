"""``swgdb-bridge server …``: the reference SWGDB server's users and API keys (and ``run``).

Every command takes ``--database-url`` (or ``SWGDB_DATABASE_URL``; default: SQLite in the data folder),
handled once by :func:`database_url_option` and :func:`opened_storage`. A new API key is printed exactly
once, on stdout, by the command that made it; nothing else ever shows a key.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import typer

from swgdb_bridge.commands._output import USAGE, fail, reported

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Storage

server_app = typer.Typer(
    help="The reference SWGDB server: manage its users and API keys.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold API keys
)


def register(app: typer.Typer) -> None:
    app.add_typer(server_app, name="server")


DEFAULT_BASE_URL = "http://127.0.0.1:8765"
BASE_URL_ENV = ["SWGDB_DASHBOARD_BASE_URL", "SWGDB_PUBLIC_URL"]
"""Where the operator commands' links start by default: the server's own public address
(``SWGDB_PUBLIC_URL``, docs/deploy.md) unless ``SWGDB_DASHBOARD_BASE_URL`` says otherwise."""


def check_base_url(base_url: str) -> None:
    """Stop with a usage error if ``base_url`` (``--base-url``, or one of :data:`BASE_URL_ENV`) is no http(s)
    address; the message names both places, since the value may have come from either."""
    from swgdb_bridge.upload.config import http_url_problem

    problem = http_url_problem(base_url)
    if problem:
        where = f"--base-url (or {' / '.join(BASE_URL_ENV)})"
        fail(f"{where} {base_url!r} cannot be used ({problem}), e.g. {DEFAULT_BASE_URL}", USAGE)


def database_url_option() -> Any:
    """The ``--database-url`` option every ``server`` command shares (its value is never echoed)."""
    return typer.Option(
        None,
        "--database-url",
        envvar="SWGDB_DATABASE_URL",
        show_default=False,
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (default: SQLite in the data folder).",
    )


@contextmanager
def opened_storage(database_url: str | None) -> Iterator[Storage]:
    """The migrated server database; a :class:`BridgeError` inside becomes one red line and its exit code.

    A database in memory is refused: a user added, a key rotated or a server run there is lost when the
    command ends (``sqlite:///`` with no path is one)."""
    from swgdb_bridge.errors import UsageError
    from swgdb_bridge.server.db.engine import in_memory, parse_database_url
    from swgdb_bridge.server.db.storage import Storage, default_database_url

    with reported():
        url = database_url or default_database_url()
        if in_memory(parse_database_url(url)):
            raise UsageError(
                "--database-url names a database in memory, which is gone when this command ends: give a "
                "file (sqlite:///PATH) or a PostgreSQL URL"
            )
        with Storage(url) as storage:
            yield storage


def _show_key(user_hash: str, api_key: str, as_json: bool, note: str) -> None:
    if as_json:
        import orjson

        sys.stdout.write(orjson.dumps({"user_hash": user_hash, "api_key": api_key}).decode() + "\n")
        return
    typer.echo(f"user_hash: {user_hash}\napi_key:   {api_key}\n{note}")


JSON_HELP = 'Print {"user_hash": …, "api_key": …} alone on stdout.'


@server_app.command("add-user")
def add_user(
    name: str = typer.Argument(..., help="A label for the user (for you; never sent anywhere)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    database_url: str | None = database_url_option(),
) -> None:
    """Add a user and print their user hash and API key (shown only this once)."""
    with opened_storage(database_url) as storage:
        user_hash, api_key = storage.add_user(name)
    _show_key(
        user_hash,
        api_key,
        as_json,
        "Store the API key now (SWGDB_API_KEY on the bot machine): it is never shown again.",
    )


@server_app.command("invite")
def invite(
    name: str = typer.Argument(..., help="A label for the new user (for you; never sent anywhere)."),
    expires: str = typer.Option("24h", "--expires", help="How long the code works: 30m, 24h, 7d (≤ 30d)."),
    base_url: str = typer.Option(
        DEFAULT_BASE_URL,
        "--base-url",
        envvar=BASE_URL_ENV,
        help="The server's address as the user's computer reaches it (scheme, host and port).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help='Print {"user_hash", "code", "url", "expires_at"} alone on stdout.'
    ),
    database_url: str | None = database_url_option(),
) -> None:
    """Add a user and print a one-time pairing code for `swgdb-bridge login` (no API key to hand over)."""
    from swgdb_bridge.server.db.pairings import Pairings
    from swgdb_bridge.server.settings import at

    lifetime = _parse_duration(expires)
    check_base_url(base_url)
    with opened_storage(database_url) as storage:
        try:
            made = Pairings(storage).invite(name, at(time.time()), lifetime)
        except ValueError as error:
            fail(f"--expires {expires}: {error}", USAGE)
    url = f"{base_url.rstrip('/')}/pair#{made.code}"
    expires_at = made.expires_at.isoformat(timespec="seconds")
    if as_json:
        import orjson

        answer = {"user_hash": made.user_hash, "code": made.code, "url": url, "expires_at": expires_at}
        sys.stdout.write(orjson.dumps(answer).decode() + "\n")
        return
    typer.echo(
        f"user_hash:  {made.user_hash}\ncode:       {made.code}\nlink:       {url}\nexpires:    {expires_at}\n"
        f"The user runs `swgdb-bridge login {url}` (or `login --server {base_url} {made.code}`). "
        "The code works once."
    )


_DURATION = re.compile(r"([0-9]{1,6}(?:\.[0-9]{1,6})?)([mhdMHD]?)")
"""A number in digits 0-9 and a unit: ``float()`` alone also takes ``inf``, ``nan`` and ``1e308``, which
``timedelta`` cannot hold (an OverflowError), and six digits of days are far beyond any invite."""


def _parse_duration(text: str) -> timedelta:
    """``30m``, ``24h``, ``7d`` (or a bare number of hours) as a duration; anything else is an error."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    match = _DURATION.fullmatch(text)
    if match is None:
        fail(f"--expires {text!r} is not a duration; use e.g. 30m, 24h or 7d", USAGE)
    number, unit = match.groups()
    return timedelta(**{units.get(unit.lower(), "hours"): float(number)})


@server_app.command("rotate-key")
def rotate_key(
    user_hash: str = typer.Argument(..., help="The user's hash, as printed by add-user."),
    grace_hours: float = typer.Option(
        24.0,
        "--grace-hours",
        min=0,
        max=24 * 365,  # more is no rotation, and inf or 1e308 hours overflow timedelta
        help="How long the previous key keeps working, at most a year (8760); 0 ends it now.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    database_url: str | None = database_url_option(),
) -> None:
    """Issue a new API key; the previous one keeps working for the grace period, older ones stop."""
    from datetime import timedelta

    with opened_storage(database_url) as storage:
        api_key = storage.rotate_key(user_hash, timedelta(hours=grace_hours))
    _show_key(
        user_hash,
        api_key,
        as_json,
        f"The previous key works for {grace_hours:g} more hours. Shown only once.",
    )


@server_app.command("revoke")
def revoke(
    user_hash: str = typer.Argument(..., help="The user's hash, as printed by add-user."),
    database_url: str | None = database_url_option(),
) -> None:
    """Stop every API key of a user at once, for good."""
    with opened_storage(database_url) as storage:
        storage.revoke(user_hash)
    typer.echo(f"Revoked every key of {user_hash}.")


@server_app.command("run")
def run(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="TCP port to listen on."),
    database_url: str | None = database_url_option(),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Worker processes (use PostgreSQL for more than one; docs/deploy.md).",
    ),
    log_format: str = typer.Option("text", "--log-format", help="text, or json: one JSON object per line."),
    rate_limit: int | None = typer.Option(
        None,
        "--rate-limit",
        min=1,
        envvar="SWGDB_RATE_LIMIT",
        help="Signed requests per user per window (default 120).",
    ),
    rate_limit_window: int | None = typer.Option(
        None,
        "--rate-limit-window",
        min=1,
        envvar="SWGDB_RATE_LIMIT_WINDOW",
        help="Rate-limit window in seconds (default 60).",
    ),
) -> None:
    """Serve the SWGDB API (signed uploads under /v1, /healthz, /readyz, /metrics) until Ctrl-C.

    Migrations are applied once on start, before the workers come up.
    """
    from swgdb_bridge.server.db.keys import load_server_secret
    from swgdb_bridge.server.db.storage import default_database_url
    from swgdb_bridge.server.ops.logging import LOG_FORMATS
    from swgdb_bridge.server.workers import run_workers

    if log_format not in LOG_FORMATS:
        fail(f"--log-format {log_format!r} is not one of: {', '.join(LOG_FORMATS)}", USAGE)
    if not host.strip():  # uvicorn binds "" to every interface: an unset `--host "$HOST"` must not do that
        fail("--host is empty: give 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)", USAGE)
    with reported():  # the default database's folder may be unusable: one line, not a traceback
        url = database_url or default_database_url()
    with opened_storage(url):
        load_server_secret()  # a missing or short secret fails here once, not in every worker
    with reported():
        run_workers(
            url,
            host,
            port,
            workers=workers,
            log_format=log_format,  # type: ignore[arg-type]
            rate_limit=rate_limit,
            rate_limit_window=rate_limit_window,
        )
