"""``Cleaned``: a sanitized session's per-event list whose records are cleaned only when read.

The serializer reads most per-event lists of a sanitized session only in part: a payload keeps at most
10,000 entries of each (``serialize.serializer.keep_ends``), and action lines and loot are only counted,
from the raw session. Cleaning every record up front made a second record per event that was never read
(at 1M events: +67 MiB and a seventh of the pipeline's time). A view cleans a record each time it is read,
under the rules the whole raw session set first (its player names and kept phrases: a name first seen
late in a file still replaces it in the first lines). What cleaning every record would count is counted
when the view is made (``Sanitizer.sanitize_session``), so the report is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, overload

R = TypeVar("R")
T = TypeVar("T")


class Cleaned(Sequence[T], Generic[R, T]):
    """A read-only list of ``clean(record)`` for each raw record, made on each read, never stored."""

    __slots__ = ("_clean", "_raw")

    def __init__(self, raw: Sequence[R], clean: Callable[[R], T]) -> None:
        self._raw = raw
        self._clean = clean

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(map(self._clean, self._raw[index]))
        return self._clean(self._raw[index])

    def __iter__(self) -> Iterator[T]:
        return map(self._clean, self._raw)

    def __eq__(self, other: object) -> bool:
        """Equal to any list or view of equal records, in the same order (like a list)."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # a list's equality, so unhashable like a list

    def __repr__(self) -> str:
        more = f", ... {len(self) - 3} more" if len(self) > 3 else ""
        return f"Cleaned({self[:3]!r}{more})"
