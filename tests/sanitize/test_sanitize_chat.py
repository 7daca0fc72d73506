"""Players only mentioned in shared chat become pseudonyms; game entities, ordinary words and numbers stay.

The chat lines are MMO chat written for these tests; the property tests mix invented player names (random
syllables, common first names and surnames, with accents, fullwidth letters, zero-width characters and
curly apostrophes) with game entities of the shipped gazetteer and ordinary words.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.model import ChatMessage, GuildAlert, Session
from swgdb_bridge.sanitize import Sanitizer, scan_payload
from swgdb_bridge.sanitize.chat import chat_rule
from swgdb_bridge.sanitize.gazetteer import load_gazetteer, match_key, normalize_text
from swgdb_bridge.sanitize.lexicon import WORDS_DIR, english_words
from swgdb_bridge.sanitize.names import PSEUDONYM, key
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer

KEY = bytes(range(32))
T0 = datetime(2026, 11, 7, 19, 15, tzinfo=UTC)
TALK = SanitizeOptions(include_communications=True)


def chat_session(*lines: str, sender: str = "Ossik") -> Session:
    return Session(
        session_id="ms11-20261107-1915",
        character_name="Dex Orrin",
        start_time=T0,
        end_time=T0 + timedelta(hours=1),
        source_format="jsonl",
        messages=[ChatMessage(T0, "guild_chat", sender, line) for line in lines],
    )


def serialize(session: Session, options: SanitizeOptions = TALK) -> dict[str, Any]:
    """The payload document; the serializer's own fail-closed re-scan must pass for it to exist."""
    return SessionLogSerializer(options, Sanitizer(options, KEY)).serialize(session).to_document()


def chat_out(line: str) -> str:
    return serialize(chat_session(line))["event_data"]["communication_events"][0]["message"]


def tokens(text: str) -> set[str]:
    """The words of ``text`` as names are compared: normalized, case and accents folded."""
    return set(match_key(text).split())


# --- examples ----------------------------------------------------------------------------------------------

EXAMPLES = [  # (line, names that must go, game facts and words that must stay)
    ("LF2M Axkva Min, need healer", [], ["LF2M Axkva Min, need healer"]),
    ("WTS Krayt Dragon Pearl pst", [], ["WTS Krayt Dragon Pearl pst"]),
    ("grats Zorvath!!", ["Zorvath"], ["grats ", "!!"]),
    ("@Kelindra u coming to Theed?", ["Kelindra"], ["u coming to Theed?"]),
    ("tell Drayko to meet me at Anchorhead", ["Drayko"], ["tell ", " to meet me at Anchorhead"]),
    ("grats Vexa!", ["Vexa"], ["grats "]),
    ("omg Tirra Dane again", ["Tirra", "Dane"], ["omg ", " again"]),
    ("tell drayko hi", ["drayko"], ["tell ", " hi"]),
    ("ty mark, see u at the Dune Sea", ["mark"], ["see u at the Dune Sea"]),
    ("Rose is afk at Mos Eisley 3421 -4876", ["Rose"], [" is afk at Mos Eisley 3421 -4876"]),
    ("anyone seen Véxa? was farming womp rats near Bestine", ["Véxa", "Vexa"], ["womp rats near Bestine"]),
    ("Hey all, Omg Grats, Need LF WTS", [], ["Hey all, Omg Grats, Need LF WTS"]),
    ("Will you heal me? mark the target pls", [], ["Will you heal me? mark the target pls"]),
    ("selling 500k creds, x12 stims, brb 5 min", [], ["selling 500k creds, x12 stims, brb 5 min"]),
    ("grats Ve\u200bxa", ["Vexa"], ["grats "]),
    ("ｇｒａｔｓ Ｖｅｘａ", ["Vexa"], ["grats "]),
    ("Drayko’s guild hall is on Naboo", ["Drayko"], ["'s guild hall is on Naboo"]),
    ("Jabba's Palace run w/ Kaelos and Brannock tonight", ["Kaelos", "Brannock"], ["Jabba's Palace"]),
    ("who killed Lord Nyax? gz Thessaly", ["Thessaly"], ["who killed Lord Nyax? gz "]),
]


