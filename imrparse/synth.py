"""Realistic synthetic records: the vocabulary of real letters, assembled by a `Chooser`.

One builder serves two masters. `imrparse.strategies` drives it with Hypothesis (so failures
shrink to small letters); `imrparse generate` drives it with a seeded `random.Random` (so the
same seed gives the same bytes, with no test library installed).

Every record built here is one the parser must give back exactly: the patient is stated only in
the summary's first sentence, citations are written in the form LETTER-FORMAT §4 reads, header
dates come in their natural order, and free text never starts a paragraph with a label. Within
those rules the text is deliberately hard: colons (even ``: Upheld``) in free text, label words
mid-sentence, parentheses, ``#``, ``%``, ``/``, curly quotes and dashes, long items that wrap,
up to 20 items, and guideline texts with no recognizable citation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Protocol, TypeVar

from .record import (
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
    Reviewer,
    Sex,
)

__all__ = ["MAX_ITEMS", "Chooser", "RandomChooser", "build_letter"]

_T = TypeVar("_T")

#: The most disputed items one generated letter holds.
MAX_ITEMS = 20


class Chooser(Protocol):
    """The choices a record is made of. Implementations: `RandomChooser`, and one in
    `imrparse.strategies` that draws from Hypothesis."""

    def choice(self, options: Sequence[_T]) -> _T: ...

    def integer(self, low: int, high: int) -> int: ...

    def chance(self, probability: float) -> bool:
        """True with roughly this probability; simplest (for shrinking) is False."""
        ...

    def word(self) -> str:
        """A short word of arbitrary Unicode letters and digits."""
        ...


class RandomChooser:
    """A `Chooser` over `random.Random`: the same seed gives the same choices."""

    # Letters and digits beyond ASCII that real letters carry (names, units, accents).
    _ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éñüçøµßÅΩж中"

    def __init__(self, seed: int | str, *, codec: str | None = None) -> None:
        """``codec``: only words whose characters that codec can encode (``"cp1252"`` for
        letters that must fit a PDF's standard fonts)."""
        self._random = random.Random(seed)
        self._alphabet = self._ALPHABET if codec is None else _encodable(self._ALPHABET, codec)

    def choice(self, options: Sequence[_T]) -> _T:
        return options[self._random.randrange(len(options))]

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def chance(self, probability: float) -> bool:
        return self._random.random() < probability

    def word(self) -> str:
        length = self._random.randint(1, 10)
        return "".join(self._random.choice(self._alphabet) for _ in range(length))


def _encodable(characters: str, codec: str) -> str:
    kept = []
    for character in characters:
        try:
            character.encode(codec)
        except UnicodeEncodeError:
            continue
        kept.append(character)
    return "".join(kept)


# ---- vocabulary -------------------------------------------------------------------------

STATES = (
    "California", "Nevada", "Arizona", "Oregon", "Washington", "Texas", "New York", "Maryland",
    "Florida", "Illinois", "Pennsylvania", "Ohio", "Michigan", "Georgia", "Colorado",
    "Massachusetts", "Virginia", "North Carolina", "New Jersey", "Utah", "District of Columbia",
)  # fmt: skip

SPECIALTIES = (
    "Internal Medicine", "Rheumatology", "Orthopedic Surgery", "Orthopaedic Surgery",
    "Physical Medicine & Rehabilitation", "Pain Management", "Anesthesiology", "Family Practice",
    "Neurology", "Psychiatry", "Psychology", "Chiropractic", "Occupational Medicine",
    "Emergency Medicine", "Neurological Surgery", "Hand Surgery", "Sports Medicine",
    "Podiatry", "Acupuncture", "Preventive Medicine", "Spine Surgery", "Pain Medicine",
    "Psychiatry & Neurology", "Occupational/Environmental Medicine", "Plastic Surgery",
)  # fmt: skip

BODY_PARTS = (
    "lumbar spine", "cervical spine", "thoracic spine", "right shoulder", "left shoulder",
    "bilateral shoulders", "right knee", "left knee", "right wrist", "left wrist", "right hand",
    "left elbow", "right ankle", "left foot", "low back", "neck", "bilateral hips", "right hip",
)  # fmt: skip

DRUGS = (
    "Norco 10/325mg #120", "Tramadol ER 150mg #30", "Omeprazole 20mg #60",
    "Cyclobenzaprine 7.5mg #90", "Lidoderm 5% patch #30", "Gabapentin 600mg #90",
    "Naproxen sodium 550mg #60", "Terocin patches #20", "Ambien 10mg #30", "Oxycodone 15mg #180",
    "Celebrex 200mg #30", "Ketoprofen 20% cream 120gm", "Duexis 800/26.6mg #90",
    "Flurbiprofen 20%/Lidocaine 5% cream 180gm", "Soma 350mg #60", "Lyrica 75mg #60",
    "Butrans 10mcg/hr patch #4", "Fioricet #60", "Prilosec 20mg #30 with 2 refills",
)  # fmt: skip

_ITEM_FORMS = (
    "{drug}", "Retrospective request for {drug}", "1 prescription of {drug}",
    "Prospective request for {drug} (DOS: {date})", "Retrospective: {drug} (DOS: {date})",
    "Physical Therapy, {n} sessions (unspecified schedule), {Part}",
    "Physical therapy 2x4 for the {part}", "Chiropractic treatment x {n} sessions",
    "Acupuncture, {n} sessions for the {part}", "Aquatic therapy 3 times a week for 4 weeks",
    "Cognitive behavioral therapy, {n} sessions", "Work hardening program, 10 sessions",
    "TENS unit, 30-day rental", "Home H-wave device", "Lumbar support brace",
    "Cold therapy unit, purchase", "Interferential unit rental (months)", "Knee brace, hinged",
    "Hot/cold pack", "MRI of the {part} without contrast", "X-rays of the {part}, 3 views",
    "EMG/NCV of the bilateral upper extremities", "CT scan of the {part}",
    "Ultrasound of the {part}", "Cortisone injection to the {part}",
    "Trigger point injections x 4", "Toradol 60mg IM injection",
    "Platelet rich plasma injection, {part}", "Synvisc-One injection, {Part}",
    "Lumbar epidural steroid injection at L4-L5", "Medial branch block at L4-L5, L5-S1",
    "Right shoulder arthroscopy with subacromial decompression",
    "Left knee arthroscopic partial meniscectomy", "Carpal tunnel release, right wrist",
    "Anterior cervical discectomy and fusion C5-C6", "Functional capacity evaluation",
    "Urine drug screen", "Pain management consultation", "Orthopedic follow-up visit",
    "Home health care 4 hours/day, 7 days/week", "Gym membership, 6 months",
    "Functional restoration program, 160 hours", "Post-operative DME: cold therapy unit",
)  # fmt: skip

# MTUS parts as current (2016 on) letters cite them: name and edition. Names hold commas and
# "and"; none holds a four-digit number.
MTUS_PARTS = (
    ("Chronic Pain Medical Treatment", 2016), ("Low Back Complaints", 2004),
    ("Neck and Upper Back Complaints", 2004), ("Shoulder Complaints", 2004),
    ("Knee Complaints", 2004), ("Forearm, Wrist, and Hand Complaints", 2004),
    ("Elbow Disorders", 2007), ("Ankle and Foot Complaints", 2004), ("Opioid Treatment", 2016),
    ("Acupuncture Treatment", 2007), ("General Approaches", 2004),
    ("Postsurgical Treatment", 2009), ("Stress Related Conditions", 2004),
)  # fmt: skip

# Section names as letters print them: commas, periods, colons, "&" and "®" inside; none
# holds ", and " or " and on the " (which would start another part or clause).
MTUS_SECTIONS = (
    "Summary", "Special Studies", "Initial Care", "Physical Methods", "Facet blocks",
    "Special Studies, Summary", "Opioids, specific drug list", "Office visits",
    "NSAIDs, GI symptoms & cardiovascular risk", "Manual therapy & manipulation",
    "Benzodiazepines, Benzodiazepine dependence, maintenance",
    "1.3 Opioids for Acute Pain: Severe Acute Injuries", "2. Opioids for Subacute Pain",
    "Proton Pump Inhibitors (PPIs)", "Lidoderm (lidocaine patch)", "Bupropion (Wellbutrin®)",
    "TENS, chronic pain (transcutaneous electrical nerve stimulation)",
    "Initial Approaches to Treatment", "Physical medicine treatment",
)  # fmt: skip

# Titles as older (2015) letters print them; none reads as a current-style part (no title
# ends in a year or holds "Section(s):"), none holds " Page(s): " or " and on the ".
MTUS_TITLES = (
    "Chronic Pain Medical Treatment Guidelines", "Chronic Pain Treatment Guidelines Opioids",
    "Chronic Pain Treatment Guidelines Physical Medicine",
    "Chronic Pain Medical Treatment Guidelines Topical Analgesics",
    "Chronic Pain Medical Treatment Guidelines NSAIDs, GI symptoms & cardiovascular risk",
    "Chronic Pain Medical Treatment Guidelines Muscle relaxants (for pain)",
    "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12 Low Back Complaints",
    "ACOEM Occupational Medicine Practice Guidelines, Chapter 13, Knee Complaints",
    "ACOEM, Chapter 8, Neck and Upper Back Complaints, Special Studies",
    "Postsurgical Treatment Guidelines", "Chronic Pain Treatment Guidelines TENS",
    "Chronic Pain Treatment Guidelines Epidural steroid injections (ESIs)",
)  # fmt: skip

# Non-MTUS titles as letters print them: periods, colons, semicolons, URLs inside; none holds
# "Decision based on", " and on the ", or ends in a period.
NON_MTUS_TITLES = (
    "Official Disability Guidelines: Low Back - Physical Therapy Guidelines",
    "Official Disability Guidelines (ODG), Pain Chapter, Opioids",
    "ODG Knee & Leg (Acute & Chronic), Durable medical equipment (DME)",
    "Official Disability Guidelines (ODG) Pain (Chronic), Proton pump inhibitors (PPIs)",
    "Official Disability Guidelines (ODG), Mental Illness & Stress, Zolpidem (Ambien®)",
    "ACOEM Practice Guidelines, 3rd Edition (2011), Chapter 7 Independent Medical Examinations",
    "ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Low Back Disorders, pg. 607",
    "National Guideline Clearinghouse: Trigger point injections",
    "American College of Radiology Appropriateness Criteria",
    "ODG Shoulder (Acute & Chronic) – Surgery for impingement syndrome",
    "Official Disability Guidelines, Neck and Upper Back, Magnetic resonance imaging (MRI)",
    "http://www.drugs.com/famotidine.html",
    "University of Michigan Health System. Gastroesophageal reflux disease (GERD). Ann Arbor "
    "(MI): University of Michigan Health System; 2007 Jan. 10",
    "Official Disability Guidelines: Low Back - Trigger Point Impedance Imaging (TPII); "
    "Hyperstimulation analgesia",
    "ACOEM guidelines and the Official Disability Guidelines",
)  # fmt: skip

PAGES = ("98-99", "78-80", "111-113", "9", "63-66", "22", "303-305", "46, 47", "114", "8-9, 24")

# Who a guideline's fixed sentences name: either side may be written either way.
_WHO = ("The Claims Administrator", "The Expert Reviewer")
_OUTSIDE_MTUS = " based their decision on recommendation(s) outside of the MTUS Guidelines."
_NO_EVIDENCE = " did not cite any medical evidence for its decision."
_NOT_MTUS = "The Claims Administrator did not base their decision on the MTUS."

# A guideline text with no recognizable statement (basis, mtus null, and no citations).
UNCITED_GUIDELINES = (
    "The Claims Administrator based its decision on the MTUS Chronic Pain Medical Treatment "
    "Guidelines.",
    "Not applicable.",
    "The Claims Administrator cited ODG, which is not part of the MTUS; no page was given.",
    "MTUS 2009: Chronic Pain Medical Treatment Guidelines, page 79.",
)

# Sentences that may come before the statements and are none of them (kept in text only).
_LEADING_SENTENCES = (
    "The Claims Administrator based their decision on the MTUS.",
    "The MTUS is silent on this request.",
    "The MAXIMUS decision was not based on the ODG alone.",
)

_SEX_WORDS = {Sex.MALE: ("male", "man", "Male"), Sex.FEMALE: ("female", "woman", "Female")}

# The summary's first sentence states the patient: {age}, {sex}, {injury} are filled in.
_PATIENT_SENTENCES = (
    "The injured worker is a {age} year old {sex}, who sustained an industrial injury on {injury}.",
    "This {age}-year-old {sex} reported an industrial injury on {injury}.",
    "The patient is a {age} year-old {sex} with a date of injury of {injury}.",
    "The applicant is a {age} year old {sex} who was injured at work; date of injury {injury}.",
)
_AGE_ONLY_SENTENCES = (
    "The injured worker is a {age} year old {sex} with chronic pain.",
    "The patient is a {age}-year-old {sex} whose injury date is not stated.",
)
_INJURY_ONLY_SENTENCES = (
    "The injured worker sustained an industrial injury on {injury}.",
    "The claimant reported a date of injury of {injury} while lifting boxes.",
)
_NO_PATIENT_SENTENCES = (
    "The clinical records provided for review are limited.",
    "The claimant works as a warehouse associate.",
)

# Sentences for the rest of a summary: no age, no injury date (the first sentence has them).
SUMMARY_SENTENCES = (
    "On provider visit dated {date} the injured worker reported constant {part} pain.",
    "Diagnoses: {part} strain, myofascial pain and sleep disturbance.",
    "Treatment to date has included physical therapy, home exercise program and medication.",
    "The provider requested {item}.",
    "Pain was rated 7/10 without medication and 4/10 with medication (about 40% relief).",
    "An MRI of the {part} dated {date} showed a 3 mm disc protrusion at L4-L5.",
    "Medications included {drug}.",
    "On examination there was tenderness to palpation over the {part}, with decreased range of "
    "motion.",
    "The worker “feels better” with therapy – though work restrictions continue.",
    "The prior review on {date} found: Upheld for the {part}.",
    "Work status: temporarily totally disabled.",
    "Per the QME report, the injured worker’s condition is permanent and stationary.",
    "A urine drug screen on {date} was consistent — no aberrant behavior was noted.",
    "Note #{n} from the treating physician lists {drug} and a home exercise program.",
    "The treating physician’s request for authorization (RFA) was dated {date}.",
    "Symptoms include numbness/tingling of the {part}; {word} was also noted.",
)

RATIONALE_SENTENCES = (
    "Per the MTUS guidelines cited above, patients should be instructed and expected to "
    "continue active therapy at home.",
    "The medical necessity for the requested {item} is not adequately documented.",
    "The request for {item} is not indicated as medically necessary.",
    "The request for {item} is medically necessary and appropriate.",
    "The MAXIMUS guideline cited above supports this treatment when functional improvement is "
    "documented.",
    "The Claims Administrator guideline referenced was not applicable to this {part} condition.",
    "In the prior Decision rationale, the reviewer noted no objective functional gains.",
    "Guidelines recommend 8-10 visits over 4 weeks for neuralgia, neuritis and/or radiculitis.",
    "There is no documentation of a trial and failure of first-line therapy (e.g., NSAIDs).",
    "The prior determination: Upheld; the present records do not change that conclusion.",
    "Opioids may be continued if there has been improvement in pain and function (ODG, “Pain”).",
    "This {age} year old has complained of {part} pain since date of injury {date}.",
    "As of {date}, the worker had completed {n} sessions with 50% improvement.",
    "No red flags were documented; therefore, imaging is not supported at this time.",
    "Topical compounds containing {drug} are largely experimental — few randomized trials exist.",
    "Decision based on the records alone, the request cannot be certified.",
    "The {word} study was reviewed and does not alter this conclusion.",
)


# ---- building a record ------------------------------------------------------------------


def _date_text(choose: Chooser, date: dt.date) -> str:
    """A date in one of the forms letters write (LETTER-FORMAT §4)."""
    forms = [
        "{d.month}/{d.day}/{d.year}", "{d.month:02}/{d.day:02}/{d.year}",
        "{d.month}-{d.day}-{d.year}", "{d.month:02}-{d.day:02}-{d.year}",
        "{month} {d.day}, {d.year}",
    ]  # fmt: skip
    if 1950 <= date.year <= 2049:
        forms += ["{d.month}/{d.day}/{yy:02}", "{d.month:02}-{d.day:02}-{yy:02}"]
    # (Month names spelt out here: strftime's %B follows the locale.)
    month = _MONTH_NAMES[date.month - 1]
    return choose.choice(forms).format(d=date, yy=date.year % 100, month=month)


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _some_date(choose: Chooser, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=choose.integer(0, (high - low).days))


def _fill(choose: Chooser, template: str, age: int) -> str:
    part = choose.choice(BODY_PARTS)
    date = _some_date(choose, dt.date(2010, 1, 1), dt.date(2025, 12, 31))
    return template.format(
        part=part,
        Part=part.title(),
        date=_date_text(choose, date),
        drug=choose.choice(DRUGS),
        item=_item_base(choose),
        n=choose.integer(1, 24),
        age=age,
        word=choose.word(),
    )


def _item_base(choose: Chooser) -> str:
    part = choose.choice(BODY_PARTS)
    return choose.choice(_ITEM_FORMS).format(
        drug=choose.choice(DRUGS),
        part=part,
        Part=part.title(),
        n=choose.integer(1, 24),
        date=_date_text(choose, _some_date(choose, dt.date(2012, 1, 1), dt.date(2025, 12, 31))),
    )


# Requests whose count can be split: what was asked for, and what part was authorized.
_COUNTED_REQUESTS = (
    "Physical therapy for {n} sessions", "Acupuncture {n} sessions",
    "Chiropractic therapy sessions for the {part}, #{n}", "Norco 10/325mg #{n}",
    "Retrospective Cyclobenzaprine 7.5mg #{n}, per {date} order",
    "Aquatic therapy, {n} visits for the {part}", "Standard wheelchair for a {n} month rental",
)  # fmt: skip
# What a Claims Administrator authorizes instead of the request.
_ALTERNATIVES = (
    "a bath/shower chair for 1 month", "Skilled nursing facility for 7 days with PT/OT once a day",
    "a 30-day trial of a TENS unit", "Physical therapy 6 sessions", "a generic equivalent",
    "an MRI without contrast", "a one-month rental, leaving open the purchase",
)  # fmt: skip


def _authorized_item(choose: Chooser) -> tuple[str, Authorization]:
    """A partial authorization (LETTER-FORMAT §2, forms 2 and 3) and the item it leaves."""
    if choose.chance(0.8):
        form = choose.choice(_COUNTED_REQUESTS)
        part = choose.choice(BODY_PARTS)
        date = _date_text(choose, _some_date(choose, dt.date(2012, 1, 1), dt.date(2025, 12, 31)))
        asked = choose.integer(2, 60)
        given = choose.integer(1, asked - 1)
        original, authorized, remaining = (
            form.format(n=n, part=part, date=date) for n in (asked, given, asked - given)
        )
        return remaining, Authorization(original, authorized, AuthorizationKind.PORTION)
    original = _item_base(choose)
    remaining = original if choose.chance(0.5) else original[0].lower() + original[1:]
    authorization = Authorization(
        original, choose.choice(_ALTERNATIVES), AuthorizationKind.ALTERNATIVE
    )
    return remaining, authorization


def _item(choose: Chooser) -> str:
    item = _item_base(choose)
    if choose.chance(0.15):
        # A very long item, wrapping over several lines in any layout.
        item = (
            f"{item} and {_item_base(choose)}, with follow-up in 4-6 weeks as an outpatient "
            f"at the treating physician's facility for the {choose.choice(BODY_PARTS)}"
        )
    return item


def _paragraphs(choose: Chooser, pool: Sequence[str], age: int, first: str = "") -> str:
    paragraphs = []
    for index in range(choose.integer(1, 3) if choose.chance(0.5) else 1):
        count = choose.integer(1, 5)
        sentences = [_fill(choose, choose.choice(pool), age) for _ in range(count)]
        if index == 0 and first:
            sentences.insert(0, first)
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def _current_part(choose: Chooser) -> tuple[Citation, str]:
    """One MTUS part, current style: its citation and its words."""
    title, year = choose.choice(MTUS_PARTS)
    sections = choose.choice(MTUS_SECTIONS) if choose.chance(0.7) else None
    words = f"{title} {year}" + (" Guidelines" if choose.chance(0.15) else "")
    if sections is not None:
        words += f", Section(s): {sections}"
    return Citation(CitationSource.MTUS, title, year, sections), words


def _older_mtus(choose: Chooser) -> tuple[Citation, str]:
    """An MTUS citation, older style: a title, and maybe pages."""
    title = choose.choice(MTUS_TITLES)
    pages = choose.choice(PAGES) if choose.chance(0.7) else None
    words = f"MTUS {title}" if pages is None else f"MTUS {title} Page(s): {pages}"
    return Citation(CitationSource.MTUS, title, pages=pages), words


def _non_mtus(choose: Chooser) -> tuple[Citation, str]:
    title = choose.choice(NON_MTUS_TITLES)
    label = "Non-MTUS Citation" if choose.chance(0.85) else "Non-MTUS"
    return Citation(CitationSource.NON_MTUS, title), f"{label} {title}"


def _statements(choose: Chooser) -> tuple[list[str], list[Citation], Basis | None]:
    """The sentences of a guideline that cites or says what it rests on, with what they give."""
    who = choose.choice(_WHO)
    kind = choose.integer(0, 9)
    if kind <= 3:
        # Current style: one or more MTUS parts, maybe a Non-MTUS citation after them.
        parts = [_current_part(choose) for _ in range(choose.integer(1, 3) if kind == 3 else 1)]
        sentences = ["Decision based on MTUS " + ", and ".join(w for _, w in parts) + "."]
        citations = [c for c, _ in parts]
        if choose.chance(0.4):
            citation, words = _non_mtus(choose)
            sentences.append(f"Decision based on {words}.")
            citations.append(citation)
        return sentences, citations, Basis.CITATIONS
    if kind <= 5:
        # Outside the MTUS, usually with what it rests on instead.
        sentences = [who + _OUTSIDE_MTUS]
        if kind == 4:
            citation, words = _non_mtus(choose)
            return [*sentences, f"Decision based on {words}."], [citation], Basis.CITATIONS
        return sentences, [], Basis.OUTSIDE_MTUS
    if kind == 6:
        return [who + _NO_EVIDENCE], [], Basis.NO_EVIDENCE
    if kind == 7:
        citation, words = _non_mtus(choose)
        return [_NOT_MTUS, f"Decision based on {words}."], [citation], Basis.CITATIONS
    # Older style (2015): clauses joined by ", and on the " or " and on the ".
    clauses = [
        _older_mtus(choose) if choose.chance(0.5) else _non_mtus(choose)
        for _ in range(choose.integer(1, 3))
    ]
    text = "Decision based on " + clauses[0][1]
    for _, words in clauses[1:]:
        text += choose.choice((", and on the ", " and on the ")) + words
    return [text + "."], [c for c, _ in clauses], Basis.CITATIONS


def _guideline(choose: Chooser) -> Guideline:
    if choose.chance(0.08):
        return Guideline(choose.choice(UNCITED_GUIDELINES), None, None, ())
    sentences, citations, basis = _statements(choose)
    if choose.chance(0.2):
        sentences.insert(0, choose.choice(_LEADING_SENTENCES))
    # A long guideline text may run over two paragraphs, statement by statement.
    joiner = "\n\n" if len(sentences) > 1 and choose.chance(0.1) else " "
    mtus = any(c.source is CitationSource.MTUS for c in citations)
    return Guideline(joiner.join(sentences), basis, mtus, tuple(citations))


def _patient_and_first_sentence(choose: Chooser, injury: dt.date) -> tuple[Patient, str]:
    age = choose.integer(18, 80)
    sex = choose.choice((Sex.MALE, Sex.FEMALE))
    words = {"age": age, "sex": "", "injury": _date_text(choose, injury)}
    kind = choose.integer(0, 9)
    if kind == 7:
        return Patient(age, None, None), f"The injured worker is a {age} year old who fell."
    if kind == 8:
        words["sex"] = choose.choice(_SEX_WORDS[sex])
        return Patient(None, None, injury), choose.choice(_INJURY_ONLY_SENTENCES).format(**words)
    if kind == 9:
        return Patient(None, None, None), choose.choice(_NO_PATIENT_SENTENCES)
    words["sex"] = choose.choice(_SEX_WORDS[sex])
    if kind == 6:
        return Patient(age, sex, None), choose.choice(_AGE_ONLY_SENTENCES).format(**words)
    return Patient(age, sex, injury), choose.choice(_PATIENT_SENTENCES).format(**words)


def _case(choose: Chooser, injury: dt.date) -> CaseHeader:
    ur_denial = injury + dt.timedelta(days=choose.integer(30, 1500))
    received = ur_denial + dt.timedelta(days=choose.integer(1, 20))
    assigned = received + dt.timedelta(days=choose.integer(0, 10))
    decided = assigned + dt.timedelta(days=choose.integer(5, 40))
    number = f"CM{assigned.year % 100:02}-{choose.integer(0, 9_999_999):07}"
    priority = Priority.EXPEDITED if choose.chance(0.1) else Priority.STANDARD
    return CaseHeader(number, assigned, injury, decided, ur_denial, received, priority)


def _distinct(choose: Chooser, options: Sequence[str], most: int) -> tuple[str, ...]:
    chosen: list[str] = []
    for _ in range(choose.integer(1, most)):
        option = choose.choice(options)
        if option not in chosen:
            chosen.append(option)
    return tuple(chosen)


def build_letter(choose: Chooser) -> Letter:
    """A realistic record whose rendered letter parses back to exactly this record."""
    injury = _some_date(choose, dt.date(2000, 1, 1), dt.date(2020, 12, 31))
    case = _case(choose, injury) if choose.chance(0.6) else None
    patient, first = _patient_and_first_sentence(choose, injury)
    reviewer = Reviewer(_distinct(choose, STATES, 3), _distinct(choose, SPECIALTIES, 3))
    age = patient.age or 50
    summary = _paragraphs(choose, SUMMARY_SENTENCES, age, first)
    count = choose.integer(1, MAX_ITEMS) if choose.chance(0.1) else choose.integer(1, 4)
    determinations = tuple(_determination(choose, age) for _ in range(count))
    return Letter(case, reviewer, summary, patient, determinations)


def _determination(choose: Chooser, age: int) -> Determination:
    # About one item in ten is what is left of a partially authorized request.
    item, authorization = _authorized_item(choose) if choose.chance(0.12) else (_item(choose), None)
    return Determination(
        item=item,
        authorization=authorization,
        decision=choose.choice((Decision.UPHELD, Decision.OVERTURNED)),
        claims_administrator_guideline=_guideline(choose),
        maximus_guideline=_guideline(choose),
        rationale=_paragraphs(choose, RATIONALE_SENTENCES, age),
    )
