"""Sanitize: nothing private leaves the machine.

``Sanitizer`` turns a raw :class:`~swgdb_bridge.model.Session` into one fit to upload (messages dropped,
other players pseudonymized, secrets and PII replaced by markers) and says what it did in a
``SanitizeReport``. Every payload field has a privacy class in ``fields.FIELDS``; ``scan_payload`` re-checks
the final payload against those classes and the detectors, and the serializer refuses to emit one it flags. The rules, and what they cannot catch, are in docs/privacy.md.
"""

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