@pytest.mark.parametrize(("line", "gone", "kept"), EXAMPLES)
def test_mentioned_players_go_and_the_rest_of_the_line_stays(
    line: str, gone: list[str], kept: list[str]
) -> None:
    out = chat_out(line)
    assert not tokens(out) & {key(name) for name in gone}, out
    for piece in kept:
        assert piece in out, out
    assert len(PSEUDONYM.findall(out)) + out.count("[handle]") == len({key(name) for name in gone})


def test_a_mentioned_player_gets_the_pseudonym_a_sender_of_that_name_gets() -> None:
    out = serialize(chat_session("grats vexa!", "Ｖｅｘａ’s turn"))["event_data"]["communication_events"]
    sender = serialize(chat_session("hi", sender="Vexa"))["event_data"]["communication_events"][0]["sender"]
    assert out[0]["message"] == f"grats {sender}!"
    assert out[1]["message"] == f"{sender}'s turn"


def test_guild_alert_text_and_reply_are_cleaned_the_same_way() -> None:
    session = chat_session()
    session.guild_alerts.append(GuildAlert(T0, "Ossik", "raid at Theed, ask Morvane", "guild_chat", "low", True,
                                           "ty Morvane, omw"))  # fmt: skip
    alert = serialize(session)["event_data"]["guild_alerts"][0]
    assert "Morvane" not in json.dumps(alert)
    assert alert["message"].startswith("raid at Theed, ask Player-")


def test_without_sanitize_data_chat_keeps_names_and_the_scan_does_not_ask_for_pseudonyms() -> None:
    options = SanitizeOptions(include_communications=True, sanitize_data=False)
    out = serialize(chat_session("grats Zorvath, see u at Theed"), options)
    assert out["event_data"]["communication_events"][0]["message"] == "grats Zorvath, see u at Theed"


def test_the_rescan_refuses_chat_that_still_names_a_player() -> None:
    document = serialize(chat_session("anyone at the Dune Sea?"))
    assert scan_payload(document, communications=True) == []
    document["event_data"]["communication_events"][0]["message"] = "grats Zorvath at the Dune Sea"
    assert scan_payload(document, communications=True) == [
        "player_names at $.event_data.communication_events[0].message"
    ]
    assert scan_payload(document, communications=True, pseudonymized=False) == []


