"""Hand-built letters for tests: the seed's boilerplate around chosen slots, canonical layout."""

from __future__ import annotations

from dataclasses import dataclass

INDEPENDENCE = (
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no "
    "affiliation with the employer, employee, providers or the claims administrator. He/she has "
    "been in active clinical practice for more than five years and is currently working at least "
    "24 hours a week in active practice. The expert reviewer was selected based on his/her "
    "clinical experience, education, background, and expertise in the same or similar "
    "specialties that evaluate and/or treat the medical condition and disputed items/Service. "
    "He/she is familiar with governing laws and regulations, including the strength of evidence "
    "hierarchy that applies to Independent Medical Review determinations."
)

HEADER_TWO_PER_LINE = (
    "Case Number: CM15-0073947      Date Assigned: 04/21/2015\n"
    "Date of Injury: 05/20/2014      Decision Date: 05/27/2015\n"
    "UR Denial Date: 04/13/2015      Application Received: 04/17/2015\n"
    "Priority: Standard\n"
)

HEADER_ONE_PER_LINE = (
    "Priority: Expedited\n"
    "Decision Date: 05/27/2015\n"
    "Case Number: CM15-0073947\n"
    "UR Denial Date: 04/13/2015\n"
    "Application Received: 04/17/2015\n"
    "Date Assigned: 04/21/2015\n"
    "Date of Injury: 05/20/2014\n"
)


@dataclass(frozen=True)
class Item:
    item: str
    decision: str = "Upheld"
    claims_administrator: str = "Decision based on MTUS Chronic Pain Page(s): 1-2."
    maximus: str = "Decision based on Non-MTUS Citation ODG Pain Chapter."
    rationale: str = "The request is not medically necessary."


def letter(
    items: list[Item],
    *,
    header: str = "",
    summary: str = "The injured worker is a 44 year old male, injured on 05/20/2014.",
    licensure: str = "California",
    specialties: str = "Internal Medicine",
) -> str:
    """A letter in the canonical layout: one paragraph per line, blank lines between them."""
    parts = [
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        INDEPENDENCE,
        "The Expert Reviewer has the following credentials:\n"
        f"State(s) of Licensure: {licensure}\n"
        f"Certification(s)/Specialty: {specialties}",
        "CLINICAL CASE SUMMARY\nThe expert reviewer developed the following clinical case "
        "summary based on a review of the case file, including all medical records:",
        summary,
        "IMR ISSUES, DECISIONS AND RATIONALES\nThe Final Determination was based on decisions "
        "for the disputed items/services set forth below:",
    ]
    for it in items:
        parts += [
            f"{it.item}: {it.decision}",
            f"Claims Administrator guideline: {it.claims_administrator}",
            f"MAXIMUS guideline: {it.maximus}",
            f"Decision rationale: {it.rationale}",
        ]
    return header + "\n\n".join(parts) + "\n"
