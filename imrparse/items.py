"""The item paragraph's three forms (LETTER-FORMAT §2), read by grammar/item.lark.

The letter grammar finds the item paragraph; this step reads inside it: a partial
authorization (forms 2 and 3) gives the disputed remainder as the item and records what was
asked for and what was authorized. Any other paragraph is form 1, the whole request.
"""

from __future__ import annotations

from .record import Authorization, AuthorizationKind
from .slots import SlotGrammar

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["read_item"]


class _ItemBuilder:
    """One method per rule of grammar/item.lark (tokens read by ``.value``, which Lark's tokens
    and the lean driver's both have)."""

    def original_request(self, children: list[Any]) -> str:
        return str(children[0].value)

    def authorized(self, children: list[Any]) -> str:
        return str(children[0].value)

    def remainder(self, children: list[Any]) -> str:
        return str(children[0].value)

    def portion(self, children: list[str]) -> tuple[str, Authorization]:
        original, authorized, remainder = children
        return remainder, Authorization(original, authorized, AuthorizationKind.PORTION)

    def alternative(self, children: list[str]) -> tuple[str, Authorization]:
        original, authorized, remainder = children
        return remainder, Authorization(original, authorized, AuthorizationKind.ALTERNATIVE)


#: The grammar, read by the lean driver (or by Lark where the driver cannot run).
GRAMMAR = SlotGrammar("item.lark", _ItemBuilder())


def read_item(text: str) -> tuple[str, Authorization | None]:
    """The item and its partial authorization, from the item paragraph's text without its
    ": <decision>"."""
    # (A paragraph in neither form fails at the grammar's first token: about 3 µs.)
    read: tuple[str, Authorization] | None = GRAMMAR.read(text)
    return (text, None) if read is None else read
