"""Background work of audits: the daily deadline sweep."""

from datetime import date
from typing import Any

from celery import shared_task

from cor_portal import lifecycle

from . import sweep


@shared_task(name="audits.tasks.enforce_deadlines")
def enforce_deadlines(today: str | None = None) -> dict[str, Any]:
    """Run the daily sweep for ``today`` (ISO date; default: today in Vancouver); report."""
    day = date.fromisoformat(today) if today else lifecycle.today()
    return sweep.enforce_deadlines(today=day).as_dict()


@shared_task(name="audits.tasks.check_report_similarity")
def check_report_similarity(submission_id: int) -> dict[str, Any]:
    """Compare a submitted report with earlier reports of other employers (R-13); report."""
    from .models import Submission
    from .services_plagiarism import check_report

    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:  # deleted since it was queued
        return {"submission": submission_id, "matches": 0, "flagged": 0}
    matches = check_report(submission)
    return {
        "submission": submission_id,
        "matches": len(matches),
        "flagged": sum(match.flagged for match in matches),
    }
