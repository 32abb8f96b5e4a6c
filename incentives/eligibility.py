"""R-17, R-18: whether an employer earns an incentive for an assessment year (pure).

The facts come from the services (certified CUs, the year's approved audit, the exclusions,
appeals and staff decisions recorded for the year); this module only decides. No ORM.
"""

from dataclasses import dataclass

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
DEFERRED = "deferred"


@dataclass(frozen=True)
class Decision:
    """A staff decision for the year: its outcome (eligible or ineligible) and why."""

    outcome: str
    reason: str


@dataclass(frozen=True)
class Eligibility:
    """The outcome for (employer, year) and the reasons behind it, in order."""

    status: str
    reasons: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE


def decide(
    *,
    certified_units: int,
    audit_approved: bool,
    audit_pending: bool = False,
    exclusions: tuple[str, ...] = (),
    appeal_pending: bool = False,
    decision: Decision | None = None,
    missing_figures: tuple[str, ...] = (),
) -> Eligibility:
    """Return the employer's eligibility for the year.

    In order: no certified CU is ineligible; without an approved audit in the year, an audit
    still open defers and none is ineligible (R-17); a staff
    decision stands over everything else; a pending appeal defers (R-18); an exclusion
    (administrative penalty, claims suppression, outstanding balance, failure to register or
    to report payroll) is ineligible; CUs without payroll or base rate on file defer until
    the figures arrive; otherwise eligible. The certificate itself is not affected.
    """
    if certified_units < 0:
        raise ValueError("certified_units cannot be negative")
    if certified_units == 0:
        return Eligibility(INELIGIBLE, ("No classification unit was certified in the year.",))
    if not audit_approved and audit_pending:
        return Eligibility(DEFERRED, ("The year's audit is not decided yet.",))
    if not audit_approved:
        return Eligibility(INELIGIBLE, ("The year's audit was not approved.",))
    if decision is not None:
        if decision.outcome not in (ELIGIBLE, INELIGIBLE):
            raise ValueError(f"unknown decision outcome {decision.outcome!r}")
        return Eligibility(decision.outcome, (f"Staff decision: {decision.reason}",))
    if appeal_pending:
        return Eligibility(DEFERRED, ("An appeal is pending.",))
    if exclusions:
        return Eligibility(INELIGIBLE, tuple(exclusions))
    if missing_figures:
        return Eligibility(DEFERRED, tuple(missing_figures))
    return Eligibility(ELIGIBLE)
