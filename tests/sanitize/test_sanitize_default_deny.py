"""Default-deny: every field has a class, free text is reduced, ids are whole, private channels never leave.

The strings are bot-log lines written for these tests: planted private items in the places a user's logs
put them (AFK and stuck reasons, quest and place names, chat), and game facts that must come out intact.
"""

from __future__ import annotations

import re
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from helpers.documents import every_string, holds_word
from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    GuildAlert,
    HeroicLoot,
    LocationVisit,
    PlayerEncounter,
    QuestCompletion,
    Session,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.payload import SessionPayload
from swgdb_bridge.sanitize import CATEGORIES, Sanitizer, detectors, player_names, scan_payload
from swgdb_bridge.sanitize.channels import is_shared
from swgdb_bridge.sanitize.fields import (
    FIELDS,
    INPUT_KEYS,
    SLOWDOWN_REASONS,
    SOURCE_FORMATS,
    Privacy,
    canonical,
    markdown_table,
    privacy_of,
)
from swgdb_bridge.sanitize.gazetteer import load_gazetteer
from swgdb_bridge.sanitize.identifiers import DIGEST_ID, is_safe_id, upload_id
from swgdb_bridge.sanitize.lexicon import english_words
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sanitize.vocabulary import game_words, lower_case_names
from swgdb_bridge.serialize import SessionLogSerializer
from swgdb_bridge.sources import read_session

KEY = bytes(range(32))
T0 = datetime(2026, 11, 7, 19, 15, tzinfo=UTC)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def serialize(session: Session, **options: bool) -> dict[str, Any]:
    opts = SanitizeOptions(**options)
    return SessionLogSerializer(opts, Sanitizer(opts, KEY)).serialize(session).to_document()


def make_session(**fields: Any) -> Session:
    values: dict[str, Any] = {
        "session_id": "ms11-20261107-1915",
        "character_name": "Dex Orrin",
        "start_time": T0,
        "end_time": T0 + timedelta(hours=2),
        "source_format": "jsonl",
    }
    return Session(**{**values, **fields})


# --- the field table -------------------------------------------------------------------------------------


def _model_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf path of the payload model, in the table's notation."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        paths |= _type_paths(info.annotation, path)
    return paths


def _type_paths(annotation: Any, path: str) -> set[str]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_paths(annotation, f"{path}.")
    if origin is typing.Annotated:  # the type, not its metadata (Field(max_length=...))
        return _type_paths(typing.get_args(annotation)[0], path)
    if origin is dict:
        return {f"{path}.<key>", f"{path}.*"}
    if origin is list:
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return _model_paths(inner, f"{path}[].")
        return {f"{path}[]"}
    if origin is typing.Union or (args and origin is not typing.Literal):
        return set().union(*(_type_paths(a, path) for a in args)) if args else {path}
    return {path}


def test_every_field_of_the_payload_model_has_exactly_one_class() -> None:
    model = {canonical(p) for p in _model_paths(SessionPayload)}
    table = {canonical(p) for p in FIELDS}
    assert model - table == set(), "classify these new payload fields in sanitize/fields.py"
    assert table - model == set(), "these table rows name no payload field"


def test_the_docs_show_the_table_as_it_is() -> None:
    assert markdown_table() in DOCS.read_text(encoding="utf-8")


def test_a_string_in_an_unclassified_field_fails_closed() -> None:
    findings = scan_payload({"kills_per_creature": {"womp rat": 3}, "xp_data": {"heroic_notes": "x"}})
    assert "unclassified_field at $.kills_per_creature.womp rat (key)" not in findings  # a record key
    assert "unclassified_field at $.xp_data.heroic_notes" in findings
    assert privacy_of("$.event_data.afk_periods[4].reason") is Privacy.FREE_TEXT


def test_free_text_left_verbatim_is_refused_by_the_rescan() -> None:
    document = {"event_data": {"afk_periods": {"reason": ["brb, mum calling"]}}}
    assert scan_payload(document) == ["free_text_field at $.event_data.afk_periods.reason[0]"]
    assert scan_payload({"event_data": {"afk_periods": {"reason": ["break: Mos Eisley"]}}}) == []


# --- free text and game vocabulary ----------------------------------------------------------------------

# (AFK or stuck reason, planted private strings that must not leave, game facts that must)
REASONS = [
    ("AFK - pasted swgdb_Kq3vN8xR2mT6wY9zA4bC7dE1fG5hJ0kL by mistake", ["swgdb_", "Kq3vN8"], []),
    ("waiting for Tirra Dane at the Dune Sea", ["Tirra", "Dane"], ["Dune Sea"]),
    ("add me on discord vexxa#4821 or <@284719365028471936>", ["vexxa", "4821", "2847193650"], []),
    ("brb, steam profile steamcommunity.com/id/vexx_the_great", ["vexx_the_great", "steamcommunity"], []),
    ("mum's at 42 Wallaby Way, be back", ["Wallaby"], []),
    ("stuck on rock near 3520, -4800 in the Dune Sea", [], ["Dune Sea", "3520, -4800"]),
    ("stuck at 3520 -4800", [], ["3520, -4800"]),
    ("brb call 555 1234", ["555", "1234"], []),
    ("ssn 123 45 6789 lol", ["123", "6789"], []),
    ("SIN 046 454 286", ["046", "454", "286"], []),
    ("I live at 51.5074, -0.1278", ["5074", "1278"], []),
    ("log copied to \\\\DESKTOP-7F3K\\share\\jsmith", ["DESKTOP", "jsmith"], []),
    ("router 00:1A:2B:3C:4D:5E rebooting", ["00:1A:2B"], []),
    ("[Tell] From Kaelos: my number is 555-0142", ["Kaelos", "555-0142"], []),
    ("X-Auth: 9f8e7d6c5b4a39281706f5e4d3c2b1a0 expired", ["9f8e7d6c"], []),
    ("killing a krayt dragon near Anchorhead", [], ["Krayt Dragon", "Anchorhead"]),
]


