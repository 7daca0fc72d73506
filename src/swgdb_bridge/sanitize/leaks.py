"""The fail-closed re-scan: look at the final payload document the way an attacker would, before it leaves.

``scan_for_leaks`` runs every detector on every string of any document (no fast path), checks keys that
sound secret, and looks for the session's player names. ``scan_payload`` does that for a payload document
and also checks every string against its field's privacy class (``fields.FIELDS``): a string at a path the
table does not classify, free text that was not reduced, game text with an unknown word, an id that is
neither safe nor a digest, chat text the settings do not allow or that still holds a word that could name a
player (``chat.ChatRule``, the rule the sanitizer replaced by) — each is a finding. Findings read
"category at $.json.path", never the value, and the serializer refuses to emit a document with any.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any, Literal, get_args, get_origin

from swgdb_bridge import payload
from swgdb_bridge.sanitize import detectors
from swgdb_bridge.sanitize.chat import chat_rule
from swgdb_bridge.sanitize.fields import (
    INPUT_KEYS,
    MAPS,
    SLOWDOWN_REASONS,
    SOURCE_FORMATS,
    TYPED,
    Privacy,
    fixed_words,
    privacy_of,
)
from swgdb_bridge.sanitize.gazetteer import load_gazetteer
from swgdb_bridge.sanitize.identifiers import is_upload_file_name, is_upload_id
from swgdb_bridge.sanitize.lexicon import KEPT_PHRASES
from swgdb_bridge.sanitize.names import NameMatcher, is_pseudonym, key, name_matcher, with_parts
from swgdb_bridge.sanitize.report import CATEGORIES
from swgdb_bridge.sanitize.vocabulary import Vocabulary

# Values under these keys are names that are not other players' (kept, like the sanitizer keeps them).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# the user's own character: kept whole; the log's quest names and places: kept only for ordinary-word names
_OWN_KEYS = frozenset({"character_name"})
_LOGGED_KEYS = frozenset({"quest_name", "planet", "city", "unique_planets", "unique_cities"})
_ENUM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
_CHARACTER = re.compile(r"[^\W\d_][\w'-]{0,59}(?: [^\W\d_][\w'-]{0,30}){0,2}")
Class = tuple[Privacy | None, frozenset[str] | None]  # a field's class, and its fixed words if it has them


def scan_for_leaks(
    document: Mapping[str, Any] | list[Any] | str,
    *,
    known_names: Iterable[str] = (),
    kept: Iterable[str] = (),
) -> list[str]:
    """Findings ("emails at $.notes[0]") left in ``document``; empty means it may be emitted.

    ``known_names``: the session's other players (``swgdb_bridge.sanitize.player_names(raw_session)``);
    ``kept``: extra phrases that are not player names (the document's character name already is; its quest
    names and places are only where every name in them is an ordinary-word name).
    """
    strings: list[tuple[str, str, str | None]] = []
    sensitive: list[str] = []
    _walk(document, "$", None, strings, sensitive)
    matcher = _names(strings, known_names, kept)
    findings: list[str] = []
    for path, text, _field in strings:
        findings.extend(f"{category} at {path}" for category in _secrets_and_names(text, matcher))
    findings.extend(f"sensitive_keys at {path}" for path in sensitive)
    return list(dict.fromkeys(findings))


def scan_payload(
    document: Mapping[str, Any],
    *,
    known_names: Iterable[str] = (),
    pseudonymized: bool = True,
    communications: bool = False,
) -> list[str]:
    """Findings in a payload document (or its ``scan_view``): :func:`scan_for_leaks`, plus every string
    checked against its field's class. ``pseudonymized``: player fields must hold pseudonyms
    (``sanitize_data``); ``communications``: chat text may be present (``include_communications``).

    The first pass names no paths (building one per string is a good part of the scan's cost, and almost
    every payload has no finding); only a payload with findings is walked again to say where they are.
    """
    names = tuple(known_names)  # read twice when there are findings
    if not _payload_findings(document, None, names, pseudonymized, communications):
        return []
    return _payload_findings(document, "$", names, pseudonymized, communications)


def _payload_findings(
    document: Mapping[str, Any],
    root: str | None,
    known_names: Iterable[str],
    pseudonymized: bool,
    communications: bool,
) -> list[str]:
    """:func:`scan_payload`'s findings, each at its path from ``root`` (``root=None``: "at None", for a
    yes-or-no answer)."""
    strings: list[tuple[str | None, str, str | None]] = []
    classes: list[Class] = []
    _walk_fields(document, "", root, strings, classes)
    matcher = _names(strings, known_names, ())
    vocabulary = _vocabulary()
    own = {key(text) for _path, text, field in strings if field in _OWN_KEYS}
    findings: list[str] = []
    for (path, text, _field), (privacy, words) in zip(strings, classes, strict=True):
        if len(text) <= detectors.MEMO_LENGTH:
            problem = _remembered_class_problem(privacy, words, text, pseudonymized, communications)
        else:
            problem = _class_problem(privacy, words, text, vocabulary, pseudonymized, communications)
        # the user's own character in a player field (where it speaks or is met) is kept, as the sanitizer keeps it
        if problem and not (privacy is Privacy.PLAYER and key(text) in own):
            findings.append(f"{problem} at {path}")
        if privacy not in (Privacy.IDENTIFIER, Privacy.FILE_NAME) and privacy not in TYPED:  # judged whole
            names = None if privacy in _WORD_CLASSES and text in _schema_words() else matcher
            findings.extend(f"{category} at {path}" for category in _secrets_and_names(text, names))
    return list(dict.fromkeys(findings))


# A payload's keys, zones, skills and enum words recur in every session: each short string judged once.
@functools.lru_cache(maxsize=16_384)
def _remembered_class_problem(
    privacy: Privacy | None,
    words: frozenset[str] | None,
    text: str,
    pseudonymized: bool,
    communications: bool,
) -> str | None:
    return _class_problem(privacy, words, text, _vocabulary(), pseudonymized, communications)


def _class_problem(
    privacy: Privacy | None,
    words: frozenset[str] | None,
    text: str,
    vocabulary: Vocabulary,
    pseudonymized: bool,
    communications: bool,
) -> str | None:
    """The finding for a string its class (and, for an enum with a fixed list, ``words``) does not allow."""
    if privacy is None:
        return "unclassified_field"
    if privacy in TYPED:
        return None
    if words is not None and text not in words:
        return f"{privacy.value.replace(' ', '_')}_field"
    if not _allowed(privacy, text, vocabulary, pseudonymized, communications):
        return f"{privacy.value.replace(' ', '_')}_field"
    if privacy is Privacy.CHAT and pseudonymized and text and chat_rule().name_spans(text):
        return "player_names"  # a word that could name a player the sanitizer did not replace
    return None


def _allowed(
    privacy: Privacy, text: str, vocabulary: Vocabulary, pseudonymized: bool, communications: bool
) -> bool:
    if privacy is Privacy.GAME:
        return vocabulary.is_game_text(text)
    if privacy is Privacy.FREE_TEXT:
        return vocabulary.is_reduced(text)
    if privacy is Privacy.IDENTIFIER:
        return is_upload_id(text)
    if privacy is Privacy.FILE_NAME:
        return is_upload_file_name(text)
    if privacy is Privacy.PLAYER:
        return is_pseudonym(text) or not pseudonymized
    if privacy is Privacy.CHAT:
        return communications or not text
    pattern = {Privacy.ENUM: _ENUM, Privacy.OWN_CHARACTER: _CHARACTER, Privacy.SCHEMA_KEY: _IDENTIFIER}[
        privacy
    ]
    return pattern.fullmatch(text) is not None


def _names(
    strings: list[tuple[str | None, str, str | None]], known_names: Iterable[str], kept: Iterable[str]
) -> NameMatcher | None:
    """A matcher for the session's other players, or None; the document's own character stays, and its
    quest names and places stay where only ordinary-word names are in them (as the sanitizer keeps them)."""
    kept_all = [*KEPT_PHRASES, *kept, *(text for _path, text, field in strings if field in _OWN_KEYS)]
    logged = [text for _path, text, field in strings if field in _LOGGED_KEYS]
    own = {key(text) for _path, text, field in strings if field in _OWN_KEYS}
    wanted = with_parts(n for n in known_names if n and n.strip() and not is_pseudonym(n.strip()))
    names = {n: "" for n in wanted if key(n) not in own}
    return name_matcher(names, kept_all, logged) if names else None


def _secrets_and_names(text: str, matcher: NameMatcher | None) -> list[str]:
    found = detectors.find_secrets(text)
    if matcher is not None and matcher.count(text, _multi_word_entities):
        found.append("player_names")
    return found


_WORD_CLASSES = frozenset({Privacy.ENUM, Privacy.SCHEMA_KEY})


@functools.cache
def _schema_words() -> frozenset[str]:
    """The payload's own vocabulary: its enum values, report categories, formats and input key names. A player
    called "Mac" or "Grinding" is not named by "mac_addresses" or "combat_grinding", so enum and key strings
    that are such words are not searched for player names (every other string is); detectors still run."""
    literals = (get_args(v) for v in vars(payload).values() if get_origin(v) is Literal)
    return frozenset().union(*literals, CATEGORIES, SLOWDOWN_REASONS, SOURCE_FORMATS, INPUT_KEYS)


def _multi_word_entities(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in load_gazetteer().find(text) if " " in text[m.start : m.end].strip()]


@functools.cache
def _vocabulary() -> Vocabulary:
    return Vocabulary(load_gazetteer(), _no_pseudonyms)


def _no_pseudonyms(name: str) -> str:
    raise AssertionError("the re-scan only checks text, it never makes pseudonyms")


def _walk_fields(
    value: Any,
    table_path: str,
    path: str | None,
    strings: list[tuple[str | None, str, str | None]],
    classes: list[Class],
) -> None:
    """Every string of a payload document with its path (None throughout when ``path`` is None) and its
    class (the key of a map has its own), with the fixed words of an enum the payload model leaves open."""
    if isinstance(value, str):
        field, privacy, words = _field_class(table_path)
        strings.append((path, value, field))
        classes.append((privacy, words))
    elif isinstance(value, Mapping):
        is_map = table_path in MAPS
        for index, (name, item) in enumerate(value.items()):
            name = str(name)
            where = None if path is None else f"{path}.{_segment(name, index)}"
            if is_map:
                strings.append((None if where is None else f"{where} (key)", name, None))
                classes.append((_field_class(f"{table_path}.<key>")[1], None))
                _walk_fields(item, f"{table_path}.*", where, strings, classes)
            else:
                _walk_fields(item, f"{table_path}.{name}" if table_path else name, where, strings, classes)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk_fields(item, table_path, None if path is None else f"{path}[{index}]", strings, classes)


@functools.lru_cache(maxsize=1024)
def _field_class(table_path: str) -> tuple[str, Privacy | None, frozenset[str] | None]:
    """A table path's field name, class and fixed words: a payload has a few dozen table paths and
    thousands of strings, so each path is looked up once per process."""
    return table_path.rsplit(".", 1)[-1], privacy_of(table_path), fixed_words(table_path)


def _walk(
    value: Any, path: str, field: str | None, strings: list[tuple[str, str, str | None]], sensitive: list[str]
) -> None:
    """One pass over ``value``: (path, string, the key it is under) for every string, dict keys included, go to
    ``strings``; the path of every not yet redacted value under a secret-sounding key goes to ``sensitive``."""
    if isinstance(value, str | PurePath):
        strings.append((path, str(value), field))
    elif isinstance(value, Mapping):
        for index, (name, item) in enumerate(value.items()):
            name = str(name)
            where = f"{path}.{_segment(name, index)}"
            strings.append((f"{where} (key)", name, None))
            if detectors.is_sensitive_value(name, item):
                sensitive.append(where)
            _walk(item, where, name, strings, sensitive)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", field, strings, sensitive)


def _segment(name: str, index: int) -> str:
    """A key as a path segment; a key that is not a plain identifier may be the secret itself: numbered."""
    if _IDENTIFIER.fullmatch(name) and not detectors.find_secrets(name):
        return name
    return f"<key #{index}>"
