"""The credit log ``logs/credits_<id>.json`` (``src/credit_tracker.py:CreditTracker.save_session_log``).

``start_credits``/``end_credits`` are wallet balances read by OCR, ``credits_earned`` is
``max(0, end - start)`` (a loss reads as 0, so we take ``end - start`` ourselves), ``credit_history`` is the
curve of readings (``timestamp``, ``credits``, ``source``), ``created_at`` the moment the log was saved (the
end of the session) and ``session_id`` defaults to the clock at start (``%Y%m%d_%H%M%S``). When the bot
never set a start balance (``start_credits`` 0 with readings above it) the total would be the whole
wallet: we take last minus first reading instead and say so. That is a guess: the bot sets no start
balance in its own code, but a new character's wallet does start at 0 and its first reading is already
a gain. So the guessed total and counter give way to any other file's figure (``Part.guessed``).
"""

from __future__ import annotations

from swgdb_bridge.model import CreditBalance
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, time_named_by
from swgdb_bridge.sources._sanity import MAX_TOTAL

FORMAT = "credit_log"


def matches(doc: object) -> bool:
    return isinstance(doc, dict) and "credit_history" in doc and "start_credits" in doc


def parse(f: Fields) -> list[Part]:
    sid = f.text("session_id")
    part = Part(f.path, FORMAT, ids=(sid,) if sid else (), id_time=time_named_by(sid or ""))
    part.end = f.time("created_at")
    if part.end is not None:
        part.carry("end")
    for reading in f.items("credit_history"):
        balance = reading.need_int("credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
        part.credit_curve.append(CreditBalance(reading.time("timestamp"), balance))
    part.carry_present("credit_curve")
    _totals(f, part)
    return [part]


def _totals(f: Fields, part: Part) -> None:
    start = f.integer("start_credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    end = f.integer("end_credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    earned = f.integer("credits_earned", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    curve = part.credit_curve
    if start == 0 and curve and curve[0].balance > 0 and end is not None and end > 0:
        part.warnings.append(
            f"{f.path.name}: start_credits is 0 (the bot never read the start balance); "
            "credits taken as last minus first reading"
        )
        start = curve[0].balance
        part.guessed.update(("credits_total", "credit_counter"))
    if start is not None and end is not None and (start, end) != (0, 0):
        part.credits_start, part.credits_end = start, end
        part.credits_total = end - start
        part.carry("credit_counter", "credits_total")
    elif earned is not None and (earned or curve):
        part.credits_total = earned
        part.carry("credits_total")
