"""``swgdb-bridge watch``: upload new and grown session files as they appear, until Ctrl-C or SIGTERM.

One line per sweep on stderr (time, counts, each error escaped); the loop itself is
:class:`~swgdb_bridge.upload.watch.SessionWatcher`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._options import API_URL, INSECURE, USER_HASH, load_config
from swgdb_bridge.commands._output import err, reported
from swgdb_bridge.commands.upload import report_counts
from swgdb_bridge.textsafe import for_markup

MAX_WAIT_SECONDS = 3600.0
"""The longest ``--settle`` or ``--poll``: a file that changes less often than hourly is sent on the interval."""

WATCH_DIRS = typer.Option(
    None,
    "--dir",
    help="Session folder to watch (repeatable; it may appear later). Default: configured folders.",
)


def watch(
    dirs: list[Path] = WATCH_DIRS,
    settle: float = typer.Option(
        3.0,
        "--settle",
        min=0,
        max=MAX_WAIT_SECONDS,  # "inf" would never send a file between two upload intervals
        help="Seconds a file must stop growing before it is sent.",
    ),
    poll: float = typer.Option(
        5.0,
        "--poll",
        min=0.05,  # lower would spin a CPU core on scans
        max=MAX_WAIT_SECONDS,
        help="Seconds between scans (file events wake it sooner).",
    ),
    api_url: str = API_URL,
    user_hash: str = USER_HASH,
    insecure: bool = INSECURE,
) -> None:
    """Upload new and grown session files as they appear, until Ctrl-C or SIGTERM."""
    import signal

    from swgdb_bridge.upload.uploader import SessionUploader
    from swgdb_bridge.upload.watch import SessionWatcher

    console = err()

    def show(report: Any) -> None:
        counts = report_counts(report) or "nothing new"
        console.print(f"[dim]{datetime.now():%H:%M:%S}[/dim] {counts}", highlight=False)
        for line in report.errors:
            console.print(f"  [yellow]•[/yellow] {for_markup(line)}", highlight=False)

    with reported():
        config = load_config(dirs, api_url, user_hash, insecure)
        uploader = SessionUploader(config)
        uploader.check_credentials()
        watcher = SessionWatcher(
            uploader,
            list(config.session_dirs),
            settle_seconds=settle,
            poll_seconds=poll,
            interval_seconds=config.upload_interval_minutes * 60,
            on_report=show,
        )
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: watcher.stop())
        folders = ", ".join(str(d) for d in config.session_dirs)
        console.print(
            f"watching {for_markup(folders)} (every {config.upload_interval_minutes:g} min; Ctrl-C to stop)",
            highlight=False,
        )
        try:
            watcher.run()
        finally:
            uploader.close()
    console.print("stopped")


def register(app: typer.Typer) -> None:
    app.command()(watch)
