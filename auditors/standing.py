"""R-7 and R-16: may an auditor conduct an audit of an employer starting on a date? (pure)

The facts come in as plain values; the answer lists every reason it is no.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cor_portal.program.periods import add_months, valid_on

INTERNAL = "internal"
EXTERNAL = "external"
CERTIFIED = "certified"


@dataclass(frozen=True)
class Engagement:
    """A consulting engagement of the auditor with the employer in question."""

    started_on: date
    ended_on: date | None  # None: still going


@dataclass(frozen=True)
class AuditorFacts:
    status: str
    kind: str
    employer_id: int | None  # an internal auditor's employer
    certified_on: date | None
    expires_on: date | None
    declared_years: frozenset[int]


@dataclass(frozen=True)
class Standing:
    """The answer: eligible or not, with every reason when not."""

    eligible: bool
    reasons: tuple[str, ...]


def audit_standing(
    auditor: AuditorFacts,
    *,
    employer_id: int,
    starts_on: date,
    engagements: Sequence[Engagement] = (),
    cooling_off_months: int = 12,
) -> Standing:
    """Return whether the auditor may audit the employer from ``starts_on``, and why not.

    - the auditor is certified (not in training, a student, lapsed, suspended or retired);
    - the certification is valid on the start date (issued <= start < expiry);
    - the annual declaration for the start date's year is filed;
    - an internal auditor belongs to the audited employer;
    - an external auditor has no consulting engagement with the employer that began before
      the start and is ongoing or ended within ``cooling_off_months`` before it (ended on or
      after start - 12 months).
    """
    reasons: list[str] = []
    if auditor.status != CERTIFIED:
        reasons.append(f"The auditor is {auditor.status.replace('_', ' ')}, not certified.")
    if not valid_on(starts_on, issued_on=auditor.certified_on, expires_on=auditor.expires_on):
        if auditor.expires_on is not None and starts_on >= auditor.expires_on:
            reasons.append(
                f"The auditor's certification expires on {auditor.expires_on.isoformat()}, "
                f"on or before the audit start ({starts_on.isoformat()})."
            )
        elif auditor.certified_on is not None and starts_on < auditor.certified_on:
            reasons.append(
                f"The auditor is certified only from {auditor.certified_on.isoformat()}, "
                f"after the audit start ({starts_on.isoformat()})."
            )
        else:
            reasons.append("The auditor has no certification dates recorded.")
    if starts_on.year not in auditor.declared_years:
        reasons.append(f"The auditor has not filed the annual declaration for {starts_on.year}.")
    if auditor.kind == INTERNAL and auditor.employer_id != employer_id:
        reasons.append("An internal auditor may audit only their own employer.")
    if auditor.kind == EXTERNAL:
        window_start = add_months(starts_on, -cooling_off_months)
        for engagement in engagements:
            if engagement.started_on > starts_on:
                continue
            if engagement.ended_on is None or engagement.ended_on >= window_start:
                ended = (
                    "is ongoing"
                    if engagement.ended_on is None
                    else f"ended on {engagement.ended_on.isoformat()}"
                )
                reasons.append(
                    f"The auditor consulted for this employer (engagement {ended}); "
                    f"{cooling_off_months} months must pass before they may audit it."
                )
                break
    return Standing(eligible=not reasons, reasons=tuple(reasons))
