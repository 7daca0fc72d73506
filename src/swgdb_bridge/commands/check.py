"""``swgdb-bridge check``: is the server reachable, is the clock in sync, is the key accepted, where is it from?

Everything the server says (its version, its refusal message, its error) is printed escaped, and its
version cut to 64 characters. Exit 1 when the server cannot be asked; exit 3 when the key is refused or
the clock is too far off (fix the setting).
"""

from __future__ import annotations

from typing import Any

import typer

from swgdb_bridge.commands._options import (
    API_URL,
    AS_JSON,
    INSECURE,
    USER_HASH,
    load_config_with_sources,
    prompt_client,
)
from swgdb_bridge.commands._output import CONFIG, FAILED, OK, emit_json, out, reported
from swgdb_bridge.textsafe import for_markup


def check(
    api_url: str = API_URL, user_hash: str = USER_HASH, as_json: bool = AS_JSON, insecure: bool = INSECURE
) -> None:
    """Check the server, your clock and your credentials."""
    from swgdb_bridge.protocol import MAX_CLOCK_SKEW_SECONDS

    with reported():
        config, sources = load_config_with_sources(None, api_url, user_hash, insecure)
    result = {**_ask(config), "key_source": sources["api_key"] if config.api_key else "not set"}
    skew = result.get("clock_skew_seconds")
    in_sync = abs(skew or 0) <= MAX_CLOCK_SKEW_SECONDS
    code = FAILED if "error" in result else OK if result["credentials"]["valid"] and in_sync else CONFIG
    if as_json:
        emit_json({**result, "ok": code == OK})
    else:
        _render(result, in_sync)
    if code != OK:
        raise typer.Exit(code)


def _ask(config: Any) -> dict[str, Any]:
    """The server's info, the clock skew and the credentials check; ``error`` when it cannot be asked."""
    from swgdb_bridge.errors import APIError
    from swgdb_bridge.upload.client import shown_api_version

    result: dict[str, Any] = {"api_url": config.swgdb_api_url, "user_hash": config.user_hash}
    with prompt_client(config) as client:
        try:
            # the version alone, cut short: the rest of a hostile server's /v1/info is not ours to repeat
            result["server"] = {"api_version": shown_api_version(client.get_api_info())}
            result["clock_skew_seconds"] = round(client.clock_skew(), 1)
        except APIError as exc:
            result["error"] = str(exc)
        if "error" not in result:
            result["credentials"] = client.validate_credentials()
    return result


def _render(result: dict[str, Any], in_sync: bool) -> None:
    from swgdb_bridge.upload.client import clock_skew_message

    console = out()
    console.print(f"server      {for_markup(result['api_url'])}", highlight=False)
    console.print(f"key         from {for_markup(result['key_source'])}", highlight=False)
    if "error" in result:
        console.print(f"[red]unreachable[/red] {for_markup(result['error'])}", highlight=False)
        return
    console.print(f"api         {for_markup(result['server']['api_version'])}", highlight=False)
    skew = result["clock_skew_seconds"]
    clock = f"in sync ({skew:+.1f} s)" if in_sync else clock_skew_message(skew)
    console.print(f"clock       {for_markup(clock)}", highlight=False)
    creds = result["credentials"]
    verdict = (
        "[green]valid[/green]" if creds["valid"] else f"[red]refused[/red] {for_markup(creds['message'])}"
    )
    console.print(f"credentials {verdict}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(check)
