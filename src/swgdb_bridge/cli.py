"""The ``swgdb-bridge`` command: parses arguments and delegates to the library. No logic lives here."""

from __future__ import annotations

import typer

from swgdb_bridge import __version__

app = typer.Typer(
    name="swgdb-bridge",
    help=(
        "Read MS11 bot session logs, strip everything private from them, and upload them to your SWGDB "
        "dashboard with signed requests. Start with `swgdb-bridge demo`, check a file with "
        "`swgdb-bridge preview FILE`."
    ),
    epilog=(
        "Typical flow: `swgdb-bridge demo` (try it on sample data) → `swgdb-bridge preview FILE` "
        "(what would leave your machine) → `swgdb-bridge logs` (browse your sessions) → "
        "`swgdb-bridge check` (config and server reachable) → `swgdb-bridge upload` once, or "
        "`swgdb-bridge watch` to keep uploading."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold API keys
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"swgdb-bridge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Global options."""


# Each group of subcommands registers itself; the order is the order of `--help`.
from swgdb_bridge.commands import preview

preview.register(app)
from swgdb_bridge.commands import logs

logs.register(app)
from swgdb_bridge.commands import server

server.register(app)
from swgdb_bridge.commands import dashboard

dashboard.register(app)
from swgdb_bridge.commands import upload

upload.register(app)
from swgdb_bridge.commands import account

account.register(app)


def main() -> None:
    app()
