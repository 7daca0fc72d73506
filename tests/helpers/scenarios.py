"""The scenario an MS11 evening was written from (tests/data/ms11/README.md): what the drivers fed the bot."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from swgdb_bridge.sources._sanity import MAX_SESSION


def scenario_of(evening: Path) -> dict[str, Any]:
    """The evening's ``scenario_*.json``: one entry per play session (character, times, events, extras)."""
    [path] = evening.glob("scenario_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def uploadable(spec: dict[str, Any]) -> bool:
    """Whether a play session of the scenario can be a session: one over 24 h is refused whole at assembly
    (docs/session-format.md, "Assembly"), its files reported as problems."""
    span = datetime.fromisoformat(spec["end"]) - datetime.fromisoformat(spec["start"])
    return span <= MAX_SESSION


def sessions_of(evening: Path) -> list[dict[str, Any]]:
    """The scenario's play sessions that assembly makes sessions of (:func:`uploadable`)."""
    return [spec for spec in scenario_of(evening)["sessions"] if uploadable(spec)]
