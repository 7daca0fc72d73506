"""The sanitization preview: what would be removed or pseudonymized before upload.

Shown two ways: the sanitizer's own counts per category, and a unified diff of the session's text before
and after sanitizing, so the user sees each line that changes (their own logs, on their own screen).
"""

from __future__ import annotations

import difflib
from typing import Any

from swgdb_bridge.model import Session


def text_lines(session: Session) -> list[str]:
    """Every piece of free text in a session, one labelled line each, in a stable order."""
    lines = [f"character: {session.character_name or ''}"]
    lines += [f"{m.channel} from {m.sender or '?'}: {m.message}" for m in session.messages]
    lines += [f"encounter: {e.player_name} at {e.location or '?'}" for e in session.encounters]
    for alert in session.guild_alerts:
        lines.append(f"guild alert from {alert.sender or '?'}: {alert.message}")
        if alert.reply_message:
            lines.append(f"guild alert reply: {alert.reply_message}")
    lines += [f"location: {v.planet} / {v.city or '-'}" for v in session.locations]
    lines += [f"quest: {q.quest_name}" for q in session.quests]
    lines += [f"action: {a.text}" for a in session.actions]
    lines += [f"note: {n}" for n in session.notes]
    return lines


def preview(original: Session, sanitized: Session, counts: dict[str, int]) -> dict[str, Any]:
    """Counts per category and the redacted diff (only the lines that change, with 0 lines of context)."""
    diff = difflib.unified_diff(
        text_lines(original), text_lines(sanitized), "session log", "what is uploaded", n=0, lineterm=""
    )
    return {"counts": dict(sorted(counts.items())), "diff": list(diff)}
