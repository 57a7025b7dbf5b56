"""Hostile PDFs, small on disk and huge inside, written byte by byte (issue 13, item 5).

No PDF library would write these: a few kilobytes of flate data that inflate to tens of
megabytes, one content stream drawn by thousands of pages, a hundred thousand pages. So this
module is a small PDF writer of its own: numbered objects, a cross-reference table, a trailer,
every page in one flat page tree, Helvetica (a standard font, nothing embedded) for the text.
`benchmarks/hostile.py` feeds them to fresh processes; `tests/test_hostile.py` checks that each
is refused in bounded work.

Every builder is deterministic (same arguments, same bytes) and takes its sizes as arguments,
so that the tests can use small versions of the same shapes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

__all__ = [
    "MB",
    "SPACE",
    "TEXT_OP",
    "flate",
    "huge_string_pdf",
    "long_text_pdf",
    "many_pages_pdf",
    "nested_forms_pdf",
    "pages_of_flate_pdf",
    "shared_stream_pdf",
    "text_pdf",
    "twice_inflated_pdf",
    "write_pdf",
]

MB = 1_000_000
#: A content stream's unit that draws: a word shown where the last one ended (each is a text
#: object of its own to PDFium).
TEXT_OP = b"(Hostile) Tj\n"
#: A content stream's unit that draws nothing (and inflates a thousand to one).
SPACE = b" "
# What the writer puts in each page's resources: the standard font every viewer has.
_FONT = b"<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>"


def flate(data: bytes | Iterable[bytes]) -> bytes:
    """Data (or its pieces, so that 70 MB need never be held at once) as a zlib stream."""
    if isinstance(data, bytes):
        return zlib.compress(data, 9)
    packer = zlib.compressobj(9)
    return b"".join([*(packer.compress(piece) for piece in data), packer.flush()])


def _repeated(unit: bytes, size: int) -> Iterable[bytes]:
    """``size`` bytes of ``unit`` over and over, a megabyte at a time."""
    chunk = unit * (MB // len(unit))
    for _ in range(size // len(chunk)):
        yield chunk
    yield unit * ((size % len(chunk)) // len(unit) + 1)


def _stream(data: bytes, *, compressed: bool) -> bytes:
    head = b"<</Length %d%s>>" % (len(data), b"/Filter/FlateDecode" if compressed else b"")
    return head + b"stream\n" + data + b"\nendstream"


def write_pdf(pages: Sequence[int], objects: dict[int, bytes]) -> bytes:
    """A PDF of these objects (number -> body), whose page tree holds the page objects
    ``pages``. Objects 1 (the catalog) and 2 (the page tree) are written here."""
    kids = b" ".join(b"%d 0 R" % number for number in pages)
    bodies = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Count %d/Kids[%s]/MediaBox[0 0 612 792]/Resources %s>>"
        % (len(pages), kids, _FONT),
        **objects,
    }
    out = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    size = len(out[0])
    offsets: dict[int, int] = {}
    for number in sorted(bodies):
        offsets[number] = size
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
        out.append(chunk)
        size += len(chunk)
    count = max(bodies) + 1
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
    xref += [
        b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        for number in range(1, count)
    ]
    out += xref
    out.append(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (count, size))
    return b"".join(out)


def _page(content: int) -> bytes:
    return b"<</Type/Page/Parent 2 0 R/Contents %d 0 R>>" % content


def text_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """An ordinary PDF: each page its lines of text, 14 points apart from the top margin."""
    objects: dict[int, bytes] = {}
    numbers = []
    for index, lines in enumerate(pages):
        number = 3 + 2 * index
        content = b"BT /F1 10 Tf 14 TL 72 720 Td\n" + b"".join(
            b"(%s) '\n" % line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)")
            for line in lines
        )
        objects[number] = _page(number + 1)
        objects[number + 1] = _stream(flate(content + b"ET\n"), compressed=True)
        numbers.append(number)
    return write_pdf(numbers, objects)


def pages_of_flate_pdf(pages: int, inflated: int, unit: bytes = TEXT_OP) -> bytes:
    """``pages`` pages, each with a content stream of its own that shows a word and inflates
    to ``inflated`` bytes of ``unit`` (the same compressed bytes in each object)."""
    data = flate(
        [b"BT /F1 10 Tf 72 720 Td (Hostile) Tj\n", *_repeated(unit, inflated), b"\nET\n"],
    )
    objects: dict[int, bytes] = {}
    for index in range(pages):
        number = 3 + 2 * index
        objects[number] = _page(number + 1)
        objects[number + 1] = _stream(data, compressed=True)
    return write_pdf([3 + 2 * index for index in range(pages)], objects)


def _huge_string_stream(inflated: int) -> bytes:
    # One string operand of ``inflated`` bytes, shown once.
    return _stream(
        flate([b"BT /F1 10 Tf 72 720 Td (", *_repeated(b"A", inflated), b") Tj ET\n"]),
        compressed=True,
    )


def huge_string_pdf(inflated: int) -> bytes:
    """One page whose content stream shows one string of ``inflated`` bytes."""
    return write_pdf([3], {3: _page(4), 4: _huge_string_stream(inflated)})


def shared_stream_pdf(pages: int, inflated: int) -> bytes:
    """``pages`` pages that all draw the same content stream: one string of ``inflated``
    bytes."""
    objects = {4: _huge_string_stream(inflated)}
    numbers = [5 + index for index in range(pages)]
    objects.update({number: _page(4) for number in numbers})
    return write_pdf(numbers, objects)


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` pages, each showing one word (one shared content stream)."""
    content = _stream(b"BT /F1 10 Tf 72 720 Td (Page) Tj ET", compressed=False)
    numbers = [5 + index for index in range(pages)]
    return write_pdf(numbers, {4: content, **{number: _page(4) for number in numbers}})


