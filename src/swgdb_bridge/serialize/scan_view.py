"""The payload as the fail-closed leak scan sees it: every string that came from the log, each once.

The scanner runs every detector on every string and every key it is given. A 1M-event payload repeats the
same keys a million times and the same zone or skill name a hundred thousand times, so the view:

* turns each list of event objects into columns (``{"zone": [distinct values…]}``): every key once, every
  distinct string once, under its own key name (the scanner's kept-phrase rules look at key names);
* leaves out fields whose privacy class is typed (``sanitize.fields``: numbers, times, flags, digests),
  which the serializer wrote from typed values and which cannot carry text from the log.

Everything else — names, messages, places, enum words, breakdown keys, ids — is scanned exactly as it will
be sent, and checked against its field's class.
"""

from __future__ import annotations

from typing import Any

from swgdb_bridge.sanitize.fields import typed_names

GENERATED = typed_names()


def scan_view(value: Any) -> Any:
    """``value`` reduced to what needs scanning (see the module docstring)."""
    if isinstance(value, dict):
        return {key: scan_view(item) for key, item in value.items() if key not in GENERATED}
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return _columns(value)
        distinct = dict.fromkeys(item for item in value if isinstance(item, str))
        return [*distinct, *(scan_view(item) for item in value if isinstance(item, dict | list))]
    return value


def _columns(items: list[dict[str, Any]]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {}
    for key in sorted(set().union(*items) - GENERATED):  # sorted: findings come out in a stable order
        values = [item.get(key) for item in items]
        column: list[Any] = list(dict.fromkeys(v for v in values if isinstance(v, str)))
        column.extend(scan_view(v) for v in values if isinstance(v, dict | list))
        if column:
            columns[key] = column
    return columns
