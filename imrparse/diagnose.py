"""Lark's parse errors, told as a reader of the letter would want: what was expected, what was
found, and where in the original input.

Lark reports the first token it cannot use. That is the right place for a wrong decision word or
a malformed date, but a misspelt heading or label is read as free text and the parse stops
later, at the next part it cannot place. So before trusting Lark's position, the lines up to it
are checked for near-misses of the boilerplate, and a paragraph of boilerplate that fails to
match is compared word for word to find the word that differs.
"""

from __future__ import annotations

import re
from functools import cache

from .errors import Diagnostic, Severity, located
from .grammar import compiled, words
from .normalize import INVISIBLE as _INVISIBLE
from .normalize import LINE_END, NormalText

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from lark import Token
    from lark.exceptions import UnexpectedInput, UnexpectedToken

__all__ = ["diagnose", "not_a_letter"]

# How alike a line must be to a heading or label to count as a misspelling of it.
_NEAR_MISS = 0.75
# The near-miss scan looks back at most this many lines (bounded work on huge inputs).
_SCAN_LINES = 2000
# The IMR organization's letters of other shapes (LETTER-FORMAT §2, "Other documents"): what
# each is, and its own headings, exactly as they are written.
_OTHER_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "the determination notice MAXIMUS issued in 2013",
        (
            "Notice of Independent Medical Review Determination",
            "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
        ),
    ),
    (
        "an IMR determination letter of a form used before 2014 "
        "(with 'MEDICAL PROFESSIONAL REVIEW' and 'ISSUE AT DISPUTE:')",
        ("MEDICAL PROFESSIONAL REVIEW", "ISSUE AT DISPUTE:"),
    ),
    (
        "an IMR determination letter of a form used before 2014 "
        "(with 'DOCUMENTS REVIEWED' and 'IMR DECISION(S) AND RATIONALE(S)')",
        ("DOCUMENTS REVIEWED", "IMR DECISION(S) AND RATIONALE(S)"),
    ),
)
# Those headings count only this near the top (about five pages): far down they may be quoted
# text, and the search stays bounded on huge inputs.
_OTHER_KIND_WITHIN = 20_000
# Original line breaks, and the form feed, which a heading may follow as it follows a line end.
_BREAKS = "\n\r\f"
# After a heading that ends in a letter: not the start of a longer word.
_WORD_END = r"(?!\w)"

_FREE_TEXT = frozenset({"LINE", "PARA_LINE", "REST"})

_DESCRIPTIONS = {
    "LINE": "a line of text",
    "PARA_LINE": "a paragraph of text",
    "REST": "text",
    "CASE_NUMBER": "a case number like CM15-0073947",
    "DATE": "a date as MM/DD/YYYY",
    "STANDARD": "'Standard'",
    "EXPEDITED": "'Expedited'",
    "UPHELD": "'Upheld'",
    "OVERTURNED": "'Overturned'",
    "ITEM_TEXT": "a disputed item ending in ': Upheld' or ': Overturned'",
    "_SP": "a space",
    "_NL": "the end of the line",
    "_HEADER_END": "the end of the line",
    "$END": "the end of the letter",
}


@cache
def _anchor_pattern() -> re.Pattern[str]:
    """Any of the headings a letter must have, its words separated by any whitespace."""
    table = _boilerplate()
    headings = (
        r"\s+".join(re.escape(w) for w in table[name].split(" ")) for name in words().anchors
    )
    return re.compile("|".join(headings))


def _has_any_anchor(text: str) -> bool:
    return _anchor_pattern().search(text) is not None


def _not_a_letter(text: str) -> Diagnostic:
    first_line = LINE_END.split(text[:200], maxsplit=1)[0]
    return Diagnostic(
        "IMR104",
        Severity.ERROR,
        "this is not an IMR Final Determination Letter: none of its headings "
        "(such as 'HOW THE IMR FINAL DETERMINATION WAS MADE') was found",
        1,
        1,
        excerpt=first_line,
    )


