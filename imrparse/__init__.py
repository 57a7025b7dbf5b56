"""imrparse: read, check and write California IMR Final Determination Letters.

    >>> import imrparse
    >>> letter = imrparse.parse_file("corpus/real/seed-letter.txt")
    >>> letter.determinations[0].decision
    <Decision.UPHELD: 'upheld'>

The grammar (grammar/imr.lark) is the format's specification; `parse` turns a letter into a
`Letter` or raises `LetterError` whose ``diagnostics`` say what and where.
"""

from .api import parse, parse_bytes, parse_file, read_text, validate
from .errors import CODES, Diagnostic, LetterError, Severity
from .record import (
    SCHEMA_ID,
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

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "SCHEMA_ID",
    "CaseHeader",
    "Citation",
    "CitationSource",
    "Decision",
    "Determination",
    "Diagnostic",
    "Guideline",
    "Letter",
    "LetterError",
    "Patient",
    "Priority",
    "RecordError",
    "Reviewer",
    "Severity",
    "Sex",
    "__version__",
    "parse",
    "parse_bytes",
    "parse_file",
    "read_text",
    "validate",
]
