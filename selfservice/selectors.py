"""Reads of self-service data used across the portal (the staff home)."""

from django.db.models import QuerySet

from .models import Application, ApplicationState


def applications_waiting() -> QuerySet[Application]:
    """Return online applications waiting for a staff decision, oldest first."""
    return Application.objects.filter(state=ApplicationState.SUBMITTED).order_by(
        "submitted_at", "pk"
    )


def staff_counted() -> dict[str, QuerySet[Application]]:
    """Return the self-service counts of the staff home as querysets to count together.

    ``applications_waiting``: online applications not yet approved or rejected (the
    application list filtered to "Waiting for review").
    """
    return {"applications_waiting": applications_waiting()}
