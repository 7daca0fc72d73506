"""The fail-closed re-scan: look at the final payload document the way an attacker would, before it leaves.

It runs every detector on every string (no fast path), checks keys that sound secret, and looks for the
session's player names. It returns what it found as "category at $.json.path", never the value, and the
serializer refuses to emit a document with any finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from swgdb_bridge.sanitize import detectors
from swgdb_bridge.sanitize.lexicon import KEPT_PHRASES
from swgdb_bridge.sanitize.names import is_pseudonym, key, name_matcher, with_parts

# Values under these keys are names that are not other players' (kept, like the sanitizer keeps them).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_KEPT_KEYS = frozenset({"character_name", "quest_name", "planet", "city", "unique_planets", "unique_cities"})


def scan_for_leaks(
    document: Mapping[str, Any] | list[Any] | str,
    *,
    known_names: Iterable[str] = (),
    kept: Iterable[str] = (),
) -> list[str]:
    """Findings ("emails at $.notes[0]") left in ``document``; empty means it may be emitted.

    ``known_names``: the session's other players (``swgdb_bridge.sanitize.player_names(raw_session)``);
    ``kept``: extra phrases that are not player names (the document's character and quest names already are).
    """
    strings: list[tuple[str, str, str | None]] = []
    sensitive: list[str] = []
    _walk(document, "$", None, strings, sensitive)
    kept_all = [*KEPT_PHRASES, *kept, *(text for path, text, field in strings if field in _KEPT_KEYS)]
    own = {key(text) for _path, text, field in strings if field == "character_name"}
    wanted = with_parts(n for n in known_names if n and n.strip() and not is_pseudonym(n.strip()))
    names = {n: "" for n in wanted if key(n) not in own}
    matcher = name_matcher(names, kept_all) if names else None
    findings: list[str] = []
    for path, text, _field in strings:
        found = detectors.find_secrets(text)
        if matcher is not None and matcher.count(text):
            found.append("player_names")
        findings.extend(f"{category} at {path}" for category in found)
    findings.extend(f"sensitive_keys at {path}" for path in sensitive)
    return list(dict.fromkeys(findings))


def _walk(
    value: Any, path: str, field: str | None, strings: list[tuple[str, str, str | None]], sensitive: list[str]
) -> None:
    """One pass over ``value``: (path, string, the key it is under) for every string, dict keys included, go to
    ``strings``; the path of every not yet redacted value under a secret-sounding key goes to ``sensitive``."""
    if isinstance(value, str | PurePath):
        strings.append((path, str(value), field))
    elif isinstance(value, Mapping):
        for index, (name, item) in enumerate(value.items()):
            name = str(name)
            where = f"{path}.{_segment(name, index)}"
            strings.append((f"{where} (key)", name, None))
            if detectors.is_sensitive_value(name, item):
                sensitive.append(where)
            _walk(item, where, name, strings, sensitive)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", field, strings, sensitive)


def _segment(name: str, index: int) -> str:
    """A key as a path segment; a key that is not a plain identifier may be the secret itself: numbered."""
    if _IDENTIFIER.fullmatch(name) and not detectors.find_secrets(name):
        return name
    return f"<key #{index}>"
