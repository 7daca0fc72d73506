"""Same input and key → same bytes (but for the serialization time); the digest follows content only."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from swgdb_bridge.model import XPGain
from swgdb_bridge.payload import content_digest, payload_json_schema_bytes
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.sources import read_session

REPO = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))
OPTIONS = SanitizeOptions(include_communications=True, include_player_encounters=True)


def serializer(clock: datetime) -> SessionLogSerializer:
    return SessionLogSerializer(OPTIONS, Sanitizer(OPTIONS, KEY), clock=lambda: clock)


@pytest.fixture
def tracker_file(corpus_dir: Path) -> Path:
    return corpus_dir / "tracker" / "session_20261005_184900_0004.json"


def test_same_input_same_bytes_except_the_timestamp(tracker_file: Path) -> None:
    early, late = datetime(2026, 11, 24, 9, tzinfo=UTC), datetime(2026, 11, 25, 9, tzinfo=UTC)
    first = serializer(early).serialize_file(tracker_file)
    again = serializer(early).serialize_file(tracker_file)
    later = serializer(late).serialize_file(tracker_file)
    assert first.to_json_bytes() == again.to_json_bytes()
    assert first.to_json_bytes() != later.to_json_bytes()
    pinned = orjson.loads(later.to_json_bytes())
    pinned["metadata"]["serialization_timestamp"] = "2026-11-24T09:00:00Z"
    assert orjson.dumps(pinned, option=orjson.OPT_SORT_KEYS) == first.to_json_bytes()
    assert first.metadata.content_digest == later.metadata.content_digest


def test_digest_is_the_documents_own(tracker_file: Path) -> None:
    payload = serializer(datetime.now(UTC)).serialize_file(tracker_file)
    assert payload.metadata.content_digest == content_digest(payload.to_document())


def test_digest_is_stable_across_processes(tracker_file: Path, bridge_home: Path) -> None:
    """Another interpreter (another hash seed) gives the same digest: nothing depends on set order."""
    code = (
        "import sys; from swgdb_bridge.sanitize.options import SanitizeOptions as O; from swgdb_bridge.sanitize import "
        "Sanitizer; from swgdb_bridge.serialize import SessionLogSerializer as S; "
        "o = O(include_communications=True, include_player_encounters=True); "
        "print(S(o, Sanitizer(o, bytes(range(32)))).serialize_file(sys.argv[1]).metadata.content_digest)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tracker_file)], capture_output=True, text=True, check=True, env=env
    )
    assert (
        out.stdout.strip()
        == serializer(datetime.now(UTC)).serialize_file(tracker_file).metadata.content_digest
    )


def test_digest_changes_when_content_changes(tracker_file: Path) -> None:
    clock = datetime(2026, 11, 24, 9, tzinfo=UTC)
    session = read_session(tracker_file)
    before = serializer(clock).serialize(session).metadata.content_digest
    session.xp_gains.append(XPGain(session.end_time, 10, source="combat"))
    grown = serializer(clock).serialize(session).metadata.content_digest
    session.character_name = "Mira Sol"
    renamed = serializer(clock).serialize(session).metadata.content_digest
    assert len({before, grown, renamed}) == 3


def test_another_key_gives_other_pseudonyms_and_another_digest(tracker_file: Path) -> None:
    other = SessionLogSerializer(OPTIONS, Sanitizer(OPTIONS, bytes(32)))
    mine = serializer(datetime.now(UTC)).serialize_file(tracker_file)
    theirs = other.serialize_file(tracker_file)
    assert mine.metadata.content_digest != theirs.metadata.content_digest
    assert mine.xp_data == theirs.xp_data  # numbers do not depend on the key


def test_exported_schema_file_is_current() -> None:
    shipped = (REPO / "docs" / "schema" / "session-payload.json").read_bytes()
    assert shipped == payload_json_schema_bytes(), (
        "docs/schema/session-payload.json is stale: run "
        ".venv/bin/python -m swgdb_bridge.payload > docs/schema/session-payload.json"
    )


def test_the_sealed_bytes_are_the_payloads_own(tracker_file: Path) -> None:
    """The serializer hands over bytes made from the document it scanned; they must be a fresh dump's."""
    payload = serializer(datetime.now(UTC)).serialize_file(tracker_file)
    fresh = orjson.dumps(payload.to_document(), option=orjson.OPT_SORT_KEYS)
    assert payload.to_json_bytes() == fresh
    renamed = payload.model_copy(update={"character_name": "Mira Sol"})
    assert b'"Mira Sol"' in renamed.to_json_bytes() and renamed != payload
