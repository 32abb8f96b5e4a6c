"""The automatic checks of a desktop QA review (R-12), as pure functions.

No ORM, no settings, no clock: the QA service (``audits.qa``) gathers the values from the
submission and its audit, calls these and stores the results.

The interview sample (R-12 "interview sample against headcount"): the research notes only say
that the certifying partner checks that the planned sample is adequate (domain.md R21, from
SafetyDriven's Notice of Audit, W34); no public source gives a number. The portal's rule is its
own, and every number of it is a setting (``audits.models.QaRules``, editable in the admin,
effective from a date like ``ProgramRules``):

* a workforce of up to ``interview_all_up_to`` people (default 10): interview everyone;
* a larger one: ``sample_percent`` of the headcount (default 10%), rounded up, but never fewer
  than ``interview_all_up_to`` people and never more than ``sample_cap`` (default 50).

So 10 employees → 10 interviews, 100 → 10, 101 → 11, 500 → 50, 5,000 → 50.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from .scoring import AuditResult

PASS, FAIL = "pass", "fail"
TECHNIQUES = (
    ("documentation", "documentation review"),
    ("observation", "observation"),
    ("interviews", "interviews"),
)


@dataclass(frozen=True)
class SampleRule:
    """The interview sample rule's numbers (see the module's docstring)."""

    interview_all_up_to: int = 10
    sample_percent: Decimal = Decimal("10")
    sample_cap: int = 50

    def __post_init__(self) -> None:
        if isinstance(self.sample_percent, float):
            raise TypeError("sample_percent must be a Decimal, not a float")
        if self.interview_all_up_to < 0 or self.sample_cap < 0 or self.sample_percent < 0:
            raise ValueError("The sample rule's numbers cannot be negative.")


@dataclass(frozen=True)
class CheckResult:
    """The result of one automatic check: its code, whether it passed, and why."""

    code: str
    label: str
    status: str  # PASS or FAIL
    detail: str

    @property
    def passed(self) -> bool:
        return self.status == PASS


def minimum_interview_sample(headcount: int, rule: SampleRule = SampleRule()) -> int:
    """Return the fewest people to interview for a BC headcount (see the module's docstring).

    ValueError for a negative headcount.
    """
    if headcount < 0:
        raise ValueError("The headcount cannot be negative.")
    if headcount <= rule.interview_all_up_to:
        return headcount
    share = (Decimal(headcount) * rule.sample_percent / 100).to_integral_value(ROUND_CEILING)
    wanted = max(rule.interview_all_up_to, int(share))
    return min(wanted, max(rule.sample_cap, rule.interview_all_up_to), headcount)


def check_pass_marks(
    result: AuditResult | None,
    *,
    overall_pass: Decimal,
    element_pass: Decimal,
    problem: str = "",
) -> CheckResult:
    """Check the scores against the pass marks (R-10), on the exact value.

    ``result`` is ``audits.scoring.score_audit``'s answer for the submission's scores, or None
    with ``problem`` when they could not be scored.
    """
    label = "Pass marks"
    if result is None:
        return CheckResult("pass_marks", label, FAIL, problem or "The scores could not be scored.")
    overall = f"{result.overall_percent.quantize(Decimal('0.01'))}%"
    if result.passed:
        detail = (
            f"{overall} overall (at least {overall_pass}%), every element at least {element_pass}%."
        )
        return CheckResult("pass_marks", label, PASS, detail)
    reasons = []
    if result.overall_percent < overall_pass:
        reasons.append(f"{overall} overall is below {overall_pass}%")
    if result.failing_elements:
        names = ", ".join(result.failing_elements)
        reasons.append(f"below {element_pass}%: {names}")
    return CheckResult("pass_marks", label, FAIL, "; ".join(reasons) + ".")


def check_techniques(*, documentation: bool, observation: bool, interviews: bool) -> CheckResult:
    """Check that all three evidence techniques were used (R16: documents, interviews,
    observations)."""
    used = {"documentation": documentation, "observation": observation, "interviews": interviews}
    missing = [label for code, label in TECHNIQUES if not used[code]]
    if missing:
        return CheckResult(
            "techniques", "Evidence techniques", FAIL, "Missing: " + ", ".join(missing) + "."
        )
    return CheckResult(
        "techniques",
        "Evidence techniques",
        PASS,
        "Documentation review, observation and interviews were all used.",
    )


def check_interview_sample(
    *, interviewed: int | None, headcount: int | None, rule: SampleRule = SampleRule()
) -> CheckResult:
    """Check the number of people interviewed against the minimum for the headcount."""
    label = "Interview sample"
    if headcount is None:
        return CheckResult("sample", label, FAIL, "The BC headcount is not recorded.")
    if interviewed is None:
        return CheckResult("sample", label, FAIL, "The number of people interviewed is missing.")
    minimum = minimum_interview_sample(headcount, rule)
    detail = f"{interviewed} interviewed of {headcount} employees (at least {minimum} needed)."
    return CheckResult("sample", label, PASS if interviewed >= minimum else FAIL, detail)


def check_timing(*, submitted_on: date | None, due: date | None) -> CheckResult:
    """Check that the revision was submitted on or before its deadline (R-9)."""
    label = "Submitted on time"
    if submitted_on is None:
        return CheckResult("timing", label, FAIL, "Not submitted yet.")
    if due is None:
        return CheckResult("timing", label, PASS, f"Submitted {submitted_on}; no deadline set.")
    late_by = (submitted_on - due).days
    if late_by > 0:
        days = "day" if late_by == 1 else "days"
        return CheckResult(
            "timing", label, FAIL, f"Submitted {submitted_on}, {late_by} {days} after {due}."
        )
    return CheckResult("timing", label, PASS, f"Submitted {submitted_on}, due {due}.")
