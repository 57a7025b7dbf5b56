"""The IMR organization's letters of other shapes (LETTER-FORMAT §2, "Other documents") are told
apart by their own headings and get their own error, IMR110, at that heading; a Final
Determination Letter never does, whatever other headings it quotes.

The documents here are written after the letters MAXIMUS issued in 2013, before the Final
Determination Letter's format: a page list of lines each ("" is an empty line of the page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import layouts
import pytest
from click.testing import CliRunner
from pdfs import pdf_of_pages

import imrparse
from imrparse.cli import main
from imrparse.diagnose import not_a_letter

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"
OPENING = "HOW THE IMR FINAL DETERMINATION WAS MADE"

Pages = list[list[str]]

# The 2013 notice: the letterhead, the notice's title, then (on a later page) its decision and
# rationale. It quotes phrases a Final Determination Letter has too.
NOTICE_2013: Pages = [
    [
        "MAXIMUS FEDERAL SERVICES, INC.",
        "Notice of Independent Medical Review Determination",
        "Dated: 10/18/2013",
        "",
        "IMR Case Number: CM13-0004417          Date of Injury: 03/12/2011",
        "Claims Number: [redacted]              UR Denial Date: 08/27/2013",
        "Priority: Standard                     Application Received: 09/09/2013",
        "Employee Name: [redacted]",
        "Provider Name: [redacted]",
        "Treatment(s) in Dispute Listed on IMR Application:",
        "Lumbar epidural steroid injection at L4-5; physical therapy, 12 sessions",
        "",
        "DEAR [redacted],",
        "",
        "MAXIMUS Federal Services, Inc. has completed the Independent Medical Review of the",
        "above workers' compensation case. This notice gives the determination for each of",
        "the treatments and services in dispute:",
        "1) MAXIMUS Federal Services, Inc. has determined the request for a lumbar epidural",
        "steroid injection at L4-5 is not medically necessary and appropriate.",
        "2) MAXIMUS Federal Services, Inc. has determined the request for physical therapy,",
        "12 sessions, is medically necessary and appropriate.",
        "",
        "This determination is final and binding on all parties.",
    ],
    [
        "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
        "An application for Independent Medical Review was filed on 9/9/2013 disputing the",
        "Utilization Review Denial dated 8/27/2013. A Notice of Assignment and Request for",
        "Information was provided to the above parties on 9/16/2013.",
        "",
        "Medical Qualifications of the Expert Reviewer:",
        "The independent Medical Doctor who made the decision has no affiliation with the",
        "employer, employee, providers or the claims administrator. The physician reviewer is",
        "Board Certified in Physical Medicine and Rehabilitation and is licensed to practice in",
        "California.",
        "",
        "CLINICAL CASE SUMMARY",
        "The patient is a 52 year-old male with a date of injury of 3/12/2011. He reports low",
        "back pain radiating to the left leg, with numbness of the left foot.",
        "",
        "1) Regarding the request for a lumbar epidural steroid injection at L4-5:",
        "Medical Treatment Guideline(s) Used by the Claims Administrator:",
        "MTUS Chronic Pain Medical Treatment Guidelines, Epidural steroid injections, page 46.",
        "Decision rationale: Radiculopathy is not corroborated by imaging or electrodiagnostic",
        "testing, as the guidelines require. The request is not medically necessary.",
    ],
]

# The form with a "MEDICAL PROFESSIONAL REVIEW" section and the issues "AT DISPUTE".
PROFESSIONAL_REVIEW: Pages = [
    [
        "INDEPENDENT MEDICAL REVIEW",
        "MAXIMUS Federal Services, Inc.",
        "P.O. Box 138009, Sacramento, CA 95813-8009",
        "",
        "IMR Case Number: CM13-0011853",
        "Date of Injury: 06/04/2012",
        "UR Denial Date: 09/03/2013",
        "Priority: Standard",
        "",
        "MEDICAL PROFESSIONAL REVIEW",
        "The Expert Reviewer is Board Certified in Orthopaedic Surgery and is licensed to",
        "practice in California. He/she has been in active clinical practice for more than",
        "five years and is currently working at least 24 hours a week in active practice.",
        "The Expert Reviewer has no affiliation with the employer, employee, providers or the",
        "claims administrator.",
        "",
        "CLINICAL CASE SUMMARY",
        "The claimant is a 46 year old woman who injured her right shoulder lifting a box on",
        "6/4/2012. Six months of physical therapy and two corticosteroid injections gave",
        "short relief. An MRI shows impingement without a full-thickness tear.",
        "",
        "ISSUE AT DISPUTE:",
        "1. Is a right shoulder arthroscopy with subacromial decompression medically",
        "necessary and appropriate?",
        "",
        "DECISION: The requested surgery is medically necessary and appropriate.",
        "Decision rationale: ACOEM Chapter 9 supports decompression after three to six",
        "months of conservative care that failed, with imaging that shows impingement.",
    ],
]

# The form that lists the documents reviewed and then "IMR DECISION(S) AND RATIONALE(S)"; it
# opens with a case header like a Final Determination Letter's.
DOCUMENTS_REVIEWED: Pages = [
    [
        "Case Number: CM13-0020318  Date Assigned: 11/04/2013",
        "Date of Injury: 02/19/2010  Decision Date: 12/20/2013",
        "UR Denial Date: 10/15/2013  Priority: Standard",
        "Application Received: 10/24/2013",
        "",
        "  DOCUMENTS REVIEWED",
        "1. Application for Independent Medical Review",
        "2. Utilization Review Determination dated 10/15/2013",
        "3. Medical Treatment Utilization Schedule (MTUS)",
        "4. Medical records from the claims administrator and the treating physician",
        "",
        "CLINICAL CASE SUMMARY",
        "The expert reviewer developed the following clinical case summary based on a review",
        "of the case file, including all medical records:",
        "The injured worker is a 61 year old male with chronic neck pain since a fall on",
        "2/19/2010. He takes Norco 10/325 mg three times a day; no pain scores or functional",
        "gains are recorded at the last three visits.",
    ],
    [
        "IMR DECISION(S) AND RATIONALE(S)",
        "1. Norco 10/325 mg #90 is not medically necessary and appropriate.",
        "Guidelines Used by Claims Administrator (Utilization Review):",
        "MTUS Chronic Pain Medical Treatment Guidelines, Opioids, pages 76-80.",
        "MAXIMUS guideline: The Expert Reviewer found the guidelines used by the Claims",
        "Administrator relevant and appropriate.",
        "Decision rationale: Ongoing opioid treatment calls for documented pain relief,",
        "functional improvement and monitoring for aberrant behavior; the records show none.",
    ],
]

# (name, pages, the heading the error must point at, words the message must use for the kind)
KINDS = [
    ("notice-2013", NOTICE_2013, "Notice of Independent Medical Review Determination", "2013"),
    ("professional-review", PROFESSIONAL_REVIEW, "MEDICAL PROFESSIONAL REVIEW", "before 2014"),
    ("documents-reviewed", DOCUMENTS_REVIEWED, "DOCUMENTS REVIEWED", "before 2014"),
]


# ---- layouts (LETTER-FORMAT §3) ---------------------------------------------------------------


def plain(pages: Pages) -> str:
    """One line per line, an empty line for an empty line, form feeds between pages."""
    return "\n\f".join("\n".join(page) for page in pages) + "\n"


def pypdf(pages: Pages) -> str:
    """pypdf's shape with CRLF: a trailing space on every line, a one-space line for an empty
    line of the page, pages joined by a form feed."""
    return "\f".join("".join(f"{line.rstrip()} \r\n" for line in page) for page in pages)


def double_spaced(pages: Pages) -> str:
    """The seed's shape: pypdf's lines, each followed by an empty line, and one more empty line
    at a page break."""
    return "\n".join("".join(f"{line.rstrip()} \n\n" for line in page) for page in pages)


def headings_wrapped(pages: Pages) -> str:
    """A narrow column: each kind's first heading wrapped at every space."""
    text = plain(pages)
    for _, _, heading, _ in KINDS:
        text = text.replace(heading, heading.replace(" ", "\n"))
    return text


