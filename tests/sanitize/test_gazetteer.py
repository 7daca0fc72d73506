"""The game gazetteer: normalization, whole-string and free-text matching, the safety rule, the corpus."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.sanitize.gazetteer import (
    DATA_DIR,
    KINDS,
    Gazetteer,
    Match,
    admits_entry,
    build_gazetteer,
    load_gazetteer,
    match_key,
    normalize_text,
)
from swgdb_bridge.sources import CITY_NAMES

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def _covered(text: str, matches: list[Match], word: str) -> bool:
    i = text.index(word)
    return any(m.start < i + len(word) and i < m.end for m in matches)


# --------------------------------------------------------------------------- normalization


@given(st.text())
def test_normalize_text_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once


@given(st.text())
def test_match_key_is_idempotent_and_ignores_what_normalize_removes(s: str) -> None:
    key = match_key(s)
    assert match_key(key) == key
    assert match_key(normalize_text(s)) == key


def test_normalize_text_folds_variants() -> None:
    assert normalize_text("Nym\u2019s\u200b Stronghold") == "Nym's Stronghold"
    assert normalize_text("\uff2d\uff4f\uff53\u00a0Eisley") == "Mos Eisley"  # fullwidth letters, NBSP
    assert normalize_text("IG\u201088 \u2014 Axkva\u2009Min") == "IG-88 - Axkva Min"
    assert normalize_text("Tati\u00adne\ufeff") == "Tatine"  # soft hyphen, BOM


def test_every_invisible_format_character_is_removed() -> None:
    """Every character of Unicode category Cf (this Python's Unicode), and the tag characters, variation
    selectors and fillers a name can be hidden with: "Zor<tag a>vath" must read as "Zorvath"."""
    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    hidden = "".join(format_characters) + "\U000e0061\U000e0100\u180f\u3164"
    assert normalize_text(f"Zor{hidden}vath") == "Zorvath"
    assert normalize_text("Theed  \t\n Palace ") == "Theed Palace"
    assert normalize_text("Mos E\u0301isley") == "Mos \u00c9isley"  # NFKC composes; accents are kept


def test_match_key_is_case_accent_and_space_insensitive() -> None:
    want = match_key("Mos Eisley")
    for variant in (
        "mos eisley",
        "MOS   EISLEY",
        "Mós Éisley",
        "Mos E\u0301isley",
        "\uff2d\uff4f\uff53 Eisley",
    ):
        assert match_key(variant) == want
    assert match_key("Nym’s Stronghold") == match_key("Nyms Stronghold") == "nyms stronghold"


# --------------------------------------------------------------------------- whole strings


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Tatooine", "planet"),
        ("yavin4", "planet"),
        ("Lok", "planet"),
        ("Mos Eisley", "city"),
        ("Nym's Stronghold", "city"),
        ("Anchorhead", "city"),
        ("Dune Sea", "region"),
        ("Jundland Wastes", "region"),
        ("womp rat", "creature"),
        ("Krayt Dragon", "creature"),
        ("kreetle", "creature"),
        ("Lord Nyax", "npc"),
        ("IG-88", "npc"),
        ("Nightsister Spear", "item"),
        ("IG-88 Binary Brain", "item"),
        ("combat_brawler_novice", "skill"),
        ("medic", "profession"),
        ("Deliver Vaporator Parts", None),  # no source names it: see template_kind
    ],
)
def test_kind_of_known_entities(gaz: Gazetteer, text: str, kind: str | None) -> None:
    assert gaz.kind_of(text) == kind


@pytest.mark.parametrize(
    "variant",
    [
        "mos eisley",
        "  MOS\u00a0EISLEY ",
        "Mós Eísley",
        "Mos E\u0301isley",
        "Mos Ei\u200bsley",
        "\uff2d\uff4f\uff53 \uff25\uff49\uff53\uff4c\uff45\uff59",
        "Mos-Eisley",
        "mos_eisley",
    ],
)
def test_kind_of_is_insensitive_to_case_accents_spacing_and_invisibles(gaz: Gazetteer, variant: str) -> None:
    assert gaz.kind_of(variant) == "city"
    hit = gaz.lookup(variant)
    assert hit is not None and hit.canonical == "Mos Eisley"
    assert match_key(variant[hit.start : hit.end]) == "mos eisley"


@pytest.mark.parametrize(
    "text",
    ["Mos Eisley market", "Mos, Eisley", "Zorvath", "Tirra Dane", "Bounty: Tirra Dane", "", "   ", "Dune"],
)
def test_kind_of_rejects_what_is_not_one_entity(gaz: Gazetteer, text: str) -> None:
    assert gaz.kind_of(text) is None


# --------------------------------------------------------------------------- free text


def test_find_in_bot_log_lines(gaz: Gazetteer) -> None:
    text = "Waiting for Zorvath at Mos Eisley cantina"
    found = gaz.find(text)
    assert Match(23, 41, "region", "Mos Eisley Cantina") in found  # the longer known place wins
    assert not _covered(text, found, "Zorvath")
    text = "Waiting for Zorvath at Mos Eisley"
    assert gaz.find(text) == [Match(23, 33, "city", "Mos Eisley")]

    text = "Killed womp rat x3 near Anchorhead"
    found = gaz.find(text)
    assert Match(7, 15, "creature", "womp rat") in found
    assert Match(24, 34, "city", "Anchorhead") in found

    text = "Bounty: Tirra Dane"
    found = gaz.find(text)
    assert not _covered(text, found, "Tirra") and not _covered(text, found, "Dane")

    assert gaz.find("Dune Sea") == [Match(0, 8, "region", "Dune Sea")]
    found = gaz.find("Spoke with Lord Nyax, then traveled to Rori - Narmle")
    assert [(m.kind, m.canonical) for m in found if m.kind in ("npc", "planet", "city")] == [
        ("npc", "Lord Nyax"),
        ("planet", "Rori"),
        ("city", "Narmle"),
    ]


def test_find_longest_multi_word_match_wins() -> None:
    g = Gazetteer(
        {
            "dune": ("creature", "Dune"),
            "dune sea": ("region", "Dune Sea"),
            "sea": ("item", "Sea"),
            "western dune sea": ("region", "Western Dune Sea"),
        }
    )
    assert g.find("Dune Sea") == [Match(0, 8, "region", "Dune Sea")]
    assert g.find("the Western Dune Sea at dusk") == [Match(4, 20, "region", "Western Dune Sea")]
    assert g.find("Dune, Sea") == [Match(0, 4, "creature", "Dune"), Match(6, 9, "item", "Sea")]
    assert g.find("Dunes") == []  # word boundaries: no match inside a longer word


def test_find_offsets_point_into_the_original_unicode_string(gaz: Gazetteer) -> None:
    text = (
        "guild meeting at \uff34\uff48\uff45\uff45\uff44 then Nym\u2019s Strongh\u200bold, Mo\u0301s Eisley"
    )
    found = gaz.find(text)
    spans = [text[m.start : m.end] for m in found]
    assert "\uff34\uff48\uff45\uff45\uff44" in spans
    assert "Nym\u2019s Strongh\u200bold" in spans
    assert "Mo\u0301s Eisley" in spans


_NAMES = ["Mos Eisley", "Dune Sea", "womp rat", "Nym's Stronghold", "Krayt Dragon", "Theed", "IG-88", "Lok"]
_FILLER = ["Zorvath", "at", "the", "near", "x3", ",", ":", "(+570 XP)", "Kelindra", "cantina", "-", "é"]


def _decorate(s: str, how: int) -> str:
    if how == 1:
        return s.upper()
    if how == 2:
        return s.replace("'", "\u2019").replace("o", "o\u0301")
    if how == 3:
        return s.replace(" ", " \u200b")
    if how == 4:
        return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s)  # fullwidth
    return s


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_NAMES + _FILLER), st.integers(0, 4), st.sampled_from([" ", "  ", " , ", "\t"])
        ),
        max_size=12,
    ),
    st.text(max_size=20),
)
def test_find_spans_map_back_to_the_original_text(gaz: Gazetteer, parts: list, noise: str) -> None:
    text = "".join(_decorate(word, how) + sep for word, how, sep in parts) + noise
    found = gaz.find(text)
    last_end = 0
    for m in found:
        assert 0 <= last_end <= m.start < m.end <= len(text)  # ordered, non-overlapping, in bounds
        assert match_key(text[m.start : m.end]) == match_key(m.canonical)
        last_end = m.end
    for word, how, _ in parts:  # every decorated known name is found
        if word in _NAMES and how != 3:
            assert any(match_key(m.canonical) == match_key(word) for m in found) or any(
                match_key(word) in match_key(m.canonical) for m in found
            )


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hunt the Krayt Dragon", "quest"),
        ("Deliver Vaporator Parts", "quest"),
        ("Eliminate the Bounty Hunter", "quest"),
        ("Survey Dantooine Crystals", "quest"),
        ("Escort the Jawa Trader", "quest"),
        ("combat_brawler_teras_kasi", "skill"),
        ("outdoors_scout_creature_handler", "skill"),
        ("Bounty: Tirra Dane", None),
        ("Hunt Kim", None),
        ("Hunt Kims", None),
        ("Hunt Zorvath", None),
        ("Deliver Kim to Theed", None),
        ("Waiting for Zorvath", None),
        ("Zorvath's Guild Hall", None),
        ("combat_zorvath", None),
        ("Hunt", None),
    ],
)
def test_template_kind(gaz: Gazetteer, text: str, kind: str | None) -> None:
    assert gaz.template_kind(text) == kind


# --------------------------------------------------------------------------- the safety rule and the data


def test_no_single_word_entry_is_a_common_name(gaz: Gazetteer) -> None:
    names = gaz.common_names
    assert len(names) > 5000
    assert {"kim", "john", "maria", "hunter", "smith", "crystal"} <= names
    offenders = [
        (kind, c)
        for kind in KINDS
        if kind != "planet"
        for c in gaz.entries(kind)
        if " " not in match_key(c) and match_key(c) in names
    ]
    assert offenders == []


def test_safety_rule() -> None:
    names = frozenset({"kim", "dune", "gabriel", "ian"})
    assert not admits_entry("creature", "kim", names)
    assert not admits_entry("region", "dune", names)
    assert not admits_entry("creature", "bol", names)  # under 4 letters
    assert not admits_entry("npc", "haldo", names)  # the shape of a character name
    assert admits_entry("npc", "sg619", names)  # droid designations
    assert match_key("IG-88") == "ig 88"  # two tokens: not a single word
    assert admits_entry("creature", "kreetle", names)
    assert admits_entry("planet", "lok", names)  # the closed list of worlds
    assert not admits_entry("npc", "gabriel ian", names)  # a person's full name in shape
    assert admits_entry("npc", "lord nyax", names)
    assert admits_entry("region", "dune sea", names)  # multi-word: matches only the whole phrase


def test_shipped_entries_obey_the_safety_rule(gaz: Gazetteer) -> None:
    for kind in KINDS:
        for canonical in gaz.entries(kind):
            assert admits_entry(kind, match_key(canonical), gaz.common_names), (kind, canonical)


def test_data_files_are_small_clean_and_described() -> None:
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 1_500_000
    meta = json.loads((DATA_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    assert set(meta["sources"]) >= {"swgemu/Core3", "R21Digital/Project-MorningStar"}
    for kind in KINDS:
        lines = (DATA_DIR / f"{kind}.txt").read_text(encoding="utf-8").splitlines()
        assert lines and all(line == line.strip() and line for line in lines), kind
        assert meta["counts"][kind] == len(lines)


def test_every_entry_is_found_by_its_own_name(gaz: Gazetteer) -> None:
    for kind in KINDS:
        for canonical in gaz.entries(kind):
            hit = gaz.lookup(canonical)
            assert (
                hit is not None and hit.canonical == canonical and (hit.start, hit.end) == (0, len(canonical))
            )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_on_any_text_keeps_its_invariants(gaz: Gazetteer, text: str) -> None:
    last_end = 0
    for m in gaz.find(text):
        assert last_end <= m.start < m.end <= len(text)
        assert match_key(text[m.start : m.end]) == match_key(m.canonical)
        last_end = m.end
    hit = gaz.lookup(text)
    assert hit is None or (gaz.kind_of(text) == hit.kind and match_key(text) == match_key(hit.canonical))


def test_every_city_the_readers_place_is_game_vocabulary(gaz: Gazetteer) -> None:
    """A legacy log's city the readers put on its planet ("Kachirho", Kashyyyk) must not leave as a
    pseudonym: the readers' table and the gazetteer name the same places."""
    unknown = [city for city in CITY_NAMES if gaz.kind_of(city) is None]
    assert unknown == []
    assert gaz.kind_of("Kachirho") == gaz.kind_of("Mensix Mining Facility") == "city"


def test_counts_and_loading(gaz: Gazetteer) -> None:
    counts = gaz.counts()
    assert counts["planet"] >= 10 and counts["city"] >= 20 and counts["creature"] >= 500
    assert counts["npc"] >= 500 and counts["item"] >= 500 and counts["skill"] >= 500
    assert load_gazetteer() is gaz  # cached
    assert build_gazetteer().counts() == counts  # a fresh build reads the same data (its time: benchmarks/)


# --------------------------------------------------------------------------- the corpus

# Names the corpus uses that no source lists, and that no template builds: the sanitizer keeps the known
# entities inside them (find: "Tusken Camp", "Naboo") and treats the rest as free text. The test fails when
# one of them becomes known, so this list stays exact.
NOT_IN_SOURCES = {
    ("quest", "Clear the Tusken Camp"),
    ("quest", "Recover the Holocron Fragment"),
    ("city", "Naboo Orbit"),
}

_FIELDS = {
    "planet": {"planet", "planets", "planet_start", "planet_end", "zone", "zones"},
    "city": {"city", "location_start", "location_end", "current_location", "locations"},
    "quest": {"quests_completed", "quests", "quest_name"},
    "creature": {"targets_engaged", "enemy_type"},
    "item": {"item", "item_name", "items", "target_items_found"},
    "skill": {"skill", "skill_name", "fastest_skills", "fastest_progressing_skills"},
    "profession": {"profession"},
    "npc": {"boss_name"},
}
_ACTIONS = [
    ("quest", re.compile(r"^(?:Accepted|Completed) quest: (.+)$")),
    ("creature", re.compile(r"^Killed (.+?)(?: \(\+\d+ XP\))?$")),
    ("creature", re.compile(r"^Looted \d+ credits from (.+)$")),
    ("city", re.compile(r"^(?:Waypoint reached near|Trained skill at) (.+?)(?: trainer)?$")),
    ("planet", re.compile(r"^Traveled to (.+)$")),
]


def _corpus_root() -> Path:
    for candidate in (REPO.parent / "shared" / "corpus", REPO.parent.parent / "shared" / "corpus"):
        if candidate.is_dir():
            return candidate
    pytest.fail("shared corpus not found beside the repository (../shared/corpus)")


def corpus_names(root: Path) -> set[tuple[str, str]]:
    """(kind, name) for every game name the corpus's files hold, by field and by action line."""
    out: set[tuple[str, str]] = set()

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.update((kind, node) for kind, keys in _FIELDS.items() if key in keys)
            if key in ("artisan", "brawler", "entertainer", "marksman", "medic", "scout"):
                out.add(("skill", node))  # skill lists keyed by profession
            if key == "location" and " - " in node:
                planet, city = node.split(" - ", 1)
                out.update({("planet", planet), ("city", city)})
            if key == "action":
                for kind, rx in _ACTIONS:
                    m = rx.match(node)
                    if m and m.group(1) != "craft":  # the bot writes "Killed craft" for crafting XP
                        out.add((kind, m.group(1)))

    for path in sorted(root.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # the bot leaves some files cut off
        walk(doc)
    return out


def test_every_game_name_of_the_corpus_is_known(gaz: Gazetteer) -> None:
    names = corpus_names(_corpus_root())
    assert len(names) > 80
    kinds = {kind for kind, _ in names}
    assert kinds == set(_FIELDS)
    missing = {(kind, n) for kind, n in names if gaz.kind_of(n) is None and gaz.template_kind(n) is None}
    assert missing == NOT_IN_SOURCES
    for _, n in NOT_IN_SOURCES:  # their known parts are still found in free text
        assert gaz.find(n) or n == "Recover the Holocron Fragment"


def test_corpus_player_names_are_not_known(gaz: Gazetteer) -> None:
    for name in ("Zorvath", "Kelindra", "Tirra Dane", "Drayko", "Kaelen Vorr", "Mira Solance", "Dex Orrin"):
        assert gaz.kind_of(name) is None and gaz.template_kind(name) is None
        assert gaz.find(name) == [], name
    text = "whisper from Zorvath: u a bot? been watching u farm womp rat for 2h"
    found = gaz.find(text)
    assert not _covered(text, found, "Zorvath")
    assert ("creature", "womp rat") in {(m.kind, m.canonical) for m in found}


def test_normalization_matches_unicodedata_nfkc_for_plain_text() -> None:
    s = "Café ﬁnal Ⅳ"
    assert normalize_text(s) == unicodedata.normalize("NFKC", s)


def test_a_backtick_is_an_apostrophe_in_plain_ascii_too() -> None:
    """Found by the property above: the ASCII shortcut skipped the fold that reads "`" as "'"."""
    assert match_key("0`0") == match_key("0'0") == match_key(normalize_text("0`0")) == "00"
    assert match_key("Nym`s Stronghold") == match_key("Nym’s Stronghold") == "nyms stronghold"
