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

The serializer asks the same question of the document it builds in Python (:func:`checked_payload`, a
mirror where ``None`` marks an absent optional field), so the pydantic model's ~1 KB per event is spent only
when a caller wants the model: :class:`SealedPayload` holds the bytes and builds it on demand. One rule,
written once, for both sides (this module is contract: the server and the client import it).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, Union

import annotated_types
import msgspec
from pydantic import AfterValidator, AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import AllowInfNan, FailFast

from swgdb_bridge.payload import SessionPayload, _in_era, sealed_json_bytes

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
    """Translates pydantic models into msgspec Structs, one Struct per model (built once, reused).

    ``nullable`` mirrors read Python documents, where an optional field may hold ``None`` (the model accepts
    it there, and leaves it out when it dumps); other mirrors read JSON documents and never accept ``null``.
    """

    def __init__(self, nullable: bool = False) -> None:
        self.structs: dict[type[BaseModel], type[msgspec.Struct]] = {}
        self.nullable = nullable

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
        nullable: list[str] = []
        for name, info in model.model_fields.items():
            where = f"{model.__name__}.{name}"
            hint, dated = self.type_of(info.annotation, info.metadata, cap, where)
            default = self._default(info, where)
            fields.append(self._field(name, info, hint, default))
            if dated:
                timestamps.append(name)
            if type(None) in typing.get_args(hint):
                nullable.append(name)
        namespace = {"__post_init__": _post_init(timestamps, nullable)} if timestamps or nullable else None
        return msgspec.defstruct(
            f"{'Built' if self.nullable else 'Fast'}{model.__name__}",
            fields,
            namespace=namespace,
            forbid_unknown_fields=True,
            kw_only=True,
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
        if hint is float and self.nullable and not {"ge", "le"} <= constraints.keys():
            raise _unsupported(hint, f"{where} float without both bounds (they refuse nan and inf)")
        return _scalar(hint, constraints, cap, where), False

    def _optional(self, hint: Any, metadata: list[Any], cap: int | None, where: str) -> tuple[Any, bool]:
        """``X | None``: the field may be absent (UNSET); ``null`` only in a nullable mirror (else the model
        decides)."""
        members = [member for member in typing.get_args(hint) if member is not type(None)]
        if len(members) != 1 or len(typing.get_args(hint)) != 2:
            raise _unsupported(hint, where)
        inner, era = self.type_of(members[0], metadata, cap, where)
        if self.nullable:
            return inner | None | msgspec.UnsetType, era
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
            continue  # parsed JSON holds no inf or nan (orjson refuses both); nullable mirrors need bounds
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


def _post_init(timestamps: list[str], nullable: list[str]) -> Callable[[Any], None]:
    """A Struct's ``__post_init__``: every timestamp it holds passes the model's era validator, and a
    ``None`` (nullable mirrors) becomes UNSET, left out of the document as the model's dump leaves it out."""

    def check(self: Any) -> None:
        for name in timestamps:
            moment = getattr(self, name)
            if isinstance(moment, datetime):  # else UNSET, or None in a nullable mirror
                _in_era(moment)  # ValueError → msgspec.ValidationError
        for name in nullable:
            if getattr(self, name) is None:
                setattr(self, name, msgspec.UNSET)

    return check


def strict_mirror(model: type[BaseModel], nullable: bool = False) -> type[msgspec.Struct]:
    """A msgspec Struct (tree) accepting no document that ``model`` refuses; raises UnsupportedConstruct.

    ``nullable``: for Python documents, where ``None`` stands for an absent optional field (see _Mirror).
    """
    return _Mirror(nullable).struct(model)


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


BuiltSessionPayload = strict_mirror(SessionPayload, nullable=True)


def checked_payload(document: Mapping[str, Any]) -> msgspec.Struct | None:
    """A document built in Python (aware datetimes, ``None`` for an absent optional field) as the mirror's
    Structs, if the model accepts it; else None: then the model decides, with its own errors.

    Nothing the model would refuse gets through (the Structs are at least as strict), and what gets through
    has the values the model's validation gives it (an int for a float is made a float, as by the model).
    """
    # A timestamp must be a datetime already: msgspec would parse a string by its own rules, not the model's.
    try:
        return msgspec.convert(document, BuiltSessionPayload, builtin_types=(datetime,))
    except msgspec.ValidationError:
        return None


def payload_document(payload: msgspec.Struct) -> dict[str, Any]:
    """The model's ``to_document()`` of what :func:`checked_payload` accepted: same values, JSON types and
    key order (a ``None`` it was given is left out, as the model's dump leaves it out)."""
    document: dict[str, Any] = msgspec.to_builtins(payload)
    return document


class SealedPayload:
    """A finished payload held as its canonical bytes: what the serializer returns.

    It reads like the :class:`~swgdb_bridge.payload.SessionPayload` those bytes hold: attributes, methods,
    iteration and equality are the model's. But the model costs about 1 KB per event kept, so it is built
    from the bytes only when a caller first asks for more than the bytes (:meth:`to_json_bytes`), the
    document (:meth:`to_document`), :attr:`session_id` or the digest (:attr:`content_digest`, the model's
    ``metadata.content_digest``); :attr:`model` is that model.
    """

    __slots__ = ("_digest", "_json_bytes", "_model", "_session_id")
    __hash__ = None  # type: ignore[assignment]  # like the model: lists inside

    def __init__(self, document: dict[str, Any]) -> None:
        """``document``: a payload's ``to_document()``; the digest is set on the way to the bytes."""
        self._digest, self._json_bytes = sealed_json_bytes(document)
        self._session_id: str = document["session_id"]
        self._model: SessionPayload | None = None

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def content_digest(self) -> str:
        """``metadata.content_digest``."""
        return self._digest

    def to_json_bytes(self) -> bytes:
        """Canonical bytes (sorted keys, no nulls), ``content_digest`` included."""
        return self._json_bytes

    def to_document(self) -> dict[str, Any]:
        """A new copy of the JSON document, keys in the model's order (as ``SessionPayload.to_document``)."""
        try:
            return msgspec.to_builtins(msgspec.json.decode(self._json_bytes, type=FastSessionPayload))
        except msgspec.ValidationError:  # a dump the mirror does not take (it is the stricter): the model's
            return self.model.to_document()

    @property
    def model(self) -> SessionPayload:
        """The pydantic model of these bytes, built on first use."""
        if self._model is None:
            model = SessionPayload.model_validate_json(self._json_bytes)
            model._json_bytes = self._json_bytes
            self._model = model
        return self._model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # a slot not set yet (copying, unpickling): never the model's
            raise AttributeError(name)
        return getattr(self.model, name)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.model)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SealedPayload):
            return self._json_bytes == other._json_bytes or self.model == other.model
        if isinstance(other, SessionPayload):
            return self.model == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"SealedPayload({len(self._json_bytes)} bytes, content_digest={self.content_digest!r})"


AnyPayload = SessionPayload | SealedPayload
"""A finished payload either way: the model, or the serializer's sealed bytes that read like it."""