LAYOUTS: dict[str, Callable[[Pages], str]] = {
    "plain": plain,
    "pypdf-crlf": pypdf,
    "double-spaced": double_spaced,
    "headings-wrapped": headings_wrapped,
}


def where(text: str, heading: str) -> tuple[int, int]:
    """The line and column of ``heading`` in ``text`` (its words apart by any whitespace),
    counting lines as an editor does: a CRLF, CR or LF ends one; a form feed does not."""
    match = re.search(r"\s+".join(map(re.escape, heading.split())), text)
    assert match is not None, heading
    before = re.split(r"\r\n|\r|\n", text[: match.start()])
    return len(before), len(before[-1]) + 1


def first_problem(text: str) -> imrparse.Diagnostic:
    diagnostics = imrparse.validate(text)
    assert diagnostics, "no problem found"
    return diagnostics[0]


# ---- the other shapes are named, at their heading ---------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("name", "pages", "heading", "kind"), KINDS, ids=[k[0] for k in KINDS])
def test_other_kind_of_imr_letter_is_reported_at_its_own_heading(
    layout: str, name: str, pages: Pages, heading: str, kind: str
) -> None:
    text = LAYOUTS[layout](pages)
    problem = first_problem(text)
    assert problem.code == "IMR110"
    assert (problem.line, problem.column) == where(text, heading)
    assert problem.excerpt == re.split(r"\r\n|\r|\n", text)[problem.line - 1]
    assert f"'{heading}'" in problem.message
    assert kind in problem.message
    assert "imrparse reads only Final Determination Letters" in problem.message


