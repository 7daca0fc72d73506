"""Properties of assembly over generated parts: order does not matter, copies count once, nothing is summed."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.assemble import IDENTICAL_COPY, assemble_parts
from swgdb_bridge.model import QuestCompletion, Session
from swgdb_bridge.sources import Part

BASE = datetime(2025, 9, 1, 18, 0, tzinfo=UTC)
FORMATS = ("step_log", "xp_tracking", "credit_log", "combat_log", "xp_export", "legacy_session", "xp_actions")


def session_specs() -> st.SearchStrategy[list[dict]]:
    one = st.fixed_dictionaries(
        {
            "character": st.sampled_from(["Dax Telmar", "Syla Brenn", None]),
            "gap": st.integers(30, 600),  # minutes after the previous session's end
            "minutes": st.integers(20, 240),
            "xp": st.integers(1, 40_000),
            "credits": st.integers(0, 20_000),
            "kills": st.integers(1, 40),
            "formats": st.sets(st.sampled_from(FORMATS), min_size=1),
        }
    )
    return st.lists(one, min_size=1, max_size=4)


def make_parts(specs: list[dict]) -> list[Part]:
    parts: list[Part] = []
    clock = BASE
    for index, spec in enumerate(specs):
        start = clock + timedelta(minutes=spec["gap"])
        end = start + timedelta(minutes=spec["minutes"])
        clock = end
        spec["start"], spec["end"] = start, end
        formats = set(spec["formats"]) | {"step_log"}  # every session has a part stating its times
        if spec["character"]:
            formats.add("xp_tracking")
        for fmt in sorted(formats):
            parts.append(_part(fmt, f"s{index}", spec))
    return parts


def _part(fmt: str, key: str, spec: dict) -> Part:
    part = Part(Path(f"/bot/{fmt}/{key}.json"), fmt, digest=f"{fmt}-{key}")
    quest = QuestCompletion(None, f"Quest {key}")
    if fmt == "xp_actions":  # no time: placed by its quest name
        part.xp_total, part.quests = spec["xp"], [quest]
        part.carry("xp_total", "quests")
        return part
    if fmt == "credit_log":
        part.id_time, part.end, part.credits_total = spec["start"], spec["end"], spec["credits"]
        part.carry("end", "credits_total")
        return part
    part.start, part.end = spec["start"], spec["end"]
    part.carry("start", "end")
    if fmt == "combat_log":
        part.kills = {"womp rat": spec["kills"]}
        part.carry("kills")
        return part
    part.xp_total = spec["xp"]
    part.carry("xp_total")
    if fmt == "xp_tracking" and spec["character"]:
        part.character = spec["character"]
        part.carry("character")
    if fmt == "step_log":
        part.quests = [quest]
        part.carry("quests")
    if fmt == "legacy_session":
        part.credits_total = spec["credits"]
        part.carry("credits_total")
    return part


def summary(sessions: list[Session]) -> list[tuple]:
    return [
        (
            s.session_id,
            s.character_name,
            s.start_time,
            s.end_time,
            s.total_xp,
            s.credits_gained,
            s.kills,
            [q.quest_name for q in s.quests],
            [(str(r.path), r.taken) for r in s.sources],
            s.warnings,
        )
        for s in sessions
    ]


@settings(max_examples=60, deadline=None)
@given(session_specs(), st.randoms(use_true_random=False))
def test_assembly_does_not_depend_on_the_order_files_are_found(specs: list[dict], rnd: random.Random) -> None:
    parts = make_parts(specs)
    shuffled = copy.deepcopy(parts)
    rnd.shuffle(shuffled)
    first, _ = assemble_parts(parts)
    second, _ = assemble_parts(shuffled)
    assert summary(first) == summary(second)


@settings(max_examples=60, deadline=None)
@given(session_specs(), st.randoms(use_true_random=False))
def test_a_byte_identical_copy_changes_nothing(specs: list[dict], rnd: random.Random) -> None:
    parts = make_parts(specs)
    original = rnd.choice(parts)
    duplicate = copy.deepcopy(original)
    duplicate.path = Path("/bot/dashboard/sessions") / original.path.name
    before, _ = assemble_parts(copy.deepcopy(parts))
    after, _ = assemble_parts([*copy.deepcopy(parts), duplicate])

    def without_copies(sessions: list[Session]) -> list[tuple]:
        for session in sessions:
            session.sources = [r for r in session.sources if r.taken != (IDENTICAL_COPY,)]
        return summary(sessions)

    assert without_copies(after) == summary(before)


@settings(max_examples=80, deadline=None)
@given(session_specs())
def test_xp_and_credits_are_never_summed_across_parts(specs: list[dict]) -> None:
    sessions, unplaced = assemble_parts(make_parts(specs))
    assert unplaced == []
    assert len(sessions) == len(specs)
    for session, spec in zip(sessions, specs, strict=True):
        assert (session.start_time, session.end_time) == (spec["start"], spec["end"])
        assert session.total_xp == spec["xp"]
        formats = set(spec["formats"])
        if formats & {"credit_log", "legacy_session"}:
            assert session.total_credits == spec["credits"]
        if "combat_log" in formats:
            assert session.kills == {"womp rat": spec["kills"]}
        assert session.character_name == spec["character"]
        assert session.session_id == "ms11_" + spec["start"].strftime("%Y%m%d_%H%M%S")