def twice_inflated_pdf(inflated: int) -> bytes:
    """One page whose content stream is deflated twice (``/Filter [/FlateDecode
    /FlateDecode]``): a kilobyte that inflates to ``inflated`` bytes of text-showing
    operators."""
    once = flate([b"BT /F1 10 Tf 72 720 Td\n", *_repeated(TEXT_OP, inflated), b"ET\n"])
    twice = flate(once)
    stream = b"<</Length %d/Filter[/FlateDecode/FlateDecode]>>stream\n%s\nendstream" % (
        len(twice),
        twice,
    )
    return write_pdf([3], {3: _page(4), 4: stream})


def nested_forms_pdf(levels: int, fan: int = 10) -> bytes:
    """One page that draws a form, which draws another ``fan`` times, and so on ``levels``
    deep, the last one showing a word: ``fan ** levels`` words from a two-kilobyte PDF."""
    font = b"<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>"
    objects: dict[int, bytes] = {}
    for level in range(levels + 1):
        body = b" ".join([b"/X Do"] * fan) if level else b"BT /F1 10 Tf 72 720 Td (Hostile) Tj ET"
        resources = b"<</XObject<</X %d 0 R>>>>" % (9 + level) if level else font
        head = b"<</Type/XObject/Subtype/Form/BBox[0 0 612 792]/Resources%s/Length %d>>" % (
            resources,
            len(body),
        )
        objects[10 + level] = head + b"stream\n" + body + b"\nendstream"
    top = 10 + levels
    objects[3] = (
        b"<</Type/Page/Parent 2 0 R/Contents 4 0 R/Resources<</XObject<</X %d 0 R>>>>>>" % top
    )
    objects[4] = _stream(b"/X Do", compressed=False)
    return write_pdf([3], objects)


def long_text_pdf(pages: int, chars_per_page: int) -> bytes:
    """``pages`` pages, each showing ``chars_per_page`` characters of text, in strings of at
    most 30,000 (PDFium reads no more of one string than 32,767)."""
    strings = [
        b"(" + b"x" * min(30_000, chars_per_page - start) + b") Tj\n"
        for start in range(0, chars_per_page, 30_000)
    ]
    data = flate(b"BT /F1 10 Tf 72 720 Td\n" + b"".join(strings) + b"ET\n")
    objects: dict[int, bytes] = {4: _stream(data, compressed=True)}
    numbers = [5 + index for index in range(pages)]
    objects.update({number: _page(4) for number in numbers})
    return write_pdf(numbers, objects)
