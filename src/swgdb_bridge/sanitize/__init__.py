"""Sanitize: nothing private leaves the machine.

``Sanitizer`` turns a raw :class:`~swgdb_bridge.model.Session` into one fit to upload (messages dropped,
other players pseudonymized, secrets and PII replaced by markers) and says what it did in a
``SanitizeReport``. Every payload field has a privacy class in ``fields.FIELDS``; ``scan_payload`` re-checks
the final payload against those classes and the detectors, and the serializer refuses to emit one it flags. The rules, and what they cannot catch, are in docs/privacy.md.

The public names are imported on first use: most commands need only ``sanitize.options`` (through the
configuration), and importing the detectors compiles a few hundred patterns (0.1–0.2 s of a start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swgdb_bridge._lazy import lazy_exports

if TYPE_CHECKING:
    from swgdb_bridge.sanitize.keys import load_pseudonym_key
    from swgdb_bridge.sanitize.leaks import scan_for_leaks, scan_payload
    from swgdb_bridge.sanitize.report import CATEGORIES, SanitizeReport
    from swgdb_bridge.sanitize.sanitizer import Sanitizer, kept_phrases, player_names

__all__ = [
    "CATEGORIES",
    "SanitizeReport",
    "Sanitizer",
    "kept_phrases",
    "load_pseudonym_key",
    "player_names",
    "scan_for_leaks",
    "scan_payload",
]

_HOMES = {
    "CATEGORIES": "report",
    "SanitizeReport": "report",
    "Sanitizer": "sanitizer",
    "kept_phrases": "sanitizer",
    "load_pseudonym_key": "keys",
    "player_names": "sanitizer",
    "scan_for_leaks": "leaks",
    "scan_payload": "leaks",
}
__getattr__ = lazy_exports(__name__, {name: f"{__name__}.{home}" for name, home in _HOMES.items()})
