"""``serialize_session``, the design's face of the serializer: it says what the upload says, nothing else.

The strongest check is end to end: a design-shaped session file is uploaded by the real uploader to the
real server, and the document the server stored is compared with ``serialize_session`` of the same dict.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fixtures.fault_proxy import LiveServer
from swgdb_bridge import SessionUploader, SWGDBAPIClient, UploadConfig
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.serialize.design import MESSAGE_REMOVED
from swgdb_bridge.server.db.tables import sessions
from swgdb_bridge.sources import parse_document

KEY = bytes(range(32))
PRIVATE = ("Vex Tarn", "Kallo", "hunter2", "mira@example.com", "GuildBoss")


def design_session(session_id: str = "session-1") -> dict[str, Any]:
    """A session in the design's shape, with something private in every place the sanitizer looks."""
    return {
        "session_id": session_id,
        "character_name": "Mira Sol",
        "start_time": "2026-11-20T10:00:00",
        "end_time": "2026-11-20T12:00:00",
        "mode": "quest",
        "xp": {"start": 1000, "end": 1900, "gained": 900},
        "credits": {"start": 5000, "end": 5300, "gained": 300},
        "quests_completed": ["Rescue the spy", "Deliver the datapad"],
        "locations_visited": [
            {"planet": "Tatooine", "city": "Mos Eisley", "arrival_time": "2026-11-20T10:00:00", "duration_minutes": 30},
            {"planet": "Naboo", "city": "Theed", "arrival_time": "2026-11-20T10:40:00", "duration_minutes": 50},
        ],
        "communication_events": [
            {"timestamp": "2026-11-20T10:30:00", "event_type": "whisper", "sender": "Vex Tarn",
             "message": "my password is hunter2", "response_sent": True},
        ],
        "player_encounters": [
            {"player_name": "Kallo", "timestamp": "2026-11-20T10:45:00", "location": "Naboo - Theed",
             "distance": 12.5, "interaction_type": "detected"},
        ],
        "guild_alerts": [
            {"timestamp": "2026-11-20T11:00:00", "sender": "GuildBoss", "message": "mail mira@example.com",
             "alert_type": "guild_whisper", "priority": "high", "auto_reply_sent": False},
        ],
        "actions": [
            {"time": "2026-11-20T10:00:00", "action": "Session started"},
            {"time": "2026-11-20T10:50:00", "action": "Grouped with Kallo"},
        ],
    }  # fmt: skip


def stored_document(server: LiveServer, session_id: str) -> dict[str, Any]:
    """The payload document exactly as the server stored it."""
    query = select(sessions.c.document).where(sessions.c.session_id == session_id)
    with server.storage.engine.connect() as connection:  # type: ignore[attr-defined]
        return connection.execute(query).scalar_one()


def unshaped(design: dict[str, Any]) -> dict[str, Any]:
    """The design dict with the module's two documented shapings undone: what the payload says."""
    undone = copy.deepcopy(design)
    locations = undone["location_data"]
    locations["travel_time_minutes"] = locations.pop("transit_time_minutes")
    for name in ("communication_events", "guild_alerts"):
        for event in undone["event_data"][name]:
            if event["message"] == MESSAGE_REMOVED:
                del event["message"]
    del undone["metadata"]["serialization_timestamp"]
    return undone


