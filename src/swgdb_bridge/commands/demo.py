"""``swgdb-bridge demo``: a local SWGDB, sample sessions, a real upload, and the dashboard link.

Everything runs on loopback with a throwaway SQLite database (:mod:`swgdb_bridge.demo.run`); ``--serve``
keeps the server up so the link can be opened.
"""

from __future__ import annotations

from typing import Any

import typer

from swgdb_bridge.commands._output import FAILED, out, progress_bar, reported
from swgdb_bridge.commands.upload import render_report
from swgdb_bridge.textsafe import for_markup


def demo(
    sessions: int = typer.Option(
        4, "--sessions", min=1, max=50, help="How many sample sessions to generate."
    ),
    serve: bool = typer.Option(False, "--serve", help="Keep the server and dashboard running until Ctrl-C."),
) -> None:
    """Start a local SWGDB, generate sample sessions, sanitize and upload them, print the dashboard link."""
    import threading

    from swgdb_bridge.demo.run import demo_environment, run_demo

    console = out()
    with reported(), demo_environment(sessions) as run:
        console.print(
            f"Local SWGDB server on [bold]{run.base_url}[/bold] (SQLite in {for_markup(run.folder)})",
            highlight=False,
        )
        console.print(
            f"Paired as a new user would: invite code {for_markup(run.pairing_code)} → `swgdb-bridge login`; "
            f"key stored in {for_markup(run.key_stored_in)}",
            highlight=False,
        )
        with progress_bar(True) as progress:
            run_demo(run, progress)
        console.print(_previews_table(run.previews))
        render_report(run.report)
        link = run.dashboard_url or f"{run.api_url}/sessions"
        console.print(f"Dashboard: [bold]{link}[/bold]", highlight=False, soft_wrap=True)
        if not serve:
            console.print(
                "[dim]The demo server stops now; run `swgdb-bridge demo --serve` to keep it open.[/dim]"
            )
            if not run.report.ok:
                raise typer.Exit(FAILED)
            return
        console.print("Serving until Ctrl-C …")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopped")


def _previews_table(previews: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="What left the machine (sanitized)")
    for header in ("session", "character", "XP", "chat dropped", "names replaced"):
        table.add_column(header, no_wrap=header == "session")
    for p in previews:
        table.add_row(
            for_markup(p["session_id"]),
            for_markup(p["character"]),
            f"{p['xp']:,}",
            f"{p['messages_removed']}/{p['chat_messages']}",
            str(p["player_names_replaced"]),
        )
    return table


def register(app: typer.Typer) -> None:
    app.command()(demo)
