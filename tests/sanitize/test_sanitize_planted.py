"""Known players' names planted in every text field of a session, in every spelling a log might use, never
leave, and the session is still emitted (a fail-closed refusal loses the whole session).

The players are the session's own (encounters, senders), so the sanitizer knows them; where the name lands
(quest, place, zone, item, reason, action, note, chat) and how it is written (case, accents dropped, joined
by "_" or "-", full-width letters, a zero-width space, a curly possessive) is drawn by Hypothesis.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    GuildAlert,
    LocationVisit,
    LootDrop,
    PlayerEncounter,
    QuestCompletion,
    Session,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer

T0 = datetime(2026, 11, 7, 19, 15, tzinfo=UTC)
KEY = bytes(range(32))
PLAYERS = ["Kessa Drevin", "Zoë Almasy", "Jorrin", "Ti'ana Vell", "Quell-Axon", "Oriel Vashti"]
FIELDS = ("quest", "city", "purpose", "zone", "xp_quest", "afk", "stuck_where", "stuck_why", "action", "loot",
          "note", "group_chat", "alert", "reply")  # fmt: skip
OPTIONS = [SanitizeOptions(), SanitizeOptions(include_communications=True, include_player_encounters=True)]


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SPELLINGS = [
    lambda n: n,
    str.lower,
    str.upper,
    _bare,
    _wide,
    lambda n: n.replace(" ", "_"),
    lambda n: n.replace(" ", "-"),
    lambda n: n.replace(" ", "  "),
    lambda n: n + "\u2019s",
    lambda n: n + "\u200b",
]
TEMPLATES = ["{}", "bounty: {}", "loot from {}", "meet {} at the cantina", "{}'s rest", "[{}] said hi"]

plants = st.dictionaries(
    st.sampled_from(FIELDS),
    st.builds(
        lambda name, spell, template: template.format(spell(name)),
        st.sampled_from(PLAYERS),
        st.sampled_from(SPELLINGS),
        st.sampled_from(TEMPLATES),
    ),
    min_size=1,
)


def session_with(texts: dict[str, str]) -> Session:
    at = {name: texts.get(name, "Theed") for name in FIELDS}
    t = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    session = Session("planted-1", "Dex Orrin", T0, t(120), "jsonl")
    session.encounters = [PlayerEncounter(t(1), name, "Theed", 5.0, "detected") for name in PLAYERS]
    session.quests = [QuestCompletion(t(10), at["quest"], "combat", "xp", 100, "naboo")]
    session.locations = [LocationVisit(t(0), "Naboo", at["city"], (1.0, 2.0), t(30), 30.0, at["purpose"])]
    session.xp_gains = [
        XPGain(t(11), 100, "marksman", "combat_marksman_novice", "quest", at["xp_quest"], at["zone"])
    ]
    session.afk_periods = [AfkPeriod(t(40), t(50), 10.0, at["afk"])]
    session.stuck_events = [StuckEvent(t(60), at["stuck_where"], at["stuck_why"], 30.0)]
    session.actions = [Action(t(70), at["action"])]
    session.loot = [LootDrop(t(72), at["loot"], "naboo")]
    session.notes = [at["note"]]
    session.messages = [ChatMessage(t(5), "group_chat", PLAYERS[0], at["group_chat"])]
    session.guild_alerts = [GuildAlert(t(80), PLAYERS[1], at["alert"], "raid", "high", True, at["reply"])]
    return session


def folded(text: str) -> str:
    return _bare(unicodedata.normalize("NFKC", text)).replace("\u200b", "").lower()


@settings(max_examples=60)
@given(plants, st.sampled_from(OPTIONS))
def test_planted_names_never_leave_and_the_session_is_emitted(texts: dict[str, str], options) -> None:
    payload = SessionLogSerializer(options, Sanitizer(options, KEY)).serialize(session_with(texts))
    body = folded(payload.to_json_bytes().decode("utf-8"))
    for name in PLAYERS:
        for part in folded(name).replace("-", " ").split():
            assert part not in body, (name, texts)
