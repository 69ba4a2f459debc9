"""A data-only JSON encoding of cached results: the model's own values.

The disk cache holds parsed model objects (frozen dataclasses, enums, tuples,
mappings), findings and converted pages. It lives in a folder CI restores
from a shared cache, so whatever is in the file must never decide which code
runs: pickle would let it. Here a file can only ever produce plain values
and instances of the classes in :func:`registry` - every dataclass and enum
of :mod:`.model`, plus the few result types of later stages - built without
calling any method of theirs.

Encoding: JSON strings, numbers, booleans, null and arrays (Python lists)
stand for themselves. Every JSON object has exactly one key, its tag:

* ``{"t": [...]}`` a tuple, ``{"d": [k1, v1, k2, v2, ...]}`` a dict (keys may
  be tuples), ``{"f": [...]}`` a frozenset;
* ``{"Section": [v1, v2, ...]}`` a dataclass, its fields in declaration order;
* ``{"Status": "done"}`` an enum member, by value.

Decoding runs inside ``json.loads`` (``object_pairs_hook``), so only the
tagged nodes cost Python time; anything else - another tag, an unknown
class, a wrong number of fields, an enum value that does not exist - raises
:class:`CacheFormatError` and the whole file is ignored.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import json
import pkgutil
from functools import lru_cache
from typing import Any, Callable, Mapping


class CacheFormatError(ValueError):
    """The text is not a cache this code wrote."""


@dataclasses.dataclass(frozen=True)
class _Shape:
    cls: type
    names: tuple[str, ...]


@lru_cache(maxsize=1)
def registry() -> Mapping[str, _Shape | type[enum.Enum]]:
    """Tag -> class for every class a cache file may name. Every dataclass
    and enum defined in a module of :mod:`mkdocs_handshake.model` is in it
    (new model classes need no edit here); the others are listed by hand."""
    from .. import model
    from ..findings import finding as findings
    from ..protocol import template as protocol
    from ..repository import source

    modules = [importlib.import_module(f"{model.__name__}.{info.name}") for info in pkgutil.iter_modules(model.__path__)]
    classes: list[type] = [
        member for module in modules for _name, member in inspect.getmembers(module, inspect.isclass)
        if member.__module__ == module.__name__ and (dataclasses.is_dataclass(member) or issubclass(member, enum.Enum))
    ]
    classes += [findings.Finding, findings.Severity, source.SourceText, protocol.TemplateFacts]
    table: dict[str, _Shape | type[enum.Enum]] = {}
    for cls in classes:
        if cls.__name__ in table or cls.__name__ in _RESERVED:
            raise RuntimeError(f"two cacheable classes are called {cls.__name__}")
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            table[cls.__name__] = cls
        else:
            table[cls.__name__] = _Shape(cls, tuple(field.name for field in dataclasses.fields(cls)))
    return table


_RESERVED = frozenset({"t", "d", "f"})


_PLAIN = (str, int, float, bool, type(None))


def _encoder() -> Callable[[Any], Any]:
    table = registry()
    # Exact type -> (tag, field names) for dataclasses, tag for enums: one
    # dict lookup per value instead of a chain of isinstance checks.
    shapes = {shape.cls: (tag, shape.names) for tag, shape in table.items() if isinstance(shape, _Shape)}
    enums = {cls: tag for tag, cls in table.items() if not isinstance(cls, _Shape)}

    def encode(value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple:
            return {"t": [encode(item) for item in value]}
        shape = shapes.get(kind)
        if shape is not None:
            return {shape[0]: [encode(getattr(value, field)) for field in shape[1]]}
        if kind is list:
            return [encode(item) for item in value]
        if kind is dict:
            flat: list[Any] = []
            for key, item in value.items():
                flat.append(encode(key))
                flat.append(encode(item))
            return {"d": flat}
        if kind is frozenset:
            return {"f": [encode(item) for item in sorted(value, key=repr)]}
        tag = enums.get(kind)
        if tag is not None:
            return {tag: value.value}
        raise TypeError(f"cannot cache {kind.__module__}.{kind.__qualname__}")

    return encode


def dumps(value: Any) -> str:
    """``value`` as JSON text; :class:`TypeError` for anything the decoder
    would not accept back."""
    return json.dumps(_encoder()(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _hook(pairs: list[tuple[str, Any]]) -> Any:
    if len(pairs) != 1:
        raise CacheFormatError(f"an object with {len(pairs)} keys")
    tag, payload = pairs[0]
    if tag == "t":
        if type(payload) is not list:
            raise CacheFormatError("a tuple that is not a list")
        return tuple(payload)
    if tag == "d":
        if type(payload) is not list or len(payload) % 2:
            raise CacheFormatError("a mapping that is not a list of pairs")
        try:
            return dict(zip(payload[::2], payload[1::2]))
        except TypeError:
            raise CacheFormatError("a mapping with a key that cannot be a key") from None
    if tag == "f":
        if type(payload) is not list:
            raise CacheFormatError("a set that is not a list")
        try:
            return frozenset(payload)
        except TypeError:
            raise CacheFormatError("a set of values that cannot be in a set") from None
    known = registry().get(tag)
    if isinstance(known, _Shape):
        if type(payload) is not list or len(payload) != len(known.names):
            raise CacheFormatError(f"a {tag} with the wrong fields")
        # What pickle does for a dataclass, minus running anything the data
        # names: a new instance and its fields set; no __init__, no hooks.
        instance = object.__new__(known.cls)
        instance.__dict__.update(zip(known.names, payload))
        return instance
    if known is not None:
        try:
            return known(payload)
        except (ValueError, TypeError):
            raise CacheFormatError(f"{payload!r} is not a {tag}") from None
    raise CacheFormatError(f"unknown tag {tag[:40]!r}")


def loads(text: str) -> Any:
    """The value :func:`dumps` wrote; :class:`CacheFormatError` (or
    ``json.JSONDecodeError``, also a ValueError) for anything else."""
    return json.loads(text, object_pairs_hook=_hook)