def test_the_word_list_is_lower_case_common_english_with_its_source_named() -> None:
    words = english_words()
    assert {"healer", "will", "mark", "target", "don't"} <= words
    assert not {"dane", "john", "vexa", "drayko", "tath", "gris"} & words  # names, rare words
    assert all(w == w.lower() for w in words)
    sources = json.loads((WORDS_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    assert "SCOWL" in sources["english.txt"]["source"]
    assert sources["english.txt"]["words"] == len(words)


# --- properties --------------------------------------------------------------------------------------------

ONSETS = ["b", "d", "dr", "g", "k", "kr", "l", "m", "n", "r", "s", "th", "tr", "v", "vr", "x", "z", "zh"]
VOWELS = ["a", "e", "i", "o", "u", "ae", "ia", "y"]
CODAS = ["", "", "n", "r", "th", "x", "s", "l", "k"]
FILLERS = ["need", "heal", "LF", "grats", "omg", "pst", "anyone", "at", "the", "Hey", "WTS", "buff", "lol",
           "u", "coming", "to", "meet", "me", "Need", "selling", "brb", "200k", "x12", "3421 -4876", "and"]  # fmt: skip
ADDRESS = ["grats", "ty", "tell", "@", "thx", "hey", "with"]
FULLWIDTH = {c: chr(ord(c) - ord("a") + 0xFF41) for c in "abcdefghijklmnopqrstuvwxyz"} | {
    c: chr(ord(c) - ord("A") + 0xFF21) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


@cache
def entities() -> list[str]:
    """Game entities of the shipped gazetteer a chat line may name (NPC names are people's names in shape)."""
    gazetteer = load_gazetteer()
    names = [n for kind in ("planet", "city", "region", "creature", "item") for n in gazetteer.entries(kind)]
    return sorted(n for n in names if n.isascii() and len(n) <= 40)


@cache
def common_names() -> list[str]:
    return sorted(load_gazetteer().common_names)


def is_name_like(name: str) -> bool:
    """An invented name the rule can tell from a word: not an ordinary word, not a game entity."""
    return len(name) >= 3 and not chat_rule().knows(name) and not load_gazetteer().find(name)


syllable_names = st.lists(
    st.tuples(st.sampled_from(ONSETS), st.sampled_from(VOWELS), st.sampled_from(CODAS)).map("".join),
    min_size=1, max_size=3,
).map("".join).filter(is_name_like)  # fmt: skip
people = st.one_of(syllable_names, st.sampled_from(common_names()).filter(is_name_like))


@st.composite
def written(draw: st.DrawFn, name: str) -> str:
    """``name`` as a player may type it: any case, accents, fullwidth, zero-width characters, possessive."""
    form = draw(st.sampled_from(["title", "lower", "upper"]))
    text = {"title": name.title(), "lower": name.lower(), "upper": name.upper()}[form]
    trick = draw(st.sampled_from(["none", "accent", "decomposed", "fullwidth", "zero-width"]))
    if trick == "accent":
        text = text.replace("a", "á", 1).replace("e", "ë", 1)
    elif trick == "decomposed":
        text = text.replace("a", "a\u0301", 1).replace("o", "o\u0308", 1)
    elif trick == "fullwidth":
        text = "".join(FULLWIDTH.get(c, c) for c in text)
    elif trick == "zero-width":
        cut = draw(st.integers(1, len(text) - 1))
        text = text[:cut] + "\u200b" + text[cut:]
    return text + draw(st.sampled_from(["", "", "'s", "’s"]))


@st.composite
def chat_lines(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A chat line, the player names in it and the game entities in it."""
    names = draw(st.lists(people, min_size=1, max_size=3))
    things = draw(st.lists(st.sampled_from(entities()), max_size=3))
    parts = [" ".join(draw(st.lists(st.sampled_from(FILLERS), min_size=0, max_size=3)))]
    for name in names:
        cue = draw(st.sampled_from(["", "", *ADDRESS]))
        parts.append(f"{cue}{'' if cue in ('', '@') else ' '}{draw(written(name))}")
    parts += things
    parts += draw(st.lists(st.sampled_from(FILLERS), max_size=3))
    order = draw(st.permutations([p for p in parts if p]))
    line = draw(st.sampled_from([", ", "! ", "? ", " - "])).join(order)
    return line, names, things


@settings(max_examples=150, deadline=None)
@given(chat_lines())
def test_no_invented_name_survives_and_every_game_entity_does(case: tuple[str, list[str], list[str]]) -> None:
    line, names, things = case
    out = chat_out(line)
    assert not tokens(out) & {key(n) for n in names}, (line, out)
    found = {m.canonical for m in load_gazetteer().find(out)}
    assert {load_gazetteer().lookup(t).canonical for t in things} <= found, (line, out)  # type: ignore[union-attr]


@settings(max_examples=150, deadline=None)
@given(chat_lines(), st.sampled_from(common_names()))
def test_the_rule_finds_nothing_in_what_it_cleaned(case: tuple[str, list[str], list[str]], name: str) -> None:
    rule = chat_rule()
    sanitizer = Sanitizer(TALK, KEY)
    for line in (case[0], f"{case[0]}, grats {name.title()}"):
        cleaned, _hits = rule.replace(line, sanitizer.pseudonym)
        assert rule.name_spans(cleaned) == []
        assert cleaned == normalize_text(cleaned)


def test_a_pseudonym_before_a_comma_and_a_number_is_no_house_number() -> None:
    """A pseudonym ends in hex digits: "Player-…3f2, 5000 Credits from Giant Spider" once read as a house
    number, a postcode and a town, and the re-scan refused a payload the cleaning had left right."""
    names = [f"Bax{letter}" for letter in "abcdefghijklmnopqrst"]
    ends = [serialize(chat_session(f"{name}, 5000 Credits from Giant Spider")) for name in names]
    lines = [payload["event_data"]["communication_events"][0]["message"] for payload in ends]
    assert any(line.split(",")[0][-1].isdigit() for line in lines)  # the case is covered
    assert all(PSEUDONYM.match(line) and line.endswith(", 5000 Credits from Giant Spider") for line in lines)