def not_a_letter(text: str) -> Diagnostic | None:
    """IMR110 when the text is one of the IMR organization's letters of another shape, IMR104
    when it has none of a letter's headings; judged on the raw text before any normalizing, so
    that other documents (and garbage) are turned away in one quick scan.

    A letter's opening heading settles it at once: every letter pays for one search that stops
    a header's length into it. Only without it are the other shapes' headings looked for, near
    the top. Only characters that normalizing removes could hide a heading from these scans;
    text with any of them and no heading is left to the full parse, which looks again in the
    normal text."""
    if _opening_pattern().search(text) is not None:
        return None
    other = _other_kind(text)
    if other is not None:
        return other
    if _has_any_anchor(text) or any(c in text for c in _INVISIBLE):
        return None
    return _not_a_letter(text)


@cache
def _opening_pattern() -> re.Pattern[str]:
    """A letter's opening heading, its words separated by any whitespace."""
    return compiled(_words(_boilerplate()[words().opening]))


@cache
def _other_kind_pattern() -> re.Pattern[str]:
    """Any heading of the other shapes, as group ``k<kind>h<heading>``; its words separated by
    any whitespace, and not run on into a longer word."""
    return re.compile(
        "|".join(
            f"(?P<k{kind}h{number}>{_words(heading)}{_WORD_END if heading[-1].isalnum() else ''})"
            for kind, (_, headings) in enumerate(_OTHER_KINDS)
            for number, heading in enumerate(headings)
        )
    )


def _words(phrase: str) -> str:
    return r"\s+".join(re.escape(word) for word in phrase.split(" "))


def _other_kind(text: str) -> Diagnostic | None:
    """IMR110 at the first heading of another shape that starts a line near the top, unless the
    text is a letter after all."""
    match = next(
        (
            m
            for m in _other_kind_pattern().finditer(text, 0, _OTHER_KIND_WITHIN)
            if _starts_a_line(text, m.start())
        ),
        None,
    )
    if match is None or _letter_after_all(text, match.start()):
        return None
    group = match.lastgroup or ""
    kind, number = (int(n) for n in group[1:].split("h"))
    what, headings = _OTHER_KINDS[kind]
    heading = headings[number]
    line, column, excerpt = _place(text, match.start())
    return Diagnostic(
        "IMR110",
        Severity.ERROR,
        f"this is another kind of IMR letter, not a Final Determination Letter: its heading "
        f"'{heading}' belongs to {what}; imrparse reads only Final Determination Letters, "
        f"which open with {_describe(words().opening)}",
        line,
        column,
        expected=_describe(words().opening),
        found=heading,
        excerpt=excerpt,
    )


def _letter_after_all(text: str, heading_at: int) -> bool:
    """Whether the letter's opening heading is there, hidden by invisible characters, or
    misspelt above the other shape's heading: a misspelling is the full parse's to report."""
    if any(c in text for c in _INVISIBLE):
        visible = text.translate(dict.fromkeys(map(ord, _INVISIBLE)))
        if _opening_pattern().search(visible) is not None:
            return True
    opening = _boilerplate()[words().opening]
    # A shorter line cannot be that alike (difflib's ratio is at most 2 * shorter / total).
    shortest = len(opening) * _NEAR_MISS / (2 - _NEAR_MISS)
    for raw in re.split(f"[{_BREAKS}]", text[:heading_at]):
        line = " ".join(raw.split())
        if len(line) >= shortest and _Diagnoser._similar(line[: len(opening)], opening):
            return True
    return False


def _place(text: str, at: int) -> tuple[int, int, str]:
    """The 1-based line and column of a character of the original input, and its line. Lines
    end as everywhere in imrparse (CRLF, CR, LF); a byte order mark, which normalizing drops,
    takes no column."""
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    if start == 0 and text.startswith("\ufeff"):
        start = 1
    end = LINE_END.search(text, at)
    line = len(LINE_END.findall(text, 0, at)) + 1
    return line, at - start + 1, text[start : end.start() if end else len(text)]


def _starts_a_line(text: str, at: int) -> bool:
    """Whether only spaces and invisible characters stand between ``at`` and a line break, a
    form feed or the start of the text."""
    while (
        at > 0
        and text[at - 1] not in _BREAKS
        and (text[at - 1].isspace() or text[at - 1] in _INVISIBLE)
    ):
        at -= 1
    return at == 0 or text[at - 1] in _BREAKS


def _boilerplate() -> dict[str, str]:
    """Terminal name to the words it stands for: the grammar's own (`imrparse.grammar.words`)."""
    return words().literal