@pytest.mark.parametrize(("reason", "private", "facts"), REASONS)
def test_afk_and_stuck_reasons_leave_only_category_and_known_things(
    reason: str, private: list[str], facts: list[str]
) -> None:
    session = make_session(
        afk_periods=[AfkPeriod(T0, T0 + timedelta(minutes=5), 5.0, reason)],
        stuck_events=[StuckEvent(T0, "Tatooine", reason, 30.0)],
    )
    events = serialize(session)["event_data"]
    for reduced in (events["afk_periods"][0]["reason"], events["stuck_events"][0]["reason"]):
        assert not [p for p in private if p.lower() in reduced.lower()], reduced
        assert all(f.lower() in reduced.lower() for f in facts), reduced


def test_a_game_word_written_with_its_apostrophe_stays_game_text() -> None:
    """The gazetteer joins inner apostrophes ("Dee'ja Peak" is "deeja peak"): "Dee'ja's Lost Shipment" is
    game text, and a name of the same shape the gazetteer does not know is still a pseudonym."""
    session = make_session(
        quests=[QuestCompletion(T0, "Dee'ja's Lost Shipment"), QuestCompletion(T0, "Kessa'Drevin")]
    )
    quests = [q["quest_name"] for q in serialize(session)["quest_data"]["quest_events"]]
    assert quests[0] == "Dee'ja's Lost Shipment" and quests[1].startswith("Player-")


@pytest.mark.parametrize(
    "quest",
    ["Mon Calamari Engineer", "Myyydril Caverns", "Avatar Platform", "Kenobi's Hut", "Pikeman Patrol"],
)
def test_game_places_and_species_the_gazetteer_lacks_stay_game_text(quest: str) -> None:
    session = make_session(quests=[QuestCompletion(T0, quest)])
    assert serialize(session)["quest_data"]["quest_events"][0]["quest_name"] == quest


def test_two_known_names_joined_by_an_apostrophe_become_two_pseudonyms_not_a_refusal() -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=["Kessa Drevin"])
    session = make_session(quests=[QuestCompletion(T0, "Kessa'Drevin")])
    document = SessionLogSerializer(SanitizeOptions(), sanitizer).serialize(session).to_document()
    kessa, drevin = sanitizer.pseudonym("Kessa"), sanitizer.pseudonym("Drevin")
    assert document["quest_data"]["quest_events"][0]["quest_name"] == f"{kessa}'{drevin}"


def test_unknown_proper_nouns_in_game_templates_become_pseudonyms() -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    session = make_session(
        quests=[QuestCompletion(T0, "Bounty: Zorvex"), QuestCompletion(T0, "Hunt the Krayt Dragon")],
        locations=[LocationVisit(T0, "Tatooine", "Kelyra's Guild Hall"), LocationVisit(T0, "Naboo", "Theed")],
    )
    document = serialize(session)
    quests = [q["quest_name"] for q in document["quest_data"]["quest_events"]]
    assert quests == [f"Bounty: {sanitizer.pseudonym('Zorvex')}", "Hunt the Krayt Dragon"]
    assert document["location_data"]["unique_cities"] == [
        f"{sanitizer.pseudonym('Kelyra')}'s Guild Hall",
        "Theed",
    ]


@pytest.mark.parametrize("spelling", ["Kessa Drevin", "kessa drevin", "KESSA DREVIN"])
def test_a_known_players_name_in_the_logs_own_quest_and_place_names_is_replaced(spelling: str) -> None:
    """The log's own quest names and places are not known to be safe: a bounty or a player city names a
    player. Lower case too, which the game-text rule would otherwise let through."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    session = make_session(
        encounters=[PlayerEncounter(T0, "Kessa Drevin", "Theed", 5.0, "detected")],
        quests=[QuestCompletion(T0, f"bounty: {spelling}")],
        locations=[LocationVisit(T0, "Naboo", f"{spelling}'s rest", (10.0, 20.0))],
    )
    document = serialize(session)
    texts = " ".join(every_string(document)).lower()
    assert "kessa" not in texts and "drevin" not in texts
    pseudonym = sanitizer.pseudonym("Kessa Drevin")
    assert document["quest_data"]["quest_events"][0]["quest_name"] == f"bounty: {pseudonym}"
    assert document["location_data"]["unique_cities"] == [f"{pseudonym}'s rest"]


def test_a_name_written_with_an_underscore_in_game_text_is_replaced_and_the_payload_emitted() -> None:
    session = make_session(
        encounters=[PlayerEncounter(T0, "Kessa Drevin", "Theed", 5.0, "detected")],
        quests=[QuestCompletion(T0, "loot from Kessa_Drevin")],
        stuck_events=[StuckEvent(T0, "Kessa_Drevin", "stuck", 9.0)],
    )
    texts = " ".join(every_string(serialize(session))).lower()  # refused before: "Player-…_Player-…"
    assert "kessa" not in texts and "drevin" not in texts


def test_a_player_called_like_the_logs_own_place_is_still_a_player() -> None:
    """A name is taken for a place only when the place is known (a kept phrase), not because the log says so."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    session = make_session(
        encounters=[PlayerEncounter(T0, "Ti'ana Vell", "Theed", 5.0, "detected")],
        locations=[LocationVisit(T0, "Naboo", "ti'ana vell", (10.0, 20.0))],
        actions=[Action(T0, "Grouped with Ti'ana Vell")],
    )
    document = serialize(session)
    assert "vell" not in " ".join(every_string(document)).lower()
    assert document["location_data"]["unique_cities"] == [sanitizer.pseudonym("Ti'ana Vell")]


