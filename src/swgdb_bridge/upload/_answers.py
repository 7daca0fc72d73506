"""A server's answer, checked before the client stores, prints, opens or acts on any of it.

Whatever answers at the configured address is untrusted: a hostile or broken server, a proxy, a captive
portal, another service on a mistyped URL. A value the client goes on to use must have the shape the
protocol gives it, or the command stops with a clear :class:`~swgdb_bridge.errors.APIError` instead of a
traceback, a config file that no later command can read, or control characters on the user's terminal.
Refusals never show the refused value: it may be (part of) an API key. Words the client does repeat (an
error's code and message, a field's path) pass :func:`text` or :func:`code` first: a server may send
escape sequences that retitle or clear the terminal, or a megabyte of message that would fill the screen,
the log and every dead letter of the outbox.
"""

from __future__ import annotations

import re
from typing import Any

from swgdb_bridge.errors import APIError
from swgdb_bridge.textsafe import visible
from swgdb_bridge.upload._retry import bounded_hint

TOKEN = re.compile(r"[!-~]{1,2048}")
"""Printable ASCII without spaces, at most 2 KiB: what keys, codes and URLs are made of."""
ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
"""What an error code the client compares (``authorization_pending``, ``too_large``) looks like."""
MAX_TEXT_CHARS = 300
"""The most of one server text (a message, a path, a reason phrase) the client repeats."""


def text(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """A server's words as the client may print, log or store them: control, bidi and invisible
    characters shown as escapes (:func:`~swgdb_bridge.textsafe.visible`), at most ``limit`` characters
    of them and then how long the whole was. Cut before escaping, so a megabyte costs ``limit``."""
    raw = value if isinstance(value, str) else str(value)
    shown = visible(raw[:limit])
    if len(raw) <= limit and len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(raw):,} characters)"


def code(value: object) -> str | None:
    """An error code in its expected shape, or None: the client compares codes and shows them."""
    return value if isinstance(value, str) and ERROR_CODE.fullmatch(value) else None


def _described(value: object) -> str:
    """What was there instead, without the value itself."""
    if value is None:
        return "missing"
    if isinstance(value, str):
        return f"a string of {len(value)} characters not of the expected shape"
    return f"a JSON {type(value).__name__}, not a string"


def token(answer: dict[str, Any], name: str, what: str, shape: re.Pattern[str] = TOKEN) -> str:
    """``answer[name]`` when it is a string matching ``shape`` whole; otherwise an :class:`APIError`."""
    value = answer.get(name)
    if isinstance(value, str) and shape.fullmatch(value):
        return value
    raise APIError(
        f"{what}: the server's answer has no usable {name!r} ({_described(value)})", code="bad_answer"
    )


def seconds(answer: dict[str, Any], name: str, default: float, low: float, high: float) -> float:
    """A duration the server suggests, kept within ``[low, high]``; ``default`` when absent or not a number."""
    if name not in answer:
        return default
    hint = bounded_hint(name, answer[name], low, high)
    return default if hint is None else hint


def confirmed(answer: dict[str, Any], name: str, what: str) -> None:
    """``answer[name]`` must be JSON ``true``: a claim the user is told about (keys revoked) holds only
    when the server makes it. A 200 of another shape (``{}``, ``"yes"``: a proxy, a captive portal,
    another service) is an :class:`APIError`, not a success."""
    if answer.get(name) is not True:
        raise APIError(
            f"{what}: the server's answer does not say {name!r} ({_described_flag(answer.get(name))}); "
            "check SWGDB_API_URL and try again",
            code="bad_answer",
        )


def _described_flag(value: object) -> str:
    return "missing" if value is None else f"a JSON {type(value).__name__}, not true"
