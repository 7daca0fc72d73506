"""Assembled sessions go through the existing sanitize → serialize path, and no private string leaves."""

from __future__ import annotations

import json
from pathlib import Path

from swgdb_bridge.assemble import assemble_tree
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import shared_serializer

PRIVATE_A = ["Zorvath", "Kelindra", "Tirra Dane", "284917563021457408", "watching u farm", "tip 500cr"]


def private_b(evening_b: Path) -> list[str]:
    scenario = json.loads((evening_b / "scenario_b.json").read_text())
    found = []
    for spec in scenario["sessions"]:
        found += [e["sender"] for e in spec["events"] if e["kind"] == "chat"]
        found += [e["message"] for e in spec["events"] if e["kind"] == "chat"]
        found += [spec["extras"]["ingest"]["discord_id"], spec["extras"]["ingest"]["notes"]]
    return found


def bodies(root: Path) -> list[str]:
    serializer = shared_serializer(SanitizeOptions())
    return [serializer.serialize(s).to_json_bytes().decode() for s in assemble_tree(root, now=4e9).sessions]


def test_corpus_sessions_serialize_without_private_strings(ms11_real: Path) -> None:
    for tree in ("current-1236842", "legacy-be1136b"):
        (body,) = bodies(ms11_real / tree)
        assert '"session_id"' in body and "6450" in body
        assert [s for s in PRIVATE_A if s in body] == []


def test_second_evening_serializes_without_private_strings(evening_b: Path) -> None:
    secrets = private_b(evening_b)
    found = bodies(evening_b)
    assert len(found) == 3
    for body in found:
        assert [s for s in secrets if s in body] == []
