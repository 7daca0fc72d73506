"""The ``swgdb-bridge`` command: the root app and its global options; each command group registers itself.

No logic lives here: the groups in :mod:`swgdb_bridge.commands` parse their flags and call the library.
"""

from __future__ import annotations

import typer

from swgdb_bridge import __version__
from swgdb_bridge.commands import (
    account,
    check,
    config,
    dashboard,
    demo,
    logs,
    preview,
    queue,
    server,
    status,
    upload,
    watch,
)
from swgdb_bridge.commands._output import EXIT_CODES_HELP

# The order of `--help`. ``dashboard`` adds a command to the ``server`` group, so it comes after it.
GROUPS = (preview, logs, server, dashboard, upload, watch, check, status, queue, config, demo, account)

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
        f"`swgdb-bridge watch` to keep uploading.\n\n{EXIT_CODES_HELP}"
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


for group in GROUPS:
    group.register(app)


def main() -> None:
    app()
