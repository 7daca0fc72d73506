"""``UploadConfig``: every setting of the bridge, and the one loader that reads them.

Precedence, highest first: explicit arguments (CLI flags), environment variables (the original design's
names: ``SWGDB_API_URL``, ``INCLUDE_COMMUNICATIONS`` …), the TOML file ``config.toml`` in the platform's
config folder (:func:`swgdb_bridge.paths.config_dir`), then defaults. An API key found nowhere else is
looked up in the OS keyring, where ``swgdb-bridge login`` stores it when one works. A plain ``http://`` URL
to another machine is refused here already (unless ``allow_insecure_http``), before anything is queued
behind it, and a config file that holds the key where other users can read it is warned about.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from swgdb_bridge import paths
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.protocol import is_user_hash
from swgdb_bridge.sanitize.options import SanitizeOptions, parse_bool
from swgdb_bridge.sources import BOT_SESSION_DIRS, DEFAULT_SESSION_DIRS, SESSION_DIRS_ENV, parse_session_dirs
from swgdb_bridge.upload._answers import TOKEN

log = logging.getLogger(__name__)

DEFAULT_API_URL = "http://127.0.0.1:8765/v1"
CONFIG_FILE = "config.toml"
KEYRING_SERVICE = "swgdb-bridge"
_KIND_WORDS = {
    "bool": "true or false",
    "int": "a whole number >= 0",
    "float": "a finite number >= 0",
    "str": "a string",
}
INSECURE_HTTP_HINT = "--allow-insecure-http (or SWGDB_ALLOW_INSECURE_HTTP=1, or allow_insecure_http = true)"

# field name → environment variable
ENV_NAMES = {
    "swgdb_api_url": "SWGDB_API_URL",
    "api_key": "SWGDB_API_KEY",
    "user_hash": "SWGDB_USER_HASH",
    "upload_interval_minutes": "UPLOAD_INTERVAL_MINUTES",
    "max_retries": "MAX_RETRIES",
    "retry_delay_seconds": "RETRY_DELAY_SECONDS",
    **{option.name: option.name.upper() for option in fields(SanitizeOptions)},  # SANITIZE_DATA, ...
    "allow_insecure_http": "SWGDB_ALLOW_INSECURE_HTTP",
}


# The MS11 bot's own folders (relative to where it runs) and the formats' older folders: the default.
_BOT_FOLDERS = tuple(dict.fromkeys(Path(d) for d in (*BOT_SESSION_DIRS, *DEFAULT_SESSION_DIRS)))


@dataclass
class UploadConfig(SanitizeOptions):
    """All settings; the keyword names are the original design's ``UploadConfig``.

    The privacy options (``sanitize_data``, ``include_events``, …) are inherited from
    :class:`SanitizeOptions`, where the sanitizer defines them: one list of names and defaults.
    """

    swgdb_api_url: str = DEFAULT_API_URL
    api_key: str = field(default="", repr=False)
    user_hash: str = ""
    upload_interval_minutes: float = 5.0
    max_retries: int = 3
    retry_delay_seconds: float = 30.0
    session_dirs: list[Path] = field(default_factory=lambda: list(_BOT_FOLDERS))
    allow_insecure_http: bool = False

    @property
    def sanitize_options(self) -> SanitizeOptions:
        """The privacy settings, by name: an option added to ``SanitizeOptions`` is carried over here too."""
        return SanitizeOptions(**{f.name: getattr(self, f.name) for f in fields(SanitizeOptions)})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> UploadConfig:
        """Defaults, then the environment, then ``overrides`` (values of ``None`` are ignored)."""
        values = _env_values(os.environ if environ is None else environ)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        config_file: Path | None = None,
        *,
        use_keyring: bool = True,
        **overrides: object,
    ) -> UploadConfig:
        """Defaults, then ``config.toml``, then the environment, then ``overrides`` (CLI flags), then keyring.

        ``use_keyring=False`` is for commands that send nothing (``preview``, the viewer): they never touch
        the OS keyring, which costs a backend probe and, on a locked desktop keyring, an unlock prompt.
        """
        return load_with_sources(environ, config_file, use_keyring=use_keyring, **overrides)[0]


def default_config_file() -> Path:
    return paths.config_dir() / CONFIG_FILE


def load_with_sources(
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    *,
    use_keyring: bool = True,
    **overrides: object,
) -> tuple[UploadConfig, dict[str, str]]:
    """The effective config and, per setting, where it came from (for ``swgdb-bridge config``)."""
    file = config_file or default_config_file()
    layers: list[tuple[str, dict[str, object]]] = [
        (f"file {file}", read_config_file(file)),
        ("environment", _env_values(os.environ if environ is None else environ)),
        ("command line", {k: v for k, v in overrides.items() if v is not None}),
    ]
    values: dict[str, object] = {}
    sources = {f.name: "default" for f in fields(UploadConfig)}
    for origin, layer in layers:
        values.update(layer)
        sources.update(dict.fromkeys(layer, origin))
    if use_keyring and not values.get("api_key"):
        key = _keyring_key(str(values.get("user_hash") or ""))
        if key:
            values["api_key"] = key
            sources["api_key"] = "OS keyring"
    config = UploadConfig(**values)  # type: ignore[arg-type]
    _check_credentials(config, sources)
    _check_api_url(config.swgdb_api_url, sources["swgdb_api_url"])
    require_https(config.swgdb_api_url, config.allow_insecure_http, sources["swgdb_api_url"])
    return config, sources


def _check_credentials(config: UploadConfig, sources: Mapping[str, str]) -> None:
    """Refuse a user hash or key that cannot go into a request: the user hash travels as a header and the
    key signs as UTF-8, so a non-ASCII hash (``ü``), a line break or bytes that were not UTF-8 would stop
    every command with an encoding traceback, or a misleading "cannot reach the server". The key itself is
    never quoted."""
    if config.user_hash and not is_user_hash(config.user_hash):
        raise ConfigError(
            f"SWGDB_USER_HASH (from {sources['user_hash']}) is not a user hash: it has ASCII letters, digits, "
            "'_' and '-' only, as the server printed it; set it again, or run `swgdb-bridge login`"
        )
    if config.api_key and not TOKEN.fullmatch(config.api_key):
        raise ConfigError(
            f"SWGDB_API_KEY (from {sources['api_key']}) is not an API key: a key is printable ASCII without "
            "spaces; set it again as the server printed it, or run `swgdb-bridge login`"
        )


def _check_api_url(url: str, origin: str) -> None:
    """Refuse a URL httpx cannot use now, rather than queueing every session behind a doomed request."""
    authority = _AUTHORITY.match(url)
    if authority and "@" in authority[1]:  # user info: it would be echoed in every connection error
        raise ConfigError(
            f"SWGDB_API_URL (from {origin}) holds a user name or password; remove it: "
            "the API key belongs in SWGDB_API_KEY"
        )
    problem = http_url_problem(url)
    if problem:
        raise ConfigError(
            f"SWGDB_API_URL {url!r} (from {origin}) is not an http(s) URL ({problem}); "
            f"set it to the server's API address, e.g. {DEFAULT_API_URL}"
        )


_AUTHORITY = re.compile(r"[^:/?#]*://([^/?#]*)")
"""The part of a URL between ``scheme://`` and the path: where user information would be."""


