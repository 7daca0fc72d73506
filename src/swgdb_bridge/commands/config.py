"""``swgdb-bridge config``: the effective settings, where each came from, the API key masked.

Values come from the user's config file and environment, so they are printed escaped like any other text
we did not write.
"""

from __future__ import annotations

import typer

from swgdb_bridge.commands._options import AS_JSON
from swgdb_bridge.commands._output import emit_json, out, reported
from swgdb_bridge.textsafe import for_markup


def config(as_json: bool = AS_JSON) -> None:
    """Show the effective configuration and where each value comes from (the API key masked)."""
    from dataclasses import asdict

    from swgdb_bridge.upload.config import default_config_file, load_with_sources, mask_secret

    with reported():
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

    table = Table(title=f"Config file: {for_markup(default_config_file())}")
    # Whole values, folded onto more lines where narrow: a user hash or URL cut with "…" cannot be copied.
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("from", overflow="fold")
    for name, value in values.items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(name, for_markup(shown), for_markup(sources[name]))
    out().print(table)


def register(app: typer.Typer) -> None:
    app.command()(config)
