"""Where ``swgdb-bridge login`` keeps the credentials it was handed, and how ``logout`` forgets them.

The server address and user hash go into ``config.toml`` (they are not secret). The API key goes into the
OS keyring (Windows Credential Manager, macOS Keychain, Secret Service) when one works, under service
``swgdb-bridge`` and the user hash; otherwise into ``config.toml`` too, which is then written owner-only
(0600; on Windows the file inherits the user profile's ACL, which keeps other users out). The file is
replaced atomically, so a crash never leaves half a config.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import tomli_w

from swgdb_bridge.upload.config import KEYRING_SERVICE, default_config_file, read_config_file, read_toml


def save_credentials(
    api_url: str, user_hash: str, api_key: str, config_file: Path | None = None, *, use_keyring: bool = True
) -> str:
    """Store what a login returned; says where the key went (``"OS keyring (…)"`` or ``"file …"``)."""
    file = config_file or default_config_file()
    settings = _raw_settings(file)
    _forget_keyring_key(str(settings.get("user_hash", "")))
    settings.update(swgdb_api_url=api_url, user_hash=user_hash)
    settings.pop("api_key", None)
    backend = _store_in_keyring(user_hash, api_key) if use_keyring else None
    if backend is None:
        settings["api_key"] = api_key
    write_config(file, settings)
    return f"OS keyring ({backend})" if backend else f"file {file} (owner-only)"


def forget_credentials(config_file: Path | None = None) -> bool:
    """Remove the stored key and user hash (keyring and file); ``True`` if there was anything to remove."""
    file = config_file or default_config_file()
    settings = _raw_settings(file)
    user_hash = str(settings.pop("user_hash", ""))
    had_key = _forget_keyring_key(user_hash) | (settings.pop("api_key", None) is not None)
    if file.exists():
        write_config(file, settings)
    return had_key or bool(user_hash)


def write_config(file: Path, settings: dict[str, object]) -> None:
    """Replace ``file`` with ``settings`` as TOML, owner-only, atomically (temp file + rename)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    temp = file.with_name(f".{file.name}.{secrets.token_hex(6)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(settings, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, file)
    finally:
        temp.unlink(missing_ok=True)


def _raw_settings(file: Path) -> dict[str, object]:
    """The file's settings as TOML values (checked like any config read, so a broken file is named)."""
    read_config_file(file)  # raises ConfigError naming the file and the setting when it is invalid
    return read_toml(file)


def _store_in_keyring(user_hash: str, api_key: str) -> str | None:
    """The keyring backend's name after storing the key there, or ``None`` when no keyring works here."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None
        keyring.set_password(KEYRING_SERVICE, user_hash, api_key)
    except Exception:
        return None
    return type(backend).__name__


def _forget_keyring_key(user_hash: str) -> bool:
    if not user_hash:
        return False
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, user_hash)
    except Exception:
        return False
    return True
