"""R-8 and R-9: an audit's four due dates (pure: dates in, dates out; no December 31 cap).

Days are calendar days counted from the audit's start date (day 0).
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DeadlineRules:
    """The program's numbers for the clocks of an audit (ProgramRules fills them)."""

    notice_lead_days: int = 14
    onsite_days: int = 45
    submission_days: int = 30
    final_report_days: int = 75


@dataclass(frozen=True)
class AuditDeadlines:
    """When each piece of an audit is due; ``submission_due`` is None until onsite work ends."""

    notice_due: date
    onsite_due: date
    submission_due: date | None
    final_due: date


def audit_deadlines(
    starts_on: date,
    *,
    last_onsite_on: date | None = None,
    extension_days: int = 0,
    rules: DeadlineRules = DeadlineRules(),
) -> AuditDeadlines:
    """Return the audit's due dates.

    notice_due = start - 14; onsite_due = start + 45; final_due = start + 75 + extensions;
    submission_due = min(last onsite + 30, start + 75) + extensions, once the last onsite day
    is known. Approved extensions move the submission and final deadlines, never the onsite
    one. ValueError if the last onsite day precedes the start or the extension is negative.
    """
    if isinstance(extension_days, bool) or not isinstance(extension_days, int):
        raise TypeError("extension_days must be a whole number of days")
    if extension_days < 0:
        raise ValueError("extension_days cannot be negative")
    if last_onsite_on is not None and last_onsite_on < starts_on:
        raise ValueError("the last onsite day cannot be before the audit starts")
    final_limit = starts_on + timedelta(days=rules.final_report_days)
    submission_due = None
    if last_onsite_on is not None:
        submission_due = min(
            last_onsite_on + timedelta(days=rules.submission_days), final_limit
        ) + timedelta(days=extension_days)
    return AuditDeadlines(
        notice_due=starts_on - timedelta(days=rules.notice_lead_days),
        onsite_due=starts_on + timedelta(days=rules.onsite_days),
        submission_due=submission_due,
        final_due=final_limit + timedelta(days=extension_days),
    )
