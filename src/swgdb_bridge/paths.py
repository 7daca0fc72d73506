"""Where the bridge keeps its files: config, state (outbox, history, index) and keys.

``SWGDB_BRIDGE_HOME`` puts everything under one folder (tests, portable installs); otherwise the
platform's own folders are used, so a user finds them where their OS says they should be.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "swgdb-bridge"
HOME_ENV = "SWGDB_BRIDGE_HOME"


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """Folder of ``config.toml``."""
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Folder of durable state: outbox, upload history, viewer index, pseudonym key, server database."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (owner-only where the OS allows) and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