def _header_labels() -> frozenset[str]:
    """The terminals of the case header's labels."""
    return frozenset(words().header.values())


def _describe(name: str) -> str:
    phrase = _boilerplate().get(name)
    if phrase is not None:
        return f"'{_short(phrase)}'"
    return _DESCRIPTIONS.get(name, name)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _expected(names: set[str] | frozenset[str]) -> list[str]:
    # Free text is implied by any label, so the structural terminals come first; the seven
    # header labels are one thing to a reader.
    order = sorted(names, key=lambda n: (n in _FREE_TEXT, n))
    described = [_describe(n) for n in order if n not in _header_labels()]
    if any(n in _header_labels() for n in names):
        described.append("a case header field")
    return described


class _Diagnoser:
    def __init__(self, normal: NormalText) -> None:
        self.normal = normal
        self.lines = normal.text.split("\n")

    def make(
        self,
        code: str,
        message: str,
        line: int,
        column: int,
        *,
        expected: str | None = None,
        found: str | None = None,
    ) -> Diagnostic:
        where = self.normal.locate(line, column)
        return located(self.normal, code, message, where, expected=expected, found=found)

    def at_offset(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset into the normal text."""
        text = self.normal.text
        while offset < len(text) and text[offset] == "\n":
            offset += 1
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    # ---- the kinds of failure -------------------------------------------------------------

    def diagnose(self, error: UnexpectedInput) -> Diagnostic:
        # Here, not at the top: only a letter that fails needs Lark (imrparse.lalr).
        from lark.exceptions import UnexpectedCharacters, UnexpectedToken

        line, column = self._error_position(error)
        near_miss = self._near_miss(line)
        if near_miss is not None:
            return near_miss
        if isinstance(error, UnexpectedCharacters):
            allowed = set(error.allowed or ())
            misread = self._misread(allowed, error.pos_in_stream or 0, line, column)
            return misread or self._unexpected(sorted(allowed), self._line_text(line), line, column)
        assert isinstance(error, UnexpectedToken)
        if error.token.type in _FREE_TEXT:
            # The contextual lexer read the line as free text because nothing the grammar
            # wanted here matched it: judge it against what was wanted.
            expected = set(error.accepts or error.expected or ())
            misread = self._misread(expected, error.token.start_pos or 0, line, column)
            if misread is not None:
                return misread
        return self._unexpected_token(error, line, column)

    def _error_position_at_end(self) -> tuple[int, int]:
        """Just after the last character of the letter."""
        line = len(self.lines)
        while line > 1 and not self.lines[line - 1]:
            line -= 1
        return line, len(self.lines[line - 1]) + 1

    def _error_position(self, error: UnexpectedInput) -> tuple[int, int]:
        from lark.exceptions import UnexpectedToken

        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            return self._error_position_at_end()
        if isinstance(error, UnexpectedToken):
            return self.at_offset(error.token.start_pos or 0)
        return self.at_offset(error.pos_in_stream or 0)

    def _misread(self, allowed: set[str], offset: int, line: int, column: int) -> Diagnostic | None:
        """A value or boilerplate that the grammar wanted here but the text does not match."""
        found_word = self._word_at(offset)
        if allowed and allowed <= {"UPHELD", "OVERTURNED"}:
            return self.make(
                "IMR404",
                f"unknown decision '{found_word}'; a decision is 'Upheld' or 'Overturned'",
                line,
                column,
                expected="'Upheld' or 'Overturned'",
                found=found_word,
            )
        value_codes = {"CASE_NUMBER": "IMR402", "DATE": "IMR401", "STANDARD": "IMR403"}
        for name, code in value_codes.items():
            if name in allowed:
                what = _describe(name) if name != "STANDARD" else "'Standard' or 'Expedited'"
                return self.make(
                    code,
                    f"expected {what}, found '{found_word}'",
                    line,
                    column,
                    expected=what,
                    found=found_word,
                )
        literals = [n for n in allowed if n in _boilerplate() and n not in _header_labels()]
        if literals:
            return self._wording(literals, offset, line, column)
        return None

    def _unexpected_token(self, error: UnexpectedToken, line: int, column: int) -> Diagnostic:
        token: Token = error.token
        expected = set(error.accepts or error.expected or ())
        if token.type == "$END":
            wanted = [n for n in expected if n not in ("LINE", "PARA_LINE", "REST")]
            return self.make(
                "IMR201",
                "the letter ends before " + " or ".join(_expected(set(wanted) or expected)),
                line,
                column,
                expected=", ".join(_expected(expected)),
                found="end of input",
            )
        first = words().first
        item_label = first["claims_administrator_guideline"]
        if token.type == item_label and "ITEM_TEXT" in expected:
            return self._item_without_decision(line)
        later_labels = (first["maximus_guideline"], first["rationale"])
        if token.type in later_labels and "ITEM_TEXT" in expected:
            # An item and its parts came, but not the label that makes its line an item.
            return self.make(
                "IMR201",
                f"{_describe(item_label)} is missing before {_describe(token.type)}",
                line,
                column,
                expected=_describe(item_label),
                found=_short(token.value.strip()),
            )
        wanted = [n for n in expected if n not in ("LINE", "PARA_LINE", "REST", "ITEM_TEXT")]
        # (A free-text token is a line and the lines that run on after it: name the line.)
        found = _short(
            token.value.strip().partition("\n")[0]
            if token.type in _FREE_TEXT
            else token.value.strip()
        )
        repeated = token.type in _boilerplate() and self._appeared_before(token)
        if repeated or (wanted and token.type in _boilerplate()):
            if repeated:
                code, message = (
                    "IMR202",
                    f"{_describe(token.type)} appears again here, out of place",
                )
            else:
                missing = " or ".join(_expected(set(wanted)))
                code, message = "IMR201", f"{missing} is missing before {_describe(token.type)}"
            return self.make(
                code,
                message,
                line,
                column,
                expected=", ".join(_expected(expected)),
                found=found,
            )
        return self._unexpected(sorted(expected), found, line, column)

    def _appeared_before(self, token: Token) -> bool:
        return self.normal.starts_a_line_before(_boilerplate()[token.type], token.start_pos or 0)

    def _unexpected(self, expected: list[str], found: str, line: int, column: int) -> Diagnostic:
        described = _expected(set(expected))
        return self.make(
            "IMR202",
            f"unexpected '{_short(found)}'; expected " + " or ".join(described),
            line,
            column,
            expected=", ".join(described),
            found=_short(found),
        )

    def _item_without_decision(self, label_line: int) -> Diagnostic:
        line = label_line - 1
        while line > 1 and not self.lines[line - 1]:
            line -= 1
        text = self.lines[line - 1] if line >= 1 else ""
        last_word = text.rsplit(" ", 1)[-1] if text else ""
        label = words().label("claims_administrator_guideline")
        return self.make(
            "IMR203",
            f"the item before '{label}' must end with ': Upheld' or ': Overturned'",
            line,
            max(1, len(text) - len(last_word) + 1),
            expected="': Upheld' or ': Overturned'",
            found=last_word,
        )

    def _wording(self, names: list[str], offset: int, line: int, column: int) -> Diagnostic:
        """Compare boilerplate to the text word for word; report where they part."""
        text = self.normal.text
        if text.startswith("\n", offset):
            offset += 1
        best_name, best_at = names[0], -1
        for name in names:
            phrase = _boilerplate()[name]
            at = 0
            while at < len(phrase) and offset + at < len(text):
                want, got = phrase[at], text[offset + at]
                if want != got and not (want == " " and got == "\n"):
                    break
                at += 1
            if at > best_at:
                best_name, best_at = name, at
        phrase = _boilerplate()[best_name]
        if best_at >= len(phrase):
            # The words are right: something follows them on the line.
            line, column = self.at_offset(offset + best_at)
            return self._unexpected(["_NL"], self._line_text(line)[column - 1 :], line, column)
        # The words that come next, from the start of the word where the text stops.
        goes_on = " ".join(phrase[phrase.rfind(" ", 0, best_at) + 1 :].split(" ")[:4])
        rest = text[offset + best_at :]
        if not rest.strip():
            # The words are right as far as they go: the text ends in the middle.
            line, column = self._error_position_at_end()
            return self.make(
                "IMR201",
                f"the letter ends in the middle of {_describe(best_name)}, before '{goes_on}'",
                line,
                column,
                expected=f"'{goes_on}'",
                found="end of input",
            )
        if phrase[best_at - 1 : best_at] == " " and text[offset + best_at - 1 :].startswith("\n\n"):
            # The words are right, but an empty line parts them: a paragraph break. (The
            # line break before it stood for the space, so the words part here.)
            line, column = self.at_offset(offset + best_at + 1)
            return self.make(
                "IMR301",
                f"a paragraph break is not allowed inside {_describe(best_name)}: its words "
                f"go on here, '{goes_on}', in the same paragraph",
                line,
                column,
                expected=f"'{goes_on}' in the same paragraph",
                found="an empty line before it",
            )
        # Report from the start of the word that differs.
        start = phrase.rfind(" ", 0, best_at) + 1
        line, column = self.at_offset(offset + start)
        found = text[offset + start : offset + start + 200].split()
        expected_words = phrase[start:].split(" ")[:3]
        if best_at == 0 and not self._similar(self._line_text(line), phrase):
            return self.make(
                "IMR201",
                f"expected {_describe(best_name)}, found '{_short(self._line_text(line))}'",
                line,
                column,
                expected=_describe(best_name),
                found=_short(self._line_text(line)),
            )
        if expected_words == found[:3]:
            # The words agree and only their layout parts them (never say that what was
            # found was expected).
            return self.make(
                "IMR301",
                f"{_describe(best_name)} is laid out wrongly here: its words go on, "
                f"'{' '.join(expected_words)}', where a line or paragraph break cannot be",
                line,
                column,
                expected=" ".join(expected_words),
                found="a break before it",
            )
        return self.make(
            "IMR301",
            f"boilerplate differs from the format: expected '{' '.join(expected_words)}', "
            f"found '{' '.join(found[:3])}'",
            line,
            column,
            expected=" ".join(expected_words),
            found=" ".join(found[:3]),
        )

    # ---- near-misses of headings and labels -----------------------------------------------

    def _near_miss(self, error_line: int) -> Diagnostic | None:
        """The first line before the error that nearly, but not exactly, starts with a heading
        or label: a misspelt heading is read as free text, so Lark fails only later."""
        phrases = [
            (name, phrase)
            for name, phrase in _boilerplate().items()
            if len(phrase) < 120 and name not in _header_labels()
        ]
        first = max(1, error_line - _SCAN_LINES)
        for line in range(first, min(error_line, len(self.lines)) + 1):
            text = self.lines[line - 1]
            if not text or len(text) > 400:
                continue
            for name, phrase in phrases:
                # (A phrase may wrap onto the next lines of its paragraph.)
                head = self._paragraph_from(line, len(phrase))
                if head == phrase or not self._similar(head, phrase):
                    continue
                return self._wording([name], self._offset_of(line), line, 1)
        return None

    def _paragraph_from(self, line: int, length: int) -> str:
        """The first ``length`` characters of the paragraph text from ``line`` on, its line
        breaks read as the spaces they stand for."""
        parts: list[str] = []
        size = 0
        while line <= len(self.lines) and self.lines[line - 1] and size < length:
            parts.append(self.lines[line - 1])
            size += len(self.lines[line - 1]) + 1
            line += 1
        return " ".join(parts)[:length]

    @staticmethod
    def _similar(text: str, phrase: str) -> bool:
        import difflib  # here: only a near-miss needs it, and every start would pay for it

        matcher = difflib.SequenceMatcher(None, text, phrase, autojunk=False)
        # Cheapest bound first: most lines are nowhere near a heading.
        return (
            matcher.real_quick_ratio() >= _NEAR_MISS
            and matcher.quick_ratio() >= _NEAR_MISS
            and matcher.ratio() >= _NEAR_MISS
        )

    # ---- small readers --------------------------------------------------------------------

    def _offset_of(self, line: int) -> int:
        return sum(len(text) + 1 for text in self.lines[: line - 1])

    def _line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def _word_at(self, offset: int) -> str:
        match = re.compile(r"[^\s]*").match(self.normal.text, offset)
        return match.group(0) if match else ""


def diagnose(error: UnexpectedInput, normal: NormalText) -> Diagnostic:
    """The diagnostic for the first place where ``normal`` departs from the grammar."""
    return _Diagnoser(normal).diagnose(error)
