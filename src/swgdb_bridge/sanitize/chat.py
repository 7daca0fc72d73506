"""Players mentioned in shared-channel chat: every word that could be a person's name becomes a pseudonym.

Senders and encountered players are known and replaced by ``names.py``; a player who is only *mentioned*
("grats Vexa!", "tell drayko hi", "omg Tirra Dane again") is known to no list. So chat text is default-deny
too: a word passes only when it is known to be something else. One rule (:meth:`ChatRule.name_spans`)
decides, and both the sanitizer (which replaces) and the re-scan ``leaks.py`` (which refuses what is left)
ask it. A word passes when it is

* part of a known game entity in the text (``Gazetteer.find``: "Dune Sea", "Krayt Dragon Pearl", "Axkva
  Min"; the longest entity wins, so a player called Dune does not take the Dune Sea), a pseudonym or a
  detector marker (``[email]``);
* two letters or shorter ("LF", "u", "ok"), or a number or code ("LF2M", "x12", "500k", "3rd");
* an ordinary word: SCOWL's common English words (``data/words/english.txt``, see ``scripts/build_words.py``),
  chat shorthand (``lexicon.CHAT_WORDS``: "grats", "pst", "wts"), the game's own words (``lexicon``, words
  of gazetteer entries but NPC names) and words of well-known NPCs and places (``lexicon.KEPT_PHRASES``);
  a plural "s"/"es" and a possessive "'s" are allowed. Accents, fullwidth letters and zero-width
  characters do not matter: the text is normalized and folded first.

An ordinary word is still a name where it is used as one:

* a word that is also a common first name or surname (``Gazetteer.common_names``: "Mark", "Rose", "Hunter")
  passes in lower case ("mark the target") or capitalised at the start of a sentence ("Rose petals?"),
  unless it is addressed ("ty mark", "grats Rose") or followed by a name's cue ("Mark: omw", "Rose is
  afk"); capitalised inside a sentence it is a name;
* any other word that is neither a plain function word nor a game word, capitalised right after a word of
  address ("grats
  Fury!", "ty Smasher", "tell Bacon hi"), is a name.

Lower case is no shelter: chat is often written all in lower case, so an unknown lower-case word ("tell
drayko hi") is a name like a capitalised one. The price is that a typo or new slang word becomes a pseudonym
too; a game fact never does, as long as the gazetteer knows it. What cannot be told apart is a player
whose name *is* an ordinary word, written as one ("the wolf is here"): that stays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from swgdb_bridge.sanitize.detectors import normalized
from swgdb_bridge.sanitize.gazetteer import Gazetteer, load_gazetteer
from swgdb_bridge.sanitize.lexicon import (
    CHAT_WORDS,
    GAME_TEXT_WORDS,
    KEPT_PHRASES,
    ORDINARY_WORDS,
    english_words,
)
from swgdb_bridge.sanitize.names import CUE_AFTER, SENTENCE_BREAKS, fold
from swgdb_bridge.sanitize.vocabulary import CLEAN, entity_words

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# A number or a code: "LF2M", "x12", "3rd", "500k", "1.5m" (its pieces), "ms11". Player names have no digits.
_CODE = re.compile(r"(?=\D*\d)\w{1,6}|\d+(?:k|kk|m|mil|x)?")
# Words that address the player named next: "grats X", "ty X", "tell X hi", "@X".
_ADDRESS = re.compile(
    r"(?i)(?:\b(?:grats|gratz|grz|gz|congrats|congratz|ty|thx|tx|thanks|thank|tell|ask|invite|inv|hey|hi"
    r"|hello|yo|sorry|cya|bye|welcome|wb|meet|ping|poke|with|from|to|for|by|and|or|sup|heya|hiya)"
    r"[\s,!.:]{1,3}|@)$"
)
_ROUNDS = 3  # replacing is repeated until the rule finds nothing (one round always does; bounded anyway)


@functools.cache
def chat_rule() -> ChatRule:
    """The rule over the shipped gazetteer and word lists, built once per process."""
    return ChatRule(load_gazetteer())


class ChatRule:
    """Which words of a chat line could name a person (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        kept = {w.lower() for phrase in KEPT_PHRASES for w in _TOKEN.findall(phrase)}
        self._game = GAME_TEXT_WORDS | entity_words(gazetteer) | kept
        self._words = english_words() | CHAT_WORDS | ORDINARY_WORDS | self._game
        self._names = gazetteer.common_names

    def name_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans that could name a person (a possessive's "'s" left out) in ``normalized(text)``: a
        zero-width character must not split a name into two short, harmless-looking pieces."""
        return list(self._spans(normalized(text)))

    def replace(self, text: str, pseudonym: Callable[[str], str]) -> tuple[str, int]:
        """``text`` normalized, every name-like word replaced by ``pseudonym(word)``; and how many were."""
        text = normalized(text)
        total = 0
        for _round in range(_ROUNDS):
            spans = self.name_spans(text)
            if not spans:
                break
            total += len(spans)
            parts: list[str] = []
            last = 0
            for start, end in spans:
                lead = start - 1 if text[start - 1 : start] == "@" else start  # "@Player-…" reads as a handle
                parts += [text[last:lead], pseudonym(text[start:end])]
                last = end
            text = "".join(parts) + text[last:]
        return text, total

    def knows(self, word: str) -> bool:
        """Whether ``word`` (any case, accents or none) is an ordinary word of the rule's lists."""
        return self._known(fold(normalized(word)).lower())

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        safe = [(m.start, m.end) for m in self._gazetteer.find(text)]
        safe += [m.span() for m in CLEAN.finditer(text)]
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            word = match.group(0)
            if word[-2:].lower() == "'s":
                word, end = word[:-2], end - 2
            if not any(a <= start and end <= b for a, b in safe) and self._is_name(text, start, end, word):
                yield start, end

    def _is_name(self, text: str, start: int, end: int, word: str) -> bool:
        lowered = fold(word).lower()
        if len(lowered) <= 2 or _CODE.fullmatch(lowered):
            return False
        if any(c.isdigit() for c in lowered) or not self._known(lowered):
            return True
        addressed = _ADDRESS.search(text, max(0, start - 12), start) is not None
        if lowered in self._names:
            if word.islower():
                return addressed
            return addressed or not _sentence_start(text, start) or CUE_AFTER.match(text, end) is not None
        return (
            addressed and not word.islower() and lowered not in ORDINARY_WORDS and lowered not in self._game
        )

    def _known(self, lowered: str) -> bool:
        words = self._words
        return (
            lowered in words
            or (lowered.endswith("s") and lowered[:-1] in words)
            or (lowered.endswith("es") and lowered[:-2] in words)
        )


def _sentence_start(text: str, start: int) -> bool:
    """Whether nothing but spaces stands between a sentence break (or the start) and ``start``."""
    last = start - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    return last < 0 or text[last] in SENTENCE_BREAKS
