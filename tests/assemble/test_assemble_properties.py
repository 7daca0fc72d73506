"""Properties of assembly over generated parts: order does not matter, copies count once, nothing is summed."""

from __future__ import annotations

import copy
import json
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from swgdb_bridge.assemble import IDENTICAL_COPY, assemble_parts, assemble_tree
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


def _runs_of_one_process() -> st.SearchStrategy[list[dict]]:
    run = st.fixed_dictionaries(
        {
            "gap": st.integers(1, 180),  # minutes since the run before ended: often too short for a gap
            "minutes": st.integers(10, 150),
            "steps": st.integers(1, 6),
            "character": st.sampled_from(["Orin Dask", "Vell Tamsin"]),
        }
    )
    return st.lists(run, min_size=1, max_size=4)


def _write_runs(root: Path, runs: list[dict]) -> list[tuple[str, datetime, datetime, str]]:
    """One bot process's step log holding every run, and each run's own credit log and XP tracker (as the
    bot writes them: named by the run's start); returns each run's character, start, end and quest."""
    truth, steps = [], []
    clock = BASE
    for number, run in enumerate(runs):
        start = clock + timedelta(minutes=run["gap"] if number else 0)
        end = start + timedelta(minutes=run["minutes"])
        every = run["minutes"] / run["steps"]
        quest = f"Courier Run {number}"
        steps.append(
            {"time": start.isoformat()[:19], "type": "move", "to": {"planet": "Talus", "city": "Dearic"}}
        )
        for k in range(1, run["steps"] + 1):
            at = (start + timedelta(minutes=every * k)).isoformat()[:19]
            steps.append({"time": at, "type": "quest", "id": quest, "action": "complete", "xp": 10 + number})
        stamp = start.strftime("%Y%m%d_%H%M%S")
        credit = {
            "session_id": stamp,
            "start_credits": 100,
            "end_credits": 100 + number,
            "credit_history": [],
        }
        credit["created_at"] = end.isoformat()[:19]
        (root / "logs" / f"credits_{stamp}.json").write_text(json.dumps(credit))
        tracker = {"character": run["character"], "session_start": start.isoformat()[:19], "xp_start": 5}
        tracker |= {"xp_end": 5 + (10 + number) * run["steps"], "actions": []}
        (root / "logs" / "xp_tracking" / f"session_{stamp}.json").write_text(json.dumps(tracker))
        truth.append((run["character"], start, end, quest))
        clock = end
    log = {"start_time": BASE.isoformat()[:19], "total_xp": 0, "steps": steps, "activity_breakdown": {}}
    log["time_spent"] = (clock - BASE).total_seconds()
    (root / "logs" / f"session_{BASE:%Y%m%d_%H%M%S}.json").write_text(json.dumps(log))
    return truth


_QUIET = {"gap": 1, "steps": 1, "character": "Orin Dask"}


@settings(max_examples=60)
@given(_runs_of_one_process())
# a quiet spell of 31 minutes inside the second run, or the first, ending a minute from the other run
@example([_QUIET | {"minutes": 10}, _QUIET | {"minutes": 31}])
@example([_QUIET | {"minutes": 31}, _QUIET | {"minutes": 10}])
def test_one_step_log_of_several_runs_gives_each_run_its_own_steps(runs: list[dict]) -> None:
    """However soon a run follows the one before (a minute to three hours), each run is its own session with
    its own steps' quests, when the runs' own files (credit log, XP tracker) are there."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "logs" / "xp_tracking").mkdir(parents=True)
        truth = _write_runs(root, runs)
        result = assemble_tree(root, now=4e9)
    assert result.problems == []
    got = [
        (s.character_name, s.start_time, s.end_time, {q.quest_name for q in s.quests})
        for s in result.sessions
    ]
    assert got == [(name, start, end, {quest}) for name, start, end, quest in truth]


@settings(max_examples=30)
@given(_runs_of_one_process(), st.data())
def test_a_run_over_24_hours_is_refused_and_the_others_stay(runs: list[dict], data: st.DataObject) -> None:
    """Any run made longer than a day is refused whole (its own files are the problems, each saying so);
    the other runs of the same step log are sessions as before."""
    long = data.draw(st.sets(st.integers(0, len(runs) - 1)))
    for index in long:
        runs[index]["minutes"] = data.draw(st.integers(24 * 60 + 1, 30 * 60))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "logs" / "xp_tracking").mkdir(parents=True)
        truth = _write_runs(root, runs)
        result = assemble_tree(root, now=4e9)
        reported = sorted(p.path.relative_to(root).as_posix() for p in result.problems)
    kept = [(start, end) for index, (_, start, end, _) in enumerate(truth) if index not in long]
    assert [(s.start_time, s.end_time) for s in result.sessions] == kept
    own = [f"logs/credits_{start:%Y%m%d_%H%M%S}.json" for _, start, _, _ in (truth[i] for i in long)]
    own += [
        f"logs/xp_tracking/session_{start:%Y%m%d_%H%M%S}.json" for _, start, _, _ in (truth[i] for i in long)
    ]
    if len(long) == len(runs):
        own.append(f"logs/session_{BASE:%Y%m%d_%H%M%S}.json")  # no other run uses the step log
    assert reported == sorted(own)
    assert all("over the 24 h" in p.reason for p in result.problems)
