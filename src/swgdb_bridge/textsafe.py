"""Text we did not write, made safe to show in a terminal or to open in a spreadsheet.

Strings from a server answer (error codes and messages, versions, statuses) and from session files
(character and place names, chat, file names) are untrusted. Printed raw, an escape sequence in them can
clear the screen, retitle the window, plant hyperlinks or forge lines, and Rich reads ``[bold]…[/]`` in
them as markup; written raw into a CSV, ``=HYPERLINK(…)`` becomes a live formula. Every such string goes
through this module on its way out (the CLI commands, the viewer's renderings and TUI, the CSV export):

- :func:`visible` shows control characters, line separators, bidi controls and invisible characters as
  escapes (``\\x1b``, ``\\n``, ``\\u2028``, ``\\u202e``), for plain text and ``rich.Text``;
- :func:`for_markup` is :func:`visible` plus Rich markup escaped, for strings Rich or Textual parse as markup;
- :func:`spreadsheet_safe` neutralizes a CSV cell by the OWASP rule (a leading ``'``);
- :func:`xml_safe` shows the characters XML 1.0 forbids as escapes, so an XML export always parses.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls, DEL, C1 controls (CSI, OSC, ... have 8-bit forms); the line and paragraph separators, which
# Rich (str.splitlines) breaks lines at, so a name could forge a table row; the bidirectional marks and
# overrides that reorder what a terminal shows ("Trojan Source", U+061C included); and the invisible
# characters that make two different ids or names look alike (zero width space, word joiner and invisible
# operators, BOM, interlinear annotation, tag characters). Joiners (U+200C, U+200D) stay: scripts and emoji
# need them.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
# What XML 1.0 cannot carry at all, not even as a character reference: C0 controls but TAB, LF and CR,
# lone surrogates, U+FFFE and U+FFFF. One of them in a text or attribute makes the whole document unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# OWASP CSV injection: a cell starting with one of these is a formula (or may become one) in a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What Rich's markup parser reads as a tag (with the backslashes before it), and a backslash run before "[".
_MARKUP_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
_BACKSLASHED_BRACKET = re.compile(r"(\\+)\[")


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: object) -> str:
    """``text`` as a string whose control characters are shown as escapes, never acted on."""
    return _UNSAFE.sub(_escape_one, str(text))


def xml_safe(text: object) -> str:
    """``text`` with the characters XML 1.0 forbids shown as escapes (``\\x01``, ``\\ufffe``); the rest
    is left to the XML writer, which escapes markup characters itself."""
    return _NOT_XML.sub(_escape_one, str(text))


def for_markup(text: object) -> str:
    """``text`` ready to sit inside a Rich markup string: controls shown, ``[...]`` printed literally.

    Rich's own ``escape`` covers tag-like ``[word...]`` only; its renderer also turns a backslash before any
    other ``[`` into nothing, and a trailing backslash escapes whatever tag the caller writes next. So:
    backslashes before a tag-like bracket are doubled and the bracket escaped, one more backslash goes before
    any other bracket they precede, and a trailing run of backslashes is doubled.
    """
    shown = visible(text)
    parts, position = [], 0
    for match in _MARKUP_TAG.finditer(shown):
        parts.append(_BACKSLASHED_BRACKET.sub(r"\\\1[", shown[position : match.start()]))
        backslashes, tag = match.groups()
        parts.append(f"{backslashes}{backslashes}\\{tag}")
        position = match.end()
    parts.append(_BACKSLASHED_BRACKET.sub(r"\\\1[", shown[position:]))
    escaped = "".join(parts)
    trailing = len(escaped) - len(escaped.rstrip("\\"))
    return escaped + "\\" * trailing


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string starting with ``= + - @`` TAB or CR gets ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
