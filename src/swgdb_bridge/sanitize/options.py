"""What the user lets leave the machine: the privacy options, and how they are read from the environment.

They live with the sanitizer, the stage that obeys them; the upload config (a later stage) carries the same
names and hands them over by name (:attr:`swgdb_bridge.upload.config.UploadConfig.sanitize_options`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from swgdb_bridge.errors import ConfigError

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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SanitizeOptions:
        """The defaults, overridden by ``SANITIZE_DATA``, ``INCLUDE_EVENTS``, … (the field name upper-cased)."""
        env = os.environ if environ is None else environ
        values = {}
        for option in fields(cls):
            raw = env.get(option.name.upper(), "").strip()
            if raw:
                values[option.name] = parse_bool(option.name.upper(), raw)
        return cls(**values)


def parse_bool(name: str, raw: str) -> bool:
    """A yes/no setting; anything else is an error naming the setting and the accepted words."""
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value; use true or false")
