"""Where each listed session stands with the uploader: not sent, queued, failed, uploaded, changed since upload.

Read from the uploader's state file (outbox + upload history). A session still in the outbox is queued; one
in the dead letters failed. The history remembers each file at the content digest it was queued with, and
an entry leaves the outbox only once the server confirmed it, so a recorded file that is no longer queued
was uploaded, and "changed since upload" when its bytes differ now (a session that kept growing).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from swgdb_bridge.viewer.summary import SessionSummary

NOT_SENT = "not sent"
QUEUED = "queued"
FAILED = "failed"
UPLOADED = "uploaded"
CHANGED = "changed since upload"


def states_of(summaries: Iterable[SessionSummary]) -> dict[str, str]:
    """Upload state per summary path. Never creates the state file just to look at it."""
    from swgdb_bridge.upload.outbox import Outbox, default_state_path

    summaries = list(summaries)
    state_file = default_state_path()
    if not state_file.exists():
        return {s.path: NOT_SENT for s in summaries}
    with Outbox(state_file) as box:
        queued = {item.session_id for item in box.pending()}
        failed = {item.session_id for item in box.dead_letters()}
        states = {}
        for summary in summaries:
            if summary.session_id in queued:
                states[summary.path] = QUEUED
            elif summary.session_id in failed:
                states[summary.path] = FAILED
            else:
                record = box.file_record(summary.path) or box.file_record(os.path.realpath(summary.path))
                if record is None:
                    states[summary.path] = NOT_SENT
                else:
                    states[summary.path] = UPLOADED if record.file_sha256 == summary.file_digest else CHANGED
    return states
