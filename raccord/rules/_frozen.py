"""Faster construction of the frozen dataclasses of the rules core (a speed-up only).

``@dataclass(frozen=True)`` generates an ``__init__`` that sets every field with
``object.__setattr__(self, name, value)``: the generic attribute machinery runs once per field,
which makes a frozen object about three times as slow to build as a mutable one. The rules chain
builds dozens of result objects per dossier, so :func:`fast_init` replaces that ``__init__`` by
one with the same signature (names, order, defaults) that stores each field through its slot
descriptor (or in the instance dict for a class without slots). Everything else (immutability,
``__eq__``, ``__hash__``, ``__repr__``, ``dataclasses.replace``, pickling) is the dataclass's
own and unchanged.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_init(cls: type[T]) -> type[T]:
    """Give the frozen dataclass ``cls`` a faster ``__init__`` of the same signature.

    Only plain fields are supported (no ``default_factory``, ``init=False``, ``kw_only`` or
    ``__post_init__``): anything else raises :class:`TypeError` at import time.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__qualname__}: fast_init needs @dataclass(frozen=True)")
    slotted = "__slots__" in cls.__dict__
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__qualname__}: fast_init does not run __post_init__")
    namespace: dict[str, Any] = {}
    arguments: list[str] = []
    body: list[str] = [] if slotted else ["    _fields = self.__dict__"]
    for i, f in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__qualname__}.{f.name}: fast_init supports plain fields only")
        if slotted:
            namespace[f"_set{i}"] = cls.__dict__[f.name].__set__
            body.append(f"    _set{i}(self, {f.name})")
        else:
            body.append(f"    _fields[{f.name!r}] = {f.name}")
        if f.default is dataclasses.MISSING:
            arguments.append(f.name)
        else:
            namespace[f"_default{i}"] = f.default
            arguments.append(f"{f.name}=_default{i}")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + "\n".join(body or ["    pass"])
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names
    init = namespace["__init__"]
    generated = cls.__dict__["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(generated.__annotations__)
    init.__doc__ = generated.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning to __init__
    return cls
