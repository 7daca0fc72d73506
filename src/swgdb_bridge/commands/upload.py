"""``swgdb-bridge upload``: sanitize, queue durably, send, report. Exit 0 only when nothing failed or stays
queued. Thin: it parses flags, calls :class:`~swgdb_bridge.upload.uploader.SessionUploader` and renders
the report (also used by ``demo``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._options import API_URL, AS_JSON, INSECURE, USER_HASH, load_config
from swgdb_bridge.commands._output import FAILED, emit_json, out, progress_bar, reported
from swgdb_bridge.textsafe import for_markup

DIRS = typer.Option(
    None,
    "--dir",
    exists=True,
    file_okay=False,
    help="Session folder to upload from (repeatable). Default: configured folders.",
)
REPORT_ROWS = ("uploaded", "updated", "unchanged", "skipped_invalid", "skipped_old", "failed", "queued")


def upload(
    dirs: list[Path] = DIRS,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be sent; send nothing."),
    as_json: bool = AS_JSON,
    since: str = typer.Option(None, "--since", metavar="DATE", help="Skip sessions started before DATE."),
    force: bool = typer.Option(False, "--force", help="Re-send every session, even unchanged ones."),
    single: bool = typer.Option(False, "--no-batch", help="One request per session instead of batches."),
    api_url: str = API_URL,
    user_hash: str = USER_HASH,
    insecure: bool = INSECURE,
) -> None:
    """Sanitize and upload new or changed session logs; exit 0 only when nothing failed or stays queued."""
    from swgdb_bridge.upload.uploader import SessionUploader

    with reported():
        config = load_config(dirs, api_url, user_hash, insecure)
        uploader = SessionUploader(config, batch=not single, workers=None)
        try:
            with progress_bar(not as_json) as progress:
                report = uploader.run(
                    since=_parse_since(since), force=force, dry_run=dry_run, progress=progress
                )
        finally:
            uploader.close()
    if as_json:
        emit_json(report.as_dict())
    elif dry_run:
        _render_dry_run(report)
    else:
        render_report(report)
    if not dry_run and not report.ok:
        raise typer.Exit(FAILED)


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD or an ISO time", param_hint="--since"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def report_counts(report: Any) -> str:
    """The non-zero counts of a report on one line ("uploaded 2, queued 1"), for ``watch``'s log."""
    return ", ".join(f"{n.replace('_', ' ')} {getattr(report, n)}" for n in REPORT_ROWS if getattr(report, n))


def render_report(report: Any, title: str = "Upload") -> None:
    """The report as a table, then each error (file names and server messages, escaped) on its own line."""
    from rich.table import Table

    table = Table(title=title, show_header=False)
    for name in REPORT_ROWS:
        value = getattr(report, name)
        style = "red" if name in ("failed", "queued") and value else ""
        table.add_row(name.replace("_", " "), f"[{style}]{value}[/]" if style else str(value))
    console = out()
    console.print(table)
    for line in report.errors:
        console.print(f"[yellow]•[/yellow] {for_markup(line)}", highlight=False)


def _render_dry_run(report: Any) -> None:
    from rich.table import Table

    table = Table(title=f"Would send {len(report.would_send)} session(s)")
    table.add_column("file", overflow="fold")  # paths and ids whole, folded where narrow
    table.add_column("session id", overflow="fold")
    table.add_column("bytes", justify="right", no_wrap=True)
    for row in report.would_send:
        table.add_row(for_markup(row["file"]), for_markup(row["session_id"]), f"{row['bytes']:,}")
    console = out()
    console.print(table)
    console.print(
        f"unchanged (already sent): {report.unchanged}, skipped as invalid: {report.skipped_invalid}"
    )


def register(app: typer.Typer) -> None:
    app.command()(upload)
