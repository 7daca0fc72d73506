#!/usr/bin/env python3
"""Decoding one JSON Lines event into one typed, validated record: which decoder, at what cost per line.

    .venv/bin/python benchmarks/decode.py              # 100k generated lines, best of 3 per decoder
    .venv/bin/python benchmarks/decode.py --lines 20000

Issue 15 asks for one schema-aware decoder from bytes to record; this measures the candidates on the same
lines of a generated session (``swgdb_bridge.demo.samples``): the three event types that make up 85% of a
bot's lines (``action``, ``xp``, ``credits``), each checked as the reader checks it (types, required fields,
ranges, a timezone-aware timestamp). ``msgspec`` is optional (``pip install msgspec``); without it, its row
says so. Not a test: figures go to BENCHMARKS.md ("## decode").
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter

from swgdb_bridge.demo.samples import write_jsonl_session
from swgdb_bridge.model import Action, CreditChange, XPGain
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import Fields, Shared, parse_iso
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP

TYPES = {b'"type":"action"', b'"type":"xp"', b'"type":"credits"'}


def sample_lines(count: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = write_jsonl_session(Path(folder) / "s.jsonl", random.Random(count), int(count / 0.85))
        lines = path.read_bytes().splitlines()
    return [line for line in lines if line[1:16] in TYPES or line[1:12] in TYPES][:count]


# --- the reader as it is: orjson, then Fields and the builders of sources/_events.py ----------------------

_BUILDERS = {"action": ev.action, "xp": ev.xp_gain, "credits": ev.credit_change}


def ours() -> Callable[[bytes], Any]:
    path, shared = Path("bench.jsonl"), Shared()

    def decode(line: bytes) -> Any:
        f = Fields.root(path, orjson.loads(line), 1, shared)
        return _BUILDERS[f.need_text("type")](f, f.need_time("ts"))

    return decode


# --- orjson + dataclasses, no checks: what building the records costs alone --------------------------------


def unchecked() -> Callable[[bytes], Any]:
    def decode(line: bytes) -> Any:
        d = orjson.loads(line)
        kind, when = d["type"], parse_iso(d["ts"])
        if kind == "action":
            return Action(when, d["text"])
        if kind == "xp":
            return XPGain(
                when, d["amount"], d.get("profession"), d.get("skill"), d.get("source"), zone=d.get("zone")
            )
        return CreditChange(when, d["amount"], d.get("source"), d.get("balance_after"))

    return decode


# --- pydantic v2: a discriminated union validated from the bytes -------------------------------------------


class _ActionP(BaseModel):
    type: Literal["action"]
    ts: AwareDatetime
    text: str


class _XpP(BaseModel):
    type: Literal["xp"]
    ts: AwareDatetime
    amount: Annotated[int, Field(ge=0, le=MAX_XP)]
    profession: str | None = None
    skill: str | None = None
    source: str | None = None
    quest_name: str | None = None
    zone: str | None = None


class _CreditsP(BaseModel):
    type: Literal["credits"]
    ts: AwareDatetime
    amount: Annotated[int, Field(ge=-MAX_TOTAL, le=MAX_TOTAL)]
    source: str | None = None
    balance_after: Annotated[int, Field(ge=-MAX_TOTAL, le=MAX_TOTAL)] | None = None


def pydantic() -> Callable[[bytes], Any]:
    adapter = TypeAdapter(Annotated[_ActionP | _XpP | _CreditsP, Field(discriminator="type")])
    return adapter.validate_json


# --- msgspec: tagged Structs with constraints, decoded straight from the bytes -----------------------------


try:
    import msgspec
except ImportError:  # optional: its row then says "not installed"
    msgspec = None
else:
    _Aware = Annotated[datetime, msgspec.Meta(tz=True)]
    _Xp = Annotated[int, msgspec.Meta(ge=0, le=MAX_XP)]
    _Total = Annotated[int, msgspec.Meta(ge=-MAX_TOTAL, le=MAX_TOTAL)]

    class _ActionS(msgspec.Struct, tag_field="type", tag="action"):
        ts: _Aware
        text: str

    class _XpS(msgspec.Struct, tag_field="type", tag="xp"):
        ts: _Aware
        amount: _Xp
        profession: str | None = None
        skill: str | None = None
        source: str | None = None
        quest_name: str | None = None
        zone: str | None = None

    class _CreditsS(msgspec.Struct, tag_field="type", tag="credits"):
        ts: _Aware
        amount: _Total
        source: str | None = None
        balance_after: _Total | None = None


def msgspec_decoder() -> Callable[[bytes], Any] | None:
    if msgspec is None:
        return None
    return msgspec.json.Decoder(_ActionS | _XpS | _CreditsS).decode


def orjson_limit() -> Callable[[bytes], Any]:
    """Not a decoder: orjson's parse + dump of the line, the pipeline benchmark's speed limit."""
    return lambda line: orjson.dumps(orjson.loads(line))


def best_of(decode: Callable[[bytes], Any], lines: list[bytes], runs: int = 3) -> float:
    """Best CPU seconds per line over ``runs`` passes."""
    best = float("inf")
    for _ in range(runs):
        began = time.process_time()
        for line in lines:
            decode(line)
        best = min(best, time.process_time() - began)
    return best / len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    lines = sample_lines(parser.parse_args().lines)
    candidates = {
        "orjson + Fields + builders (the reader today)": ours(),
        "orjson + dataclasses, unchecked (construction alone)": unchecked(),
        "pydantic 2 TypeAdapter.validate_json (discriminated union)": pydantic(),
        "msgspec Decoder (tagged Structs, Meta constraints)": msgspec_decoder(),
        "orjson loads + dumps (limit, no record)": orjson_limit(),
    }
    print(f"{len(lines):,} lines (action, xp, credits)\n")
    print("| decoder | µs per line (CPU) |\n|---|---:|")
    for name, decode in candidates.items():
        figure = f"{best_of(decode, lines) * 1e6:.2f}" if decode is not None else "not installed"
        print(f"| {name} | {figure} |", flush=True)


if __name__ == "__main__":
    main()
