"""The scenario an MS11 evening was written from (tests/data/ms11/README.md): what the drivers fed the bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def scenario_of(evening: Path) -> dict[str, Any]:
    """The evening's ``scenario_*.json``: one entry per play session (character, times, events, extras)."""
    [path] = evening.glob("scenario_*.json")
    return json.loads(path.read_text(encoding="utf-8"))
