"""Looking inside a payload document as a reader would: for tests that check what leaves the machine."""

from __future__ import annotations

from typing import Any


def every_string(value: Any) -> list[str]:
    """The strings of a JSON document, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *every_string(v)]]
    if isinstance(value, list):
        return [s for item in value for s in every_string(item)]
    return []
