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
