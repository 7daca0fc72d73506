"""Options several command groups share, and the configuration they load from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

AS_JSON = typer.Option(False, "--json", help="Print machine-readable JSON alone on stdout.")
API_URL = typer.Option(None, "--api-url", help="SWGDB API URL (default: SWGDB_API_URL or config.toml).")
USER_HASH = typer.Option(None, "--user-hash", help="Your SWGDB user hash (default: SWGDB_USER_HASH).")
INSECURE = typer.Option(
    False, "--allow-insecure-http", help="Allow plain http:// to a host other than this one."
)


def load_config(
    dirs: list[Path] | None = None,
    api_url: str | None = None,
    user_hash: str | None = None,
    insecure: bool = False,
) -> Any:
    """The uploader's settings: these flags over the environment over ``config.toml``."""
    return load_config_with_sources(dirs, api_url, user_hash, insecure)[0]


def load_config_with_sources(
    dirs: list[Path] | None = None,
    api_url: str | None = None,
    user_hash: str | None = None,
    insecure: bool = False,
) -> tuple[Any, dict[str, str]]:
    """:func:`load_config`, and where each setting came from (the key: file, environment or OS keyring)."""
    from swgdb_bridge.upload.config import load_with_sources

    return load_with_sources(
        swgdb_api_url=api_url,
        user_hash=user_hash,
        session_dirs=dirs or None,
        allow_insecure_http=insecure or None,
    )


def prompt_client(config: Any) -> Any:
    """The client of a command someone is waiting on (``check``, ``status``): one retry at most, after at
    most 0.5 s, within the configured budget (``MAX_RETRIES=0``: none; a smaller ``RETRY_DELAY_SECONDS``
    is used), instead of the minutes of backoff an upload may spend."""
    from swgdb_bridge.upload.client import SWGDBAPIClient

    return SWGDBAPIClient(
        config.swgdb_api_url,
        config.api_key,
        config.user_hash,
        max_retries=min(1, config.max_retries),
        retry_delay_seconds=min(0.5, config.retry_delay_seconds),
        timeout=10,
        allow_insecure_http=config.allow_insecure_http,
    )
