"""Finding other players' names in free text, and telling a name from an ordinary word.

All names of a session go into ONE regular expression, built as a trie (shared prefixes factored out), so a
string is scanned once whatever the number of names, and the longest name wins ("Kelindra Vos" before
"Kelindra"). Matching is case-insensitive on word boundaries; "Zorvath's" keeps its "'s".

Two kinds of names:

* distinctive names ("Zorvath") are replaced wherever they occur, in any case; one in a script written
  without spaces ("王伟") also inside a run of its letters ("我和王伟一起打");
* *ordinary-word* names ("Rat", "Healed", "The", anything of two letters or less written with case, or a
  word of a well-known NPC or place or of the user's own character name) are replaced only where the text
  uses them as a name: capitalised AND in a name position
  (after "with", "from", "to", "by", "player", "invited"…, before "'s", ":" or "says"/"is"/"needs"…, as
  the whole string, or capitalised inside a sentence on its own, not in a Title Case run like
  "Rare Crystal").
  So "Killed womp rat", "Healed self" and "Looted Rare Crystal" stay; "Grouped with Rat", "Rat: hi" and
  "ask Rat about it" do not.

Kept phrases (the user's own character name, well-known NPCs and places, pseudonyms) are matched first and left
alone, so a player called "Nyax" does not turn "Lord Nyax" into "Lord Player-…". Phrases the log itself gives
as game text (its quest names, planets and cities) are not known to be safe: they are kept only where every
name in them is an ordinary-word name, so "Talk to Dex" stays but "bounty: kessa drevin" loses the name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, cached_property, lru_cache

from swgdb_bridge.sanitize.gazetteer import load_gazetteer, normalize_text
from swgdb_bridge.sanitize.lexicon import ORDINARY_WORDS, TITLES
from swgdb_bridge.sanitize.regex import trie_pattern
from swgdb_bridge.sanitize.vocabulary import game_words

Protector = Callable[[str], Sequence[tuple[int, int]]]
PSEUDONYM_PREFIX = "Player-"
PSEUDONYM = re.compile(r"Player-[0-9a-f]{12}")
# Case-insensitive matching can, for a few Unicode letters, match a spelling whose lower case is not the key.
UNKNOWN_PSEUDONYM = PSEUDONYM_PREFIX + "unknown"
_WORD = re.compile(r"[\w'’-]+")

_CUE_BEFORE = re.compile(
    r"(?i)(?:\b(?:with|from|to|by|for|player|invited|invite|grouped|traded|trade|dueled|duel|whispered|told"
    r"|tell|thanked|helped|healed|buffed|followed|follow|met|saw|greeted|killed\s+player|pinged|via)\s+|@)$"
)
CUE_AFTER = re.compile(
    r"(?:['’]s\b|\s*:|\s+(?:says|said|whispers|whispered|tells|told|joined|left|invited|asked|wants|wrote"
    r"|shouts|yells|emotes|waves|trades|traded|grouped|is|was|has|had|needs|will|sells|selling|sent)\b)"
)
SENTENCE_BREAKS = frozenset(".!?:;\"'(\n-–—[")
_WORD_CHAR = re.compile(r"[\w'’-]")
_ONLY_SPACE = re.compile(r"\s*\Z")
_FIRST_WORD = re.compile(r"\s+(\w)")

# Action lines that name another player: group, trade, duel/PvP-kill, tell, mail, friend and guild lines.
# Bots word them differently, so both orders are read: a cue before the name ("Grouped with X", "Mail from
# X", "/tell X", "Group invitation from X", "invited to a group by X") or after it, the name starting the
# line or following a bracketed tag ("X invites you to join a group", "X has left the group", "[GLD] X: hi"),
# or around it ("Added X to your friends list").
# Titles before the name are skipped ("Grouped with Jedi Knight Gwen" names Gwen), unless the title is all
# there is ("Invited Major").
_LINE_START = r"(?:^|(?<=\] ))"  # where a line starts, or just after its bracketed time or tag
_LINE_NAME = r"([A-Z][\w'’\-]*(?: [A-Z][\w'’\-]*)?)"
_ACTION_NAME = re.compile(
    r"(?i:(?:\b(?:grouped with|joined group with|group invit(?:e|ation) (?:from|to)|invited|traded with"
    r"|(?:secure )?trade (?:request |complete |completed |accepted |cancell?ed )?(?:from|with)|dueled"
    r"|duel (?:with|request from)|killed by player|killed player|defeated player|whisper(?:ed)? (?:from|to)"
    r"|tell (?:from|to)|received tell from|you tell|tell|mail from"
    r"|(?:guild|friend) (?:invit(?:e|ation)|request) from|now following"
    r"|(?:invited|healed|buffed|revived|resurrected)(?: you)?(?: to (?:a|the|join a) \w+)? by)|/tell)\s+)"
    rf"(?:(?i:{'|'.join(sorted(TITLES, key=len, reverse=True))})\.? )*" + _LINE_NAME
)
_ACTION_NAME_FIRST = re.compile(
    _LINE_START
    + _LINE_NAME
    + r" (?i:invites you|has invited you|wants to trade|challenges you|has challenged you|tells you"
    r"|whispers(?: to)? you|(?:has )?(?:joined|left) (?:the|your) group|is now (?:the )?group leader"
    r"|is now your friend|has (?:come|gone) (?:online|offline)|has logged (?:on|off|in|out))\b"
)
# "[GLD] X: hi", "[Guild] X: hi": a chat line, its tag a channel's name or a guild's in capitals; a log's own
# "[2025-09-12 18:30:00] Player: …" or "[INFO] Session ID: …" names a field, not a speaker.
_TAGGED_SPEAKER = re.compile(
    _LINE_START + r"\[(?!(?:INFO|WARN|WARNING|DEBUG|ERROR|TRACE|FATAL|CRIT|LOG|SYS)\])"
    r"(?:[A-Z]{2,5}|(?i:guild|group|party|say|spatial|general|planet|region|trade|ooc|lfg))\] "
    + _LINE_NAME
    + r":\s"
)
_FRIEND_ADDED = re.compile(r"(?i:\badded )" + _LINE_NAME + r"(?i: to (?:your )?friends?\b)")
_ACTION_NAMES = (_ACTION_NAME, _ACTION_NAME_FIRST, _TAGGED_SPEAKER, _FRIEND_ADDED)
# Lines NPCs and creatures share with players: loot, credits, speech, gifts, kills ("You looted Brevik's
# corpse", "You receive 5000 credits from Ostrava", "Zanthor says, '…'", "Ostrava gives you …", "Brevik has
# been defeated by you"). A creature comes with an article ("a womp rat's corpse", lower case: no match);
# a capitalised name here is a player only when the game and English do not know it (``_names_a_player``).
_SHARED_NAME = re.compile(
    r"(?i:\b(?:(?:looted|loot|looting)(?: the corpse of)?|(?:credits?|cr) (?:from|to)"
    r"|(?:received?|got|paid|tipped)(?: [\d,]{1,15})?(?: \w{1,15}){1,3} (?:from|by|to)"
    r"|you (?:have |has )?(?:defeated|killed|slain|incapacitated|gave|give|hit|attack(?:ed)?|pay|paid|tip(?:ped)?"
    r"|assist(?:ed)?|buff(?:ed)?|heal(?:ed)?|revived?)|(?:defeated|killed|slain|incapacitated|attacked) by)\s+)"
    + _LINE_NAME
)
# The name first, then what it says or does to you: "Zanthor says, '…'", "Brevik's pet attacks you", "Brevik
# has been defeated by you", "Ostrava tips you 500 credits".
_SHARED_NAME_FIRST = re.compile(
    _LINE_START
    + _LINE_NAME
    + r"(?i:['’]s \w{1,15})?"
    + r" (?i:says|said|shouts|yells|emotes|(?:(?:has|have|is|was) )?(?:been )?\w{2,15}(?: (?:at|to|by))? you)\b"
)
_SHARED_NAMES = (_SHARED_NAME, _SHARED_NAME_FIRST)


@lru_cache(maxsize=65_536)  # every matcher normalizes the same kept phrases and names again
def normalize(name: str) -> str:
    """The form a name is compared in: the gazetteer's ``normalize_text`` (NFKC, no zero-width characters,
    one kind of apostrophe and dash, single spaces)."""
    return normalize_text(name)


@lru_cache(maxsize=65_536)  # every matcher splits the same kept phrases again
def _lower_words(phrase: str) -> frozenset[str]:
    """The words of a kept phrase, lower case: a name made only of such words is an ordinary one."""
    return frozenset(w.lower() for w in _WORD.findall(phrase))


def _normalized(phrases: Iterable[str]) -> list[str]:
    """Each distinct phrase normalized once, in order; empty ones dropped."""
    return [phrase for phrase in dict.fromkeys(normalize(p) for p in phrases) if phrase]


def fold(text: str) -> str:
    """``text`` without accents, and with Cyrillic and Greek letters, small capitals and emoji letters that
    look Latin made Latin, one character for one (so offsets into it are offsets into ``text``): "zоrvath"
    with a Cyrillic "о", "ᴢᴏʀᴠᴀᴛʜ" and "🇿🇴🇷🇻🇦🇹🇭" are "zorvath". Every combining mark left after NFKC
    (one that composes with nothing: "Z̶" strikes "Z" through) becomes ``MARK``, which name patterns let
    follow any letter."""
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


# Cyrillic and Greek letters drawn like a Latin one in both cases (Unicode's confusables): a letter whose
# other case looks like nothing Latin (Н/н, Т/т, Ν/ν) is left, so folding and lower-casing commute and a
# name matches in any case.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕАЕОРСУХІЈЅ" "αικορχΑΙΚΟΡΧ",
    "aeopcyxijsAEOPCYXIJS" "aikopxAIKOPX",
)  # fmt: skip
# Letter-like characters NFKC leaves as they are, read as the Latin letter they show (lower case: they
# have no other case): small capitals ("ᴢᴏʀᴠᴀᴛʜ"; Unicode has none for x) and the emoji letters, negative
# circled "🅩", negative squared "🆉" and regional indicators "🇿", each a run of 26 from A. Fullwidth,
# circled and mathematical letters need nothing here: NFKC makes them Latin.
_SMALL_CAPITALS = str.maketrans("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz")
_EMOJI_LETTERS = {first + i: ord("a") + i for first in (0x1F150, 0x1F170, 0x1F1E6) for i in range(26)}
_LOOKALIKES = {**_CONFUSABLES, **_SMALL_CAPITALS, **_EMOJI_LETTERS}


# Marks drawn over or under the character before them (nonspacing, enclosing): they make no other letter.
MARK = "\u0300"
_MARK_CATEGORIES = frozenset({"Mn", "Me"})


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if unicodedata.category(char) in _MARK_CATEGORIES:
        return MARK
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare.translate(_LOOKALIKES) if len(bare) == 1 else char


def key(name: str) -> str:
    """The form a name is looked up and pseudonymized by: normalized, accents and combining marks removed,
    lower case ("Z̶o̶r̶v̶a̶t̶h̶" is "zorvath", so it gets Zorvath's pseudonym)."""
    return _matching_form(normalize(name))


def _matching_form(phrase: str) -> str:
    """A kept phrase as name patterns hold it: folded, lower case, without marks (they may follow any
    letter)."""
    return fold(phrase).replace(MARK, "").lower()


def is_pseudonym(name: str) -> bool:
    return PSEUDONYM.fullmatch(name) is not None


def names_in_actions(texts: Iterable[str]) -> set[str]:
    """Player names stated by action lines ("Grouped with Zorvath", "Traded with Kelindra Vos")."""
    found: set[str] = set()
    for text in texts:
        found.update(_names_in_line(text) if len(text) <= _LINE_MEMO_LENGTH else _scan_line(text))
    return found


_LINE_MEMO_LENGTH = 200  # a bot repeats its short action lines ("Looted Rare Crystal") in every session


@lru_cache(maxsize=16_384)
def _names_in_line(text: str) -> tuple[str, ...]:
    """:func:`_scan_line`, remembered: four patterns run over each line, and most lines recur."""
    return _scan_line(text)


def _scan_line(text: str) -> tuple[str, ...]:
    names = [_bare(m.group(1)) for pattern in _ACTION_NAMES for m in pattern.finditer(text)]
    shared = (_bare(m.group(1)) for pattern in _SHARED_NAMES for m in pattern.finditer(text))
    names.extend(name for name in shared if _names_a_player(name))
    return tuple(name for name in names if not PSEUDONYM.match(name))  # "Grouped with Player-…" is clean


def _bare(name: str) -> str:
    """``name`` without a possessive "'s" ("Brevik's corpse" names Brevik)."""
    return re.sub(r"['’]s$", "", name)


def _names_a_player(name: str) -> bool:
    """Whether a capitalised name in a line NPCs and creatures share with players is a player's: neither
    a known game entity whole ("Jabba the Hutt", "Krayt Dragon") nor made only of game, NPC or English
    words ("Jabba", "Imperial Officer", "Bandit"). A player called like a word is missed here, but a
    pseudonym on every "Officer" in chat would cost more than such a rare name."""
    gazetteer = load_gazetteer()
    if gazetteer.kind_of(name) is not None:
        return False
    return not all(word.lower() in _not_player_words() for word in _WORD.findall(name))


@cache
def _not_player_words() -> frozenset[str]:
    """Words that name no player in a shared line: game text's words and every word of a gazetteer entry,
    NPC names and short ones included (a two-word match of "Kai Tok Slayer" is "Kai Tok")."""
    gazetteer = load_gazetteer()
    entries = frozenset(word.lower() for entry in gazetteer.entries() for word in _WORD.findall(entry))
    return game_words(gazetteer) | entries


def with_parts(names: Iterable[str]) -> set[str]:
    """``names`` plus each word of a multi-word name: "Kelindra Vos" is also "Kelindra" on her own."""
    names = list(names)
    result = set(names)
    for name in names:
        words = normalize(name).split(" ")
        if len(words) > 1:
            result.update(w for w in words if len(w) > 2 and not is_pseudonym(w))
    return result


def is_ordinary(name: str, kept_words: frozenset[str]) -> bool:
    """True when every word of ``name`` is also an ordinary word, or a word of a kept phrase; or when it is
    two letters or less and written with case. A short name is told from a word by its capital ("ty Al");
    a script without case ("王伟") has none to tell by, so its short names are distinctive."""
    words = [w.lower() for w in _WORD.findall(name)]
    if not words or (len(key(name)) <= 2 and not _caseless(key(name))):
        return True
    return all(w in ORDINARY_WORDS or w in kept_words for w in words)


def _caseless(name: str) -> bool:
    """Whether ``name`` has letters and none of them has case (Han, kana, Hangul, Hebrew, Arabic…)."""
    return any(c.isalpha() for c in name) and not any(c.islower() or c.isupper() for c in name)


# Scripts written without spaces between words (Han, kana, Thai…) or with particles joined to a name
# (Hangul "민수야"): a name in one is found inside a run of its letters too. Prefixes of Unicode names.
_UNSPACED_SCRIPTS = (
    "CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO",
    "KHMER", "MYANMAR", "TIBETAN", "YI ", "TANGUT",
)  # fmt: skip


def _unspaced(name: str) -> bool:
    """Whether every character of ``name`` (a key: no marks) but its spaces is of an unspaced script."""
    return all(c == " " or unicodedata.name(c, "").startswith(_UNSPACED_SCRIPTS) for c in name)


def in_name_position(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is used as a name (see the module docstring).

    Looks only at the few characters around the word (never copies the text), so a long text full of
    names stays linear.
    """
    last = start - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    if last < 0 and _ONLY_SPACE.match(text, end):
        return True
    first = text[start]
    if first.isalpha() and not first.isupper():
        return False
    if _CUE_BEFORE.search(text, max(0, start - 30), start) or CUE_AFTER.match(text, end):
        return True
    return _isolated_capital(text, last, end)


def _isolated_capital(text: str, last: int, end: int) -> bool:
    """A capitalised word inside a sentence, not part of a Title Case run ("Looted Rare Crystal"): a name.

    ``last`` is the index of the last non-space character before the word (-1 at the start).
    """
    if last < 0 or text[last] in SENTENCE_BREAKS:
        return False
    word_start = last
    while word_start > 0 and _WORD_CHAR.match(text[word_start - 1]):
        word_start -= 1
    if _WORD_CHAR.match(text[last]) and text[word_start].isupper():
        return False  # "Player-3f9a…" starts with a capital too, so replacing a neighbour changes nothing
    following = _FIRST_WORD.match(text, end)
    return not (following and following.group(1)[0].isupper())


def name_matcher(
    pseudonyms: Mapping[str, str], kept: Iterable[str], logged: Iterable[str] = ()
) -> NameMatcher:
    """A :class:`NameMatcher` for these names and phrases, shared with earlier calls for the same ones.

    Building one (normalizing every kept phrase, two regex compiles) costs more than cleaning a small
    session, and an install's sessions name the same players again and again. A matcher never changes once
    built, so sharing it changes no result.
    """
    return _shared_matcher(tuple(pseudonyms.items()), tuple(kept), tuple(logged))


@lru_cache(maxsize=256)
def _shared_matcher(
    pseudonyms: tuple[tuple[str, str], ...], kept: tuple[str, ...], logged: tuple[str, ...]
) -> NameMatcher:
    return NameMatcher(dict(pseudonyms), kept, logged)


# A name ends where a letter or digit does not follow: "_" and "-" end it as a space does ("hunt_zorvath_99"),
# and the words of a name may be joined by them ("kessa_drevin", "Kessa-Drevin").
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"
# Chinese and Japanese are written without spaces (as are Thai, Lao, Khmer and Burmese), and Korean and
# Japanese particles attach to the word before them: a letter of those scripts ends a name too ("我和Kessa一起打",
# "Kessa님", "Kessaと"). Such classes cost ~5 ms to compile, so only the pattern for text that is not ASCII,
# compiled on first use, has them.
_UNSPACED_LETTERS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Burmese, Khmer
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"  # kana, Han, Hangul
)
_WORD_LETTER = rf"[^\W_{_UNSPACED_LETTERS}]"
# In text that is not all ASCII a letter may also carry marks (``fold`` makes each one ``MARK``): any run of
# them may follow each letter of a name, and a letter with its marks before a name still joins it to a word.
_MARKS = MARK + "*"
_BEFORE_MARKED, _AFTER_MARKED = rf"(?<!{_WORD_LETTER}|{MARK})", rf"(?!{_WORD_LETTER})"
_NAME_SPACE = r"[\s_-]+"


def _bounds(marked: bool) -> tuple[str, str, str]:
    """What may follow each letter of a name, and what may not come before and after it: for ASCII text, or
    for text with marks or letters of an unspaced script (:func:`_needs_marked_pattern`)."""
    return (_MARKS, _BEFORE_MARKED, _AFTER_MARKED) if marked else ("", _BEFORE, _AFTER)


def _needs_marked_pattern(folded: str) -> bool:
    return MARK in folded or _unspaced_letter().search(folded) is not None


@cache
def _unspaced_letter() -> re.Pattern[str]:
    """Compiled on first use (~4 ms): only text that is not ASCII asks, and most processes see none."""
    return re.compile(f"[{_UNSPACED_LETTERS}]")


_NAME_SEPARATORS = re.compile(_NAME_SPACE)


@lru_cache(maxsize=256)
def _ascii_lowered(phrases: tuple[str, ...]) -> str | None:
    """``phrases`` folded, lower case, one per line (a first word holds no line break, so it is found in
    the whole only where it stands in one phrase); None unless all ASCII."""
    joined = "\n".join(map(fold, phrases))
    return joined.lower() if joined.isascii() else None


def _first_words(keys: Iterable[str]) -> frozenset[str] | None:
    """The first word of every name key, or None if one is not ASCII. The names' pattern writes a key's
    characters as they are up to its first space, so a name stands in ASCII text only where its first word
    does; a key not in ASCII has no such test ("ı" matches "i" case-insensitively)."""
    words = frozenset(k.split(" ", 1)[0] for k in keys)
    return words if all(word.isascii() for word in words) else None


class NameMatcher:
    """Replaces the given player names in free text by their pseudonyms, or counts those left (immutable)."""

    def __init__(
        self, pseudonyms: Mapping[str, str], kept: Iterable[str], logged: Iterable[str] = ()
    ) -> None:
        """``pseudonyms``: player name → pseudonym; ``kept``: phrases never to touch (known NPCs and places,
        the user's own character); ``logged``: game text the log gives (its quest names, planets, cities),
        kept only where every name in it is an ordinary-word name (module docstring)."""
        kept = _normalized(kept)
        kept_words = frozenset().union(*map(_lower_words, kept))
        self._pseudonyms = {key(name): value for name, value in pseudonyms.items() if key(name)}
        self._weak = frozenset(k for k in self._pseudonyms if is_ordinary(k, kept_words))
        self._unspaced = frozenset(k for k in self._pseudonyms if _unspaced(k))
        self._first_words = _first_words(self._pseudonyms)
        self._keep = self._relevant(kept, _normalized(logged)) if self._pseudonyms else frozenset()

    def _relevant(self, kept: list[str], logged: list[str]) -> frozenset[str]:
        """The kept and logged phrases that can change a result, in their matching form: only those that
        contain a name (the others would only slow the scan). Most phrases name nobody, and the first words
        tell so without the names' pattern, which is compiled only when a phrase may hold one."""
        kept_folded, logged_folded = self._naming(kept), self._naming(logged)
        if not kept_folded and not logged_folded:
            return frozenset()
        marked = any(_needs_marked_pattern(folded) for _, folded in (*kept_folded, *logged_folded))
        after, before, end = _bounds(marked)  # the plain pattern is faster
        names = trie_pattern(self._pseudonyms, _NAME_SPACE, after)
        unspaced = self._unspaced_pattern(after)
        names_regex = re.compile(rf"{before}(?:{names}){end}{unspaced}", re.IGNORECASE)
        relevant = {_matching_form(k) for k, folded in kept_folded if names_regex.search(folded)}
        relevant.update(
            _matching_form(k) for k, folded in logged_folded if self._only_ordinary_names(names_regex, folded)
        )
        return frozenset(relevant)

    def _naming(self, phrases: list[str]) -> list[tuple[str, str]]:
        """The phrases that may hold a name, each with its folded form. All of them are tested at once first:
        a session's kept phrases are the same few dozen game phrases, and seldom hold a player's name."""
        if self._first_words is not None:
            joined = _ascii_lowered(tuple(phrases))
            if joined is not None and not any(word in joined for word in self._first_words):
                return []
        return [(phrase, folded) for phrase in phrases if self._may_name(folded := fold(phrase))]

    def _may_name(self, folded: str) -> bool:
        """False only where no name can match: ``folded`` is ASCII and holds no name's first word in any case
        (in ASCII, matching case-insensitively is comparing lower case)."""
        if self._first_words is None or not folded.isascii():
            return True
        lowered = folded.lower()
        return any(word in lowered for word in self._first_words)

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        """The pattern for ASCII text (and text with no marks); compiled on first use: a re-scan's matcher
        meets only pseudonymized text, where no name's first word stands, and never needs it."""
        return self._compile(marked=False)

    @cached_property
    def _marked_regex(self) -> re.Pattern[str]:
        """The pattern for text that is not all ASCII; compiled on first use (most sessions never need it)."""
        return self._compile(marked=True)

    def _compile(self, marked: bool) -> re.Pattern[str]:
        """The scan: kept phrases and pseudonyms first (left alone), then names; ``marked``: let combining
        marks follow every letter (ASCII text has none, so its pattern stays plain and fast)."""
        after, before, end = _bounds(marked)
        names = trie_pattern(self._pseudonyms, _NAME_SPACE, after)
        kept = trie_pattern(self._keep, _NAME_SPACE, after)
        keep = PSEUDONYM.pattern + (f"|(?i:{kept})" if self._keep else "")
        unspaced = self._unspaced_pattern(after) if marked else ""
        return re.compile(rf"{before}(?:(?P<keep>{keep})|(?P<name>(?i:{names}))){end}{unspaced}")

    def _unspaced_pattern(self, after: str) -> str:
        """An alternative for the names in unspaced scripts, without word boundaries ("我和王伟一起打");
        tried where the bounded names and kept phrases fail. Never needed for ASCII text."""
        return f"|(?P<unspaced>{trie_pattern(self._unspaced, _NAME_SPACE, after)})" if self._unspaced else ""

    def _only_ordinary_names(self, names: re.Pattern[str], phrase: str) -> bool:
        """Whether ``phrase`` names someone, and only by ordinary-word names."""
        found = [key(match.group(0)) for match in names.finditer(phrase)]
        return bool(found) and all(name in self._weak for name in found)

    def replace(self, text: str, protect: Protector | None = None) -> tuple[str, int]:
        """``text`` with names replaced, and how many were.

        Matching is on the accent-free form of ``text``; ``protect(text)`` gives spans never to touch
        (multi-word game entities: "Dune Sea" stays when a player is called Dune), asked only on a hit.
        """
        hits = self._hits(text, protect)
        if not hits:
            return text, 0
        parts: list[str] = []
        last = 0
        for start, end in hits:
            parts += [text[last:start], self._pseudonyms.get(self._key(text[start:end]), UNKNOWN_PSEUDONYM)]
            last = end
        return "".join(parts) + text[last:], len(hits)

    def count(self, text: str, protect: Protector | None = None) -> int:
        """How many names ``replace`` would replace in ``text`` (for the leak re-scan)."""
        return len(self._hits(text, protect))

    def _hits(self, text: str, protect: Protector | None) -> list[tuple[int, int]]:
        folded = fold(text)
        if not self._pseudonyms or not self._may_name(folded):
            return []
        regex = self._marked_regex if self._needs_marked(text, folded) else self._regex
        hits = [m.span() for m in regex.finditer(folded) if self._is_hit(m)]
        if hits and protect is not None:
            kept = protect(text)
            hits = [(s, e) for s, e in hits if not any(a <= s and e <= b for a, b in kept)]
        return hits

    def _needs_marked(self, text: str, folded: str) -> bool:
        """Whether ``text`` needs the marked pattern: it has marks or letters of an unspaced script, or may hold
        a name in one. Other text (all ASCII text, most accented text) keeps the plain one, not compiled again
        per session."""
        return not text.isascii() and (bool(self._unspaced) or _needs_marked_pattern(folded))

    def _is_hit(self, match: re.Match[str]) -> bool:
        if match.lastgroup == "keep":
            return False
        found = self._key(match.group(0))
        return found not in self._weak or in_name_position(match.string, match.start(), match.end())

    def _key(self, matched: str) -> str:
        """The name a match stands for: "kessa_drevin" is "Kessa Drevin" written with "_"."""
        found = key(matched)
        return found if found in self._pseudonyms else _NAME_SEPARATORS.sub(" ", found)