def test_quest_titles_of_common_english_words_stay_as_written() -> None:
    """Capitalised common English words are game text ("Recover the Stolen Datapad"); a common first name
    or surname in a template is still a possible player ("Bounty: Mark")."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    titles = ["Recover the Stolen Datapad", "Temple Scouting Report", "Nym's Courier Run", "Militia Orders"]
    session = make_session(quests=[QuestCompletion(T0, t) for t in [*titles, "Bounty: Mark"]])
    quests = [q["quest_name"] for q in serialize(session)["quest_data"]["quest_events"]]
    assert quests == [*titles, f"Bounty: {sanitizer.pseudonym('Mark')}"]


def test_a_multi_word_game_entity_wins_over_a_players_name() -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY)
    session = make_session(
        messages=[ChatMessage(T0, "tell", "Kael Dune", "hi")],
        locations=[LocationVisit(T0, "Tatooine", "Dune Sea")],
        stuck_events=[StuckEvent(T0, "Dune Sea", "stuck in the Dune Sea after Kael Dune left", 9.0)],
        actions=[Action(T0, "Grouped with Kael Dune")],
    )
    document = serialize(session)
    assert document["location_data"]["unique_cities"] == ["Dune Sea"]
    stuck = document["event_data"]["stuck_events"][0]
    assert stuck["location"] == "Dune Sea"
    assert "Dune Sea" in stuck["reason"] and "Kael" not in stuck["reason"]
    assert sanitizer.clean_text("meet at the Dune Sea") == "meet at the Dune Sea"


GAME_FACTS = [
    "Mos Eisley",
    "Dune Sea",
    "Theed",
    "Hunt the Krayt Dragon",
    "Greater Krayt Dragon",
    "womp rat",
    "Kima",
    "Graul Mauler",
    "combat_marksman_novice",
    "Imperial Outpost",
    "Anchorhead Cantina",
    "Tatooine 3520 -4800",
    "DLT-20A Rifle",
    "4-LOM",
    "YT-1300",
    "CDEF Carbine",
    "GCW Base",
    "BARC Speeder",
    "TIE Fighter",
    "NPC",
    "Mk2 Rifle",
    "E11 Carbine",
    "Tier3 Armor",
    "R2D2",
]


@pytest.mark.parametrize("fact", GAME_FACTS)
def test_game_facts_survive_in_game_fields(fact: str) -> None:
    session = make_session(
        xp_gains=[XPGain(T0, 145, "Marksman", fact, "combat", None, fact)],
        locations=[LocationVisit(T0, "Tatooine", fact, (3520.0, -4800.0))],
    )
    document = serialize(session)
    assert document["xp_data"]["xp_events"][0]["zone"] == fact
    assert document["xp_data"]["skill_breakdown"] == {fact: 145}
    assert document["location_data"]["location_events"][0]["coordinates"] == [3520, -4800]


# --- identifiers -----------------------------------------------------------------------------------------

_ID_PARTS = st.sampled_from(
    [
        "session",
        "ms11",
        "20261107",
        "1915",
        "DESKTOP",
        "jsmith",
        "555",
        "0142",
        "c6fe5e2c",
        "-",
        "_",
        " ",
        "#",
    ]
)


@given(
    st.lists(_ID_PARTS, min_size=1, max_size=6).map("".join),
    st.lists(_ID_PARTS, min_size=1, max_size=6).map("".join),
)
def test_two_different_ids_never_upload_as_one(first: str, second: str) -> None:
    if first != second:
        assert upload_id(KEY, first) != upload_id(KEY, second)


@given(st.text(min_size=1, max_size=60))
def test_an_id_is_kept_whole_or_replaced_whole(raw: str) -> None:
    uploaded = upload_id(KEY, raw)
    assert uploaded == raw or DIGEST_ID.fullmatch(uploaded)
    assert uploaded == raw if is_safe_id(raw) else DIGEST_ID.fullmatch(uploaded)


@pytest.mark.parametrize(
    "raw", ["ms11-20261107-1915", "session_20261001_200100_0000", "combat_session_1754766000"]
)
def test_bot_ids_are_kept_and_their_digits_are_never_rewritten(raw: str) -> None:
    assert serialize(make_session(session_id=raw))["session_id"] == raw


@pytest.mark.parametrize(
    "raw", ["ms11-DESKTOP-JSMITH-1915", "jsmith-laptop_20261107", "session_284719365028471936"]
)
def test_ids_holding_a_host_user_or_long_number_are_digested_whole(raw: str) -> None:
    uploaded = serialize(make_session(session_id=raw))["session_id"]
    assert DIGEST_ID.fullmatch(uploaded)


# --- generic secret detection ----------------------------------------------------------------------------

PLANTED = [
    ("tokens", "key swgdb_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh1", "Ab3dEf6h"),
    ("tokens", "hf hf_AbCdEfGhIjKlMnOpQrStUvWxYz123456", "hf_AbCd"),
    ("tokens", "google AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "AIzaSy"),
    ("tokens", "twitch oauth:abcdefghij0123456789abcdefghij", "abcdefghij0123"),
    ("urls", "ping https://maker.ifttt.com/trigger/afk/with/key/dK3j9sL2mQ8vN4pX7zR1", "dK3j9s"),
    ("urls", "push https://api.pushover.net/1/messages.json?token=azGDORePK8gMaC0QOYAM", "azGDOR"),
    ("secret_values", "X-Auth: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c"),
    ("secret_values", "sessionid=8f3k2j5h1m4n6b7v9c0x", "8f3k2j"),
    ("secret_values", "Cookie: cf_clearance=Zm9vYmFyYmF6cXV4; theme=dark", "Zm9vYmFy"),
    ("mac_addresses", "mac 00:1A:2B:3C:4D:5E", "00:1A:2B"),
    ("unc_paths", r"saved to \\HOMEPC\logs\jsmith\ms11.txt", "HOMEPC"),
    ("handles", "discord vexxa#4821", "vexxa#4821"),
    ("handles", "ping <@284719365028471936>", "2847193650"),
    ("handles", "dm @vexx_swg", "vexx_swg"),
    ("handles", "steam 76561198012345678", "7656119801"),
    ("ibans", "iban DE89 3704 0044 0532 0130 00", "3704 0044"),
    ("street_addresses", "I live at 221B Baker Street", "Baker"),
    ("passwords", "my pin's 4821", "4821"),
    ("license_keys", "cd key 7KQ2-M9XF-3PLA", "7KQ2"),
    ("private_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk3 jsmith@homebox", "jsmith"),
    ("logins", "scp it to jsmith@homebox", "jsmith"),
    ("real_names", "irl I'm Sarah Jenkins lol", "Sarah"),
    ("high_entropy", "pasted aB3dE5fG7hI9jK1lM3nO5pQ7 oops", "aB3dE5"),
]


@pytest.mark.parametrize(("category", "text", "secret"), PLANTED)
def test_generic_and_named_detectors_remove_planted_secrets(category: str, text: str, secret: str) -> None:
    counts: dict[str, int] = {}
    cleaned = detectors.scrub(text, counts)
    assert secret.lower() not in cleaned.lower()
    assert counts.get(category, 0) >= 1, counts
    assert detectors.find_secrets(cleaned) == []


# Game strings the generic detectors must leave alone (entropy thresholds: docs/privacy.md).
SURVIVORS = [
    "object/tangible/loot/npc_loot/shared_rifle_e11.iff",
    "combat_marksman_novice",
    "Player-3f9a1c2b7d4e",
    "session_20261001_200100_0000",
    "DE-10 Pistol",
    "Looted Krayt Dragon Pearl (Flawless) x2",
    "Waypoint /way -3069 12 Mos Espa",
    "2026-11-07T19:15:00+00:00",
    "Looted 4294480 credits",
    "Crafted Composite Armor Chest Plate x12 at 98.5% quality",
]


@pytest.mark.parametrize("text", SURVIVORS)
def test_game_strings_pass_the_generic_detectors(text: str) -> None:
    assert detectors.scrub(text, {}) == text
    assert detectors.find_secrets(text) == []


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=20, max_size=60))
def test_snake_case_identifiers_are_never_high_entropy(word: str) -> None:
    assert "high_entropy" not in detectors.find_secrets(word)


# --- normalization and names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["Zorva\u0301th", "Zor\u200bvath", "Ｚｏｒｖａｔｈ", "ZORVATH", "zórvath"],
    ids=["decomposed-accent", "zero-width", "fullwidth", "upper", "composed-accent"],
)
def test_name_variants_are_found(variant: str) -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=["Zorvath"])
    cleaned = sanitizer.clean_text(f"lol {variant}\u2019s back, ask {variant}")
    assert "orva" not in cleaned.lower()
    assert cleaned.count(sanitizer.pseudonym("Zorvath")) == 2


def test_a_token_hidden_by_zero_width_or_fullwidth_characters_is_found() -> None:
    assert "tokens" in detectors.find_secrets("sk_li\u200bve_4eC39HqLyjWDarjtT1zdp7dc")
    assert detectors.scrub("ｓｋ＿ｌｉｖｅ＿4eC39HqLyjWDarjtT1zdp7dc", {}) == "[token]"


# --- channels --------------------------------------------------------------------------------------------

CHANNELS = [("whisper", False), ("tell", False), ("pm", False), ("private", False), ("guild_officer", False),
            ("officer_message", False), ("guild_whisper", False), ("something_new", False),
            ("guild_chat", True), ("group_chat", True), ("say", True), ("spatial", True), ("general", True),
            ("guild_pvt", False), ("guild_personal", False), ("leader_1on1", False), ("guild_privmsg", False),
            ("leader_message", True), ("Guild Chat", True)]  # fmt: skip


@pytest.mark.parametrize(("channel", "shared"), CHANNELS)
def test_unknown_and_private_channels_are_private(channel: str, shared: bool) -> None:
    assert is_shared(channel) is shared


@pytest.mark.parametrize("options", [{}, {"include_communications": True, "include_player_encounters": True},
                                     {"include_communications": True, "sanitize_data": False}])  # fmt: skip
def test_private_text_never_leaves_whatever_the_settings(options: dict[str, bool]) -> None:
    session = make_session(
        messages=[
            ChatMessage(T0, "whisper", "Kaelos", "my pin is 4821, I'm in Leeds"),
            ChatMessage(T0, "guild_chat", "Kaelos", "anyone at the Dune Sea?"),
        ],
        guild_alerts=[GuildAlert(T0, "Kaelos", "officers: raid at 8, Leeds", "officer_message", "high")],
        actions=[Action(T0, "[Tell] From Kaelos: meet me in Leeds")],
        afk_periods=[AfkPeriod(T0, None, 3.0, "[Tell] From Kaelos: meet me in Leeds")],
    )
    document = serialize(session, **options)
    text = " ".join(every_string(document))
    assert not holds_word(text, "Leeds") and not holds_word(text, "4821")
    events = document["event_data"]
    assert events["event_types"]["communication_whisper"] == 1
    assert events["communication_events"][0]["sender"].startswith("Player-")
    assert events["guild_alerts"][0]["sender"].startswith("Player-")
    shared = events["communication_events"][1].get("message")
    assert shared == ("anyone at the Dune Sea?" if options.get("include_communications") else None)


def test_a_planted_value_inside_a_digest_is_no_leak_but_one_standing_alone_is() -> None:
    """The content digest changes with the serialization time: a planted "4821" among its hex digits now and
    then is chance, not the value leaving (the search above once failed on it)."""
    digest = "sha256:9c04821fe0" + "0" * 54
    assert not holds_word(digest, "4821")
    assert holds_word("my pin is 4821, ok", "4821") and holds_word("[4821]", "4821")
    assert not holds_word("ms11_bot", "bot")


@pytest.mark.parametrize(
    "raw",
    [
        "ms11-4111-1111-1111-1111",  # a card number
        "session-123-45-6789",  # a US social security number
        "ms11-555-123-4567",  # a phone number
        "ms11-555-0142",
        "session_07700900123",
        "ms11_192_168_1_10",  # an IP address
        "bot_2125550142",  # a phone number with its area code, not a Unix time of the bot's era
    ],
)
def test_ids_whose_digits_name_no_time_are_digested_whole(raw: str) -> None:
    """Digits in an id are kept only as bots write them: a time, then a short counter at most."""
    assert DIGEST_ID.fullmatch(serialize(make_session(session_id=raw))["session_id"])


@pytest.mark.parametrize(
    "raw",
    [
        "ms11_20260210_200000_2",
        "session_1",
        "space_session_1770753600",
        "ms11_2026-02-10_20-00-00",
        "session-2026-02-10",
    ],
)
def test_timed_and_counted_ids_are_kept(raw: str) -> None:
    assert serialize(make_session(session_id=raw))["session_id"] == raw


@given(st.text(max_size=30) | st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True))
def test_a_slowdown_reason_leaves_only_as_a_word_of_its_fixed_list(reason: str) -> None:
    """The XP export's ``slowdowns_detected[].reason`` is an enum: a label the list lacks ("pw_hunter2",
    "ssn_123456789", "call_5551234567") is written as "other", whatever its shape."""
    session = make_session(extra={"slowdowns": [{"skill": "combat_marksman_novice", "reason": reason}]})
    (slowdown,) = serialize(session)["xp_data"]["slowdowns_detected"]
    assert slowdown["reason"] == (reason if reason in SLOWDOWN_REASONS else "other")


@pytest.mark.parametrize("reason", ["no_xp_gain", "unspecified", "other"])
def test_the_slowdown_reasons_of_the_list_pass(reason: str) -> None:
    session = make_session(extra={"slowdowns": [{"skill": "combat_marksman_novice", "reason": reason}]})
    assert serialize(session)["xp_data"]["slowdowns_detected"][0]["reason"] == reason


@pytest.mark.parametrize("reason", ["pw_hunter2", "discord_bobsmith", "call_5551234567"])
def test_the_rescan_refuses_a_slowdown_reason_off_the_list(reason: str) -> None:
    document = {"xp_data": {"slowdowns_detected": [{"skill": "combat", "reason": reason}]}}
    assert scan_payload(document) == ["enum_field at $.xp_data.slowdowns_detected[0].reason"]
    assert (
        scan_payload({"xp_data": {"slowdowns_detected": [{"skill": "combat", "reason": "no_xp_gain"}]}}) == []
    )


@given(st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True))
def test_only_the_formats_own_key_names_leave_in_original_session_keys(name: str) -> None:
    """A top-level key the formats do not define is the user's ("pw_hunter2", "discord_bobsmith",
    "windows_user_bob", "lan_192_168_1_10"): it is dropped and counted, whatever its shape."""
    keys = ["session_id", "xp", "communication_events", name]
    cleaned, report = Sanitizer(SanitizeOptions(), KEY).sanitize_session(make_session(original_keys=keys))
    expected = [k for k in keys if k in INPUT_KEYS]
    assert cleaned.original_keys == expected
    assert report.counts.get("keys_dropped", 0) == len(keys) - len(expected)


def test_every_key_the_readers_report_from_real_files_is_a_format_key(corpus_dir: Path) -> None:
    """The list is written by hand: each top-level key of the corpus' and the recorded evenings' whole-session
    files (the readers' ``original_keys``) must be on it, or a real file's key would be dropped."""
    files = [*corpus_dir.rglob("*.json"), *_MS11_DATA.rglob("*.json"), *corpus_dir.rglob("*.jsonl")]
    reported: set[str] = set()
    for path in files:
        try:
            reported.update(read_session(path).original_keys)
        except SessionFileError:
            continue  # a bot part, a schema or a broken file: not a whole-session format
    assert reported and sorted(reported - INPUT_KEYS) == []


@pytest.mark.parametrize("name", ["pw_hunter2", "discord_bobsmith", "windows_user_bob", "lan_192_168_1_10"])
def test_an_unknown_input_key_never_reaches_the_payload(name: str) -> None:
    document = serialize(make_session(original_keys=["session_id", name]))
    assert document["metadata"]["original_session_keys"] == ["session_id"]
    assert document["metadata"]["sanitization_report"]["counts"]["keys_dropped"] == 1
    refused = {"metadata": {"original_session_keys": [name]}}
    assert scan_payload(refused) == ["schema_key_field at $.metadata.original_session_keys[0]"]


_MS11_DATA = Path(__file__).resolve().parents[1] / "data" / "ms11"
_SESSION_ID = re.compile(r'"session_id"\s*:\s*"([^"]{1,50})"')


def _bot_ids() -> list[str]:
    """The session ids the bot wrote in the recorded evenings (tests/data/ms11)."""
    found = {
        m.group(1) for path in _MS11_DATA.rglob("*.json*") for m in _SESSION_ID.finditer(path.read_text())
    }
    return sorted(found)


def test_the_bots_recorded_ids_are_kept_as_they_are() -> None:
    """Server keys must not change: times, Unix seconds and 8-digit hex run ids pass the detectors."""
    ids = _bot_ids()
    assert len(ids) > 20
    assert [raw for raw in ids if upload_id(KEY, raw) != raw] == []


@pytest.mark.parametrize(
    "raw",
    [
        "AC0123456789abcdef0123456789abcdef",  # a Twilio account SID (tokens, high entropy)
        "SK0123456789abcdef0123456789abcdef",
        "6ba7b8109dad11d180b4001a2b3c4d5e",  # a uuid1: its last 12 digits are the host's MAC address
        "session_6ba7b8109dad11d180b4001a2b3c4d5e",
        "run_ac0123456789abcdef0123456789abcdef_2",
    ],
)
def test_an_id_a_detector_finds_something_in_is_digested(raw: str) -> None:
    document = serialize(make_session(session_id=raw))
    assert DIGEST_ID.fullmatch(document["session_id"])
    assert document["metadata"]["sanitization_report"]["counts"]["ids_digested"] == 1
    assert scan_payload({"session_id": raw}) == ["identifier_field at $.session_id"]


_HEX_PIECE = st.from_regex(r"[0-9a-f]{6,40}", fullmatch=True).filter(lambda p: not p.isdigit())


@given(st.lists(_HEX_PIECE, min_size=1, max_size=3).map("_".join).filter(lambda raw: len(raw) <= 50))
def test_a_hex_id_is_kept_only_when_no_detector_finds_a_secret_in_it(raw: str) -> None:
    pieces = raw.split("_")
    secret = any(detectors.find_secrets(piece) for piece in pieces)
    assert is_safe_id(raw) is (not secret and all(any(c.isdigit() for c in p) for p in pieces))


# Players named like a word of the payload's own vocabulary: its report categories, enum values, formats.
SCHEMA_WORD_NAMES = [
    "Mac", "Bot", "Entropy", "Unc", "Ids", "Ipv4", "Webhooks", "Digested", "Alerts", "Grinding", "Jsonl", "Ms11",
]  # fmt: skip


@pytest.mark.parametrize("name", SCHEMA_WORD_NAMES)
def test_a_player_named_like_a_schema_word_does_not_refuse_the_session(name: str) -> None:
    """The re-scan looks for player names in every value that could hold one, not in the payload's own keys
    and fixed words ("mac_addresses", "ms11_bot", "combat_grinding", "jsonl")."""
    session = make_session(
        source_format="jsonl",
        messages=[ChatMessage(T0, "guild_chat", name, f"{name} here, grats")],
        locations=[LocationVisit(T0, "Tatooine", "Mos Eisley", None, purpose="combat_grinding")],
    )
    document = serialize(session, include_communications=True)
    (message,) = document["event_data"]["communication_events"]
    assert name.lower() not in message["message"].lower() and message["sender"].startswith("Player-")


def test_every_detectors_category_is_a_report_category() -> None:
    """A category the report lacks appears in it only when counted, and then as a key the re-scan takes for a
    word that could name a player: a player called "Health" made a session with a health finding refused."""
    assert {detector.category for detector in detectors.DETECTORS} <= set(CATEGORIES)


@pytest.mark.parametrize(
    ("name", "text"),
    [("Health", "i have diabetes"), ("National", "ssn 123-45-6789"), ("Birth", "born 12/03/1990")],
)
def test_a_player_named_like_a_counted_category_does_not_refuse_the_session(name: str, text: str) -> None:
    session = make_session(messages=[ChatMessage(T0, "guild_chat", name, text)])
    document = serialize(session, include_communications=True)
    assert sum(document["metadata"]["sanitization_report"]["counts"].values()) >= 1


@pytest.mark.parametrize("name", SCHEMA_WORD_NAMES)
def test_the_rescan_still_finds_a_schema_word_name_in_text(name: str) -> None:
    document = {"xp_data": {"xp_events": [{"zone": f"{name.lower()} camp"}]}}
    assert scan_payload(document, known_names=[name]) == ["player_names at $.xp_data.xp_events[0].zone"]


def test_every_readers_format_name_is_a_schema_word() -> None:
    import importlib
    import pkgutil

    import swgdb_bridge.sources as sources

    modules = (
        importlib.import_module(f"{sources.__name__}.{m.name}")
        for m in pkgutil.iter_modules(sources.__path__)
    )
    formats = {module.FORMAT for module in modules if isinstance(getattr(module, "FORMAT", None), str)}
    assert formats and formats <= SOURCE_FORMATS


# First names and surnames of the shipped list that are no English or game word.
PERSONS_NAMES = ["gwendolyn", "aaliyah", "siobhan", "ingrid", "nguyen", "fitzgerald", "yusuf", "henrike", "dmitri",
                 "schneider", "svetlana", "lindqvist", "maximilian"]  # fmt: skip


def test_the_persons_names_are_names_to_the_rule() -> None:
    assert set(PERSONS_NAMES) <= lower_case_names(load_gazetteer())


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(PERSONS_NAMES),
    st.sampled_from(["bounty: {}", "hunt {} at the dune sea", "combat_{}_novice", "{}'s camp", "{}"]),
)
def test_a_person_s_name_in_lower_case_is_a_name_in_game_text(name: str, template: str) -> None:
    """Lower-case words pass in game text ("womp rat"), but a first name or surname that is no word is a name."""
    text = template.format(name)
    session = make_session(
        quests=[QuestCompletion(T0, text, "combat", "xp", 100, "naboo")],
        xp_gains=[XPGain(T0, 100, "marksman", text, "quest", text, text)],
        stuck_events=[StuckEvent(T0, text, "stuck", 30.0)],
    )
    document = serialize(session)
    assert not [s for s in every_string(document) if re.search(rf"(?<![a-z]){name}(?![a-z])", s.lower())]


def _unknown_capitals(word: str) -> bool:
    gazetteer = load_gazetteer()
    return word.lower() not in game_words(gazetteer) and gazetteer.kind_of(word) is None


@settings(max_examples=40, deadline=None)
@given(
    st.from_regex(r"[A-Z]{3,4}", fullmatch=True).filter(_unknown_capitals),
    st.sampled_from(["{}", "<{}>", "[{}] Armor Shop", "<{}> Guild Hall", "Knights of {}", "Bounty: {}"]),
)
@example(tag="XXVS", template="{}")  # "xxv" is in the word list, but a Roman numeral has no plural
@example(tag="LXIVS", template="Knights of {}")
@example(tag="SOS", template="{}")  # "so" is a word, but a word of two letters has no plural
def test_a_guild_tag_or_name_in_capitals_is_a_name_in_game_text(tag: str, template: str) -> None:
    """Players write guild tags and names in capitals ("<GWEN>", "KESS"); capitals alone are no model code, so
    an unknown all-caps word becomes a pseudonym like any unknown proper noun."""
    text = template.format(tag)
    session = make_session(
        quests=[QuestCompletion(T0, text, "combat", "xp", 100, text)],
        xp_gains=[XPGain(T0, 100, "Marksman", text, "quest", text, text)],
        locations=[LocationVisit(T0, "Tatooine", text)],
        stuck_events=[StuckEvent(T0, text, "stuck", 30.0)],
        heroic_loot=[HeroicLoot(T0, text, 1, text, text, text)],
        kills={text: 2},
    )
    document = serialize(session)
    assert not [
        s for s in every_string(document) if re.search(rf"(?<![a-z0-9]){tag.lower()}(?![a-z0-9])", s.lower())
    ]


def _unknown_name(word: str) -> bool:
    return _unknown_capitals(word) and word.lower() not in english_words()


_UNKNOWN_NAMES = st.from_regex(r"[A-Z][a-z]{3,7}", fullmatch=True).filter(_unknown_name)


_NAMES_WITH_DIGITS = st.one_of(
    st.from_regex(r"[A-Z][a-z]{3}", fullmatch=True).filter(_unknown_name),
    st.sampled_from(["Tom", "Ann", "Kim", "Amy", "Ian", "Joe", "Gwendolyn", "Dmitri"]),
)


@settings(max_examples=60, deadline=None)
@given(
    _NAMES_WITH_DIGITS,
    st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    st.sampled_from(["{}", "Bounty: {}", "<{}>", "Killed {} (PvP)", "{}'s Armor Shop", "bounty: {}"]),
    st.booleans(),
)
@example("Htbb", "00", "{}", True)  # its pseudonym's hex digits are all digits: with "-00", no phone number
def test_a_name_with_digits_is_a_name_in_game_text(
    name: str, digits: str, template: str, coded: bool
) -> None:
    """A code ("x12", "dxr6", "DLT-20A") passes game text; a name with digits ("Gwen1", "Tom12", "GWEN-1") is
    no code. In lower case only a person's name is a name ("womp rat" passes), so with digits too."""
    assume(not template.islower() or name.lower() in lower_case_names(load_gazetteer()))
    written = f"{name.upper()}-{digits}" if coded else name + digits
    text = template.format(written.lower() if template.islower() else written)
    session = make_session(
        quests=[QuestCompletion(T0, text, "combat", "xp", 100, text)],
        xp_gains=[XPGain(T0, 100, "Marksman", text, "quest", text, text)],
        locations=[LocationVisit(T0, "Tatooine", text)],
        heroic_loot=[HeroicLoot(T0, text, 1, text, text, text)],
        kills={text: 2},
    )
    document = serialize(session)
    pattern = rf"(?<![a-z0-9]){name.lower()}(?![a-z])"
    assert not [s for s in every_string(document) if re.search(pattern, s.lower())]


_TITLES = [
    "Jedi Knight",
    "Master Bounty Hunter",
    "Captain",
    "Sergeant",
    "Elder",
    "Dr.",
    "Master Smuggler",
    "Lord",
]
_ACTIONS = ["Grouped with {}", "Traded with {}", "Killed player {}", "Dueled {}", "Invited {} to group"]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(_TITLES),
    _UNKNOWN_NAMES,
    st.sampled_from(_ACTIONS),
)
def test_a_player_named_with_a_title_in_an_action_line_is_the_name_not_the_title(
    title: str, name: str, action: str
) -> None:
    """ "Grouped with Jedi Knight Gwen" names Gwen: she is replaced wherever the log writes her, in lower case
    too ("gwen's camp"), and the title stays a word of the game ("Sergeant" is still a quest's)."""
    session = make_session(
        actions=[Action(T0, action.format(f"{title} {name}"))],
        quests=[QuestCompletion(T0, f"{name.lower()}'s camp", "combat", "xp", 100, "tatooine")],
        locations=[LocationVisit(T0, "Tatooine", name.lower())],
        xp_gains=[XPGain(T0, 100, "Marksman", title, "quest", None, "tatooine")],
    )
    document = serialize(session)
    pattern = rf"(?<![a-z0-9]){name.lower()}(?![a-z])"
    assert not [s for s in every_string(document) if re.search(pattern, s.lower())]
    assert document["xp_data"]["xp_events"][0]["skill"] == title