@pytest.fixture
def uploaded(live_server: LiveServer, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(serialize_session of the dict, what the server stored after the uploader sent the same dict's file)."""
    options = {"include_player_encounters": True, "include_communications": False}
    config = UploadConfig(
        swgdb_api_url=live_server.api_url,
        api_key=live_server.api_key,
        user_hash=live_server.user_hash,
        session_dirs=[tmp_path / "sessions"],
        retry_delay_seconds=0.001,
        **options,
    )
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "design.json").write_text(json.dumps(design_session()))
    assert SessionUploader(config).upload_all_sessions()["uploaded"] == 1
    design = SessionLogSerializer(config.sanitize_options).serialize_session(design_session())
    return design, stored_document(live_server, "session-1")


def test_the_design_dict_and_the_uploaded_payload_agree_on_every_fact(uploaded) -> None:
    design, stored = uploaded
    assert list(design) == list(stored)  # the twelve sections, in the same order
    expected = {k: v for k, v in stored.items() if k != "metadata"}
    expected["metadata"] = {k: v for k, v in stored["metadata"].items() if k != "serialization_timestamp"}
    assert unshaped(design) == expected
    visits = stored["location_data"]["location_events"]
    assert design["location_data"]["travel_time_minutes"] == sum(v["duration_minutes"] for v in visits) == 80
    assert design["metadata"]["content_digest"] == stored["metadata"]["content_digest"]


def test_the_sanitizers_privacy_rules_apply_to_both(uploaded) -> None:
    design, stored = uploaded
    for document in (design, stored):
        text = json.dumps(document)
        assert not [secret for secret in PRIVATE if secret in text]
        assert "Mira Sol" in text  # the user's own character is not a secret
        (encounter,) = document["event_data"]["player_encounters"]
        assert "player_name" not in encounter and encounter["_player_name_removed"] is True
        assert encounter["player"].startswith("Player-")
    assert design["event_data"]["player_encounters"] == stored["event_data"]["player_encounters"]
    (whisper,) = design["event_data"]["communication_events"]
    assert (
        whisper["message"] == MESSAGE_REMOVED
        and "message" not in stored["event_data"]["communication_events"][0]
    )
    assert design["metadata"]["sanitization_report"]["counts"]["messages_removed"] == 1


def serializer_at(moment: datetime, **options: bool) -> SessionLogSerializer:
    opts = SanitizeOptions(**options)
    return SessionLogSerializer(opts, Sanitizer(opts, KEY), clock=lambda: moment)


def test_the_digest_does_not_move_with_the_serialization_timestamp(live_server: LiveServer) -> None:
    # encounters included: the options the design face serializes with, so its digest is the upload's
    early = serializer_at(datetime(2026, 11, 21, 8, 0, tzinfo=UTC), include_player_encounters=True)
    late = serializer_at(datetime(2026, 11, 22, 8, 0, tzinfo=UTC), include_player_encounters=True)
    first, again = (s.serialize_session(design_session()) for s in (early, late))
    assert first["metadata"]["serialization_timestamp"] != again["metadata"]["serialization_timestamp"]
    assert first["metadata"]["content_digest"] == again["metadata"]["content_digest"]

    session = parse_document(design_session(), "design.json")
    with SWGDBAPIClient(live_server.api_url, live_server.api_key, live_server.user_hash) as client:
        created = client.push_session_data(early.serialize(session))
        unchanged = client.push_session_data(late.serialize(session))
    assert (created["status"], unchanged["status"]) == ("created", "unchanged")
    assert created["digest"] == unchanged["digest"] == first["metadata"]["content_digest"]


def test_removed_messages_are_marked_and_encounters_lose_the_name() -> None:
    design = serializer_at(datetime(2026, 11, 21, tzinfo=UTC)).serialize_session(design_session())
    events = design["event_data"]
    assert [e["message"] for e in events["communication_events"]] == [MESSAGE_REMOVED]
    assert [e["message"] for e in events["guild_alerts"]] == [MESSAGE_REMOVED]
    (encounter,) = events["player_encounters"]  # kept: the design's caller chose which events go in
    assert "player_name" not in encounter and encounter["_player_name_removed"] is True
    assert (
        design["metadata"]["serializer_version"] == "1.0.0"
        and design["metadata"]["data_source"] == "ms11_bot"
    )
    assert design["metadata"]["original_session_keys"] == list(design_session())

    allowed = serializer_at(datetime(2026, 11, 21, tzinfo=UTC), include_communications=True)
    (whisper,) = allowed.serialize_session(design_session())["event_data"]["communication_events"]
    assert whisper["message"] == MESSAGE_REMOVED  # a whisper is private whatever the settings (issue 12)


@pytest.mark.parametrize(
    ("session", "named"),
    [
        ({"invalid": "data"}, "not a known session format"),
        (None, "not a known session format"),
        (["a", "list"], "not a known session format"),
        ({**design_session(), "start_time": "yesterday"}, "start_time"),
        ({**design_session(), "end_time": "2026-11-20T09:00:00"}, "before it starts"),
        ({**design_session(), "notes": object()}, "not JSON serializable"),
    ],
)
def test_invalid_input_is_an_error_session_never_an_exception(session: Any, named: str) -> None:
    result = serializer_at(datetime(2026, 11, 21, tzinfo=UTC)).serialize_session(session)
    assert set(result) == set(SessionLogSerializer().serialize_session(design_session()))
    metadata = result["metadata"]
    assert metadata["serialization_error"] is True and named in metadata["error_message"]
    assert metadata["serialization_timestamp"] == "2026-11-21T00:00:00+00:00"


def test_an_error_session_does_not_repeat_secrets_from_the_input() -> None:
    result = SessionLogSerializer().serialize_session({"session_id": "token mira@example.com", "x": 1})
    assert "mira@example.com" not in json.dumps(result)
    assert result["metadata"]["serialization_error"] is True


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(design_session())), value=JSON_VALUES)
def test_any_value_in_any_field_gives_a_session_or_an_error_session(key: str, value: Any) -> None:
    session = {**design_session(), key: value}
    result = serializer_at(datetime(2026, 11, 21, tzinfo=UTC)).serialize_session(session)
    assert len(result) == 12 and "serialization_timestamp" in result["metadata"]
    if result["metadata"].get("serialization_error"):
        assert result["metadata"]["error_message"]
    else:
        assert result["session_id"] and result["xp_data"]["total_xp_gained"] >= 0
