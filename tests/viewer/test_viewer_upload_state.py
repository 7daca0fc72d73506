"""The list's upload column, read from the uploader's real outbox and history (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path

from swgdb_bridge import SessionLogViewer
from swgdb_bridge.upload.outbox import Outbox


def _states(viewer: SessionLogViewer) -> dict[str, str]:
    viewer.refresh()
    return {row["session_id"]: row["upload_state"] for row in viewer.list_sessions()}


def test_not_sent_queued_uploaded_changed_failed(sessions_dir: Path, tracker_raw, bridge_home: Path) -> None:
    folder = sessions_dir / "tracker"
    ids = [r.doc["session_id"] for r in tracker_raw]
    with SessionLogViewer(folder) as viewer:
        assert set(_states(viewer).values()) == {"not sent"}
        assert not (bridge_home / "data" / "uploads.sqlite3").exists()  # looking does not create state

        for session_id in ids[:3]:
            assert viewer.queue_session(session_id) == "queued"
        with Outbox() as box:
            queued = {item.session_id: item for item in box.pending()}
            assert set(queued) == set(ids[:3])
            box.confirm(queued[ids[0]], "created")  # what the uploader does once the server stored it
            box.confirm(queued[ids[1]], "created")
            box.bury(queued[ids[2]], "422 payload refused")

        grown = folder / tracker_raw[1].path.name
        doc = json.loads(grown.read_text())
        doc["actions"].append({"time": doc["end_time"], "action": "Session resumed"})
        grown.write_text(json.dumps(doc))

        states = _states(viewer)
        assert states[ids[0]] == "uploaded"
        assert states[ids[1]] == "changed since upload"
        assert states[ids[2]] == "failed"
        assert {states[i] for i in ids[3:]} == {"not sent"}
