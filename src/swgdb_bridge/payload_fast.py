"""The payload model's checks at msgspec's speed, for the documents our own client sends.

Validating a payload with :class:`~swgdb_bridge.payload.SessionPayload` and dumping it back to the document
the server stores and hashes (``to_document()``) was most of a batch's server CPU (BENCHMARKS.md, "server
ingest"). This module builds, from that model and nothing else, a tree of msgspec Structs with the same
fields, defaults and bounds, and answers one question fast: is this document one the model accepts *and*
would dump unchanged? Then it is the stored document as it is (with its keys in the model's order).

It never refuses anything and never decides a normalization on its own: every document it cannot vouch for
(invalid, or valid but not in canonical form — a ``+00:00`` where the model writes ``Z``, a default left
out, an explicit ``null``) goes to the pydantic model, which answers as before, errors included. So the
model stays the one contract; this is only a shortcut, and it is sound as long as the Structs never accept
what the model refuses. They are built to be at least as strict: a construct of the model they do not know
(a new validator, constraint or type) stops the import instead of being skipped, patterns are anchored to
the very end of the text, strings have the model's length cap everywhere, ``null`` is never accepted, and
numbers are strict (no ``"5"`` or ``true`` for an int). ``tests/test_payload_fast.py`` checks the
agreement with the model on generated documents, valid and broken.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, Union

import annotated_types
import msgspec
from pydantic import AfterValidator, AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import AllowInfNan, FailFast

from swgdb_bridge.payload import SessionPayload, _in_era

_PASSIVE = (FailFast,)
"""Metadata that changes how errors are reported, never what is accepted: ignored here."""
_BOUNDS = {
    annotated_types.Ge: "ge",
    annotated_types.Le: "le",
    annotated_types.MinLen: "min_length",
    annotated_types.MaxLen: "max_length",
}


class UnsupportedConstruct(TypeError):
    """The payload model uses something this module cannot mirror at least as strictly: extend it."""


def _unsupported(what: object, where: str) -> UnsupportedConstruct:
    return UnsupportedConstruct(
        f"{where}: {what!r} has no strict msgspec mirror in swgdb_bridge.payload_fast; teach "
        "_Mirror about it (and extend tests/test_payload_fast.py) before changing the payload model."
    )


class _Mirror:
    """Translates pydantic models into msgspec Structs, one Struct per model (built once, reused)."""

    def __init__(self) -> None:
        self.structs: dict[type[BaseModel], type[msgspec.Struct]] = {}

    def struct(self, model: type[BaseModel]) -> type[msgspec.Struct]:
        if model not in self.structs:
            self.structs[model] = self._build(model)
        return self.structs[model]

    def _build(self, model: type[BaseModel]) -> type[msgspec.Struct]:
        config = model.model_config
        if config.get("extra") != "forbid":
            raise _unsupported(config.get("extra"), f"{model.__name__} extra")
        cap = config.get("str_max_length")
        fields: list[tuple[str, Any, Any]] = []
        timestamps: list[str] = []
        for name, info in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            hint, dated = self.type_of(info.annotation, info.metadata, cap, where)
            default = self._default(info, where)
            fields.append(self._field(name, info, hint, default))
            if dated:
                timestamps.append(name)
        namespace = {"__post_init__": _era_check(timestamps)} if timestamps else None
        return msgspec.defstruct(
            f"Fast{model.__name__}", fields, namespace=namespace, forbid_unknown_fields=True, kw_only=True
        )

    @staticmethod
    def _field(name: str, info: FieldInfo, hint: Any, default: Any) -> tuple[str, Any, Any]:
        encoded = info.alias or name
        if default is _REQUIRED:
            return (name, hint, msgspec.field(name=encoded))
        return (name, hint, msgspec.field(name=encoded, default=default))

    @staticmethod
    def _default(info: FieldInfo, where: str) -> Any:
        if info.is_required():
            return _REQUIRED
        if info.default_factory is not None:
            raise _unsupported(info.default_factory, f"{where} default_factory")
        if info.default is None:
            return msgspec.UNSET  # the model drops None fields when it dumps: absent stays absent
        if isinstance(info.default, list | dict) and info.default:
            raise _unsupported(info.default, f"{where} default")
        return info.default

    def type_of(self, hint: Any, metadata: list[Any], cap: int | None, where: str) -> tuple[Any, bool]:
        """``hint`` with ``metadata`` as a msgspec type; the flag says an era check must run on it."""
        origin = typing.get_origin(hint)
        if origin is Annotated:
            inner, *extra = typing.get_args(hint)
            return self.type_of(inner, [*_flatten(extra), *metadata], cap, where)
        if origin in (Union, types.UnionType):
            return self._optional(hint, metadata, cap, where)
        constraints, era = _constraints(metadata, where)
        if era and hint is not AwareDatetime:
            raise _unsupported(hint, f"{where} era check outside a timestamp")
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            return _constrained(self.struct(hint), constraints, where), False
        if hint is AwareDatetime:
            if constraints:
                raise _unsupported(constraints, where)
            return Annotated[datetime, msgspec.Meta(tz=True)], era
        if origin is list:
            (item,) = typing.get_args(hint)
            item_type, _ = self._no_era(item, cap, where)
            return _constrained(list[item_type], constraints, where), False  # type: ignore[valid-type]
        if origin is dict:
            key, value = typing.get_args(hint)
            key_type, _ = self._no_era(key, cap, where)
            value_type, _ = self._no_era(value, cap, where)
            return _constrained(dict[key_type, value_type], constraints, where), False  # type: ignore[valid-type]
        return _scalar(hint, constraints, cap, where), False

    def _optional(self, hint: Any, metadata: list[Any], cap: int | None, where: str) -> tuple[Any, bool]:
        """``X | None``: the field may be absent (UNSET), never ``null`` (that goes to the model)."""
        members = [member for member in typing.get_args(hint) if member is not type(None)]
        if len(members) != 1 or len(typing.get_args(hint)) != 2:
            raise _unsupported(hint, where)
        inner, era = self.type_of(members[0], metadata, cap, where)
        return inner | msgspec.UnsetType, era

    def _no_era(self, hint: Any, cap: int | None, where: str) -> tuple[Any, bool]:
        inner, era = self.type_of(hint, [], cap, where)
        if era:
            raise _unsupported(hint, f"{where} timestamp inside a container")
        return inner, era


_REQUIRED = object()


def _flatten(metadata: list[Any]) -> list[Any]:
    """``Annotated[x, Field(...)]`` carries a FieldInfo whose own metadata holds the constraints."""
    found: list[Any] = []
    for item in metadata:
        found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return found


def _constraints(metadata: list[Any], where: str) -> tuple[dict[str, Any], bool]:
    """msgspec ``Meta`` keywords for the model's constraints, and whether the era validator is among them."""
    constraints: dict[str, Any] = {}
    era = False
    for item in metadata:
        if isinstance(item, _PASSIVE):
            continue
        if isinstance(item, AllowInfNan) and not item.allow_inf_nan:
            continue  # parsed JSON holds no inf or nan (orjson refuses both), so there is nothing to refuse
        if isinstance(item, AfterValidator) and item.func is _in_era:
            era = True
        elif type(item) in _BOUNDS:
            key = _BOUNDS[type(item)]
            constraints[key] = getattr(item, key)
        elif getattr(item, "pattern", None) and _only_pattern(item):
            constraints["pattern"] = _anchored(item.pattern)
        else:
            raise _unsupported(item, where)
    return constraints, era


