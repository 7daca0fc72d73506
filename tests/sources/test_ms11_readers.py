"""Each reader of the MS11 bot's own files recovers what WRITERS.json says was fed to the bot's writer."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swgdb_bridge.sources import read_parts

START, END = datetime(2025, 8, 9, 19, 0, tzinfo=UTC), datetime(2025, 8, 9, 21, 15, tzinfo=UTC)
LONG_AGO = 4e9  # "now" for read_parts: every corpus file is old, none is still being written


def read_one(path: Path):  # type: ignore[no-untyped-def]
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "parts", outcome.error
    assert len(outcome.parts) == 1
    return outcome.format, outcome.parts[0]


def writers(ms11_real: Path) -> list[dict]:
    return json.loads((ms11_real / "WRITERS.json").read_text())


def test_every_file_the_bot_wrote_is_read_as_a_session_part_or_lifetime_totals(ms11_real: Path) -> None:
    for entry in writers(ms11_real):
        outcome = read_parts(ms11_real / entry["file"], now=LONG_AGO)
        assert outcome.kind in ("parts", "lifetime"), (entry["file"], outcome.error)
        fed = entry["fed"]
        for part in outcome.parts:
            if "xp_total" in fed and part.has("xp_total"):
                assert part.xp_total == fed["xp_total"], entry["file"]
            if "credits_gained" in fed and part.has("credits_total"):
                assert part.credits_total == fed["credits_gained"], entry["file"]
            if fed.get("character") and part.has("character"):
                assert part.character == fed["character"], entry["file"]


def test_step_log(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "current-1236842/logs/session_20250809_190000.json")
    assert fmt == "step_log"
    assert (part.start, part.end, part.xp_total) == (START, END, 6450)
    assert [q.quest_name for q in part.quests] == ["Clear the Tusken Camp", "Deliver Vaporator Parts"]
    assert [(v.planet, v.city) for v in part.locations] == [
        ("Tatooine", "Mos Eisley"),
        ("Tatooine", "Anchorhead"),
        ("Naboo", "Theed"),
    ]
    assert part.kills == {"womp rat": 10, "kaadu": 5}
    assert sum(e.amount for e in part.xp_events) == 6450


def test_credit_log_takes_the_curve_and_end_minus_start(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "current-1236842/logs/credits_20250809_190000.json")
    assert fmt == "credit_log"
    assert (part.credits_start, part.credits_end, part.credits_total) == (125000, 129785, 4785)
    assert part.id_time == START and part.end == END
    assert len(part.credit_curve) == 17 and part.credit_curve[-1].balance == 129785


def test_xp_tracking_does_not_believe_xp_gain_in_seconds(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "current-1236842/logs/xp_tracking/session_2025-08-09T19-00-00.json")
    assert fmt == "xp_tracking"
    assert part.character == "Kaelen Vorr"
    assert part.xp_total == 6450  # not 8100, the session's length in seconds
    assert (part.start, part.end) == (START, END)  # xp_end is the end's Unix time
    assert not part.has("xp_counter")
    assert any("Unix timestamps" in w for w in part.warnings)
    assert sum(part.xp_by_skill.values()) == 6450


def test_combat_log_counts_kills_per_creature(ms11_real: Path) -> None:
    fmt, part = read_one(
        ms11_real / "current-1236842/logs/combat/combat_stats_combat_session_1754766000.json"
    )
    assert fmt == "combat_log"
    assert part.kills == {"womp rat": 10, "kaadu": 5}
    assert (part.start, part.end, part.id_time) == (START, END, START)
    assert not part.has("xp_total")  # combat XP (2550) is only part of the session's XP
    assert part.metrics["total_xp_gained"] == 2550


def test_xp_per_action_list(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "current-1236842/data/session_logs/c6fe5e2c.json")
    assert fmt == "xp_actions"
    assert part.window is None
    assert (part.xp_total, part.xp_start, part.xp_end) == (6450, 536925, 543375)
    assert part.quest_names == {"clear the tusken camp", "deliver vaporator parts"}


def test_space_quest_start_without_space_places_as_planets(ms11_real: Path) -> None:
    fmt, part = read_one(
        ms11_real / "current-1236842/data/space_quests/session_space_session_1754766000.json"
    )
    assert fmt == "space_quest"
    assert part.start == START and part.locations == []
    assert part.extra["space_location"] == "Corellia Starport"


def test_heroic_loot_items_and_character_never_the_raw_chat_line(ms11_real: Path) -> None:
    fmt, part = read_one(
        ms11_real / "current-1236842/src/data/loot_logs/heroic_loot_logs_20250809_211500.json"
    )
    assert fmt == "heroic_loot"
    assert part.character == "Kaelen Vorr" and part.id_time == START
    # the bot listed each of the three loot lines under both boss lines near them: each counts once
    assert [(i.item, i.quantity, i.boss) for i in part.heroic_loot] == [
        ("IG-88 Binary Brain", 1, "IG-88"),
        ("Advanced Circuit Board", 2, "IG-88"),
        ("Nightsister Spear", 1, "IG-88"),
    ]
    assert "destroyed by your group" not in repr(part)


def _loot_entry(line: str, item: str, quantity: int = 1) -> dict:
    return {"timestamp": line[1:20], "boss_name": line[22:30], "item_name": item, "quantity": quantity,
            "rarity": "rare", "session_id": "ms11_20260301_060000", "source_log": "ms11.log",
            "raw_log_line": line, "player_name": "Ro-Kel Dunstan"}  # fmt: skip


def test_heroic_loot_listed_under_two_boss_lines_counts_once_and_real_repeats_stay(tmp_path: Path) -> None:
    first, second = (
        "[2026-03-01 12:15:00] Axkva Min defeated",
        "[2026-03-01 12:40:00] Geonosian Queen defeated",
    )
    entries = [
        _loot_entry(first, "Nightsister Crystal", 5),
        _loot_entry(first, "Nightsister Crystal", 5),  # two drops of five: both real
        _loot_entry(first, "Nightsister Lance"),
        _loot_entry(second, "Nightsister Lance"),  # the same line again, in the queen's window
        _loot_entry(second, "Queen's Carapace"),
        _loot_entry(
            second, "Nightsister Crystal", 5
        ),  # a drop after the queen: not the end of the first list
    ]
    path = tmp_path / "heroic_loot_logs_20260301_193000.json"
    path.write_text(json.dumps({"metadata": {"total_entries": len(entries)}, "loot_entries": entries}))
    _, part = read_one(path)
    assert [(i.item, i.quantity) for i in part.heroic_loot] == [
        ("Nightsister Crystal", 5),
        ("Nightsister Crystal", 5),
        ("Nightsister Lance", 1),
        ("Queen's Carapace", 1),
        ("Nightsister Crystal", 5),
    ]


def _read_loot(tmp_path: Path, entries: list[dict]) -> list[tuple[str, str]]:
    path = tmp_path / "heroic_loot_logs_20260301_193000.json"
    path.write_text(json.dumps({"metadata": {"total_entries": len(entries)}, "loot_entries": entries}))
    _, part = read_one(path)
    return [(i.item, str(i.timestamp)) for i in part.heroic_loot]


def test_the_same_drop_from_two_kills_of_one_boss_far_apart_counts_twice(tmp_path: Path) -> None:
    kills = ("[2026-03-01 12:15:00] Axkva Min defeated", "[2026-03-01 14:40:00] Axkva Min defeated")
    # each kill's window holds only its own spear: two drops, not one line listed twice
    found = _read_loot(tmp_path, [_loot_entry(line, "Nightsister Spear") for line in kills])
    assert [item for item, _ in found] == ["Nightsister Spear"] * 2
    assert len({when for _, when in found}) == 2


def test_two_kills_of_one_boss_close_together_list_both_drops_under_each_once(tmp_path: Path) -> None:
    kills = ("[2026-03-01 12:15:00] Axkva Min defeated", "[2026-03-01 12:55:00] Axkva Min defeated")
    entries = [_loot_entry(line, "Nightsister Spear") for line in kills for _ in range(2)]
    assert [item for item, _ in _read_loot(tmp_path, entries)] == ["Nightsister Spear"] * 2


@given(st.integers(min_value=1, max_value=6), st.booleans())
def test_each_kill_of_one_boss_drops_once_however_far_apart(kills: int, close: bool) -> None:
    """Each kill drops one spear: listed under its own line only (kills far apart in the log), or under every
    kill's line (all within the bot's 30-line window): as many spears as kills either way."""
    lines = [f"[2026-03-01 {12 + n:02d}:15:00] Axkva Min defeated" for n in range(kills)]
    entries = [_loot_entry(line, "Nightsister Spear") for line in lines for _ in range(kills if close else 1)]
    with tempfile.TemporaryDirectory() as folder:
        assert len(_read_loot(Path(folder), entries)) == kills


def _loot_items(tmp_path: Path, entries: list[dict]) -> list[tuple[str, str]]:
    """Every drop the file's parts (one per session) keep, with its boss line's time."""
    path = tmp_path / "heroic_loot_logs_20260301_193000.json"
    path.write_text(json.dumps({"metadata": {"total_entries": len(entries)}, "loot_entries": entries}))
    parts = read_parts(path, now=LONG_AGO).parts
    return [(i.item, str(i.timestamp)[11:16]) for part in parts for i in part.heroic_loot]


def test_the_same_drop_from_two_kills_far_apart_is_two_drops(tmp_path: Path) -> None:
    """Each kill's list holds only its own pearl (the kills 50 minutes and many log lines apart): the lists
    are the same entries, as for one loot line near two boss lines, but every kill drops something, so the
    second list is a drop of its own (it counted once)."""
    first, second = "[2026-03-01 12:15:00] Axkva Min defeated", "[2026-03-01 13:05:00] Axkva Min defeated"
    entries = [_loot_entry(first, "Nightsister Spear"), _loot_entry(second, "Nightsister Spear")]
    assert _loot_items(tmp_path, entries) == [("Nightsister Spear", "12:15"), ("Nightsister Spear", "13:05")]
    # another session's kill in the same file does not lend the second its drop
    other = dict(_loot_entry(first, "Ritual Crystal"), session_id="ms11_20260301_010000")
    assert len(_loot_items(tmp_path, [other, other, *entries])) == 4


def _listed_by_the_bot(kills: list[tuple[int, str, bool]]) -> list[dict]:
    """What ``HeroicsLootTracker._parse_session_block`` stores for a log of boss kills, each ``gap`` other lines
    after the last and its drop right after it (``named``: "You have received <item> from Axkva Min", a boss
    line too): every loot line from 10 lines before to 19 after each boss line, under that boss line."""
    lines: list[tuple[str, str]] = []  # (item or "", the line)
    for minute, (gap, item, named) in enumerate(kills):
        lines += [("", "")] * gap
        stamp = f"[2026-03-01 12:{minute:02d}:00]"
        lines += [("", f"{stamp} Axkva Min defeated"), (item, f"{stamp} You have received {item}")]
        if named:
            lines[-1] = (item, f"{lines[-1][1]} from Axkva Min")
    return [
        _loot_entry(text, item)
        for at, (_, text) in enumerate(lines)
        if "Axkva Min" in text
        for item, _ in lines[max(0, at - 10) : at + 20]
        if item
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40), st.sampled_from(["Nightsister Spear", "Ritual Crystal"]), st.booleans()
        ),
        min_size=1,
        max_size=6,
    )
)
def test_each_kill_s_drop_counts_once_however_far_apart_the_kills(
    tmp_path: Path, kills: list[tuple[int, str, bool]]
) -> None:
    """Kills close enough that the bot lists a drop under several of them, or far enough that it does not,
    the same item or not, the loot line naming its boss or not: each drop once (the same drop from two kills
    far apart counted once, a neighbour's drop listed under the next kill twice)."""
    got = sorted(item for item, _ in _loot_items(tmp_path, _listed_by_the_bot(kills)))
    assert got == sorted(item for _, item, _ in kills)


def test_a_loot_line_naming_its_boss_is_no_kill_of_its_own(tmp_path: Path) -> None:
    """ "You have received ... from Axkva Min" is a boss line to the bot too, so its drop is listed under the
    kill line and under itself: one drop."""
    kill = "[2026-03-01 12:15:00] Axkva Min defeated"
    received = "[2026-03-01 12:15:03] You have received Nightsister Spear from Axkva Min"
    entries = [_loot_entry(kill, "Nightsister Spear"), _loot_entry(received, "Nightsister Spear")]
    assert _loot_items(tmp_path, entries) == [("Nightsister Spear", "12:15")]


@pytest.mark.parametrize(
    ("name", "character"),
    [
        ("logs/dual_sessions/shared_dual_1754766000.json", None),
        ("logs/dual_mode_sessions/dual_mode_dual_1754766000.json", "Kaelen Vorr"),
    ],
)
def test_cut_off_dual_logs_are_read_as_far_as_they_go(
    ms11_real: Path, name: str, character: str | None
) -> None:
    fmt, part = read_one(ms11_real / "current-1236842" / name)
    assert fmt == "dual_session" and part.truncated
    assert part.id_time == START and part.character == character
    assert any("cut off" in w for w in part.warnings)


def test_ingest_store_never_takes_the_discord_id_or_notes(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "current-1236842/data/character_sessions/sessions.json")
    assert fmt == "ingest_store"
    assert (part.start, part.end, part.xp_total, part.credits_total) == (START, END, 6450, 4785)
    assert [(v.planet, v.city) for v in part.locations] == [("Tatooine", "Mos Eisley")]
    assert "284917563021457408" not in repr(part) and "Zorvath" not in repr(part)


def test_legacy_session_log_reads_counters_and_free_text(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "legacy-be1136b/logs/session_082bc2ed.json")
    assert fmt == "legacy_session"
    assert (part.start, part.end, part.xp_total, part.credits_total) == (START, END, 6450, 4785)
    assert part.kills == {"womp rat": 10, "kaadu": 5} and part.quest_count == 2
    assert {v.planet for v in part.locations} == {"Tatooine", "Naboo"}
    assert {m.sender for m in part.messages} == {"Zorvath", "Kelindra", "Tirra Dane"}
    assert not any("Whisper" in a.text for a in part.actions)  # chat is a message, never an action line


def test_xp_history_entry_is_keyed_by_the_end(ms11_real: Path) -> None:
    fmt, part = read_one(ms11_real / "legacy-be1136b/data/session_logs/xp_history.json")
    assert fmt == "xp_history"
    assert (part.start, part.end, part.xp_total) == (None, END, 6450)


def test_session_state_is_lifetime_totals_never_a_session(ms11_real: Path) -> None:
    outcome = read_parts(ms11_real / "legacy-be1136b/session_state.json", now=LONG_AGO)
    assert outcome.kind == "lifetime" and not outcome.parts
    assert outcome.lifetime is not None
    assert outcome.lifetime.totals["mob_counts"] == {"womp rat": 6, "Tusken Raider": 4, "kaadu": 5}


def test_whole_session_formats_are_read_as_parts_too(corpus_dir: Path) -> None:
    outcome = read_parts(next((corpus_dir / "morningstar").glob("*xp*")), now=LONG_AGO)
    assert outcome.kind == "parts" and outcome.format == "xp_export"
    assert outcome.parts[0].has("start") and outcome.parts[0].has("xp_total")


@pytest.mark.parametrize(
    ("city", "planet"),
    [
        ("Theed", "Naboo"),
        ("mos eisley", "Tatooine"),
        ("Aurilia", "Dathomir"),
        (" Kachirho ", "Kashyyyk"),
        ("Mensix Mining Facility", "Mustafar"),
        ("Mining Outpost", None),  # Dantooine and Yavin 4 both have one
        ("Dantooine Mining Outpost", "Dantooine"),  # named after its planet
        ("yavin 4 labor outpost", "Yavin 4"),
        ("Dathomir Trade Outpost", "Dathomir"),
        ("Lokton Outpost", None),  # a planet's name as a prefix of a word places nothing
        ("Imperial Outpost", None),  # Talus and Dantooine
        ("Atlantis", None),
        ("", None),
    ],
)
def test_a_legacy_city_is_placed_only_when_one_planet_has_it(city: str, planet: str | None) -> None:
    from swgdb_bridge.sources._part import planet_of_city

    assert planet_of_city(city) == planet


def test_the_evenings_legacy_logs_place_every_city_but_a_shared_one(evening: Path) -> None:
    from swgdb_bridge.assemble import assemble_tree

    for session in assemble_tree(evening / "legacy", now=LONG_AGO).sessions:
        unplaced = [w for w in session.warnings if "cannot place" in w]
        assert all("Mining Outpost" in w for w in unplaced), unplaced  # the one shared name in our evenings


def test_legacy_free_text_that_only_starts_like_a_kill_or_holds_chat_is_no_kill(tmp_path: Path) -> None:
    """Notes and chat the old bot logged as actions: a death, a kill in a daydream, chat in the game's
    bracketed form; only the plain kill counts, and chat is a message."""
    actions = [
        "Killed womp rat (+145 XP)",
        "Killed by a rancor",
        "Killed a krayt dragon (+99999 XP) in my dreams",
        "[Group chat] Hunter Vale: Killed a womp rat (+50 XP)",
        "Killed Tusken Raider (+350 XP) (group: Hunter Vale, Rose)",
    ]
    log = {"session_id": "0deb34de", "mode": "quest", "start_time": "2026-08-21T20:00:00",
           "end_time": "2026-08-21T21:10:00", "start_xp": 900000, "end_xp": 900495, "xp_gained": 495,
           "start_credits": 100, "end_credits": 160, "credits_earned": 60,
           "actions": [{"time": "2026-08-21T20:05:00", "action": text} for text in actions]}  # fmt: skip
    path = tmp_path / "session_0deb34de.json"
    path.write_text(json.dumps(log))
    fmt, part = read_one(path)
    assert fmt == "legacy_session"
    assert part.kills == {"womp rat": 1, "Tusken Raider": 1}
    assert [e.amount for e in part.xp_events] == [145, 350]
    assert [(m.channel, m.sender) for m in part.messages] == [("group_chat", "Hunter Vale")]


def test_a_step_log_a_bot_process_kept_for_days_is_one_part_per_run(tmp_path: Path) -> None:
    """The step log is named and started when the bot's process first imports it; a process left running
    appends every later run. Three runs on three days are three parts (the file's span, 50 hours, is no
    session and was refused as one), each with its own steps; the running total is checked against them."""

    def run(day: int, planet: str, city: str, quest: str, xp: int) -> list[dict]:
        at = f"2026-03-0{day}T20:"
        return [
            {"time": at + "00:00", "type": "move", "to": {"planet": planet, "city": city}},
            {"time": at + "20:00", "type": "combat", "target": "womp rat", "xp": xp},
            {"time": at + "40:00", "type": "quest", "id": quest, "action": "complete", "xp": xp},
        ]

    steps = run(1, "Tatooine", "Bestine", "Bestine Census", 100) + run(
        2, "Naboo", "Moenia", "Moenia Post", 200
    )
    steps += run(3, "Talus", "Nashal", "Nashal Sweep", 300)
    doc = {"start_time": "2026-03-01T20:00:00", "quests_completed": 3, "total_xp": 1250, "steps": steps}
    path = tmp_path / "logs" / "session_20260301_200000.json"
    path.parent.mkdir()
    path.write_text(json.dumps(doc | {"time_spent": 50 * 3600.0, "activity_breakdown": {}}))
    outcome = read_parts(path, now=LONG_AGO)
    assert outcome.kind == "parts", outcome.error
    assert [(p.start.day, p.start.hour, p.end.hour, p.end.minute) for p in outcome.parts] == [  # type: ignore[union-attr]
        (1, 20, 20, 40),
        (2, 20, 20, 40),
        (3, 20, 22, 0),  # the last run lasts as long as time_spent says the process did
    ]
    assert [(p.xp_total, p.kills, [q.quest_name for q in p.quests]) for p in outcome.parts] == [
        (200, {"womp rat": 1}, ["Bestine Census"]),
        (400, {"womp rat": 1}, ["Moenia Post"]),
        (600, {"womp rat": 1}, ["Nashal Sweep"]),
    ]
    assert [v.city for p in outcome.parts for v in p.locations] == ["Bestine", "Moenia", "Nashal"]
    assert outcome.parts[0].warnings == [f"{path.name}: total_xp 1,250 but its steps sum to 1,200"]