_SOCIAL_LINES = [
    "{} invites you to join a group",
    "{} has left the group",
    "{} wants to trade",
    "{} challenges you to a duel",
    "[12:04:55] {} tells you: omw",
    "[GLD] {}: anyone up for a run?",
    "Mail from {}: your order is ready",
    "/tell {} meet at the bank",
    "You tell {}, 'on my way'",
    "Group invitation from {}",
    "You have been invited to a group by {}",
    "Secure trade with {} accepted",
    "Friend request from {}",
    "Added {} to your friends list",
    "You are now following {}",
]


@settings(max_examples=40, deadline=None)
@given(_UNKNOWN_NAMES, st.sampled_from(_SOCIAL_LINES))
def test_a_player_named_by_another_bots_social_line_is_replaced_everywhere(name: str, line: str) -> None:
    """Bots word group, trade, tell, mail and friend lines differently, the name before or after the cue:
    a player any of them names is a player, replaced where the log writes the name in lower case too."""
    _assert_replaced_everywhere(name, line)


@pytest.mark.parametrize(
    "line",
    [
        "Added Rancor Hide to inventory",
        "Kimogila attacks you",
        "Looted Krayt Dragon Pearl from corpse",
        "[2026-03-04 05:06:07] Session ID: ms11_20260304_050607",
        "[INFO] Character: Dex Orrin",
    ],
)
def test_game_lines_name_no_player(line: str) -> None:
    assert player_names(make_session(actions=[Action(T0, line)])) == frozenset()