def _only_pattern(item: Any) -> bool:
    """A pydantic general-metadata object that sets a pattern and nothing else."""
    return set(getattr(item, "__dict__", {})) == {"pattern"}


def _anchored(pattern: str) -> str:
    """The model's pattern as Python's ``re.search`` must read it to accept no more than the model's engine:
    ``$`` also matches before a final newline in Python, ``\\d`` also matches non-ASCII digits."""
    if not (pattern.startswith("^") and pattern.endswith("$")) or "$" in pattern[:-1]:
        raise _unsupported(pattern, "pattern")
    return pattern[:-1].replace(r"\d", "[0-9]") + r"\Z"


def _constrained(hint: Any, constraints: dict[str, Any], where: str) -> Any:
    if not constraints:
        return hint
    if set(constraints) - {"min_length", "max_length"}:
        raise _unsupported(constraints, where)
    return Annotated[hint, msgspec.Meta(**constraints)]


def _scalar(hint: Any, constraints: dict[str, Any], cap: int | None, where: str) -> Any:
    if hint is str and set(constraints) <= {"min_length", "max_length", "pattern"}:
        limits = [limit for limit in (constraints.get("max_length"), cap) if limit is not None]
        if limits:
            constraints = {**constraints, "max_length": min(limits)}
        return Annotated[str, msgspec.Meta(**constraints)] if constraints else str
    if hint in (int, float) and set(constraints) <= {"ge", "le"}:
        return Annotated[hint, msgspec.Meta(**constraints)] if constraints else hint
    if hint is bool and not constraints:
        return bool
    if typing.get_origin(hint) is Literal and not constraints:
        if not all(isinstance(value, str) for value in typing.get_args(hint)):
            raise _unsupported(hint, where)
        return hint
    raise _unsupported((hint, constraints), where)


def _era_check(names: list[str]) -> Callable[[Any], None]:
    """A Struct's ``__post_init__``: every timestamp it holds passes the model's era validator."""

    def check(self: Any) -> None:
        for name in names:
            moment = getattr(self, name)
            if moment is not msgspec.UNSET:
                _in_era(moment)  # ValueError → msgspec.ValidationError

    return check


def strict_mirror(model: type[BaseModel]) -> type[msgspec.Struct]:
    """A msgspec Struct (tree) accepting no document that ``model`` refuses; raises UnsupportedConstruct."""
    return _Mirror().struct(model)


FastSessionPayload = strict_mirror(SessionPayload)


def canonical_document(document: Any) -> dict[str, Any] | None:
    """``document`` as the model would store it, if the model accepts it and dumps it unchanged; else None.

    None means "ask the model": it refuses the document (with its own errors) or normalizes it.
    """
    try:
        payload = msgspec.convert(document, FastSessionPayload)
    except msgspec.ValidationError:
        return None
    stored: dict[str, Any] = msgspec.to_builtins(payload)
    # Equal here lets an int stand for a float (5 == 5.0): ``stored`` then holds the float, as the model's does.
    return stored if stored == document else None
