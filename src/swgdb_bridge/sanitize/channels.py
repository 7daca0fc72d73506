"""Which text is addressed privately to the user, and which is said where others hear it.

Privately addressed text (whispers, tells, PMs, officer and guild-officer alerts) never leaves, whatever the
settings: the payload keeps its type, time, pseudonymized sender and counts. Shared channels (guild, group,
say, spatial, general…) leave only with ``include_communications``, after the full sanitizer. A channel we
do not recognise is private: the rule is default-deny, so a new channel name never opens a leak.
"""

from __future__ import annotations

import re
from functools import lru_cache

PRIVATE_WORDS = frozenset(
    {"whisper", "whispers", "tell", "tells", "pm", "pms", "private", "direct", "dm", "officer", "officers"}
)
SHARED_WORDS = frozenset(
    {"guild", "group", "party", "say", "spatial", "general", "planet", "region", "trade", "auction", "system",
     "combat", "shout", "yell", "emote", "ooc", "lfg", "newbie", "chat", "leader", "leaders"}
)  # fmt: skip
# Words that say nothing of who hears: a channel is shared only when all its other words are shared words.
NEUTRAL_WORDS = frozenset({"chat", "channel", "message", "messages", "msg", "alert", "alerts"})
_WORDS = re.compile(r"[a-z]+")

# An action-log line that quotes a private message: "[Tell] From X: …", "Whisper from X: …", "PM to X: …".
PRIVATE_LINE = re.compile(
    r"(?i)\[(?:tell|whisper|pm|private|officer)[^\]]{0,20}\]"
    r"|\b(?:tell|whisper|pm|private message|direct message|dm)s?\s+(?:from|to)\s+[^:\n]{1,40}:"
)


@lru_cache(maxsize=4096)  # asked once per chat line and guild alert; a log names a few channels
def is_shared(channel: str | None) -> bool:
    """True only for a channel everyone nearby or in the guild/group sees; unknown channels are private, and
    so is a channel with any word we do not know ("guild_pvt", "leader_1on1", "guild_personal")."""
    words = set(_WORDS.findall((channel or "").lower().replace("_", " ")))
    return bool(words & SHARED_WORDS) and words <= SHARED_WORDS | NEUTRAL_WORDS


_HINTS = ("tell", "whisper", "pm", "private", "officer", "direct", "dm")  # one is in every PRIVATE_LINE


def quotes_private_text(line: str) -> bool:
    """Whether an action or note line carries a private message's text."""
    lowered = line.lower()
    return any(hint in lowered for hint in _HINTS) and PRIVATE_LINE.search(line) is not None
