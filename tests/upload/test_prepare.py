"""Preparing sessions for the outbox gives the same payload as serializing them directly, in any process state."""

from __future__ import annotations

from pathlib import Path

import pytest

from swgdb_bridge.demo.run import write_sample_sessions
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.sources import read_session
from swgdb_bridge.upload.prepare import prepare_session


def test_prepared_payload_follows_the_data_folder_of_the_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pseudonym key lives in the data folder: a folder change in one process must change the key used."""
    path = write_sample_sessions(tmp_path / "sessions", 1)[0]
    session, options = read_session(path), SanitizeOptions()
    digests = []
    for home in ("first", "second"):
        monkeypatch.setenv("SWGDB_BRIDGE_HOME", str(tmp_path / home))
        prepared = prepare_session(session, options, since=None)
        assert prepared.item is not None, prepared.error
        direct = SessionLogSerializer(options).serialize_file(path)
        assert prepared.item.digest == direct.metadata.content_digest
        digests.append(prepared.item.digest)
    assert digests[0] != digests[1]  # another install's key gives other pseudonyms
