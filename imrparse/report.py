"""Diagnostics as people and programs read them: ``path:line:col: severity[code]: message``
with the line and a caret, or a JSON object."""

from __future__ import annotations

from typing import Any

from .errors import Diagnostic

__all__ = ["diagnostic_json", "format_diagnostic"]


def format_diagnostic(name: str, diagnostic: Diagnostic) -> str:
    """The compiler-style text of a diagnostic, with its line and a caret when known."""
    where = f"{name}:{diagnostic.line}:{diagnostic.column}"
    if diagnostic.page is not None:
        where = f"{name}:page {diagnostic.page}:{diagnostic.line}:{diagnostic.column}"
    head = f"{where}: {diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}"
    if diagnostic.excerpt is None:
        return head
    excerpt = diagnostic.excerpt.rstrip("\r\n")
    if len(excerpt) > 200:
        start = max(0, diagnostic.column - 100)
        excerpt, column = excerpt[start : start + 200], diagnostic.column - start
    else:
        column = diagnostic.column
    caret = "".join("\t" if c == "\t" else " " for c in excerpt[: column - 1]) + "^"
    return f"{head}\n    {excerpt}\n    {caret}"


def diagnostic_json(name: str, diagnostic: Diagnostic) -> dict[str, Any]:
    return {"path": name, **diagnostic.to_dict()}
