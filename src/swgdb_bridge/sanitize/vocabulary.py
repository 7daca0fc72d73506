"""Default-deny for text: game vocabulary passes when it is known, free text is reduced to what is known.

Two rules, one for each text class of ``fields.py``:

* **game** (planet, city, zone, quest, skill, profession, item names): a value passes when the gazetteer
  knows it whole, or it has the shape of a known quest title, or every word of it is known — part of a
  gazetteer entity, a word of the game or of plain English (``lexicon.ORDINARY_WORDS``, the gazetteer's
  own vocabulary, and SCOWL's common English words but the common first names and surnames, so "Recover
  the Stolen Datapad" stays and "Bounty: Mark" does not), written in lower case (but a first name or
  surname that is no such word: "bounty: gwendolyn"), a number, short code or model code ("DLT-20A";
  capitals alone are a name or guild tag), a pseudonym or a marker. Any other word is an unknown proper
  noun in a template ("Bounty: X", "X's Guild Hall") and becomes a keyed pseudonym; the rest stays. (The
  session's known player names are replaced before, in any case.)
* **free text** (AFK and stuck reasons, error messages, anything unclassified): never verbatim. It becomes
  a category ("break", "waiting", "terrain"…) followed by what is known in it: the gazetteer entities it
  names, coordinates, and pseudonyms of the players it mentions ("Waiting for Zorvath at the Dune Sea" →
  ``waiting: Player-…; Dune Sea``). Every other word is dropped.

The re-scan asks the same module whether a value has the shape its class allows (``is_game_text``,
``is_reduced``), so a field the sanitizer forgot to reduce is refused, not uploaded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from swgdb_bridge.sanitize.detectors import MARKERS
from swgdb_bridge.sanitize.gazetteer import KINDS, Gazetteer
from swgdb_bridge.sanitize.lexicon import GAME_TEXT_WORDS, ORDINARY_WORDS, english_words

# Pseudonyms and detector markers: already clean, kept as they are (here and in chat.py). Only the markers
# the detectors write: any other bracketed word ("[gwendolyn]", a guild tag) is judged like any word.
CLEAN = re.compile(r"Player-[0-9a-f]{12}|" + "|".join(map(re.escape, sorted(MARKERS))))
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_NUMBER = r"-?(?:0|[1-9]\d{0,3})"  # a whole metre on a planet: within ±8192, no leading zero
_COORDINATES = re.compile(rf"(?<![\w.-]){_NUMBER}(?:(?:\s*,\s*|\s+){_NUMBER}){{1,2}}(?![\w.])")
_COORDINATE_SEPARATOR = re.compile(r"\s*,\s*|\s+")
PLANET_HALF_WIDTH = 8192
# A Roman numeral ("xxv" is in the word list) has no plural: "XXVS" is a tag, not "XXVs". Only numerals in
# their standard form: "mill" and "dim" are words of Roman letters with plurals. Nor has a word of two
# letters, all function words ("so", "it", "on"): "SOS" is a tag, not "so"s.
_ROMAN = re.compile(r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_SHORT_CODE = re.compile(r"(?=[a-z]*\d)[a-z0-9]{1,5}")  # "x12", "e11", "mk2", "3rd": item and level codes
_LETTERS = re.compile(r"[^\W\d_]+")
# A model code: short capital or digit pieces joined by "-", one with a digit ("DLT-20A", "4-LOM", "YT-1300").
# Its letters are a designation, not a word; capitals alone ("GWEN", "<KESS>") are a name or a guild tag.
_MODEL_CODE = re.compile(r"(?<![\w'-])(?=[A-Z\d-]*\d)[A-Z\d]{1,4}(?:-[A-Z\d]{1,4})+(?![\w'-])")
# A capitalised word after these is a player in free text: "waiting for X", "grouped with X", "Bounty: X".
_NAME_CUE = re.compile(
    r"(?i)(?:\b(?:for|with|from|by|to|meet|meeting|ask|tell|told|help|helping|invite|invited|group|follow"
    r"|following|on|bounty|target|player|guild(?:mate)?|friend)\s*:?\s*)$"
)
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("message", ("[tell]", "whisper", "tell from", "tell to", "[pm]", "private message")),
    ("break", ("afk", "break", "brb", "bio", "food", "dinner", "lunch", "breakfast", "eat", "coffee",
               "bathroom", "toilet", "sleep", "bed", "phone", "door", "kid", "dog", "shower", "away")),
    ("waiting", ("wait", "queue", "respawn", "spawn", "cooldown", "timer", "buff")),
    ("combat", ("combat", "attack", "aggro", "kill", "died", "death", "dead", "incap", "clone", "heal")),
    ("terrain", ("stuck", "terrain", "rock", "wall", "tree", "water", "cliff", "collision", "blocked",
                 "building", "fence", "hill", "cave", "geometry")),
    ("travel", ("travel", "shuttle", "starport", "path", "route", "waypoint", "moving", "mount", "vehicle",
                "speeder", "navigation", "nav")),
    ("inventory", ("inventory", "full", "vendor", "loot", "bank", "sell", "crate", "storage")),
    ("connection", ("disconnect", "lag", "crash", "server", "login", "logout", "connection", "timeout",
                    "reconnect", "network")),
    ("mission", ("mission", "quest", "terminal", "bounty", "objective")),
    ("crafting", ("craft", "survey", "harvest", "resource", "sample")),
    ("manual", ("manual", "user", "pause", "stopp", "input", "gm", "admin")),
)  # fmt: skip
CATEGORY_NAMES = frozenset([name for name, _ in CATEGORIES] + ["other"])
_SEPARATOR = "; "
_CHECKED_LIMIT = 65_536  # distinct game strings whose check is remembered (zones, skills, quests repeat)


class Vocabulary:
    """The game and free-text rules over one gazetteer; ``pseudonym`` names unknown proper nouns."""

    def __init__(self, gazetteer: Gazetteer, pseudonym: Callable[[str], str]) -> None:
        self._gazetteer = gazetteer
        self._pseudonym = pseudonym
        self._words = game_words(gazetteer)
        self._names = lower_case_names(gazetteer)
        self._checked: dict[str, bool] = {}
        gazetteer.template_kind("Hunt the Krayt Dragon")  # the gazetteer builds its title words now, once

    # ---- game vocabulary -----------------------------------------------------------------------------

    def game(self, text: str) -> str:
        """``text`` if it is game vocabulary; else with each unknown word replaced by a pseudonym."""
        if self._known_whole(text):
            return text
        parts: list[str] = []
        last = 0
        for start, end, word in self._unknown_words(text):
            stem, possessive = (word[:-2], word[-2:]) if word.endswith("'s") else (word, "")
            parts += [text[last:start], self._pseudonym(stem), possessive]
            last = end
        return "".join(parts) + text[last:] if parts else text

    def is_game_text(self, text: str) -> bool:
        """Whether ``text`` is what :meth:`game` lets through unchanged (answers are remembered)."""
        known = self._checked.get(text)
        if known is None:
            known = self._known_whole(text) or next(self._unknown_words(text), None) is None
            if len(self._checked) < _CHECKED_LIMIT:
                self._checked[text] = known
        return known

    def _known_whole(self, text: str) -> bool:
        gazetteer = self._gazetteer
        return gazetteer.kind_of(text) is not None or gazetteer.template_kind(text) is not None

    def _unknown_words(self, text: str) -> Iterator[tuple[int, int, str]]:
        safe = [(m.start, m.end) for m in self._gazetteer.find(text)]
        safe += _joined(text, [m.span() for m in CLEAN.finditer(text)])
        safe += [m.span() for m in _MODEL_CODE.finditer(text) if self._designates(m.group(0).lower())]
        for match in _WORD.finditer(text):
            start, end = match.span()
            bare_end = end - 2 if match.group(0).endswith("'s") else end  # "Player-…'s" is a pseudonym's
            if any(a <= start and bare_end <= b for a, b in safe):
                continue
            if not self._is_known_word(match.group(0)):
                yield start, end, match.group(0)

    def _is_known_word(self, word: str) -> bool:
        lowered = word.lower()
        if lowered.endswith("'s"):
            lowered = lowered[:-2]
        if word.islower():
            # Lower-case words are game or plain words ("womp rat", "kkorrwrot"), but a person's name is a
            # name in any case: "bounty: gwendolyn", "combat_thaddeus_novice".
            return len(lowered) <= 2 or not any(run in self._names for run in _LETTERS.findall(lowered))
        words = self._words
        return (
            len(lowered) <= 2  # too short to name anyone
            or lowered.isdigit()
            or lowered in words
            or lowered.replace("'", "") in words  # the gazetteer joins inner apostrophes: "Dee'ja" is "deeja"
            or (
                len(lowered) > 3
                and lowered.endswith("s")
                and lowered[:-1] in words
                and not _ROMAN.fullmatch(lowered[:-1])
            )
            or self._is_code(lowered)
        )

    def _is_code(self, lowered: str) -> bool:
        """A short item or level code ("x12", "dxr6", "room2") whose letters designate."""
        return _SHORT_CODE.fullmatch(lowered) is not None and self._designates(lowered)

    def _designates(self, code: str) -> bool:
        """Whether the letters of a code (lower case) name nobody: each run of them a word (English or the
        game's) or at most three letters and no first name or surname. A name with digits ("Gwen1", "Tom12",
        "GWEN-1") is still a name."""
        return all(
            run in self._words
            or run in english_words()
            or (len(run) <= 3 and run not in self._gazetteer.common_names)
            for run in _LETTERS.findall(code)
        )

    # ---- free text -----------------------------------------------------------------------------------

    def reduce(self, text: str) -> str:
        """``category`` or ``category: known; things`` (see the module docstring)."""
        items = [m.canonical for m in self._gazetteer.find(text)]
        items += [m.group(0) for m in CLEAN.finditer(text) if m.group(0).startswith("Player-")]
        items += [self._pseudonym(word) for word in self._named_players(text)]
        items += coordinates(text)
        found = list(dict.fromkeys(items))
        category = category_of(text)
        return f"{category}: {_SEPARATOR.join(found)}" if found else category

    def _named_players(self, text: str) -> Iterator[str]:
        """Unknown capitalised words in a name position ("waiting for X", "X's")."""
        for start, _end, word in self._unknown_words(text):
            if not word[0].isupper():
                continue
            if word.endswith("'s"):
                yield word[:-2]
            elif _NAME_CUE.search(text, max(0, start - 24), start):
                yield word

    def is_reduced(self, text: str) -> bool:
        """Whether ``text`` has the shape :meth:`reduce` gives."""
        category, _, rest = text.partition(": ")
        if category not in CATEGORY_NAMES:
            return False
        return not rest or all(self._reduced_item(item) for item in rest.split(_SEPARATOR))

    def _reduced_item(self, item: str) -> bool:
        return (
            self._gazetteer.kind_of(item) is not None
            or CLEAN.fullmatch(item) is not None
            or coordinates(item) == [item]
        )


def _joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pseudonyms and markers with only ``'``, ``_`` or ``-`` between them as one span: a name written
    "Kessa'Drevin" becomes two pseudonyms joined by "'", which is this tool's output, not a word to judge."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and 0 < start - merged[-1][1] <= 2 and not text[merged[-1][1] : start].strip("'_-"):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def coordinates(text: str) -> list[str]:
    """Game positions in free text ("stuck near 3520, -4800"), as ``"3520, -4800"``: two or three whole
    numbers within a planet, written with a comma or a minus sign. Digits spaced like a phone or an id
    number ("call 555 1234", "123 45 6789") or a real-world position (decimals) are never kept."""
    found = []
    for match in _COORDINATES.finditer(text):
        written = match.group(0)
        numbers = _COORDINATE_SEPARATOR.split(written)
        signed = "," in written or any(number.startswith("-") for number in numbers)
        if signed and all(abs(int(number)) <= PLANET_HALF_WIDTH for number in numbers):
            found.append(", ".join(numbers))
    return found


@functools.lru_cache(maxsize=4)  # one gazetteer per process; every Sanitizer asks again
def game_words(gazetteer: Gazetteer) -> frozenset[str]:
    """Words game text may hold capitalised: English and game words, but no common first name or surname
    (a player called "Mark" in "Bounty: Mark"). One set per gazetteer: it is built from 40,000 words."""
    english = english_words() - gazetteer.common_names
    return ORDINARY_WORDS | GAME_TEXT_WORDS | entity_words(gazetteer) | english


@functools.lru_cache(maxsize=4)  # one gazetteer per process; every Sanitizer asks again
def lower_case_names(gazetteer: Gazetteer) -> frozenset[str]:
    """Common first names and surnames that are no plain or game word: a name even in lower case.

    "mark", "rose", "hunter" are words too and stay lower case (a player called so is told by case and
    cues, ``names.py``); "gwendolyn" and "thaddeus" name nobody but a person."""
    return (
        gazetteer.common_names - english_words() - ORDINARY_WORDS - GAME_TEXT_WORDS - _entry_words(gazetteer)
    )


@functools.lru_cache(maxsize=4)  # one gazetteer per process; game_words and every ChatRule ask again
def entity_words(gazetteer: Gazetteer) -> frozenset[str]:
    """Words of the gazetteer's entries, but of NPC names and the common first names and surnames."""
    return frozenset(
        w for w in _entry_words(gazetteer) if len(w) >= 3 and w.isalpha() and w not in gazetteer.common_names
    )


@functools.lru_cache(maxsize=4)
def _entry_words(gazetteer: Gazetteer) -> frozenset[str]:
    """Every word of the entries but NPC names, lower case: "Keren", "Lok" are places before names."""
    return frozenset(
        word.lower()
        for kind in KINDS
        if kind != "npc"
        for entry in gazetteer.entries(kind)
        for word in _WORD.findall(entry)
    )


def category_of(text: str) -> str:
    """The first category whose keyword ``text`` contains (lower case), else "other"."""
    lowered = text.lower()
    for name, keywords in CATEGORIES:
        if any(word in lowered for word in keywords):
            return name
    return "other"