def _assert_replaced_everywhere(name: str, line: str) -> None:
    """An action line names ``name``, and the log writes it in lower case in a quest and a place too: no
    string of the payload may still hold it."""
    session = make_session(
        actions=[Action(T0, line.format(name))],
        quests=[QuestCompletion(T0, f"bounty: {name.lower()}", "combat", "xp", 100, "tatooine")],
        locations=[LocationVisit(T0, "Tatooine", f"{name.lower()} camp")],
    )
    document = serialize(session)
    pattern = rf"(?<![a-z0-9]){name.lower()}(?![a-z])"
    assert not [s for s in every_string(document) if re.search(pattern, s.lower())]


_SHARED_LINES = [
    "You looted {}'s corpse",
    "You loot the corpse of {}",
    "You receive 5000 credits from {}",
    "{} says, 'meet me at the cantina'",
    "[12:04:55] {} shouts: lfg",
    "{} gives you a stimpack",
    "{} has been defeated by you",
    "You have defeated {}",
    "You were killed by {}",
    "{} hits you for 212 points of damage",
    "{}'s pet attacks you",
    "{} tips you 500 credits",
    "You paid 500 credits to {}",
    "Received 3 Bantha Hides from {}",
    "You assist {}",
]


@settings(max_examples=40, deadline=None)
@given(_UNKNOWN_NAMES, st.sampled_from(_SHARED_LINES))
def test_a_player_named_by_a_line_npcs_share_is_replaced_everywhere(name: str, line: str) -> None:
    """Loot, credit, speech, gift and kill lines name NPCs and creatures too; a name there the game and
    English do not know is a player's, replaced where the log writes it in lower case too."""
    _assert_replaced_everywhere(name, line)


