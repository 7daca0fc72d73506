"""The design's result dicts for the client's seed methods, from what the client learned.

``push_session_data``, ``batch_upload_sessions`` and ``validate_credentials`` answer with dicts and never
raise, as the design's callers expect. The client does the work and raises typed errors; this module only
says the outcome the design's way: ``error`` is a sentence that starts with what kind of failure it was
("Authentication failed: ...", "Rate limit exceeded: ..."), the server's code is ``error_code``, the HTTP
status ``status_code``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from swgdb_bridge.errors import APIError, AuthError

if TYPE_CHECKING:
    from swgdb_bridge.upload.client import UploadResult

UPLOADED = "Session uploaded successfully"
CREDENTIALS_ACCEPTED = "credentials accepted"


def describe(exc: APIError) -> str:
    """The design's error sentence: the kind of failure first, then the client's full explanation."""
    if isinstance(exc, AuthError):
        return str(exc) if exc.code == "clock_skew" else f"Authentication failed: {exc}"
    if exc.status == 429:
        return f"Rate limit exceeded: {exc}"
    if exc.code == "unreachable":
        return f"Connection failed: {exc}"
    if exc.status is not None and exc.status >= 500:
        return f"Server error: {exc}"
    return f"Request failed: {exc}"


def failure(exc: APIError) -> dict[str, Any]:
    """A call that did not get its answer: ``success`` False, the error sentence and what is known of it."""
    result: dict[str, Any] = {
        "success": False,
        "status": "failed",
        "error": describe(exc),
        "message": str(exc),
    }
    if exc.code:
        result["error_code"] = exc.code
    if exc.status is not None:
        result["status_code"] = exc.status
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        result["retry_after"] = retry_after
    return result


def upload_result(result: UploadResult) -> dict[str, Any]:
    """One session's outcome: ``swgdb_session_id`` and the design's message when stored, else the refusal."""
    answer: dict[str, Any] = {
        "success": result.stored,
        "session_id": result.session_id,
        "status": result.status,
    }
    if result.digest:
        answer["digest"] = result.digest
    if result.stored:
        return {**answer, "swgdb_session_id": result.session_id, "message": UPLOADED}
    kind = "Session too large" if result.status == "too_large" else "Upload rejected"
    return {
        **answer,
        "error": f"{kind}: {result.message or result.error}",
        "error_code": result.error,
        "message": result.message or "",
    }


def batch_result(results: Sequence[UploadResult]) -> dict[str, Any]:
    """A batch's outcome: all stored or not, the counts, the stored ids, and each session's result."""
    stored = [r for r in results if r.stored]
    return {
        "success": len(stored) == len(results),
        "uploaded_count": len(stored),
        "failed_count": len(results) - len(stored),
        "session_ids": [r.session_id for r in stored],
        "results": [upload_result(r) for r in results],
    }


def batch_failure(exc: APIError, sessions: int) -> dict[str, Any]:
    """A batch that got no answer: nothing is known to be stored."""
    return {**failure(exc), "uploaded_count": 0, "failed_count": sessions, "session_ids": [], "results": []}


def credentials_accepted(answer: dict[str, Any], user_hash: str) -> dict[str, Any]:
    user = answer.get("user_hash", user_hash)
    return {
        "success": True,
        "valid": answer.get("valid") is True,  # bool("false") would be True: only JSON true says valid
        "user_hash": user,
        "user_info": {"user_hash": user},
        "message": CREDENTIALS_ACCEPTED,
    }


def credentials_refused(exc: APIError, user_hash: str) -> dict[str, Any]:
    """Not valid. ``success`` says whether the server answered the question (a refusal) or not (no answer)."""
    refused = isinstance(exc, AuthError) and exc.code != "clock_skew"
    answer = failure(exc)
    del answer["status"]
    return {
        **answer,
        "success": isinstance(exc, AuthError),
        "valid": False,
        "user_hash": user_hash,
        "error": f"Invalid credentials: {exc}" if refused else describe(exc),
    }
