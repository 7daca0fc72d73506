"""The tracker's action log is read by a short path for plain items; every item must read as the general
``Fields`` rules read it, or fail with the same error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._tracker import actions

_times = st.sampled_from(
    [
        "2026-11-02T19:00:00",
        "2026-11-02T19:00:00.250000",
        "2026-11-02T19:00:00+00:00",
        "2026-11-02T21:00:00+02:00",
        "2026-11-02",
        "not a time",
        "",
    ]
) | st.sampled_from([1793646000, 1793646000.5, None, True, [1]])
_texts = st.sampled_from(["Killed womp rat (+145 XP)", "Healed self", ""]) | st.none() | st.integers(0, 3)
_item = st.fixed_dictionaries({}, optional={"time": _times, "action": _texts, "other": st.integers()})
_items = st.lists(_item | st.sampled_from([None, 3, "text", []]), max_size=6)


def _outcome(read: Any, items: Any) -> list[Any] | str:
    try:
        return read(Fields.root(Path("tracker.json"), {"actions": items}))
    except SessionFileError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None)
@given(items=_items | st.sampled_from([None, {}, "actions", 5]))
def test_the_action_log_reads_every_item_as_the_general_rules_do(items: Any) -> None:
    general = _outcome(lambda f: ev.records(f, "actions", ev.action, "time", "action"), items)
    assert _outcome(actions, items) == general
