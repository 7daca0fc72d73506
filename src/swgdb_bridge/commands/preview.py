"""``swgdb-bridge preview FILE``: show exactly what would leave the machine for one session file.

``preview --dir ROOT`` does the same for every play session assembled from the bot's files under ROOT
(``--json``: ``{"sessions": [payload, ...], "problems": [{path, format, field, reason}, ...],
"still_being_written": [path, ...]}``). A bot file of a known format that does not read gives its own error
(file, format, field, reason) under ``preview FILE`` too.
FILE may also be one of the MS11 bot's own files, which hold only part of a play session: that part is
previewed alone, with a note that ``--dir`` shows the whole session.

Settings come from where the uploader takes them (config.toml, environment, then these flags), so the
preview is what ``upload`` would send. ``--json`` prints the payload alone; without it, a readable summary
and the sanitization report, every name from the file printed escaped. A bad file is one red line naming
the file, field and reason (exit code by the policy in :mod:`swgdb_bridge.commands._output`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._output import emit_json, err, exit_code, fail, first_of
from swgdb_bridge.textsafe import for_markup, visible

LOOT_SHOWN = 10
"""Heroic loot items named in the summary; the rest are counted (``--json`` has them all)."""


def preview(
    file: Path = typer.Argument(None, help="The session log file (any supported format)."),
    root: Path = typer.Option(
        None, "--dir", exists=True, file_okay=False, help="Every play session assembled from this folder."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the payload JSON alone on stdout."),
    sanitize_data: bool = typer.Option(
        None, "--sanitize-data/--no-sanitize-data", help="Override SANITIZE_DATA."
    ),
    include_events: bool = typer.Option(
        None, "--include-events/--no-include-events", help="Override INCLUDE_EVENTS."
    ),
    include_locations: bool = typer.Option(
        None, "--include-locations/--no-include-locations", help="Override INCLUDE_LOCATIONS."
    ),
    include_communications: bool = typer.Option(
        None, "--include-communications/--no-include-communications", help="Override INCLUDE_COMMUNICATIONS."
    ),
    include_player_encounters: bool = typer.Option(
        None,
        "--include-player-encounters/--no-include-player-encounters",
        help="Override INCLUDE_PLAYER_ENCOUNTERS.",
    ),
) -> None:
    """Show what would be uploaded for FILE, after sanitizing (nothing is sent)."""
    from rich.console import Console

    from swgdb_bridge.errors import BridgeError
    from swgdb_bridge.serialize import SessionLogSerializer
    from swgdb_bridge.upload.config import UploadConfig

    overrides = {
        "sanitize_data": sanitize_data,
        "include_events": include_events,
        "include_locations": include_locations,
        "include_communications": include_communications,
        "include_player_encounters": include_player_encounters,
    }
    if (file is None) == (root is None):
        raise typer.BadParameter("give a session FILE or --dir ROOT (one of them)")
    try:
        options = UploadConfig.load(use_keyring=False, **overrides).sanitize_options
        if root is not None:
            _preview_folder(root, options, as_json)
            return
        payload = _file_payload(file, SessionLogSerializer(options))
    except BridgeError as error:
        fail(_describe(file, error), exit_code(error))
    if as_json:
        emit_json(payload.to_document())
        return
    _summary(Console(), payload.to_document(), options)


def _file_payload(file: Path, serializer: Any) -> Any:
    """FILE as a whole session; else, when it is one part of an MS11 play session (the step log, the credit
    log…), that part assembled on its own, with a note on stderr that ``--dir`` shows the whole session."""
    from swgdb_bridge.assemble import assemble_paths
    from swgdb_bridge.errors import SessionFileError
    from swgdb_bridge.sources import read_parts

    try:
        return serializer.serialize_file(file)
    except SessionFileError:
        part = read_parts(file)
        if part.kind == "problem" and part.error is not None:
            raise part.error from None  # a bot file of a known format: its own error, not "no known format"
        if part.kind != "parts":
            raise
        assembled = assemble_paths([file])
        if len(assembled.sessions) != 1:
            what = (
                f"holds parts of {len(assembled.sessions)} MS11 play sessions"
                if assembled.sessions
                else "is a part of an MS11 play session that says nothing on its own"
            )
            raise SessionFileError(
                file,
                f"{what} ({part.format}); preview the bot's folder with `swgdb-bridge preview --dir FOLDER`",
            ) from None
    err().print(
        f"note: {for_markup(file.name)} is one part of an MS11 play session ({for_markup(part.format)}), "
        "previewed alone; `swgdb-bridge preview --dir FOLDER` assembles the whole session from the bot's folder",
        style="yellow",
        highlight=False,
    )
    return serializer.serialize(assembled.sessions[0])


def _preview_folder(root: Path, options: Any, as_json: bool) -> None:
    """Assemble the folder's play sessions and show each payload; a session that cannot be serialized is a
    problem like an unreadable file (its head file, ``assembled``, why), and the others go on."""
    from rich.console import Console

    from swgdb_bridge.assemble import assemble_tree
    from swgdb_bridge.errors import BridgeError
    from swgdb_bridge.serialize import SessionLogSerializer

    result = assemble_tree(root)
    serializer = SessionLogSerializer(options)
    documents: list[dict[str, Any]] = []
    problems = [
        {"path": str(p.path), "format": p.format, "field": p.field, "reason": p.reason}
        for p in result.problems
    ]
    for session in result.sessions:
        try:
            documents.append(serializer.serialize(session).to_document())
        except BridgeError as exc:
            head = str(session.source_path or session.session_id)
            problems.append(
                {"path": head, "format": session.source_format, "field": None, "reason": str(exc)}
            )
    writing = [str(path) for path in result.retry]  # cut short and changed in the last seconds
    if as_json:
        emit_json({"sessions": documents, "problems": problems, "still_being_written": writing})
        return
    console = Console()
    for document in documents:
        _summary(console, document, options)
    for problem in problems:
        where = f", field {problem['field']!r}" if problem["field"] else ""
        line = f"error: {problem['path']} (read as {problem['format']}{where}): {problem['reason']}"
        console.print(visible(line), style="red", markup=False)
    for path in writing:
        line = f"note: {path} is still being written (it does not parse yet); left out, run preview again"
        console.print(visible(line), style="yellow", markup=False)


def _describe(file: Path | None, exc: Exception) -> str:
    """``<file>: <field>: <reason>`` — the field part only where the error names one."""
    from swgdb_bridge.errors import ConfigError, SanitizationError, SessionFileError

    if isinstance(exc, SessionFileError):
        field = f"{exc.field}: " if exc.field else ""
        return f"{exc.path}: {field}{exc.reason}"
    if isinstance(exc, SanitizationError):
        return str(exc)  # already "<file>: sanitization: <what was found>"
    if isinstance(exc, ConfigError):
        return f"configuration: {exc}"
    return str(exc) if file is None else f"{file}: {exc}"  # --dir: a state or folder error names its path


def _summary(console: Any, doc: dict[str, Any], options: Any) -> None:
    """The readable preview: who and when, totals and rates, places, event counts, what was sanitized."""
    from rich.table import Table

    meta = doc["metadata"]
    console.print(
        f"[bold]{for_markup(doc['session_id'])}[/bold]  {for_markup(doc['character_name'])}  "
        f"{doc['start_time']} → {doc['end_time']}"
        f"  ({doc['duration_minutes']:.1f} min, {for_markup(meta.get('source_format', '?'))}, "
        f"mode {for_markup(meta.get('session_mode', '-'))})"
    )
    totals = Table("", "total", "per hour", title="Totals", title_justify="left")
    xp, credits, quests, perf = (
        doc["xp_data"],
        doc["credit_data"],
        doc["quest_data"],
        doc["performance_metrics"],
    )
    totals.add_row("XP", f"{xp['total_xp_gained']:,}", f"{xp['xp_per_hour']:,.0f}")
    totals.add_row("credits", f"{credits['total_credits_gained']:,}", f"{credits['credits_per_hour']:,.0f}")
    totals.add_row("quests", f"{quests['total_quests_completed']:,}", f"{quests['quests_per_hour']:,.2f}")
    totals.add_row("actions", f"{perf['total_actions']:,}", f"{perf['actions_per_hour']:,.1f}")
    totals.add_row("efficiency score", f"{perf['efficiency_score']:.1f} / 100", "")
    console.print(totals)
    _print_places(console, doc["location_data"])
    _print_counts(console, "Events", "type", doc["event_data"]["event_types"])
    _print_bot_facts(console, doc["event_data"])
    report = meta.get("sanitization_report", {})
    _print_counts(console, "Sanitization report", "removed or replaced", report.get("counts", {}))
    console.print(_included(options), highlight=False)


def _print_places(console: Any, location: dict[str, Any]) -> None:
    """Minutes per planet, then the visits and travel time in one dim line under them."""
    from rich.table import Table

    table = Table("planet", "minutes", title="Places", title_justify="left")
    for planet, minutes in location.get("time_per_planet_minutes", {}).items():
        table.add_row(for_markup(planet), f"{minutes:,.1f}")  # names from the log are text, never markup
    console.print(table)
    visits, travel = location["total_locations_visited"], location["travel_time_minutes"]
    console.print(f"{visits:,} visit{'' if visits == 1 else 's'}, {travel:,.1f} min travelling", style="dim")


def _print_bot_facts(console: Any, events: dict[str, Any]) -> None:
    """What a session assembled from the MS11 bot's files adds: its kills per creature and heroic loot."""
    kills = events.get("kills_by_creature") or {}
    if kills:
        _print_counts(console, f"Kills ({sum(kills.values()):,})", "creature", kills)
    loot = [item["item"] for item in events.get("heroic_loot") or []]
    if loot:
        shown = first_of(loot, LOOT_SHOWN)
        console.print(f"[bold]Heroic loot[/bold]: {for_markup(shown)}", highlight=False)


def _print_counts(console: Any, title: str, label: str, counts: dict[str, int]) -> None:
    """Non-zero counts in a table; the zero ones named in one dim line under it."""
    from rich.table import Table

    nonzero = {key: value for key, value in sorted(counts.items()) if value}
    if not nonzero:
        console.print(f"[bold]{title}[/bold]: none")
        return
    table = Table(label, "count", title=title, title_justify="left")
    for key, value in nonzero.items():
        table.add_row(for_markup(key), f"{value:,}")
    console.print(table)
    zeros = sorted(key for key, value in counts.items() if not value)
    if zeros:
        console.print("checked, none found: " + for_markup(", ".join(zeros)), style="dim", highlight=False)


def _included(options: Any) -> str:
    from dataclasses import fields

    from swgdb_bridge.sanitize.options import SanitizeOptions

    flags = (option.name for option in fields(SanitizeOptions))
    return "settings: " + ", ".join(f"{name}={'yes' if getattr(options, name) else 'no'}" for name in flags)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
