"""What the bot's free-text action lines say: a kill, a quest done, a move, the XP it noted.

Both the XP-per-action file and the legacy session log hold lines such as ``Killed womp rat (+145 XP)``,
``Completed quest: Clear the Tusken Camp`` or ``Moving from Mos Eisley to Anchorhead``. A kill line names
its creature and then only bracketed asides: the XP, or the party some bot versions append
(``(group: Hunter Vale, Rose)``), never part of the creature. "Killed by a rancor" is the character's death,
and a line that goes on after its brackets is free text that only starts like a kill.

The text is untrusted and may be long, so each line is taken apart in one pass: the asides are peeled off
its end by index, and no pattern here tries a lazy group against a long run once per starting point (the
single-regex forms these replace took seconds on a few thousand spaces).
"""

from __future__ import annotations

import re

_KILL = re.compile(r"\s*Killed (?!by\b)(?:an? |the )?([^()]*[^()\s])", re.IGNORECASE)
_QUEST = re.compile(r"\s*Completed quest:\s*+(.*\S)\s*", re.IGNORECASE)
_MOVE_START = re.compile(r"\s*Moving from ", re.IGNORECASE)
_TO = re.compile(" to ", re.IGNORECASE)
_XP_NOTE = re.compile(r"\(\+([\d,]+) XP\)")


def split_asides(text: str) -> tuple[str, list[str]]:
    """``text`` without the bracketed asides ("(...)", none nested) that end it, and those asides in order.

    Walks back from the end by index: linear in the length, however many asides there are.
    """
    end = len(text.rstrip())
    asides: list[str] = []
    while end and text[end - 1] == ")":
        start = text.rfind("(", 0, end)
        if start < 0 or text.find(")", start, end - 1) >= 0:
            break  # an unopened or nested bracket: not an aside
        asides.append(text[start:end])
        end = start
        while end and text[end - 1].isspace():
            end -= 1
    return text[:end], asides[::-1]


def killed(text: str) -> str | None:
    """The creature a kill line names, or None."""
    head, _asides = split_asides(text)
    kill = _KILL.fullmatch(head)
    return kill.group(1) if kill else None


def quest_done(text: str) -> str | None:
    """The quest a "Completed quest: <name>" line names, or None."""
    quest = _QUEST.fullmatch(text)
    return quest.group(1) if quest else None


def moved(text: str) -> tuple[str, str] | None:
    """Where a "Moving from A to B" line goes from and to (split at the first " to "), or None."""
    start = _MOVE_START.match(text)
    rest = text[start.end() :].rstrip() if start else ""
    if not rest or "\n" in rest:
        return None
    to = _TO.search(rest, 1)  # the place moved from has at least one character; ``rest`` ends in one too
    if to is None:
        return None
    return rest[: to.start()], rest[to.end() :]


def xp_noted(text: str) -> int | None:
    """The XP the bot noted at the end of a line (``(+145 XP)`` among the closing asides), or None; a tag
    followed by more words is quoted in free text ("Killed a krayt (+99999 XP) in my dreams")."""
    for aside in split_asides(text)[1]:
        note = _XP_NOTE.fullmatch(aside)
        if note:
            return int(note.group(1).replace(",", ""))
    return None
