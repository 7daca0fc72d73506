"""The payload as the fail-closed leak scan sees it: every string that came from the log, each once.

The scanner runs every detector on every string and every key it is given. A 1M-event payload repeats the
same keys a million times and the same zone or skill name a hundred thousand times, so the view:

* turns each list of event objects into columns (``{"zone": [distinct values…]}``): every key once, every
  distinct string once, under its own key name (the scanner's kept-phrase rules look at key names);
* leaves out what the serializer wrote itself from typed values, which cannot carry text from the log:
  timestamps (formatted from datetimes), enum fields (validated against fixed word lists before the scan),
  event fields typed as numbers or flags (validated too; the scanner looks only at text anyway) and the
  sanitization report (our category names and counts).

Everything else — names, messages, places, breakdown keys, ids — is scanned exactly as it will be sent.
"""

from __future__ import annotations

from typing import Any

GENERATED = frozenset(
    {
        # timestamps
        "timestamp", "start_time", "end_time", "serialization_timestamp",
        # enum-valued fields (pydantic Literal): one of a few fixed words
        "source", "transaction_type", "quest_type", "reward_type", "purpose", "event_type",
        "interaction_type", "alert_type", "priority", "data_source", "session_mode",
        # event fields typed as numbers, flags or number pairs
        "amount", "balance", "balance_after", "reward_amount", "level_before", "level_after", "distance",
        "duration_minutes", "duration_seconds", "coordinates", "response_sent", "auto_reply_sent",
        "_sanitized", "_player_name_removed", "quantity", "truncated",
        # counts per sanitizer category
        "sanitization_report",
    }
)  # fmt: skip


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