@pytest.mark.parametrize(
    ("pages", "line", "column"),
    [(NOTICE_2013, 2, 1), (PROFESSIONAL_REVIEW, 10, 1), (DOCUMENTS_REVIEWED, 6, 3)],
    ids=[k[0] for k in KINDS],
)
def test_other_kind_of_imr_letter_is_reported_at_the_line_and_column_of_its_heading(
    pages: Pages, line: int, column: int
) -> None:
    for text in (plain(pages), pypdf(pages)):
        problem = first_problem(text)
        assert (problem.code, problem.line, problem.column) == ("IMR110", line, column)


@pytest.mark.parametrize("pages", [k[1] for k in KINDS], ids=[k[0] for k in KINDS])
def test_other_kind_of_imr_letter_is_one_error_never_a_boilerplate_mismatch(pages: Pages) -> None:
    # Each holds "CLINICAL CASE SUMMARY" and "Decision rationale:", headings of a letter:
    # without IMR110 the parse would go on and fail at line 1 on the boilerplate.
    assert [d.code for d in imrparse.validate(plain(pages))] == ["IMR110"]


@pytest.mark.parametrize(
    ("pages", "heading"),
    [
        (NOTICE_2013, "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"),
        (PROFESSIONAL_REVIEW, "ISSUE AT DISPUTE:"),
        (DOCUMENTS_REVIEWED, "IMR DECISION(S) AND RATIONALE(S)"),
    ],
    ids=[k[0] for k in KINDS],
)
def test_each_shape_is_recognized_by_its_second_heading_alone(pages: Pages, heading: str) -> None:
    # A first page lost, or a heading worded differently: the other heading still tells.
    first = {"Notice of", "MEDICAL PROFESSIONAL", "DOCUMENTS REVIEWED"}
    kept = [
        [line for line in page if not any(line.strip().startswith(f) for f in first)]
        for page in pages
    ]
    text = plain(kept)
    problem = first_problem(text)
    assert problem.code == "IMR110"
    assert (problem.line, problem.column) == where(text, heading)
    assert f"'{heading}'" in problem.message


def test_byte_order_mark_takes_no_column_as_in_every_other_diagnostic() -> None:
    # The heading on the first line, indented by two spaces.
    text = plain([DOCUMENTS_REVIEWED[0][5:], *DOCUMENTS_REVIEWED[1:]])
    for variant in (text, "\ufeff" + text):
        problem = first_problem(variant)
        assert (problem.code, problem.line, problem.column) == ("IMR110", 1, 3)
        assert problem.excerpt == "  DOCUMENTS REVIEWED"


def test_other_kind_of_imr_letter_in_a_file_is_reported_the_same_in_every_encoding() -> None:
    for data in (
        b"\xef\xbb\xbf" + pypdf(NOTICE_2013).encode("utf-8"),
        plain(NOTICE_2013).encode("utf-16"),
        plain(NOTICE_2013).replace("workers'", "workers\u2019").encode("cp1252"),
    ):
        with pytest.raises(imrparse.LetterError) as caught:
            imrparse.parse_bytes(data)
        assert (caught.value.first.code, caught.value.first.line) == ("IMR110", 2)


def test_other_kind_of_imr_letter_as_a_pdf_is_reported_on_its_page() -> None:
    # Without its title, the notice is known by the heading at the top of its second page.
    pages = [[line for line in page if not line.startswith("Notice of")] for page in NOTICE_2013]
    document = imrparse.load_document(pdf_of_pages(pages))
    problem = document.validate()[0]
    assert (problem.code, problem.page, problem.line, problem.column) == ("IMR110", 2, 1, 1)


DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_errors_md_shows_what_imrparse_validate_prints_for_other_kinds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (DOCS / "ERRORS.md").read_text(encoding="utf-8")
    section = doc[doc.index("### IMR110") :]
    example = section[section.index("```\n") + 4 : section.index("\n```", section.index("```\n"))]
    monkeypatch.chdir(tmp_path)
    shown = []
    for name, pages in (
        ("notice-2013.txt", NOTICE_2013),
        ("docs-reviewed.txt", DOCUMENTS_REVIEWED),
    ):
        Path(name).write_text(plain(pages), encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", name])
        assert result.exit_code == 1
        shown.append(result.stdout.rstrip("\n"))
    assert "\n".join(shown) == example


def test_bad_input_md_row_for_another_kind_of_imr_letter_is_what_the_user_sees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = next(
        line
        for line in (DOCS / "BAD-INPUT.md").read_text(encoding="utf-8").splitlines()
        if "`notice-2013.txt`" in line
    )
    exit_code, message = (c.strip() for c in row.strip().strip("|").split("|")[2:])
    monkeypatch.chdir(tmp_path)
    Path("notice-2013.txt").write_text(plain(NOTICE_2013), encoding="utf-8")
    result = CliRunner().invoke(main, ["notice-2013.txt"])
    assert result.exit_code == int(exit_code)
    assert result.stderr.splitlines()[0] == message.strip("`")


# ---- what is not another kind -----------------------------------------------------------------


def _real_letters() -> list[Path]:
    return sorted(REAL.glob("*.txt"))


@pytest.mark.parametrize("path", _real_letters(), ids=lambda p: p.stem)
def test_real_letter_is_not_taken_for_another_kind(path: Path) -> None:
    assert not_a_letter(path.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(
    "layout",
    [layouts.plain, layouts.unwrapped, layouts.double_spaced_with_footers, layouts.noisy_spaces],
    ids=lambda f: f.__name__,
)
def test_seed_letter_in_every_layout_is_not_taken_for_another_kind(
    layout: Callable[[], str],
) -> None:
    assert not_a_letter(layout()) is None


def test_letter_that_quotes_the_other_shapes_headings_is_still_a_letter() -> None:
    # Above its opening heading, and inside its summary, on lines of their own.
    seed = layouts.plain()
    quoted = "\n".join(heading for _, _, heading, _ in KINDS) + "\n"
    text = quoted + seed.replace("CLINICAL CASE SUMMARY\n", "CLINICAL CASE SUMMARY\n" + quoted)
    assert not_a_letter(text) is None


def test_opening_heading_anywhere_makes_it_a_final_determination_letter() -> None:
    text = plain(NOTICE_2013) + "\f" + OPENING + "\n"
    assert not_a_letter(text) is None


def test_opening_heading_hidden_by_invisible_characters_still_counts() -> None:
    text = plain(DOCUMENTS_REVIEWED) + "HOW THE IMR FINAL DETER\u00adMINATION WAS MADE\n"
    assert not_a_letter(text) is None


def test_misspelt_opening_heading_above_another_shapes_heading_is_left_to_the_full_parse() -> None:
    seed = layouts.plain().replace(OPENING, "HOW THE IMR FINALE DETERMINATION WAS MADE")
    text = seed.replace("CLINICAL CASE SUMMARY\n", "CLINICAL CASE SUMMARY\nDOCUMENTS REVIEWED\n")
    assert not_a_letter(text) is None
    assert "IMR110" not in {d.code for d in imrparse.validate(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Notes of a call.\nThe reviewer listed the DOCUMENTS REVIEWED below.\n",
        "Notes of a call.\nDOCUMENTS REVIEWEDX\nnothing else\n",
        "Notes of a call.\ndocuments reviewed\n",
        "Notes.\n" + "x" * 20_000 + "\nMEDICAL PROFESSIONAL REVIEW\n",
    ],
    ids=["mid-sentence", "run on into a word", "other letter case", "far below the top"],
)
def test_heading_only_counts_at_the_start_of_a_line_near_the_top(text: str) -> None:
    problem = not_a_letter(text)
    assert problem is not None
    assert problem.code == "IMR104"


def test_other_agencys_imr_decision_is_still_not_an_imr_letter_at_all() -> None:
    text = (
        "DEPARTMENT OF MANAGED HEALTH CARE\nINDEPENDENT MEDICAL REVIEW\nFINAL DETERMINATION\n\n"
        "The enrollee requested coverage of an MRI of the lumbar spine.\n"
    )
    problem = not_a_letter(text)
    assert problem is not None
    assert problem.code == "IMR104"
