"""Reads of self-service data used across the portal (the staff home)."""

from django.db.models import Count, Q, QuerySet

from .models import Application, ApplicationState


def applications_waiting() -> QuerySet[Application]:
    """Return online applications waiting for a staff decision, oldest first."""
    return Application.objects.filter(state=ApplicationState.SUBMITTED).order_by(
        "submitted_at", "pk"
    )


def staff_counts() -> dict[str, int]:
    """Return the self-service counts of the staff home in one query.

    ``applications_waiting``: online applications not yet approved or rejected (the
    application list filtered to "Waiting for review").
    """
    return Application.objects.aggregate(
        applications_waiting=Count("pk", filter=Q(pk__in=applications_waiting().values("pk")))
    )
