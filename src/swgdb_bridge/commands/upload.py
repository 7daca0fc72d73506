"""Uploader commands: ``upload``, ``watch``, ``check``, ``status``, ``queue``, ``stats``, ``config``, ``demo``.

Thin wrappers: each parses its flags, calls the library (:mod:`swgdb_bridge.upload.uploader`, ``client``,
``outbox``, ``watch``, ``demo``) and renders the answer. Exit status 0 means nothing is left to do.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._output import emit_json

DIRS = typer.Option(
    None,
    "--dir",
    exists=True,
    file_okay=False,
    help="Session folder to upload from (repeatable). Default: configured folders.",
)
WATCH_DIRS = typer.Option(
    None,
    "--dir",
    help="Session folder to watch (repeatable; it may appear later). Default: configured folders.",
)
API_URL = typer.Option(None, "--api-url", help="SWGDB API URL (default: SWGDB_API_URL or config.toml).")
USER_HASH = typer.Option(None, "--user-hash", help="Your SWGDB user hash (default: SWGDB_USER_HASH).")
INSECURE = typer.Option(
    False, "--allow-insecure-http", help="Allow plain http:// to a host other than this one."
)
AS_JSON = typer.Option(False, "--json", help="Print machine-readable JSON alone on stdout.")
REPORT_ROWS = ("uploaded", "updated", "unchanged", "skipped_invalid", "skipped_old", "failed", "queued")

queue_app = typer.Typer(
    help="Sessions waiting to be sent, and those that failed for good.", no_args_is_help=False
)


def _err() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _out() -> Any:
    from rich.console import Console

    return Console()


@contextmanager
def _reported() -> Iterator[None]:
    """Bridge errors (config, state, lock, server) become one red line and exit status 2, not a traceback."""
    from swgdb_bridge.errors import BridgeError

    try:
        yield
    except BridgeError as exc:
        _err().print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _config(
    dirs: list[Path] | None = None,
    api_url: str | None = None,
    user_hash: str | None = None,
    insecure: bool = False,
) -> Any:
    from swgdb_bridge.upload.config import UploadConfig

    return UploadConfig.load(
        swgdb_api_url=api_url,
        user_hash=user_hash,
        session_dirs=dirs or None,
        allow_insecure_http=insecure or None,
    )


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD or an ISO time", param_hint="--since"
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr; yields the ``progress(phase, done, total)`` callback."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err(),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield update


def render_report(report: Any, title: str = "Upload") -> None:
    from rich.table import Table

    table = Table(title=title, show_header=False)
    for name in REPORT_ROWS:
        value = getattr(report, name)
        style = "red" if name in ("failed", "queued") and value else ""
        table.add_row(name.replace("_", " "), f"[{style}]{value}[/]" if style else str(value))
    out = _out()
    out.print(table)
    for line in report.errors:
        out.print(f"[yellow]•[/yellow] {line}", highlight=False)


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

    with _reported():
        config = _config(dirs, api_url, user_hash, insecure)
        uploader = SessionUploader(config, batch=not single, workers=None)
        try:
            with _progress(not as_json) as progress:
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
        raise typer.Exit(1)


def _render_dry_run(report: Any) -> None:
    from rich.table import Table

    table = Table("file", "session id", "bytes", title=f"Would send {len(report.would_send)} session(s)")
    for row in report.would_send:
        table.add_row(row["file"], row["session_id"], f"{row['bytes']:,}")
    _out().print(table)
    _out().print(
        f"unchanged (already sent): {report.unchanged}, skipped as invalid: {report.skipped_invalid}"
    )


def watch(
    dirs: list[Path] = WATCH_DIRS,
    settle: float = typer.Option(
        3.0, "--settle", min=0, help="Seconds a file must stop growing before it is sent."
    ),
    poll: float = typer.Option(
        5.0,
        "--poll",
        min=0.05,  # lower would spin a CPU core on scans
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

    err = _err()

    def show(report: Any) -> None:
        counts = ", ".join(
            f"{n.replace('_', ' ')} {getattr(report, n)}" for n in REPORT_ROWS if getattr(report, n)
        )
        err.print(f"[dim]{datetime.now():%H:%M:%S}[/dim] {counts or 'nothing new'}", highlight=False)
        for line in report.errors:
            err.print(f"  [yellow]•[/yellow] {line}", highlight=False)

    with _reported():
        config = _config(dirs, api_url, user_hash, insecure)
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
        err.print(f"watching {folders} (every {config.upload_interval_minutes:g} min; Ctrl-C to stop)")
        try:
            watcher.run()
        finally:
            uploader.close()
    err.print("stopped")


def check(
    api_url: str = API_URL, user_hash: str = USER_HASH, as_json: bool = AS_JSON, insecure: bool = INSECURE
) -> None:
    """Check the server, your clock and your credentials."""
    from swgdb_bridge.errors import APIError
    from swgdb_bridge.protocol import MAX_CLOCK_SKEW_SECONDS
    from swgdb_bridge.upload.client import SWGDBAPIClient, clock_skew_message

    with _reported():
        config = _config(None, api_url, user_hash, insecure)
    result: dict[str, Any] = {"api_url": config.swgdb_api_url, "user_hash": config.user_hash}
    with SWGDBAPIClient(
        config.swgdb_api_url,
        config.api_key,
        config.user_hash,
        max_retries=1,
        retry_delay_seconds=0.5,
        timeout=10,
        allow_insecure_http=config.allow_insecure_http,
    ) as client:
        try:
            result["server"] = client.get_api_info()
            result["clock_skew_seconds"] = round(client.clock_skew(), 1)
        except APIError as exc:
            result["error"] = str(exc)
        if "error" not in result:
            result["credentials"] = client.validate_credentials()
    skew = result.get("clock_skew_seconds")
    ok = "error" not in result and result["credentials"]["valid"] and abs(skew or 0) <= MAX_CLOCK_SKEW_SECONDS
    if as_json:
        emit_json({**result, "ok": ok})
    else:
        out = _out()
        out.print(f"server      {config.swgdb_api_url}", highlight=False)
        if "error" in result:
            out.print(f"[red]unreachable[/red] {result['error']}", highlight=False)
        else:
            out.print(f"api         {result['server'].get('api_version')}")
            clock = (
                clock_skew_message(skew) if abs(skew) > MAX_CLOCK_SKEW_SECONDS else f"in sync ({skew:+.1f} s)"
            )
            out.print(f"clock       {clock}", highlight=False)
            creds = result["credentials"]
            out.print(
                f"credentials {'[green]valid[/green]' if creds['valid'] else '[red]refused[/red]'} "
                f"{'' if creds['valid'] else creds['message']}",
                highlight=False,
            )
    if not ok:
        raise typer.Exit(1)


def status(
    session_id: str = typer.Argument(..., help="A session id."),
    as_json: bool = AS_JSON,
    insecure: bool = INSECURE,
) -> None:
    """Where one session stands: on the server, in the local queue, or in the dead letters."""
    from swgdb_bridge.errors import APIError
    from swgdb_bridge.upload.client import SWGDBAPIClient
    from swgdb_bridge.upload.outbox import Outbox

    with _reported():
        config = _config(insecure=insecure)
        with Outbox() as box:
            queued = next((i for i in box.pending() if i.session_id == session_id), None)
            dead = next((d for d in box.dead_letters() if d.session_id == session_id), None)
        result: dict[str, Any] = {
            "session_id": session_id,
            "queued": queued is not None,
            "dead_letter": dead.reason if dead else None,
        }
        with SWGDBAPIClient(
            config.swgdb_api_url,
            config.api_key,
            config.user_hash,
            max_retries=1,
            allow_insecure_http=config.allow_insecure_http,
        ) as client:
            try:
                result["server"] = client.get_upload_status(session_id)
            except APIError as exc:
                result["server"] = None
                result["server_error"] = str(exc)
                result["server_status"] = exc.status
    if as_json:
        emit_json(result)
    else:
        out = _out()
        server = result["server"]
        if server:
            out.print(
                f"server: {server['status']} (digest {server['digest'][:12]}…, updated {server['updated_at']})",
                highlight=False,
            )
        else:  # "not found" only when the server said so; otherwise it could not be asked
            answer = "not found" if result["server_status"] == 404 else "could not ask"
            out.print(f"server: {answer} ({result['server_error']})", highlight=False)
        if queued:
            out.print(f"local queue: waiting, {queued.attempts} attempt(s), last error: {queued.last_error}")
        if dead:
            out.print(f"dead letter: {dead.reason} (retry with `swgdb-bridge queue retry {session_id}`)")
    if result["server"] is None:
        raise typer.Exit(1)


@queue_app.callback(invoke_without_command=True)
def queue(ctx: typer.Context, as_json: bool = AS_JSON) -> None:
    """List queued sessions and dead letters (sub-commands: retry, export)."""
    if ctx.invoked_subcommand is not None:
        return
    from swgdb_bridge.upload.outbox import Outbox

    with _reported(), Outbox() as box:
        pending = [_describe(i, reason=i.last_error) for i in box.pending()]
        dead = [_describe(d, reason=d.reason) for d in box.dead_letters()]
    if as_json:
        emit_json({"pending": pending, "dead_letters": dead})
        return
    from rich.table import Table

    for title, rows in (("Queued", pending), ("Dead letters", dead)):
        table = Table(
            "session id", "source", "attempts", "reason / last error", title=f"{title}: {len(rows)}"
        )
        for row in rows:
            table.add_row(row["session_id"], row["source"] or "", str(row["attempts"]), row["reason"] or "")
        _out().print(table)


def _describe(item: Any, reason: str | None) -> dict[str, Any]:
    return {
        "session_id": item.session_id,
        "digest": item.digest,
        "source": item.source,
        "attempts": item.attempts,
        "bytes": len(item.body),
        "reason": reason,
    }


@queue_app.command("retry")
def queue_retry(
    session_ids: list[str] = typer.Argument(None, help="Session ids (default: all dead letters)."),
) -> None:
    """Move dead letters back into the queue; the next upload sends them."""
    from swgdb_bridge.upload.outbox import Outbox

    with _reported(), Outbox() as box:
        unknown = sorted(set(session_ids or ()) - {d.session_id for d in box.dead_letters()})
        moved = box.revive(session_ids or None)
    _out().print(f"{moved} session(s) queued again; run `swgdb-bridge upload` to send them")
    if unknown:
        _err().print(
            f"[red]error:[/red] no dead letter with id {', '.join(map(repr, unknown))}; "
            "`swgdb-bridge queue` lists them",
            highlight=False,
        )
        raise typer.Exit(1)


@queue_app.command("export")
def queue_export(output: Path = typer.Option(None, "--output", help="Write here instead of stdout.")) -> None:
    """Export queued and dead-lettered payloads as JSON Lines (the sanitized payloads, as they would be sent)."""
    import orjson

    from swgdb_bridge.upload.outbox import Outbox

    with _reported(), Outbox() as box:
        lines = [
            orjson.dumps({"state": "queued", **_describe(i, i.last_error), "payload": orjson.loads(i.body)})
            for i in box.pending()
        ]
        lines += [
            orjson.dumps({"state": "dead_letter", **_describe(d, d.reason), "payload": orjson.loads(d.body)})
            for d in box.dead_letters()
        ]
    data = b"".join(line + b"\n" for line in lines)
    if output:
        try:
            output.write_bytes(data)
        except OSError as exc:
            _err().print(
                f"[red]error:[/red] cannot write {output} ({exc.strerror or exc}); pick a folder that "
                "exists and you can write to, or leave out --output",
                highlight=False,
            )
            raise typer.Exit(2) from None
        _err().print(f"{len(lines)} payload(s) written to {output}", highlight=False)
    else:
        sys.stdout.buffer.write(data)


def stats(as_json: bool = AS_JSON) -> None:
    """Local upload statistics: queue, dead letters, files seen, deliveries by server answer."""
    from swgdb_bridge.upload.outbox import Outbox

    with _reported(), Outbox() as box:
        numbers = box.stats()
    if as_json:
        emit_json(numbers)
        return
    last = numbers.pop("last_delivery_at")
    deliveries = numbers.pop("deliveries")
    out = _out()
    for name, value in numbers.items():
        out.print(f"{name.replace('_', ' '):<20} {value}")
    for name, value in sorted(deliveries.items()):
        out.print(f"{'  ' + name:<20} {value}")
    out.print(
        f"{'last delivery':<20} {datetime.fromtimestamp(last).isoformat(timespec='seconds') if last else '-'}"
    )


def config(as_json: bool = AS_JSON) -> None:
    """Show the effective configuration and where each value comes from (the API key masked)."""
    from dataclasses import asdict

    from swgdb_bridge.upload.config import default_config_file, load_with_sources, mask_secret

    with _reported():
        settings, sources = load_with_sources()
    values = {k: (mask_secret(v) if k == "api_key" else v) for k, v in asdict(settings).items()}
    values["session_dirs"] = [str(d) for d in settings.session_dirs]
    if as_json:
        emit_json(
            {
                "config_file": str(default_config_file()),
                "settings": {k: {"value": v, "source": sources[k]} for k, v in values.items()},
            }
        )
        return
    from rich.table import Table

    table = Table("setting", "value", "from", title=f"Config file: {default_config_file()}")
    for name, value in values.items():
        table.add_row(name, ", ".join(value) if isinstance(value, list) else str(value), sources[name])
    _out().print(table)


def demo(
    sessions: int = typer.Option(
        4, "--sessions", min=1, max=50, help="How many sample sessions to generate."
    ),
    serve: bool = typer.Option(False, "--serve", help="Keep the server and dashboard running until Ctrl-C."),
) -> None:
    """Start a local SWGDB, generate sample sessions, sanitize and upload them, print the dashboard link."""
    import threading

    from rich.table import Table

    from swgdb_bridge.demo.run import demo_environment, run_demo

    out = _out()
    with _reported(), demo_environment(sessions) as run:
        out.print(
            f"Local SWGDB server on [bold]{run.base_url}[/bold] (SQLite in {run.folder})", highlight=False
        )
        out.print(
            f"Paired as a new user would: invite code {run.pairing_code} → `swgdb-bridge login`; "
            f"key stored in {run.key_stored_in}",
            highlight=False,
            markup=False,
        )
        with _progress(True) as progress:
            run_demo(run, progress)
        table = Table(title="What left the machine (sanitized)")
        for header in ("session", "character", "XP", "chat dropped", "names replaced"):
            table.add_column(header, no_wrap=header == "session")
        for p in run.previews:
            table.add_row(
                p["session_id"],
                p["character"],
                f"{p['xp']:,}",
                f"{p['messages_removed']}/{p['chat_messages']}",
                str(p["player_names_replaced"]),
            )
        out.print(table)
        render_report(run.report)
        link = run.dashboard_url or f"{run.api_url}/sessions"
        out.print(f"Dashboard: [bold]{link}[/bold]", highlight=False, soft_wrap=True)
        if not serve:
            out.print(
                "[dim]The demo server stops now; run `swgdb-bridge demo --serve` to keep it open.[/dim]"
            )
            if not run.report.ok:
                raise typer.Exit(1)
            return
        out.print("Serving until Ctrl-C …")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            out.print("stopped")


def register(app: typer.Typer) -> None:
    app.command()(upload)
    app.command()(watch)
    app.command()(check)
    app.command()(status)
    app.add_typer(queue_app, name="queue")
    app.command()(stats)
    app.command()(config)
    app.command()(demo)
