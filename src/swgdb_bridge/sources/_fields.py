"""Typed access to one JSON object, failing with the file, the field and the reason.

Every reader pulls values through :class:`Fields` so that a wrong type anywhere in any format turns into
the same kind of :class:`SessionFileError` (``communication_events[2].sender: expected text, got number``)
instead of a ``TypeError`` traceback deep inside a reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from swgdb_bridge.errors import SessionFileError

_JSON_TYPE_NAMES = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true/false",
    list: "list",
    dict: "object",
    type(None): "null",
}


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def parse_iso(text: str) -> datetime:
    """ISO 8601 → aware UTC. Naive times are taken as UTC (docs/session-format.md); others are converted.

    On Python 3.11 ``datetime.replace`` costs five parses, so a naive time is parsed again with an explicit
    offset; forms that will not take one fall back to ``replace`` (a bare date takes the offset and drops
    it, giving a naive time again: that too falls back).
    """
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else _in_utc(text, moment)  # a bot's usual time: one call


def _in_utc(text: str, moment: datetime) -> datetime:
    """``moment``, parsed from ``text``, as :func:`parse_iso` answers it."""
    if moment.tzinfo is UTC:  # a bot's usual time, done in one parse
        return moment
    if moment.tzinfo is None:
        try:  # noqa: SIM105  (contextlib.suppress costs more than this parse, once per distinct time)
            moment = datetime.fromisoformat(text + "+00:00")
        except ValueError:
            pass
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_timestamp(value: object) -> datetime:
    """ISO 8601 text or Unix seconds → aware UTC datetime; ``ValueError`` with a readable reason otherwise."""
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not an ISO 8601 timestamp") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value!r} is out of range for a Unix timestamp") from None
    raise ValueError(f"expected an ISO 8601 timestamp, got {json_type(value)}")


MEMO_LIMIT = 65_536
"""Most values one :class:`Shared` memo holds; a full memo is emptied and fills again."""


class _Texts(dict[str | None, str | None]):
    """``texts[t]`` is ``t``, the first equal string seen (None stays None): one C lookup when seen before."""

    __slots__ = ()

    def __missing__(self, text: str | None) -> str | None:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        self[text] = text
        return text


class _Times(dict[str, datetime]):
    """``times[t]`` is :func:`parse_iso` of ``t``, parsed once; raises its ``ValueError``."""

    __slots__ = ()

    def __missing__(self, text: str) -> datetime:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not UTC:  # a bot's usual UTC time costs the one call above
            moment = _in_utc(text, moment)
        if len(self) >= MEMO_LIMIT:
            self.clear()
        self[text] = moment
        return moment


class Shared:
    """The texts and times one file has already given, handed out again instead of equal new copies.

    A bot log repeats itself — a million JSON Lines events name a handful of skills and zones, a few
    thousand action lines, and many lines carry the previous line's timestamp — but parsing makes a new
    string and a new datetime for every value. Both are immutable, so the reader keeps one of each: a
    memo per file, emptied whenever it holds :data:`MEMO_LIMIT` values, so a file of unique texts costs
    nothing more than that. Its figures are in BENCHMARKS.md ("## pipeline").
    """

    __slots__ = ("texts", "times")

    def __init__(self) -> None:
        self.texts = _Texts()
        self.times = _Times()


class Fields:
    """One JSON object of a session file, plus where it sits (for error messages).

    A plain slotted class, not a dataclass: JSON Lines makes one per line, a million per big file. Every
    object of one file shares one :class:`Shared` memo.
    """

    __slots__ = ("data", "line", "path", "prefix", "shared")

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        prefix: str | tuple[str, int] = "",
        line: int | None = None,
        shared: Shared | None = None,
    ) -> None:
        self.path = path
        self.data = data
        # "xp." inside an object; ("actions[", 3) for a list item, joined only if an error needs it
        self.prefix = prefix
        self.line = line  # JSON Lines: the 1-based line number
        self.shared = shared if shared is not None else Shared()

    def where(self) -> str:
        """The dotted position of this object in the file (``communication_events[2].``)."""
        if isinstance(self.prefix, str):
            return self.prefix
        return f"{self.prefix[0]}{self.prefix[1]}]."

    @classmethod
    def root(cls, path: Path, data: object, line: int | None = None, shared: Shared | None = None) -> Fields:
        """The top object of a file, or of one line of it (JSON Lines: pass every line the same ``shared``)."""
        if not isinstance(data, dict):
            where = f"line {line}: " if line else ""
            raise SessionFileError(path, f"{where}expected a JSON object, got {json_type(data)}")
        return cls(path, data, "", line, shared)

    def fail(self, key: str, reason: str) -> NoReturn:
        where = f"line {self.line}: " if self.line else ""
        raise SessionFileError(self.path, f"{where}{reason}", field=f"{self.where()}{key}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _value(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            self.fail(key, "missing; this format needs it")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if type(value) is str:
            return self.shared.texts[value]
        if value is None and not required:
            return None
        if value is None:
            self.fail(key, "missing; this format needs it")
        self.fail(key, f"expected text, got {json_type(value)}")

    def integer(
        self, key: str, required: bool = False, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        """Whole numbers; ``12.0`` is accepted (Python bots write floats), ``"12"`` and ``12.5`` are not."""
        value = self._value(key, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(key, f"expected a whole number, got {json_type(value)} {value!r:.40}")
        self._check_range(key, value, minimum, maximum)
        return value

    def number(
        self, key: str, required: bool = False, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        value = self._value(key, required)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(key, f"expected a number, got {json_type(value)} {value!r:.40}")
        self._check_range(key, value, minimum, maximum)
        return float(value)

    def need_text(self, key: str) -> str:
        value = self.text(key, required=True)
        return value if value is not None else self.fail(key, "missing")

    def need_int(self, key: str, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.integer(key, True, minimum, maximum)
        return value if value is not None else self.fail(key, "missing")

    def need_time(self, key: str) -> datetime:
        value = self.time(key, required=True)
        return value if value is not None else self.fail(key, "missing")

    def _check_range(self, key: str, value: float, minimum: float | None, maximum: float | None) -> None:
        if minimum is not None and value < minimum:
            self.fail(key, f"{value} is below {minimum}; the value is absurd, the file is probably corrupt")
        if maximum is not None and value > maximum:
            self.fail(key, f"{value} is above {maximum:,}; the value is absurd, the file is probably corrupt")

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(key, f"expected true or false, got {json_type(value)}")

    def time(self, key: str, required: bool = False) -> datetime | None:
        value = self._value(key, required)
        if type(value) is str:  # the common case first: one timestamp per event, a million per big file
            try:
                return self.shared.times[value]
            except ValueError:
                pass
        elif value is None:
            return None
        try:
            return parse_timestamp(value)
        except ValueError as exc:
            self.fail(key, str(exc))

    def coordinates(self, key: str) -> tuple[float, float] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if (
            isinstance(value, list)
            and len(value) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
        ):
            return (float(value[0]), float(value[1]))
        self.fail(key, f"expected [x, y] numbers, got {json_type(value)} {value!r:.40}")

    def _list(self, key: str, required: bool) -> list[Any]:
        value = self._value(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {json_type(value)}")
        return value

    def strings(self, key: str, required: bool = False) -> list[str]:
        values = self._list(key, required)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{key}[{index}]", f"expected text, got {json_type(value)}")
        return values

    def items(self, key: str, required: bool = False) -> Iterator[Fields]:
        """The objects of a list, each able to report its own position (``actions[3].time``)."""
        for index, value in enumerate(self._list(key, required)):
            yield self.item(key, index, value)

    def item(self, key: str, index: int, value: Any) -> Fields:
        """``value``, the object at ``key[index]``, able to report its own position; fails if not an object."""
        if type(value) is not dict:
            self.fail(f"{key}[{index}]", f"expected an object, got {json_type(value)}")
        return Fields(self.path, value, (f"{self.where()}{key}[", index), self.line, self.shared)

    def child(self, key: str, required: bool = False) -> Fields | None:
        value = self._value(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, f"expected an object, got {json_type(value)}")
        return Fields(self.path, value, f"{self.where()}{key}.", self.line, self.shared)

    def need_child(self, key: str) -> Fields:
        value = self.child(key, required=True)
        return value if value is not None else self.fail(key, "missing")

    def counts(self, key: str, maximum: int) -> dict[str, int]:
        """An object of name → whole number (a breakdown); every value must be a count."""
        section = self.child(key)
        if section is None:
            return {}
        return {name: section.need_int(name, minimum=0, maximum=maximum) for name in section.data}

    def numbers(self, key: str) -> dict[str, float]:
        """The numeric entries of an object of metrics; other entries are not metrics and are left out."""
        section = self.child(key)
        if section is None:
            return {}
        return {
            name: float(value)
            for name, value in section.data.items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
