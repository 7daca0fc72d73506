"""``swgdb-bridge logs``: look through session logs before they are uploaded (list, view, search, ...)."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._output import emit_json, err, exit_code, fail
from swgdb_bridge.textsafe import for_markup


def logs(
    dirs: list[Path] = typer.Option(
        None,
        "--dir",
        exists=True,
        file_okay=False,
        help="Folder to read, recursively (repeatable). Default: the bot's folders under the current one.",
    ),
    list_: bool = typer.Option(False, "--list", help="List sessions, newest first (the default)."),
    view: str = typer.Option(
        None, "--view", metavar="ID", help="Show one session in full + sanitization preview."
    ),
    search: str = typer.Option(
        None, "--search", metavar="TEXT", help="Search ids, names, planets, quests, events."
    ),
    regex: bool = typer.Option(False, "--regex", help="Treat --search TEXT as a regular expression."),
    analyze: bool = typer.Option(False, "--analyze", help="Totals, averages and rates across sessions."),
    compare: tuple[str, str] | None = typer.Option(
        None, "--compare", metavar="ID ID", help="Compare two sessions."
    ),
    export: str = typer.Option(
        None, "--export", metavar="ID|all", help="Export one session or the filtered list."
    ),
    fmt: str = typer.Option("json", "--format", help="Export format: json, csv or xml."),
    output: Path = typer.Option(None, "--output", help="Export to this file (default: stdout)."),
    interactive: bool = typer.Option(False, "--interactive", help="Open the full-screen viewer."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON alone on stdout."),
    limit: int = typer.Option(None, "--limit", min=1, help="Show at most this many sessions."),
    character: str = typer.Option(None, "--character", help="Only this character."),
    planet: str = typer.Option(None, "--planet", help="Only sessions that visited this planet."),
    mode: str = typer.Option(None, "--mode", help="Only this session mode (combat, quest, ...)."),
    since: str = typer.Option(None, "--since", metavar="DATE", help="Only sessions started on/after DATE."),
    until: str = typer.Option(None, "--until", metavar="DATE", help="Only sessions started on/before DATE."),
    min_xp: int = typer.Option(None, "--min-xp", help="Only sessions with at least this much XP."),
) -> None:
    """Look through session logs before upload: list, view, search, analyze, compare, export, or a TUI."""
    from swgdb_bridge.errors import BridgeError
    from swgdb_bridge.viewer import SessionLogViewer, render

    filters = {
        "character": character,
        "planet": planet,
        "mode": mode,
        "since": since,
        "until": until,
        "min_xp": min_xp,
    }
    progress = render.ScanProgress(err())
    try:
        with SessionLogViewer(dirs or None, progress=progress) as viewer:
            if interactive:
                from swgdb_bridge.viewer.tui import ViewerApp

                viewer.refresh()  # the first scan shows its progress bar before the screen is taken over
                ViewerApp(viewer, filters).run()
                return
            _run(viewer, view, search, regex, analyze, compare, export, fmt, output, limit, filters, as_json)
    except BridgeError as error:
        progress.stop()
        fail(str(error), exit_code(error))


def _run(
    viewer: Any,
    view: str | None,
    search: str | None,
    regex: bool,
    analyze: bool,
    compare: tuple[str, str] | None,
    export: str | None,
    fmt: str,
    output: Path | None,
    limit: int | None,
    filters: dict[str, Any],
    as_json: bool,
) -> None:
    """Do the one action asked for (the first given, in this order); print JSON or rich tables."""
    from rich.console import Console

    from swgdb_bridge.viewer import render
    from swgdb_bridge.viewer.export import write as write_export

    if export:
        text = viewer.export_text(export, format=fmt, **filters)
        if output is None:
            sys.stdout.write(text)
        else:
            write_export(output, text)
            err().print(f"exported to {for_markup(output)}", highlight=False)
        return
    # Each action gives its data and how to draw it; nothing is drawn for --json.
    if view:
        data: Any = viewer.view_session(view)
        draw: Any = render.session_view
    elif search:
        data = viewer.search_sessions(search, regex=regex, **filters)
        draw = partial(render.search_view, text=search)
    elif analyze:
        data = viewer.analyze_sessions(**filters)
        draw = render.analysis_view
    elif compare and compare[0]:
        data = viewer.compare_sessions(*compare)
        draw = render.comparison_view
    else:
        data = {
            "sessions": viewer.list_sessions(limit=limit, **filters),
            "problems": viewer.problems(),
            "not_sessions": viewer.not_sessions(),
            "lifetime": viewer.lifetime(),
        }
        draw = render.listing_view
    if as_json:
        emit_json(data)
        return
    out = Console(highlight=False)
    for renderable in draw(data):
        out.print(renderable)


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
