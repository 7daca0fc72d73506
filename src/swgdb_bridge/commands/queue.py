"""``swgdb-bridge queue`` (+ ``retry``, ``export``) and ``stats``: the local outbox, seen and handled.

What waits to be sent and what failed for good, with the reasons the server gave (printed escaped);
dead letters moved back into the queue; payloads exported as JSON Lines; counts of deliveries.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from swgdb_bridge.commands._options import AS_JSON
from swgdb_bridge.commands._output import USAGE, emit_json, err, fail, first_of, out, reported
from swgdb_bridge.textsafe import for_markup

queue_app = typer.Typer(
    help="Sessions waiting to be sent, and those that failed for good.", no_args_is_help=False
)


@queue_app.callback(invoke_without_command=True)
def queue(ctx: typer.Context, as_json: bool = AS_JSON) -> None:
    """List queued sessions and dead letters (sub-commands: retry, export)."""
    if ctx.invoked_subcommand is not None:
        return
    from swgdb_bridge.upload.outbox import Outbox

    with reported(), Outbox() as box:
        pending = [_describe(i, reason=i.last_error) for i in box.pending()]
        dead = [_describe(d, reason=d.reason) for d in box.dead_letters()]
    if as_json:
        emit_json({"pending": pending, "dead_letters": dead})
        return
    from rich.table import Table

    console = out()
    for title, rows in (("Queued", pending), ("Dead letters", dead)):
        table = Table(title=f"{title}: {len(rows)}")
        for header in ("session id", "source", "attempts", "reason / last error"):  # ids and paths whole
            table.add_column(header, overflow="fold", no_wrap=header == "attempts")
        for row in rows:
            table.add_row(
                for_markup(row["session_id"]),
                for_markup(row["source"] or ""),
                str(row["attempts"]),
                for_markup(row["reason"] or ""),
            )
        console.print(table)


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

    with reported(), Outbox() as box:
        unknown = sorted(set(session_ids or ()) - {d.session_id for d in box.dead_letters()})
        moved = box.revive(session_ids or None)
    out().print(f"{moved} session(s) queued again; run `swgdb-bridge upload` to send them")
    if unknown:
        shown = first_of([repr(i[:80]) for i in unknown], 5)
        fail(f"no dead letter with id {shown}; `swgdb-bridge queue` lists them", USAGE)


@queue_app.command("export")
def queue_export(output: Path = typer.Option(None, "--output", help="Write here instead of stdout.")) -> None:
    """Export queued and dead-lettered payloads as JSON Lines (the sanitized payloads, as they would be sent)."""
    import orjson

    from swgdb_bridge.upload.outbox import Outbox

    with reported(), Outbox() as box:
        lines = [
            orjson.dumps({"state": "queued", **_describe(i, i.last_error), "payload": orjson.loads(i.body)})
            for i in box.pending()
        ]
        lines += [
            orjson.dumps({"state": "dead_letter", **_describe(d, d.reason), "payload": orjson.loads(d.body)})
            for d in box.dead_letters()
        ]
    data = b"".join(line + b"\n" for line in lines)  # JSON: control characters are escaped by orjson
    if not output:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(
            f"cannot write {output} ({exc.strerror or exc}); pick a folder that exists and you can write to, "
            "or leave out --output",
            USAGE,
        )
    err().print(f"{len(lines)} payload(s) written to {for_markup(output)}", highlight=False)


def stats(as_json: bool = AS_JSON) -> None:
    """Local upload statistics: queue, dead letters, files seen, deliveries by server answer."""
    from swgdb_bridge.upload.outbox import Outbox

    with reported(), Outbox() as box:
        numbers = box.stats()
    if as_json:
        emit_json(numbers)
        return
    last = numbers.pop("last_delivery_at")
    deliveries = numbers.pop("deliveries")
    console = out()
    for name, value in numbers.items():
        console.print(f"{name.replace('_', ' '):<20} {value}", highlight=False)
    for name, value in sorted(deliveries.items()):  # keyed by the server's answers: escaped
        console.print(f"{'  ' + for_markup(name):<20} {value}", highlight=False)
    when = datetime.fromtimestamp(last).isoformat(timespec="seconds") if last else "-"
    console.print(f"{'last delivery':<20} {when}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(queue_app, name="queue")
    app.command()(stats)
