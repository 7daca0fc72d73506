"""``swgdb-bridge status SESSION_ID``: where one session stands, on the server and in the local outbox.

Exit 1 when the server could not tell (it does not have the session, or could not be asked). What the
server and the outbox say (statuses, errors, reasons) is printed escaped.
"""

from __future__ import annotations

from typing import Any

import typer

from swgdb_bridge.commands._options import AS_JSON, INSECURE, load_config, prompt_client
from swgdb_bridge.commands._output import FAILED, emit_json, out, reported
from swgdb_bridge.textsafe import for_markup


def status(
    session_id: str = typer.Argument(..., help="A session id."),
    as_json: bool = AS_JSON,
    insecure: bool = INSECURE,
) -> None:
    """Where one session stands: on the server, in the local queue, or in the dead letters."""
    from swgdb_bridge.errors import APIError
    from swgdb_bridge.upload.outbox import Outbox

    with reported():
        config = load_config(insecure=insecure)
        with Outbox() as box:
            queued = next((i for i in box.pending() if i.session_id == session_id), None)
            dead = next((d for d in box.dead_letters() if d.session_id == session_id), None)
        result: dict[str, Any] = {
            "session_id": session_id,
            "queued": queued is not None,
            "dead_letter": dead.reason if dead else None,
        }
        with prompt_client(config) as client:
            try:
                result["server"] = client.get_upload_status(session_id)
            except APIError as exc:
                result["server"] = None
                result["server_error"] = str(exc)
                result["server_status"] = exc.status
    if as_json:
        emit_json(result)
    else:
        _render(result, queued, dead)
    if result["server"] is None:
        raise typer.Exit(FAILED)


def _render(result: dict[str, Any], queued: Any, dead: Any) -> None:
    console = out()
    server = result["server"]
    if server:
        console.print(
            f"server: {for_markup(server['status'])} (digest {for_markup(server['digest'][:12])}…, "
            f"updated {for_markup(server['updated_at'])})",
            highlight=False,
        )
    else:  # "not found" only when the server said so; otherwise it could not be asked
        answer = "not found" if result["server_status"] == 404 else "could not ask"
        console.print(f"server: {answer} ({for_markup(result['server_error'])})", highlight=False)
    if queued:
        console.print(
            f"local queue: waiting, {queued.attempts} attempt(s), last error: {for_markup(queued.last_error)}",
            highlight=False,
        )
    if dead:
        console.print(
            f"dead letter: {for_markup(dead.reason)} "
            f"(retry with `swgdb-bridge queue retry {for_markup(result['session_id'])}`)",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command()(status)
