"""One regex for many literal words, built as a trie: Python's ``re`` tries the branches of an alternation one
by one at every position, so shared prefixes factored out make a scan of hundreds of words cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` with shared prefixes factored out; longer words are tried first.

    A space in a word matches any run of whitespace ("Kelindra  Vos" is "Kelindra Vos" too).
    """
    return _trie_pattern(frozenset(words))


@lru_cache(maxsize=1024)  # a session's sanitizer and its leak re-scan ask for the same names
def _trie_pattern(words: frozenset[str]) -> str:
    """The pattern depends on the set of words only: branches are emitted in sorted order."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _char(char: str) -> str:
    return r"\s+" if char == " " else re.escape(char)


def _emit(node: dict[str, dict]) -> str:
    branches = [_char(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: the longer continuation is optional (greedy, so tried first)
        return f"(?:{body})?"
    return body
