"""Looking inside a payload document as a reader would: for tests that check what leaves the machine."""

from __future__ import annotations

import re
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


def holds_word(text: str, value: str) -> bool:
    """Whether ``text`` holds ``value`` as a word of its own, in any case. A planted value counts as leaked
    only so: a payload's hex runs (its content digest, which changes with the serialization time, and the
    pseudonyms) and its own words joined by "_" (``ms11_bot``, ``combat_marksman_novice``) hold short runs
    such as "4821" or "bot" by chance."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None
