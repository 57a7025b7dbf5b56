"""Frozen value classes: what ``@dataclass(frozen=True)`` gives the classes a parse makes,
without importing `dataclasses`.

`dataclasses` imports `inspect`, and with it `ast`, `dis` and `tokenize`: 11 to 16 ms on this
machine, and each class it makes costs another half millisecond. That was a third of what
`imrparse FILE` took above a bare ``python -c pass`` (issue 12), for classes that need none of
it. A value class here says its fields twice, plainly: in ``__slots__`` (their order) with
their annotations, and in its ``__init__``, whose parameters are the fields in that order and
which hands them to `Value.__init__`. `tests/test_value.py` checks that every value class keeps
to that, so that `replace`, pickling and copying, which rely on it, hold for each.

A value compares equal to a value of the same class with equal fields, hashes by its fields,
shows them in its ``repr``, and refuses to change: `replace` (and ``copy.replace``) makes a
changed copy. Values pickle and copy by their fields, may be weakly referenced, and take
positional class patterns. Unlike a dataclass, they have no ``__dict__``, and the functions of
`dataclasses` (``fields``, ``asdict``, ``replace``) do not take them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    V = TypeVar("V", bound="Value")

__all__ = ["Value", "replace"]


class Value:
    """Base of the frozen value classes (see the module docstring)."""

    # (Each value class's own __slots__ are its fields; this one lets values be weakly
    # referenced, as dataclasses could be.)
    __slots__: tuple[str, ...] = ("__weakref__",)
    __match_args__: tuple[str, ...]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Positional class patterns (``case Patient(age, sex, date)``), as a dataclass has.
        type.__setattr__(cls, "__match_args__", cls.__slots__)

    def __init__(self, *values: object) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.__class__.__qualname__, *self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __replace__(self, **changes: Any) -> Value:
        # `copy.replace` (Python 3.13).
        return replace(self, **changes)

    def __reduce__(self) -> tuple[type[Value], tuple[Any, ...]]:
        # Pickled and copied as a call of the class with the fields (the default would set
        # them one by one, which a frozen value refuses).
        return self.__class__, self._values()


def replace(value: V, **changes: Any) -> V:
    """A copy of ``value`` with the fields named in ``changes`` changed (as
    `dataclasses.replace`). Raise `TypeError` for a name that is not a field."""
    unknown = set(changes) - set(value.__slots__)
    if unknown:
        raise TypeError(f"{type(value).__name__} has no field {sorted(unknown)[0]!r}")
    return value.__class__(*[changes.get(name, getattr(value, name)) for name in value.__slots__])
