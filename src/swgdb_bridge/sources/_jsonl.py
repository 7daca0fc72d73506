"""Our own format: JSON Lines, one event per line, read as a stream (see docs/session-format.md), and its
writer (a :class:`Session` back to lines), both driven by one table of event types.

A bot appends one line per event, so a file can be read while it grows and a 1 GB session never sits in
memory as text: each line is parsed and dropped. A last line that does not parse is a write in progress
(or cut short by a crash): it is skipped with a warning in ``Session.extra["warnings"]``, not an error.

Every record line type (``action``, ``xp``, ``credits``, ``loot``, ``quest``, ``chat``, ``encounter``,
``location``, ``guild_alert``, ``afk``, ``stuck``: all but a session's first and last line) is first offered
to a msgspec decoder that parses, types and range-checks it in one call (a tenth of the general path's cost
per line, BENCHMARKS.md "## decode"); a naive time is taken as UTC, as the general path takes it, and a time
equal to the previous line's is not parsed again. Whatever it refuses — another type, a numeric time, a
float amount, a value out of range — takes the general path (orjson, ``Fields``, the builders), which reads
it by the same rules or names the error. A property test holds both paths to the same sessions and errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import msgspec
import orjson

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    CreditChange,
    GuildAlert,
    LocationVisit,
    LootDrop,
    PlayerEncounter,
    QuestCompletion,
    Session,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.payload import is_session_id
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import Fields, Shared, parse_iso
from swgdb_bridge.sources._sanity import MAX_SESSION_MINUTES, MAX_TOTAL, MAX_XP, check_span

FORMAT = "jsonl"
MAX_LINE_BYTES = 1024 * 1024  # one event; a longer line is not an event a bot wrote

# The one table of event types, read by the reader and the writer alike:
# type → (the Session list it extends, the model record it holds, the builder of one from a line and its time)
_RECORDS: dict[str, tuple[str, type, Callable[[Fields, datetime], Any]]] = {
    "xp": ("xp_gains", XPGain, ev.xp_gain),
    "credits": ("credit_changes", CreditChange, ev.credit_change),
    "quest": ("quests", QuestCompletion, ev.quest_completion),
    "location": ("locations", LocationVisit, ev.location_visit),
    "chat": ("messages", ChatMessage, ev.chat_message),
    "encounter": ("encounters", PlayerEncounter, ev.player_encounter),
    "guild_alert": ("guild_alerts", GuildAlert, ev.guild_alert),
    "afk": ("afk_periods", AfkPeriod, ev.afk_period),
    "stuck": ("stuck_events", StuckEvent, ev.stuck_event),
    "action": ("actions", Action, ev.action),
    "loot": ("loot", LootDrop, ev.loot_drop),
}


# --- the fast path: the commonest lines, typed and range-checked by msgspec as the builders check them -------

_Xp = Annotated[int, msgspec.Meta(ge=0, le=MAX_XP)]
_Total = Annotated[int, msgspec.Meta(ge=-MAX_TOTAL, le=MAX_TOTAL)]
_Level = Annotated[int, msgspec.Meta(ge=0)]


class _ActionLine(msgspec.Struct, tag_field="type", tag="action", gc=False):
    ts: str
    text: str


class _XpLine(msgspec.Struct, tag_field="type", tag="xp", gc=False):
    ts: str
    amount: _Xp
    profession: str | None = None
    skill: str | None = None
    source: str | None = None
    quest_name: str | None = None
    zone: str | None = None
    level_before: _Level | None = None
    level_after: _Level | None = None


class _CreditsLine(msgspec.Struct, tag_field="type", tag="credits", gc=False):
    ts: str
    amount: _Total
    source: str | None = None
    balance_after: _Total | None = None


class _LootLine(msgspec.Struct, tag_field="type", tag="loot", gc=False):
    ts: str
    item: str
    zone: str | None = None


class _QuestLine(msgspec.Struct, tag_field="type", tag="quest", gc=False):
    ts: str
    quest_name: str
    quest_type: str | None = None
    reward_type: str | None = None
    reward_amount: Annotated[int, msgspec.Meta(ge=0, le=MAX_TOTAL)] | None = None
    zone: str | None = None


class _ChatLine(msgspec.Struct, tag_field="type", tag="chat", gc=False):
    ts: str
    channel: str | None = None
    sender: str | None = None
    message: str | None = None
    response_sent: bool | None = None


class _EncounterLine(msgspec.Struct, tag_field="type", tag="encounter", gc=False):
    ts: str
    player_name: str
    location: str | None = None
    distance: Annotated[float, msgspec.Meta(ge=0)] | None = None
    interaction_type: str | None = None


_Minutes = Annotated[float, msgspec.Meta(ge=0, le=MAX_SESSION_MINUTES)]
_Seconds = Annotated[float, msgspec.Meta(ge=0, le=MAX_SESSION_MINUTES * 60)]


class _LocationLine(msgspec.Struct, tag_field="type", tag="location", gc=False):
    ts: str
    planet: str
    city: str | None = None
    coordinates: tuple[float, float] | None = None  # a longer list is the general path's
    departure_time: str | None = None  # a Unix time is the general path's
    duration_minutes: _Minutes | None = None
    purpose: str | None = None


class _GuildAlertLine(msgspec.Struct, tag_field="type", tag="guild_alert", gc=False):
    ts: str
    sender: str | None = None
    message: str | None = None
    alert_type: str | None = None
    priority: str | None = None
    auto_reply_sent: bool | None = None
    reply_message: str | None = None


class _AfkLine(msgspec.Struct, tag_field="type", tag="afk", gc=False):
    ts: str
    end_time: str | None = None
    duration_minutes: _Minutes | None = None
    reason: str | None = None


class _StuckLine(msgspec.Struct, tag_field="type", tag="stuck", gc=False):
    ts: str
    location: str | None = None
    reason: str | None = None
    duration_seconds: _Seconds | None = None


_EARLIEST = datetime.min.replace(tzinfo=UTC)

_FAST = msgspec.json.Decoder(
    _ActionLine
    | _XpLine
    | _CreditsLine
    | _LootLine
    | _QuestLine
    | _ChatLine
    | _EncounterLine
    | _LocationLine
    | _GuildAlertLine
    | _AfkLine
    | _StuckLine
)

# A builder takes the decoded line, its time and the file's memos of texts and times (``Shared``); a value
# the general path would refuse raises ``ValueError`` or ``KeyError``, which sends the line there.
_Memo = dict[Any, Any]


def _action(line: _ActionLine, when: datetime, t: _Memo, _times: _Memo) -> Action:
    return Action(when, t[line.text])


def _xp(line: _XpLine, when: datetime, t: _Memo, _times: _Memo) -> XPGain:
    return XPGain(
        when,
        line.amount,
        t[line.profession],
        t[line.skill],
        ev.fold(t[line.source], ev.XP_SOURCES),
        t[line.quest_name],
        t[line.zone],
        line.level_before,
        line.level_after,
    )


def _credits(line: _CreditsLine, when: datetime, t: _Memo, _times: _Memo) -> CreditChange:
    return CreditChange(when, line.amount, ev.fold(t[line.source], ev.CREDIT_SOURCES), line.balance_after)


def _loot(line: _LootLine, when: datetime, t: _Memo, _times: _Memo) -> LootDrop:
    return LootDrop(when, t[line.item], t[line.zone])


def _quest(line: _QuestLine, when: datetime, t: _Memo, _times: _Memo) -> QuestCompletion:
    return QuestCompletion(
        when, t[line.quest_name], t[line.quest_type], t[line.reward_type], line.reward_amount, t[line.zone]
    )


def _chat(line: _ChatLine, when: datetime, t: _Memo, _times: _Memo) -> ChatMessage:
    return ChatMessage(
        when, ev.chat_channel(line.channel), t[line.sender], t[line.message] or "", line.response_sent
    )


def _encounter(line: _EncounterLine, when: datetime, t: _Memo, _times: _Memo) -> PlayerEncounter:
    return PlayerEncounter(
        when,
        t[line.player_name],
        t[line.location],
        line.distance,
        ev.fold(t[line.interaction_type], ev.INTERACTIONS),
    )


def _location(line: _LocationLine, when: datetime, t: _Memo, times: _Memo) -> LocationVisit:
    departure = None if line.departure_time is None else times[line.departure_time]
    return LocationVisit(
        when,
        t[line.planet],
        t[line.city],
        line.coordinates,
        departure,
        line.duration_minutes,
        t[line.purpose],
    )


def _guild_alert(line: _GuildAlertLine, when: datetime, t: _Memo, _times: _Memo) -> GuildAlert:
    return GuildAlert(
        when,
        t[line.sender],
        t[line.message] or "",
        t[line.alert_type],
        t[line.priority],
        line.auto_reply_sent,
        t[line.reply_message],
    )


def _afk(line: _AfkLine, when: datetime, t: _Memo, times: _Memo) -> AfkPeriod:
    end = None if line.end_time is None else times[line.end_time]
    if end is not None and end < when:
        raise ValueError("ends before it starts")  # the general path names the field
    return AfkPeriod(when, end, line.duration_minutes, t[line.reason])


def _stuck(line: _StuckLine, when: datetime, t: _Memo, _times: _Memo) -> StuckEvent:
    return StuckEvent(when, t[line.location], t[line.reason], line.duration_seconds)


# decoded line → (its event type, the model record ``_events`` builds from it, given the time and texts)
_FAST_RECORDS: dict[type, tuple[str, Callable[[Any, datetime, _Memo, _Memo], Any]]] = {
    _ActionLine: ("action", _action),
    _XpLine: ("xp", _xp),
    _CreditsLine: ("credits", _credits),
    _LootLine: ("loot", _loot),
    _QuestLine: ("quest", _quest),
    _ChatLine: ("chat", _chat),
    _EncounterLine: ("encounter", _encounter),
    _LocationLine: ("location", _location),
    _GuildAlertLine: ("guild_alert", _guild_alert),
    _AfkLine: ("afk", _afk),
    _StuckLine: ("stuck", _stuck),
}


def looks_like_event(line: bytes) -> bool:
    """Content sniffing: a first line that is a whole JSON object with ``type`` and ``ts`` is JSON Lines."""
    try:
        first = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict) and isinstance(first.get("type"), str) and "ts" in first


def parse(path: Path, stream: BinaryIO) -> Session:
    """The session in ``stream``: one line at a time, the commonest by the fast path (module docstring)."""
    reader = _Reader(path)
    shared = reader.shared
    decode, fast, texts, times = _FAST.decode, reader.fast_sinks, shared.texts, shared.times
    last_ts, when = "", datetime.min  # lines often repeat the previous line's time: parsed once
    latest = _EARLIEST  # of the fast path's times (a line's time is its record's)
    pending: tuple[int, str] | None = None  # a line that did not parse; fatal unless it is the last
    last_raw, last_number = b"", 0  # the last event's line, re-read if an error names it
    for number, raw in enumerate(iter(partial(stream.readline, MAX_LINE_BYTES + 1), b""), start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise SessionFileError(path, f"line {number}: longer than {MAX_LINE_BYTES:,} bytes; not an event")
        if pending is None:
            try:  # a line the fast decoder refuses, or one out of place, is left to the general path
                line = decode(raw)
                append, build = fast[type(line)]
                if line.ts != last_ts:
                    when, last_ts = parse_iso(line.ts), line.ts
                    if when > latest:  # counted even if the builder refuses the line: the general
                        latest = when  # path then reads it with this time, or fails the file
                append(build(line, when, texts, times))
                last_raw, last_number = raw, number
                continue
            except (msgspec.MsgspecError, ValueError, KeyError):
                pass
        if not raw.strip():
            continue
        if pending is not None:
            raise SessionFileError(
                path, f"line {pending[0]}: not valid JSON ({pending[1]}); the file is corrupt"
            )
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            pending = (number, exc.msg)
            continue
        reader.event(Fields.root(path, data, number, shared), raw)
        last_raw, last_number = raw, number
    if pending is not None:
        reader.warnings.append(f"line {pending[0]}: incomplete last line skipped (still being written?)")
    return reader.finish(last_raw, last_number, latest)


class _Reader:
    """The state of one stream: the session so far and what the next line may be."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.session: Session | None = None
        self.ended = False
        self.last_time: datetime | None = None  # of the lines read by the general path (see ``finish``)
        self.shared = Shared()  # one memo for every line: equal texts and times are kept once
        self.warnings: list[str] = []
        self.unknown: dict[str, int] = {}
        self.kinds: set[str] = set()
        # type → (the list's append, the builder); filled by session_start, emptied by session_end
        self.sinks: dict[str, tuple[Callable[[Any], None], Callable[[Fields, datetime], Any]]] = {}
        # the fast path's: decoded line type → (the list's append, the builder); filled and emptied in place
        self.fast_sinks: dict[type, tuple[Callable[[Any], None], Callable[..., Any]]] = {}

    def event(self, f: Fields, raw: bytes) -> None:
        kind = f.data.get("type")
        if type(kind) is not str:
            kind = f.need_text("type")  # fails with the reason
        moment = f.need_time("ts")
        sink = self.sinks.get(kind)
        if sink is not None:
            append, build = sink
            append(build(f, moment))
        else:
            self._control(f, kind, moment)
        self.kinds.add(kind)
        if self.last_time is None or moment > self.last_time:
            self.last_time = moment

    def _control(self, f: Fields, kind: str, moment: datetime) -> None:
        """Everything but an ordinary record: start, end, and lines out of place or of unknown type."""
        if self.session is None:
            if kind != "session_start":
                f.fail("type", f"the first event must be session_start, not {kind!r}")
            self.session = _start(f, moment)
            session = self.session
            self.sinks = {
                type_: (getattr(session, name).append, build) for type_, (name, _, build) in _RECORDS.items()
            }
            self.fast_sinks.update(
                (line, (self.sinks[kind][0], build)) for line, (kind, build) in _FAST_RECORDS.items()
            )
        elif self.ended:
            f.fail("type", f"{kind!r} event after session_end; start a new file for a new session")
        elif kind == "session_end":
            _end(f, self.session, moment)
            self.ended, self.sinks = True, {}
            self.fast_sinks.clear()
        elif kind == "session_start":
            f.fail("type", "a second session_start; start a new file for a new session")
        else:
            self.unknown[kind] = self.unknown.get(kind, 0) + 1

    def finish(self, last_raw: bytes, last_number: int, fast_latest: datetime) -> Session:
        """The session read; ``last_raw`` and ``last_number``: the last event's line, for error messages;
        ``fast_latest``: the latest time of the fast path's lines.

        Which types the fast path's lines had is taken from their records' lists here, once, instead of
        per line.
        """
        session = self.session
        if session is None or not last_number or self.last_time is None:
            raise SessionFileError(self.path, "no events; the first line must be a session_start event")
        last = Fields.root(self.path, orjson.loads(last_raw), last_number, self.shared)
        self.last_time = max(self.last_time, fast_latest)
        self.kinds.update(kind for kind, _ in _FAST_RECORDS.values() if getattr(session, _RECORDS[kind][0]))
        if not self.ended:
            session.end_time = self.last_time
            self.warnings.append("no session_end event: the session is still running or the bot stopped")
        check_span(last, "ts", session.start_time, session.end_time)
        total = sum(gain.amount for gain in session.xp_gains)
        if total > MAX_XP:
            last.fail("amount", f"xp events add up to {total:,}, above {MAX_XP:,}; the file is corrupt")
        _close_visits(session.locations, session.end_time)
        session.original_keys = sorted(self.kinds)
        session.extra.update(complete=self.ended, warnings=self.warnings, unknown_event_types=self.unknown)
        return session


