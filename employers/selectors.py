"""Reads of employer data used across the portal (homes, other apps, the workplan KPIs)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role

from .choices import EmployerStatus
from .models import Employer, EmployerStatusChange, GapAnalysis, Interaction, Registration

_UNSET = object()


def employer_id_for(user) -> int | None:
    """Return the id of the employer a contact user belongs to (cached on the user)."""
    cached = getattr(user, "_cor_employer_id", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    employer_id = None
    if user and user.is_authenticated and user.role == Role.EMPLOYER:
        employer_id = (
            Employer.objects.filter(contacts__user=user).values_list("pk", flat=True).first()
        )
    user._cor_employer_id = employer_id
    return employer_id


def employer_for(user) -> Employer | None:
    """Return the employer of a contact user, with its CUs, or None."""
    employer_id = employer_id_for(user)
    if employer_id is None:
        return None
    return Employer.objects.prefetch_related("classification_units").get(pk=employer_id)


def follow_ups_due(*, as_of: date) -> QuerySet[Interaction]:
    """Return interaction follow-ups due on or before the date and not done, oldest first."""
    return (
        Interaction.objects.follow_ups_due(as_of=as_of)
        .select_related("employer", "staff_member")
        .order_by("follow_up_due", "pk")
    )


def gap_analyses_waiting() -> QuerySet[GapAnalysis]:
    """Return gap analyses offered and not yet completed or declined, oldest first."""
    return (
        GapAnalysis.objects.waiting()
        .select_related("employer", "consultant")
        .order_by("offered_on", "pk")
    )


def recent_registrations(*, as_of: date, days: int = 30) -> QuerySet[Registration]:
    """Return registrations in the last ``days`` days up to the date, newest first."""
    return (
        Registration.objects.filter(
            registered_on__gt=as_of - timedelta(days=days), registered_on__lte=as_of
        )
        .select_related("employer")
        .order_by("-registered_on", "-pk")
    )


def status_counts() -> dict[str, int]:
    """Return how many employers are in each lifecycle status (every status present)."""
    counts = dict.fromkeys(EmployerStatus.values, 0)
    for row in Employer.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def new_registrations(*, start: date, end: date) -> int:
    """Return how many employers registered for the first time between two dates, inclusive."""
    return (
        Registration.objects.values("employer")
        .annotate(first=Min("registered_on"))
        .filter(first__gte=start, first__lte=end)
        .count()
    )


def gap_analyses_completed(*, start: date, end: date) -> int:
    """Return how many gap analyses were completed between two dates, inclusive."""
    return GapAnalysis.objects.filter(completed_on__gte=start, completed_on__lte=end).count()


NEXT_STEPS = {
    EmployerStatus.ENQUIRY: [
        _("Register for COR: the COR team confirms your classification units and registers you."),
        _("Take the OHS Program Fundamentals course to prepare your safety program."),
    ],
    EmployerStatus.REGISTERED: [
        _("Book your free COR readiness gap analysis with the COR team."),
        _("Train an internal auditor or choose a certified external auditor."),
        _("File the Notice of Audit at least 14 days before your certification audit starts."),
    ],
    EmployerStatus.CERTIFICATION_IN_PROGRESS: [
        _(
            "Your certification audit is under way: the onsite work must finish within 45 days "
            "of the start, and the final report within 75 days."
        ),
        _("After the report is submitted, the COR team reviews it before the result is released."),
    ],
    EmployerStatus.CERTIFIED: [
        _(
            "Keep your certificate: complete one maintenance audit in each of years 2 and 3, "
            "onsite by December 31."
        ),
        _("Recertify before your certificate expires."),
    ],
    EmployerStatus.LAPSED: [
        _("Your certificate has lapsed. Talk to the COR team about a new certification audit."),
    ],
    EmployerStatus.WITHDRAWN: [
        _("You have withdrawn from COR. Contact the COR team to take part again."),
    ],
    EmployerStatus.REMOVED: [
        _("You were removed from the COR program. Contact the COR team with any questions."),
    ],
}


def portal_summary(employer: Employer) -> dict:
    """Return what the employer portal shows: CUs, registration, next steps, people, history."""
    return {
        "classification_units": list(employer.classification_units.all()),
        "registration": employer.registrations.order_by("-registered_on", "-pk").first(),
        "next_steps": NEXT_STEPS[EmployerStatus(employer.status)],
        "contacts": list(employer.contacts.select_related("user")),
        "status_changes": list(employer.status_changes.select_related("actor")[:20]),
        "gap_analyses": list(employer.gap_analyses.all()[:5]),
    }


# Workplan KPI sources -----------------------------------------------------------------------

# The moves by which a certified employer leaves the program.
LEFT_PROGRAM = (EmployerStatus.LAPSED, EmployerStatus.WITHDRAWN, EmployerStatus.REMOVED)


def certified_retention(*, start: date, end: date) -> Decimal | None:
    """Return the percent (0-100) of certified employers that stayed certified in the period.

    The base is every employer certified at some time in the period: certified when it began
    (its last status change before ``start`` made it certified) or certified during it. Those
    that lapsed, withdrew or were removed from certified in the period are lost. None when no
    employer was certified. Both dates inclusive; one query.
    """
    changes = EmployerStatusChange.objects.filter(employer=OuterRef("pk"))
    in_period = {"changed_on__gte": start, "changed_on__lte": end}
    status_before = Subquery(
        changes.filter(changed_on__lt=start).order_by("-changed_on", "-pk").values("to_status")[:1]
    )
    became = Exists(changes.filter(to_status=EmployerStatus.CERTIFIED, **in_period))
    left = Exists(
        changes.filter(
            from_status=EmployerStatus.CERTIFIED, to_status__in=LEFT_PROGRAM, **in_period
        )
    )
    counted = Q(status_before=EmployerStatus.CERTIFIED) | Q(became=True)
    totals = Employer.objects.annotate(
        status_before=status_before, became=became, left=left
    ).aggregate(base=Count("pk", filter=counted), lost=Count("pk", filter=counted & Q(left=True)))
    if not totals["base"]:
        return None
    return Decimal(totals["base"] - totals["lost"]) * 100 / Decimal(totals["base"])


def interactions_count(*, start: date, end: date, kind: str) -> int:
    """Return how many interactions of a kind (enquiry, consultation...) were in the period."""
    return Interaction.objects.filter(
        kind=kind, occurred_on__gte=start, occurred_on__lte=end
    ).count()
