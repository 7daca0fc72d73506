"""``UploadConfig``: every setting of the bridge, and the one loader that reads them.

Precedence, highest first: explicit arguments (CLI flags), environment variables (the original design's
names: ``SWGDB_API_URL``, ``INCLUDE_COMMUNICATIONS`` …), then defaults. The uploader layer adds the TOML
config file between environment and defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from swgdb_bridge.errors import ConfigError

DEFAULT_API_URL = "http://127.0.0.1:8765/v1"
DEFAULT_SESSION_DIRS = ("logs/sessions", "data/session_logs", "session_logs", "data/character_sessions")
SESSION_DIRS_ENV = "SWGDB_SESSION_DIRS"

# field name → environment variable
ENV_NAMES = {
    "swgdb_api_url": "SWGDB_API_URL",
    "api_key": "SWGDB_API_KEY",
    "user_hash": "SWGDB_USER_HASH",
    "upload_interval_minutes": "UPLOAD_INTERVAL_MINUTES",
    "max_retries": "MAX_RETRIES",
    "retry_delay_seconds": "RETRY_DELAY_SECONDS",
    "sanitize_data": "SANITIZE_DATA",
    "include_events": "INCLUDE_EVENTS",
    "include_locations": "INCLUDE_LOCATIONS",
    "include_communications": "INCLUDE_COMMUNICATIONS",
    "include_player_encounters": "INCLUDE_PLAYER_ENCOUNTERS",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass
class SanitizeOptions:
    """What the user lets leave the machine. Private by default."""

    sanitize_data: bool = True
    include_events: bool = True
    include_locations: bool = True
    include_communications: bool = False
    include_player_encounters: bool = False


@dataclass
class UploadConfig:
    """All settings; the keyword names are the original design's ``UploadConfig``."""

    swgdb_api_url: str = DEFAULT_API_URL
    api_key: str = field(default="", repr=False)
    user_hash: str = ""
    upload_interval_minutes: float = 5.0
    max_retries: int = 3
    retry_delay_seconds: float = 30.0
    sanitize_data: bool = True
    include_events: bool = True
    include_locations: bool = True
    include_communications: bool = False
    include_player_encounters: bool = False
    session_dirs: list[Path] = field(default_factory=lambda: [Path(d) for d in DEFAULT_SESSION_DIRS])

    @property
    def sanitize_options(self) -> SanitizeOptions:
        return SanitizeOptions(
            sanitize_data=self.sanitize_data,
            include_events=self.include_events,
            include_locations=self.include_locations,
            include_communications=self.include_communications,
            include_player_encounters=self.include_player_encounters,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> UploadConfig:
        """Defaults, then the environment, then ``overrides`` (values of ``None`` are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in ENV_NAMES.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _coerce(var, raw.strip(), types[name])
        dirs = env.get(SESSION_DIRS_ENV, "").strip()
        if dirs:
            values["session_dirs"] = [Path(d).expanduser() for d in dirs.split(os.pathsep) if d]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def parse_bool(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value; use true or false")


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
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise ConfigError(f"{name}={raw!r} must not be negative")
    return value
