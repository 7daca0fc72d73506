"""One regex for many literal words, built as a trie: Python's ``re`` tries the branches of an alternation one
by one at every position, so shared prefixes factored out make a scan of hundreds of words cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def trie_pattern(words: Iterable[str], space: str = r"\s+", after: str = "") -> str:
    """A regex alternation of ``words`` with shared prefixes factored out; longer words are tried first.

    A space in a word matches ``space``: by default any run of whitespace ("Kelindra  Vos" is "Kelindra
    Vos" too). ``after`` is matched after every character: what may be written over a letter without
    making it another (combining marks over a name).
    """
    return _trie_pattern(frozenset(words), space, after)


@lru_cache(maxsize=1024)  # a session's sanitizer and its leak re-scan ask for the same names
def _trie_pattern(words: frozenset[str], space: str, after: str) -> str:
    """The pattern depends on the set of words only: branches are emitted in sorted order."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie, space, after)


def _emit(node: dict[str, dict], space: str, after: str) -> str:
    branches = [
        (space if ch == " " else re.escape(ch)) + after + _emit(child, space, after)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: the longer continuation is optional (greedy, so tried first)
        return f"(?:{body})?"
    return body
