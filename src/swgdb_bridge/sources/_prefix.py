"""Recover the complete part of a JSON document that was cut off mid-write.

The bot's dual-character managers crash inside ``json.dump`` (a ``datetime`` it cannot serialize) and leave
``{"session_id": "dual_1754766000", "start_time": `` on disk, forever. Everything before the last complete
value is still true, so we cut the text back to the end of a complete value, close the open containers, and
parse that. Only the cut positions just before a comma (or just after an opening bracket) are tried, the
last ones first, so a cut-off file costs a handful of parses, never one per byte.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import orjson

MAX_ATTEMPTS = 64
_CLOSERS = {ord("{"): b"}", ord("["): b"]"}


def recover_prefix(data: bytes) -> Any | None:
    """The longest complete prefix of ``data`` as a parsed JSON value, or ``None`` if nothing is complete.

    An entry of a list that the cut left open is dropped whole, never closed as it stands: a half-written
    action (``{}``, or one without its ``xp``) is not a fact the bot wrote, and a reader would refuse the
    whole file for the field it lacks.
    """
    cuts = _cut_points(data)
    for position, stack in reversed(cuts):
        position, stack = _without_open_entry(position, stack)
        text = data[:position].rstrip()
        if text.endswith(b":"):  # a key with no value yet: drop the key too
            continue
        text = text[:-1].rstrip() if text.endswith(b",") else text
        candidate = text + b"".join(_CLOSERS[opener] for opener, _ in reversed(stack))
        try:
            return orjson.loads(candidate)
        except orjson.JSONDecodeError:
            continue
    return None


Opened = tuple[int, int]  # (the bracket, its index in the text)


def _without_open_entry(position: int, stack: tuple[Opened, ...]) -> tuple[int, tuple[Opened, ...]]:
    """Cut back to before the outermost container that is an entry of a list and is still open."""
    for depth in range(1, len(stack)):
        if stack[depth - 1][0] == ord("["):
            return stack[depth][1], stack[:depth]
    return position, stack


def _cut_points(data: bytes) -> deque[tuple[int, tuple[Opened, ...]]]:
    """The last positions where everything before is complete values, with the brackets open there."""
    cuts: deque[tuple[int, tuple[Opened, ...]]] = deque(maxlen=MAX_ATTEMPTS)
    stack: list[Opened] = []
    in_string = escaped = False
    for index, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
            continue
        if byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            stack.append((byte, index))
            cuts.append((index + 1, tuple(stack)))
        elif byte in (0x7D, 0x5D):  # } ]
            if stack:
                stack.pop()
        elif byte == 0x2C and stack:  # ,
            cuts.append((index, tuple(stack)))
    return cuts
