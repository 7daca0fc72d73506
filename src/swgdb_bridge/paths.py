"""Where the bridge keeps its files: config, state (outbox, history, index) and keys.

``SWGDB_BRIDGE_HOME`` puts everything under one folder (tests, portable installs); otherwise the
platform's own folders are used, so a user finds them where their OS says they should be.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from swgdb_bridge.errors import ConfigError, StateError

APP_NAME = "swgdb-bridge"
HOME_ENV = "SWGDB_BRIDGE_HOME"


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return expand_user(value, HOME_ENV) if value else None


def expand_user(path: str | Path, what: str) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded, as a shell would; ``what`` names the setting.

    ``Path.expanduser`` raises RuntimeError for a user this machine does not have (``~nosuchuser/logs``)
    or a ``~`` without a home to expand to: here that is a :class:`ConfigError` naming the setting."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        raise ConfigError(
            f"{what}: {str(path)!r} starts with a ~ this machine cannot expand (no such user, or no home "
            "folder): write the folder's full path"
        ) from None


def config_dir() -> Path:
    """Folder of ``config.toml``."""
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Folder of durable state: outbox, upload history, viewer index, pseudonym key, server database."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (owner-only where the OS allows) and return it.

    A folder that cannot be made (a file in its place, no permission, a read-only disk) is a
    :class:`StateError` naming it: every command that keeps state comes here first."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StateError(
            f"cannot use the folder {path} ({exc.strerror or exc}): make it a folder you can write to, or "
            f"point {HOME_ENV} at one"
        ) from None
    return path


def read_small_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``max_bytes``; ``OSError`` otherwise.

    For the small files we keep or read settings from (``config.toml``, keys, the server secret): it is
    opened without blocking and checked with ``fstat`` before reading, so a FIFO in its place cannot hang
    the command, nor ``/dev/zero`` linked there fill the memory. The errors carry a ``strerror`` to show."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = b""
        while len(data) <= max_bytes and (chunk := os.read(fd, max_bytes + 1 - len(data))):
            data += chunk
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes:,} bytes", str(path))
    return data