def _start(f: Fields, moment: datetime) -> Session:
    session_id = f.need_text("session_id")
    if not is_session_id(session_id):
        f.fail("session_id", "must be 1–50 letters, digits, '_' or '-'")
    return Session(
        session_id=session_id,
        character_name=f.text("character_name"),
        start_time=moment,
        end_time=moment,
        source_format=FORMAT,
        source_path=f.path,
        mode=f.text("mode"),
        xp_start=f.integer("xp", minimum=0, maximum=MAX_TOTAL),
        credits_start=f.integer("credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL),
    )


def _end(f: Fields, session: Session, moment: datetime) -> None:
    session.end_time = moment
    session.xp_end = f.integer("xp", minimum=0, maximum=MAX_TOTAL)
    session.credits_end = f.integer("credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)


def _close_visits(visits: list[LocationVisit], end: datetime) -> None:
    """A visit lasts until the next one starts (or the session ends) unless the line said otherwise."""
    for visit, following in zip(visits, [*visits[1:], None], strict=False):
        if visit.departure is None:
            visit.departure = following.timestamp if following is not None else end
        if visit.duration_minutes is None and visit.timestamp is not None and visit.departure is not None:
            visit.duration_minutes = max(0.0, (visit.departure - visit.timestamp).total_seconds() / 60)


# --- writing: a Session back to JSON Lines (the reader's inverse) -------------------------------------------

_EVENT_TYPES = {record: name for name, (_, record, _) in _RECORDS.items()}
_TIME_FIELDS = {"timestamp", "start_time"}  # the record's own time becomes the line's ``ts``
_EVENT_RENAMES = {"departure": "departure_time"}
_FIELD_NAMES = {kind: kind.__struct_fields__ for kind in _EVENT_TYPES}


def record_event(record: Any, fallback: datetime) -> dict[str, Any]:
    """One model record as one JSON Lines event (field names match the model by design)."""
    event: dict[str, Any] = {"type": _EVENT_TYPES[type(record)], "ts": fallback}
    for name in _FIELD_NAMES[type(record)]:
        value = getattr(record, name)
        if value is None:
            continue
        if name in _TIME_FIELDS:
            event["ts"] = value
        else:
            event[_EVENT_RENAMES.get(name, name)] = value
    return event


def dump_event(event: dict[str, Any]) -> bytes:
    """One event as one line (naive times are UTC, as the reader takes them)."""
    return orjson.dumps(event, option=orjson.OPT_NAIVE_UTC | orjson.OPT_APPEND_NEWLINE)


def start_event(
    session_id: str, name: str | None, start: datetime, xp: int | None, credits: int | None
) -> dict[str, Any]:
    event = {"type": "session_start", "ts": start, "session_id": session_id, "character_name": name}
    event.update({k: v for k, v in (("xp", xp), ("credits", credits)) if v is not None})
    return {k: v for k, v in event.items() if v is not None}


def session_events(session: Session) -> Iterator[dict[str, Any]]:
    """A :class:`Session` as JSON Lines events, records in time order (the reader's inverse)."""
    yield start_event(
        session.session_id,
        session.character_name,
        session.start_time,
        session.xp_start,
        session.credits_start,
    )
    records = [
        *session.xp_gains,
        *session.credit_changes,
        *session.quests,
        *session.locations,
        *session.messages,
        *session.encounters,
        *session.guild_alerts,
        *session.afk_periods,
        *session.stuck_events,
        *session.actions,
        *session.loot,
    ]
    events = [record_event(record, session.start_time) for record in records]
    events.sort(key=lambda event: event["ts"])  # stable: same-time records keep their list order
    yield from events
    end = {
        "type": "session_end",
        "ts": session.end_time,
        "xp": session.xp_end,
        "credits": session.credits_end,
    }
    yield {k: v for k, v in end.items() if v is not None}


def write_session_jsonl(path: Path, session: Session) -> Path:
    with Path(path).open("wb") as out:
        out.writelines(dump_event(event) for event in session_events(session))
    return Path(path)
