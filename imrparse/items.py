"""The item paragraph's three forms (LETTER-FORMAT §2), read by grammar/item.lark.

The letter grammar finds the item paragraph; this step reads inside it: a partial
authorization (forms 2 and 3) gives the disputed remainder as the item and records what was
asked for and what was authorized. Any other paragraph is form 1, the whole request.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .record import Authorization, AuthorizationKind
from .resources import grammar_dir

if TYPE_CHECKING:
    import lark

__all__ = ["read_item"]

# Forms 2 and 3 both begin "<O> was the original request. "; a paragraph without it is form 1,
# and is not handed to the parser at all (nearly every item).
_FORMS_2_AND_3 = " was the original request. "


class _ItemBuilder:
    """One method per rule of grammar/item.lark."""

    def original_request(self, children: list[Any]) -> str:
        return str(children[0])

    def authorized(self, children: list[Any]) -> str:
        return str(children[0])

    def remainder(self, children: list[Any]) -> str:
        return str(children[0])

    def portion(self, children: list[str]) -> tuple[str, Authorization]:
        original, authorized, remainder = children
        return remainder, Authorization(original, authorized, AuthorizationKind.PORTION)

    def alternative(self, children: list[str]) -> tuple[str, Authorization]:
        original, authorized, remainder = children
        return remainder, Authorization(original, authorized, AuthorizationKind.ALTERNATIVE)


@cache
def _parser() -> lark.Lark:
    import lark

    return lark.Lark(
        (grammar_dir() / "item.lark").read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        transformer=_ItemBuilder(),
    )


def read_item(text: str) -> tuple[str, Authorization | None]:
    """The item and its partial authorization, from the item paragraph's text without its
    ": <decision>"."""
    if _FORMS_2_AND_3 not in text:
        return text, None
    from lark.exceptions import UnexpectedInput

    try:
        item, authorization = _parser().parse(text)
    except UnexpectedInput:
        return text, None
    return item, authorization
