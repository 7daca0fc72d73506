"""The literal text every match of a regex must contain, read off the regex itself.

The fail-closed re-scan runs every detector on every string, with no hand-written shortcut: a needle list
that is too narrow must show up as a refused upload, never as a leak. On long text (a chat paragraph, or a
hostile file) that is where the time goes. A shortcut derived from the pattern cannot be too narrow: if
every match of ``pass(?:word)?\\s*[:=]`` contains "pass", text without "pass" holds no match.

:func:`required_factors` walks the parsed pattern (``re._parser``, the parser ``re.compile`` itself uses)
and returns a set of lowercase strings one of which every match contains, or None when it cannot say.
Only ASCII literals become factors: under IGNORECASE an ASCII letter can also match a non-ASCII one ("k"
matches the Kelvin sign), so the test is only sound on ASCII text, and :class:`LiteralGate` lets any
other text through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser (3.11+)

from swgdb_bridge.sanitize.regex import trie_pattern

_c = _parser  # the opcodes, as the parser names them
Factors = frozenset[str]
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}  # consume nothing: the literals on either side still touch


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one piece of a pattern guarantees: the exact text it always matches (if fixed), and a set of
    strings one of which any match of it contains (None: nothing known)."""

    fixed: str | None
    required: Factors | None

    def factors(self) -> Factors | None:
        """What any match contains: the fixed text itself if there is one (and it is not empty)."""
        if self.fixed is not None:
            return frozenset({self.fixed}) if self.fixed else None
        return self.required


def required_factors(pattern: re.Pattern[str] | str) -> Factors | None:
    """Lowercase strings one of which every match of ``pattern`` contains (on ASCII text), or None."""
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    try:
        parsed = _parser.parse(source, flags)
    except (re.error, TypeError, AttributeError):  # a parser from another Python: no shortcut, no harm
        return None
    return _sequence(list(parsed)).factors()


def _sequence(items: list[tuple[object, object]]) -> _Facts:
    """Adjacent literals join into one string; of all the sets found, the most selective one is kept."""
    candidates: list[Factors] = []
    run: list[str] = []
    all_fixed = True
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        facts = _item(op, arg)
        if facts.fixed is not None:
            run.append(facts.fixed)
            continue
        all_fixed = False
        _close(run, candidates)
        run = []
        if facts.required is not None:
            candidates.append(facts.required)
    if all_fixed:  # the whole sequence is one literal string (the run was never broken)
        return _Facts("".join(run), None)
    _close(run, candidates)
    return _Facts(None, _best(candidates))


def _close(run: list[str], candidates: list[Factors]) -> None:
    text = "".join(run)
    if text:
        candidates.append(frozenset({text}))


def _best(candidates: list[Factors]) -> Factors | None:
    """The set whose shortest string is longest (rarest in text), then the one with fewest strings."""
    if not candidates:
        return None
    return max(candidates, key=lambda factors: (min(map(len, factors)), -len(factors)))


def _item(op: object, arg: object) -> _Facts:
    if op is _c.LITERAL:
        return _literal(arg)  # type: ignore[arg-type]
    if op is _c.IN:
        return _char_class(arg)  # type: ignore[arg-type]
    if op is _c.SUBPATTERN:
        return _sequence(list(arg[-1]))  # type: ignore[index]
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(arg))  # type: ignore[arg-type]
    if op is _c.BRANCH:
        return _branch(arg[1])  # type: ignore[index]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return _repeat(*arg)  # type: ignore[misc]
    return _Facts(None, None)  # any character, a category, a back reference: nothing known


def _literal(code: int) -> _Facts:
    char = chr(code)
    if not char.isascii():  # see the module docstring: only ASCII literals are safe to require
        return _Facts(None, None)
    return _Facts(char.lower(), None)


def _char_class(members: list[tuple[object, object]]) -> _Facts:
    """``[sS]`` is one letter written both ways: as good as a literal once the text is lowercased."""
    if any(op is not _c.LITERAL for op, _ in members):
        return _Facts(None, None)
    letters = {_literal(code).fixed for _, code in members}  # type: ignore[arg-type]
    if len(letters) == 1 and None not in letters:
        return _Facts(letters.pop(), None)
    return _Facts(None, None)


def _branch(alternatives: Iterable[list[tuple[object, object]]]) -> _Facts:
    """A match takes one alternative: the union of what each guarantees, if each guarantees something."""
    union: set[str] = set()
    for alternative in alternatives:
        found = _sequence(list(alternative)).factors()
        if not found:
            return _Facts(None, None)
        union |= found
    return _Facts(None, frozenset(union))


def _repeat(low: int, high: int, body: list[tuple[object, object]]) -> _Facts:
    if low == 0:
        return _Facts(None, None)
    facts = _sequence(list(body))
    if facts.fixed is not None and low == high:
        return _Facts(facts.fixed * low, None)
    return _Facts(None, facts.factors())


class LiteralGate:
    """Whether text could hold a match of any of some patterns: False only when none can match.

    The factors are worked out on first use, so importing the detectors costs no parsing.
    """

    __slots__ = ("_built", "_patterns", "_search")

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self._patterns = tuple(patterns)
        self._search: re.Pattern[str] | None = None  # None once built: every text may hold a match
        self._built = False

    def may_match(self, text: str, lowered: str) -> bool:
        """``lowered`` is ``text.lower()``; non-ASCII text always may (see the module docstring)."""
        if not text.isascii():
            return True
        if not self._built:
            self._build()
        return self._search is None or self._search.search(lowered) is not None

    def _build(self) -> None:
        union: set[str] = set()
        for pattern in self._patterns:
            factors = required_factors(pattern)
            if not factors:
                break
            union |= factors
        else:
            self._search = re.compile(trie_pattern(union, space=" "))
        self._built = True
