"""Assembled sessions go through the existing sanitize → serialize path, and no private string leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.scenarios import scenario_of, sessions_of
from swgdb_bridge.assemble import assemble_tree
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import shared_serializer

PRIVATE_A = ["Zorvath", "Kelindra", "Tirra Dane", "284917563021457408", "watching u farm", "tip 500cr"]


# what a user may let out: chat text and encounters (sanitize_data stays on: other players are pseudonymized)
OPEN = SanitizeOptions(include_communications=True, include_player_encounters=True)


def private(evening: Path, options: SanitizeOptions) -> list[str]:
    """What the scenario fed the bot that must not leave: other players' names, the Discord id and the
    secrets and contact details inside chat (``sensitive_extra``) always, the chat lines and notes too unless
    the user lets chat out."""
    found = []
    for spec in scenario_of(evening)["sessions"]:
        chat = [e for e in spec["events"] if e["kind"] == "chat"]
        found += [e["sender"] for e in chat] + [spec["extras"]["ingest"]["discord_id"]]
        found += spec["extras"]["sensitive_extra"]
        if not options.include_communications:
            found += [e["message"] for e in chat] + [spec["extras"]["ingest"]["notes"]]
    return [text for text in found if text]


def bodies(root: Path, options: SanitizeOptions | None = None) -> list[str]:
    serializer = shared_serializer(options or SanitizeOptions())
    return [serializer.serialize(s).to_json_bytes().decode() for s in assemble_tree(root, now=4e9).sessions]


def test_corpus_sessions_serialize_without_private_strings(ms11_real: Path) -> None:
    for tree in ("current-1236842", "legacy-be1136b"):
        (body,) = bodies(ms11_real / tree)
        assert '"session_id"' in body and "6450" in body
        assert [s for s in PRIVATE_A if s in body] == []


@pytest.mark.parametrize("options", [SanitizeOptions(), OPEN], ids=["defaults", "chat-allowed"])
def test_more_evenings_serialize_without_private_strings(evening: Path, options: SanitizeOptions) -> None:
    secrets = private(evening, options)
    found = bodies(evening, options)
    assert len(found) == len(sessions_of(evening))
    for body in found:
        assert [s for s in secrets if s in body] == []


def test_the_evenings_quest_names_reach_the_payload_as_written(evening: Path) -> None:
    """Quest titles of plain words, game words and species ("Recover the Stolen Datapad", "Scout the Drall
    Ruins") are game text, not names: the dashboard shows them as the bot logged them."""
    fed = {e["name"] for s in sessions_of(evening) for e in s["events"] if e["kind"] == "quest"}
    shown = {
        quest["quest_name"]
        for body in bodies(evening / "current")
        for quest in json.loads(body)["quest_data"]["quest_events"]
    }
    assert shown == fed