_SHARED_GAME = sorted(load_gazetteer().entries("creature") + load_gazetteer().entries("npc"))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(_SHARED_GAME).flatmap(lambda e: st.sampled_from([e, e.title()])),
    st.sampled_from(_SHARED_LINES),
)
def test_creatures_and_npcs_in_lines_players_share_name_no_player(entity: str, line: str) -> None:
    """ "Jabba the Hutt says, '…'", "You looted Kai Tok Slayer's corpse": a game name, not a player."""
    assert player_names(make_session(actions=[Action(T0, line.format(entity))])) == frozenset()


@pytest.mark.parametrize(
    "line",
    [
        "Jabba says, 'bring me Solo'",
        "You looted a womp rat's corpse",
        "Imperial Officer has been defeated by you",
        "Anchorhead welcomes you",
        "Lord Nyax's guard attacks you",
    ],
)
def test_shared_lines_naming_the_game_name_no_player(line: str) -> None:
    assert player_names(make_session(actions=[Action(T0, line)])) == frozenset()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(PERSONS_NAMES), st.sampled_from(["[{}]", "[{}] Armor Shop", "Guild Hall of [{}]"]))
def test_a_name_in_square_brackets_is_no_marker(name: str, template: str) -> None:
    """Only the detectors' own markers ("[email]") are clean as written; a guild tag or a name in brackets
    ("[gwendolyn]") is judged like any word, in game text and in kept chat."""
    text = template.format(name)
    session = make_session(
        quests=[QuestCompletion(T0, text, "combat", "xp", 100, text)],
        locations=[LocationVisit(T0, "Tatooine", text)],
        messages=[ChatMessage(T0, "guild", "Pel Orran", f"recruiting for {text} tonight")],
    )
    document = serialize(session, include_communications=True)
    pattern = rf"(?<![a-z0-9]){name}(?![a-z])"
    assert not [s for s in every_string(document) if re.search(pattern, s.lower())]
    assert (
        serialize(make_session(quests=[QuestCompletion(T0, "[email] Armor Shop")]))["quest_data"][
            "quest_events"
        ][0]["quest_name"]
        == "[email] Armor Shop"
    )
