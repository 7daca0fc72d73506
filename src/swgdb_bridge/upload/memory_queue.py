"""The design's in-memory upload queue: ``add_to_queue``, ``process_queue``, ``retry_failed_uploads``.

It lives as long as the process and is meant for a script that holds sessions in hand; the durable path
(the outbox, which survives crashes and restarts) is ``SWGDBUploadManager.flush``. Sending goes through the
client's own seed methods (``batch_upload_sessions``, ``push_session_data``), so signing, retries, rate
limits and batch splitting are the client's, and the results come back in the design's keys.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def _now() -> str:
    return datetime.now(UTC).isoformat()


class InMemoryQueue:
    """The design's queue; a subclass sets ``client`` and ``max_batch_sessions``."""

    client: Any
    max_batch_sessions: int

    def __init__(self) -> None:
        # Entries: {"data": session, "added_timestamp": ISO time, "retry_count": failed attempts so far}.
        self.upload_queue: list[dict[str, Any]] = []

    def add_to_queue(self, session_data: Any) -> None:
        """Queue a session (a payload, its document, or encoded bytes) for the next ``process_queue``."""
        self.upload_queue.append({"data": session_data, "added_timestamp": _now(), "retry_count": 0})

    def process_queue(self) -> dict[str, Any]:
        """Send the queue in batches; stored sessions leave it, failed ones stay with one more retry counted."""
        if not self.upload_queue:
            return {"success": True, "processed": 0, "message": "Queue is empty"}
        entries, self.upload_queue = self.upload_queue, []
        successful, errors = 0, []
        size = max(1, self.max_batch_sessions)
        for start in range(0, len(entries), size):
            batch = entries[start : start + size]
            try:
                outcome = self.client.batch_upload_sessions([entry["data"] for entry in batch])
            except BaseException:  # Ctrl-C, or a caller's client that raises: none of these is known stored
                self.upload_queue.extend(entries[start:])
                raise
            verdicts = zip(batch, _stored(outcome, len(batch)), _errors(outcome, len(batch)), strict=True)
            for entry, stored, error in verdicts:
                if stored:
                    successful += 1
                else:
                    _count_failure(entry, error, errors)
                    self.upload_queue.append(entry)
        return {
            "success": True,
            "processed": len(entries),
            "successful": successful,
            "failed": len(entries) - successful,
            "errors": errors,
        }

    def retry_failed_uploads(self, max_retries: int = 3) -> dict[str, Any]:
        """Send each failed session again on its own, unless it has failed ``max_retries`` times already."""
        due = [entry for entry in self.upload_queue if 0 < entry["retry_count"] < max_retries]
        if not due:
            return {"success": True, "retried": 0, "message": "No failed uploads to retry"}
        delivered: set[int] = set()
        errors: list[str] = []
        for entry in due:
            outcome = self.client.push_session_data(entry["data"])
            if outcome.get("success"):
                delivered.add(id(entry))
            else:
                _count_failure(entry, outcome.get("error") or "upload failed", errors)
        self.upload_queue = [entry for entry in self.upload_queue if id(entry) not in delivered]
        return {
            "success": True,
            "retried": len(due),
            "successful": len(delivered),
            "failed": len(due) - len(delivered),
            "errors": errors,
        }


def _count_failure(entry: dict[str, Any], error: str, errors: list[str]) -> None:
    entry["retry_count"] += 1
    entry["last_error"] = error
    if error not in errors:
        errors.append(error)


def _stored(outcome: dict[str, Any], count: int) -> list[bool]:
    """Which sessions of a batch were stored: per session when the answer says, else all or none."""
    results = outcome.get("results")
    if isinstance(results, list) and len(results) == count:
        return [bool(r.get("success")) for r in results]
    return [bool(outcome.get("success"))] * count


def _errors(outcome: dict[str, Any], count: int) -> list[str]:
    """The error to record for each session of a batch (used only for the ones not stored)."""
    whole = outcome.get("error") or "upload failed"
    results = outcome.get("results")
    if isinstance(results, list) and len(results) == count:
        return [r.get("error") or whole for r in results]
    return [whole] * count
