"""imrparse: read, check and write California IMR Final Determination Letters.

    >>> import imrparse
    >>> letter = imrparse.parse_file("corpus/real/seed-letter.txt")
    >>> letter.determinations[0].decision
    <Decision.UPHELD: 'upheld'>

The grammar (grammar/imr.lark) is the format's specification; `parse` turns a letter into a
`Letter` or raises `LetterError` whose ``diagnostics`` say what and where. `render` turns a
`Letter` back into a letter's text in any `Layout`; `imrparse.strategies` generates them.
"""

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
from .render import LAYOUTS, Layout, render

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
