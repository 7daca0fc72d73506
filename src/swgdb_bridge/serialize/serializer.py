"""``SessionLogSerializer``: a normalized session in, the upload payload out — or an error, never a leak.

The order is the promise: sanitize → compute → validate → scan. Numbers are computed from the sanitized
session (sanitizing never changes a number), counts from the raw one (a count reveals nothing), and the
finished document is scanned once more; if the scanner still finds something private, nothing is emitted.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from swgdb_bridge import paths
from swgdb_bridge.errors import SanitizationError, SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.payload import MAX_NAMES, MAX_TEXT_CHARS, MAX_WARNINGS, SessionPayload
from swgdb_bridge.payload_fast import SealedPayload, checked_payload, payload_document
from swgdb_bridge.sanitize import Sanitizer, player_names, scan_payload
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import design
from swgdb_bridge.serialize.classify import SESSION_MODES
from swgdb_bridge.serialize.credits import credit_data
from swgdb_bridge.serialize.events import event_data
from swgdb_bridge.serialize.identity import character_name
from swgdb_bridge.serialize.locations import location_data
from swgdb_bridge.serialize.performance import performance_metrics
from swgdb_bridge.serialize.quests import quest_data
from swgdb_bridge.serialize.scan_view import scan_view
from swgdb_bridge.serialize.units import Lazy, utc
from swgdb_bridge.serialize.xp import xp_data
from swgdb_bridge.sources import read_session

SERIALIZER_VERSION = "1.0.0"
MAX_DURATION_MINUTES = 1440.0
MAX_KEPT_EVENTS = 10_000
"""Most items one per-event list of a payload keeps: a longer list keeps its first and last 5,000 items, and
the number left out is counted as ``<list>_omitted`` in ``metadata.sanitization_report.counts`` (docs/payload.md,
"Long sessions"). Totals, counts and breakdowns are always computed from every event."""
# the per-event lists, the ones that grow with the session's length (every other list is bounded by names)
EVENT_LISTS = frozenset(
    {
        "xp_events",
        "credit_events",
        "balance_history",
        "quest_events",
        "location_events",
        "communication_events",
        "player_encounters",
        "guild_alerts",
        "afk_periods",
        "stuck_events",
    }
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a payload is built.

    A 1M-event session allocates millions of small objects, none of them in reference cycles; the collector
    would rescan them all again and again (measured: half of the pipeline's CPU time). Reference counting
    still frees everything; the collector resumes afterwards, even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _now() -> datetime:
    return datetime.now(UTC)


class SessionLogSerializer:
    """Turns :class:`~swgdb_bridge.model.Session` objects into validated, sanitized payloads.

    ``options`` default to the sanitizer's, else the environment's (``SanitizeOptions.from_env()``);
    ``sanitizer`` defaults to one keyed with this install's pseudonym key; ``clock`` gives the serialization
    timestamp (tests pin it).
    """

    version = SERIALIZER_VERSION

    def __init__(
        self,
        options: SanitizeOptions | None = None,
        sanitizer: Sanitizer | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if options is None:
            options = sanitizer.options if sanitizer is not None else SanitizeOptions.from_env()
        self.options = options
        self.sanitizer = sanitizer if sanitizer is not None else Sanitizer(options)
        self.clock = clock

    def serialize_file(self, path: Path | str) -> SealedPayload:
        """Read one session file and serialize it; raises ``SessionFileError`` or ``SanitizationError``."""
        with gc_paused():
            return self.serialize(read_session(Path(path)))

    def serialize_session(self, session: dict[str, Any]) -> dict[str, Any]:
        """The design's face: a session dict in, the design's twelve sections out; never raises.

        Built from the payload an upload of the same dict would send (see :mod:`.design`); invalid input
        gives an error session whose ``metadata.error_message`` names the problem.
        """
        return design.serialize_session(self, session)

    def serialize(self, session: Session) -> SealedPayload:
        """Sanitize, compute every section, validate against the payload model, then scan for leaks.

        The payload comes back as its bytes, reading like the model (:class:`SealedPayload`): the model's
        pydantic objects (~1 KB per event kept) are built only if a caller asks for them.
        """
        minutes = _checked_duration(session)
        # the session's other players: what the sanitizer replaces and the re-scan looks for
        players = player_names(session) if self.options.sanitize_data else frozenset()
        with gc_paused():
            final = self._final_document(session, minutes, players)
            self._refuse_leaks(session, final, players)
            return SealedPayload(final)

    def _final_document(self, session: Session, minutes: float, players: frozenset[str]) -> dict[str, Any]:
        """What ``SessionPayload.model_validate(document).to_document()`` gives, checked by the model's
        msgspec mirror (:mod:`swgdb_bridge.payload_fast`); the model itself validates only a document the
        mirror cannot vouch for, and then answers as ever, errors included."""
        document = self._sanitized_document(session, minutes, players)
        checked = checked_payload(document)
        if checked is None:
            return _validated(session, document).to_document()
        del document  # its dicts are freed for the final document's
        return payload_document(checked)

    def _sanitized_document(
        self, session: Session, minutes: float, players: frozenset[str] | None = None
    ) -> dict[str, Any]:
        # A function of its own so the sanitized copy (a second session) is freed before validation.
        clean, report = self.sanitizer.sanitize_session(session, players)
        return self._document(session, clean, minutes, dict(report.counts))

    def _document(
        self, raw: Session, clean: Session, minutes: float, counts: dict[str, int]
    ) -> dict[str, Any]:
        opts = self.options
        events, places = opts.include_events, opts.include_locations
        sections: dict[str, dict[str, Any]] = {
            "xp_data": keep_ends(
                xp_data(clean, minutes, include_events=events, include_locations=places), counts
            ),
            "credit_data": keep_ends(credit_data(clean, minutes, include_events=events), counts),
            "quest_data": keep_ends(
                quest_data(clean, minutes, include_events=events, include_locations=places), counts
            ),
            "location_data": keep_ends(location_data(clean, include_locations=places), counts),
            "event_data": keep_ends(
                event_data(
                    raw, clean, sanitized=opts.sanitize_data, include_events=events, include_locations=places
                ),
                counts,
            ),
        }
        return {
            "session_id": clean.session_id,
            "character_name": character_name(clean),
            "start_time": utc(raw.start_time),
            "end_time": utc(raw.end_time),
            "duration_minutes": round(minutes, 4),
            **sections,
            "performance_metrics": performance_metrics(raw, minutes, sections),
            "metadata": self._metadata(clean, counts),
        }

    def _metadata(self, clean: Session, counts: dict[str, int]) -> dict[str, Any]:
        return {
            "serialization_timestamp": utc(self.clock()),
            "serializer_version": SERIALIZER_VERSION,
            "data_source": "ms11_bot",
            "original_session_keys": list(clean.original_keys),
            "sanitization_applied": self.options.sanitize_data,
            "session_mode": SESSION_MODES(clean.mode) if clean.mode else None,
            "character_name": clean.character_name or None,
            "source_format": clean.source_format,
            "sanitization_report": {"enabled": self.options.sanitize_data, "counts": counts},
            **assembly_metadata(clean),
        }

    def _refuse_leaks(self, raw: Session, document: dict[str, Any], players: frozenset[str]) -> None:
        """The fail-closed re-scan. Player names are leaks only if ``sanitize_data`` asked to replace them
        (``players`` is empty otherwise)."""
        opts = self.options
        findings = scan_payload(
            scan_view(document),
            known_names=players,
            pseudonymized=opts.sanitize_data,
            communications=opts.include_communications,
        )
        if findings:
            where = raw.source_path or f"session {raw.session_id!r}"
            raise SanitizationError(
                f"{where}: sanitization: the sanitized payload still contains {len(findings)} private "
                f"item(s) ({'; '.join(findings[:5])}); it was not emitted. Please report this (the "
                "categories and paths above, never the file)."
            )


def keep_ends(section: dict[str, Any], omitted: dict[str, int]) -> dict[str, Any]:
    """``section`` with each per-event list (a list, or a :class:`Lazy` one) made a list of at most
    :data:`MAX_KEPT_EVENTS` entries: the first and last halves of a longer one, whose entries in between are
    never made. How many entries a cut list left out goes to ``omitted`` as ``<list>_omitted``.
    """
    half = MAX_KEPT_EVENTS // 2
    for name in EVENT_LISTS.intersection(section):
        items = section[name]
        size = len(items)
        ends = ((0, size),) if size <= MAX_KEPT_EVENTS else ((0, half), (size - half, size))
        if isinstance(items, Lazy):
            section[name] = [entry for start, stop in ends for entry in items.build(start, stop)]
        else:
            section[name] = [entry for start, stop in ends for entry in items[start:stop]]
        if size > MAX_KEPT_EVENTS:
            omitted[f"{name}_omitted"] = size - 2 * half
    return section


def assembly_metadata(clean: Session) -> dict[str, Any]:
    """Which files an assembled session came from (names only: the sanitizer kept no folder) and its warnings."""
    if not clean.sources:
        return {}
    return {
        "sources": [
            {
                "file": ref.path.name,
                "format": ref.format,
                "taken": list(ref.taken),
                "truncated": ref.truncated,
            }
            for ref in clean.sources[:MAX_NAMES]
        ],
        "warnings": [w[:MAX_TEXT_CHARS] for w in clean.warnings[:MAX_WARNINGS]],
        "truncated": clean.truncated,
    }


def _checked_duration(session: Session) -> float:
    """The span in minutes; a span the schema cannot hold is refused, never clipped (clipping would lie)."""
    where = session.source_path or session.session_id
    if session.end_time < session.start_time:
        raise SessionFileError(where, "session ends before it starts; check the log's clock", "end_time")
    minutes = session.duration_minutes
    if minutes > MAX_DURATION_MINUTES:
        raise SessionFileError(
            where,
            f"session lasts {minutes / 60:.1f} h; uploads hold at most 24 h — split the log into sessions",
            "end_time",
        )
    return minutes


def _validated(session: Session, document: dict[str, Any]) -> SessionPayload:
    """Validate against the payload model; a failure names the first bad field of the output."""
    try:
        return SessionPayload.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise SessionFileError(
            session.source_path or session.session_id,
            f"cannot be uploaded: {first['msg']} (fix that value in the log, or leave the field out)",
            field,
        ) from None


_shared: dict[tuple[object, ...], SessionLogSerializer] = {}


def shared_serializer(options: SanitizeOptions) -> SessionLogSerializer:
    """One serializer per process, options and data folder, for callers that serialize many files.

    Building one loads the pseudonym key and the detectors. The data folder is part of the key because the
    pseudonym key lives there, and ``SWGDB_BRIDGE_HOME`` may change within a process (the demo, tests).
    """
    key = (astuple(options), str(paths.data_dir()))
    if key not in _shared:
        _shared[key] = SessionLogSerializer(options)
    return _shared[key]