def http_url_problem(url: str) -> str | None:
    """What makes ``url`` no http(s) address to connect to, or None. One rule for every address a command
    takes (``SWGDB_API_URL``, ``login --server``, ``--base-url``): a URL that passes it never makes httpx
    or ``urlsplit`` raise later, in the middle of a command."""
    if not url.isprintable() or any(char.isspace() for char in url):
        return "it holds spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "[::1" unclosed, a port that is not a number from 0 to 65535
        return (
            "its host or port cannot be read: a port is a number from 1 to 65535, an IPv6 address goes in []"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it must be http:// or https:// and a host"
    if port == 0:
        return "port 0 is no port to connect to"
    return None


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: traffic that never leaves this machine."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_https(url: str, allow_insecure_http: bool, origin: str = "") -> None:
    """Refuse plain http to another machine: anyone on the path could read sessions and forge answers."""
    parts = urlsplit(url)
    if parts.scheme != "http" or allow_insecure_http or is_loopback(parts.hostname or ""):
        return
    source = f" (from {origin})" if origin else ""
    raise ConfigError(
        f"SWGDB_API_URL{source} uses plain http:// to {parts.hostname}, which is not this machine: anyone on "
        "the network path could read your sessions and answer in the server's name. Use https:// "
        f"(docs/deploy.md sets up TLS), or on a network you trust pass {INSECURE_HTTP_HINT}."
    )


MAX_CONFIG_BYTES = 1 << 20
"""Largest ``config.toml`` read: a few settings take a few hundred bytes."""


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML document in ``path`` as it is (``{}`` when there is no file); a file that cannot be read
    (not a regular file, larger than :data:`MAX_CONFIG_BYTES`: :func:`paths.read_small_file`), or is not
    UTF-8 TOML, is a :class:`ConfigError` naming it."""
    try:
        data = paths.read_small_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"config file {path} cannot be read ({exc.strerror or exc}); fix it or remove it"
        ) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text; fix it or remove it") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} cannot be read ({exc}); fix it or remove it") from None


def read_config_file(path: Path) -> dict[str, object]:
    """Settings from a TOML file (same names as :class:`UploadConfig`); a missing file is an empty one."""
    raw = read_toml(path)
    if "api_key" in raw:
        _warn_if_readable_by_others(path)
    types = {f.name: str(f.type) for f in fields(UploadConfig)}
    values: dict[str, object] = {}
    for name, value in raw.items():
        if name not in types:
            raise ConfigError(
                f"config file {path}: unknown setting {name!r}; known: {', '.join(sorted(types))}"
            )
        values[name] = _check_file_value(path, name, value, types[name])
    return values


def _warn_if_readable_by_others(path: Path) -> None:
    """The key file should be the user's alone, as ssh wants of a private key.

    POSIX mode bits only: on Windows the bits say nothing about who may read (ACLs do), so no check there.
    """
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning(
            "config file %s holds your API key and other users can read it (mode %s); run: chmod 600 %s",
            path,
            stat.filemode(mode),
            path,
        )


def _check_file_value(path: Path, name: str, value: Any, kind: str) -> object:
    shown = "(not shown)" if name == "api_key" else repr(value)  # a mistyped key is still (part of) a key
    wrong = ConfigError(f"config file {path}: {name} = {shown} should be {_KIND_WORDS.get(kind, kind)}")
    if name == "session_dirs":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong
        return [paths.expand_user(v, f"config file {path}: session_dirs") for v in value]
    if kind == "bool":
        if not isinstance(value, bool):
            raise wrong
        return value
    if kind in ("int", "float"):
        number = _usable_number(value, kind)
        if number is None:
            raise wrong
        return number
    if not isinstance(value, str):
        raise wrong
    return value


def _usable_number(value: object, kind: str) -> int | float | None:
    """``value`` as a number setting of ``kind`` (``int`` or ``float``), or None when it cannot be one.

    Finite and not negative, and whole for an ``int``: TOML and ``float()`` both accept ``inf`` and ``nan``,
    and a retry delay of ``inf`` seconds never ends, while ``nan`` passes every comparison with a bound."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0 or (kind == "int" and value != int(value)):
        return None
    return int(value) if kind == "int" else float(value)


def _env_values(env: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    types = {f.name: f.type for f in fields(UploadConfig)}
    for name, var in ENV_NAMES.items():
        raw = env.get(var)
        if raw is not None and raw.strip() != "":
            values[name] = _coerce(var, raw.strip(), types[name])
    dirs = parse_session_dirs(env.get(SESSION_DIRS_ENV, ""))
    if dirs:  # added to the bot's own folders, which are where its files are whatever else is configured
        values["session_dirs"] = list(dict.fromkeys([*_BOT_FOLDERS, *dirs]))
    return values


def _keyring_key(user_hash: str) -> str | None:
    """The API key ``swgdb-bridge login`` stored in the OS keyring (service ``swgdb-bridge``), if any."""
    try:
        import keyring  # imported late: its backends probe the desktop session, which costs time

        return keyring.get_password(KEYRING_SERVICE, user_hash or "api_key")
    except Exception:
        return None


def mask_secret(value: str) -> str:
    """How a key is shown: never whole; the last four characters only when the key is long enough."""
    if not value:
        return "(not set)"
    return "********" + (value[-4:] if len(value) >= 20 else "")


def _coerce(name: str, raw: str, type_name: object) -> object:
    kind = str(type_name)
    try:
        if kind == "bool":
            return parse_bool(name, raw)
        if kind == "int":
            value: float = int(raw)
        elif kind == "float":
            value = float(raw)
        else:
            return raw
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number; use {_KIND_WORDS[kind]}") from None
    number = _usable_number(value, kind)
    if number is None:
        raise ConfigError(f"{name}={raw!r} cannot be used; use {_KIND_WORDS[kind]}")
    return number
