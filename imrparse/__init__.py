"""imrparse: read, check and write California IMR Final Determination Letters.

    >>> import imrparse
    >>> letter = imrparse.parse_file("corpus/real/seed-letter.txt")
    >>> letter.determinations[0].decision
    <Decision.UPHELD: 'upheld'>

The grammar (grammar/imr.lark) is the format's specification; `parse` turns a letter into a
`Letter` or raises `LetterError` whose ``diagnostics`` say what and where. `render` turns a
`Letter` back into a letter's text in any `Layout`; `imrparse.strategies` generates them.
"""

# (Not typing.TYPE_CHECKING: importing typing is a good part of a start. Type checkers take
# any TYPE_CHECKING to be true.)
TYPE_CHECKING = False

# The public names, each from its module. They are loaded when first asked for (PEP 562), so
# that `imrparse FILE` and any program that needs only part of the package load only that part:
# a start of the command is mostly imports.
_MODULES = {
    **dict.fromkeys(
        (
            "Document", "canonical_text", "load_document", "parse", "parse_bytes",
            "parse_file", "parse_with_warnings", "read_document", "validate",
        ),
        "api",
    ),
    **dict.fromkeys(("CODES", "Diagnostic", "LetterError", "Severity"), "errors"),
    **dict.fromkeys(
        (
            "SCHEMA_ID", "Authorization", "AuthorizationKind", "Basis", "CaseHeader",
            "Citation", "CitationSource", "Decision", "Determination", "Guideline", "Letter",
            "Patient", "Priority", "RecordError", "Reviewer", "Sex",
        ),
        "record",
    ),
    **dict.fromkeys(("LAYOUTS", "Layout", "render"), "rendering"),
}  # fmt: skip

if TYPE_CHECKING:
    from .api import (
        Document,
        canonical_text,
        load_document,
        parse,
        parse_bytes,
        parse_file,
        parse_with_warnings,
        read_document,
        validate,
    )
    from .errors import CODES, Diagnostic, LetterError, Severity
    from .record import (
        SCHEMA_ID,
        Authorization,
        AuthorizationKind,
        Basis,
        CaseHeader,
        Citation,
        CitationSource,
        Decision,
        Determination,
        Guideline,
        Letter,
        Patient,
        Priority,
        RecordError,
        Reviewer,
        Sex,
    )
    from .rendering import LAYOUTS, Layout, render


def __getattr__(name: str) -> object:
    """A public name, or a submodule (``imrparse.record``), loaded when first asked for."""
    from importlib import import_module

    module = _MODULES.get(name)
    if module is not None:
        value = getattr(import_module(f".{module}", __name__), name)
    elif not name.startswith("__"):
        try:
            value = import_module(f".{name}", __name__)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'imrparse' has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module 'imrparse' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


__version__ = "0.1.0"

__all__ = [
    "CODES",
    "LAYOUTS",
    "SCHEMA_ID",
    "Authorization",
    "AuthorizationKind",
    "Basis",
    "CaseHeader",
    "Citation",
    "CitationSource",
    "Decision",
    "Determination",
    "Diagnostic",
    "Document",
    "Guideline",
    "Layout",
    "Letter",
    "LetterError",
    "Patient",
    "Priority",
    "RecordError",
    "Reviewer",
    "Severity",
    "Sex",
    "__version__",
    "canonical_text",
    "load_document",
    "parse",
    "parse_bytes",
    "parse_file",
    "parse_with_warnings",
    "read_document",
    "render",
    "validate",
]
