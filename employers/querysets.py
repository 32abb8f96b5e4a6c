from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q

from cor_portal.accounts.choices import Role

from .choices import PORTAL_REQUEST_KINDS


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EmployerQuerySet":
        """Return the employers the user may see: all for staff, their own for a contact."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.EMPLOYER:
            return self.filter(contacts__user=user)
        return self.none()

    def search(self, text: str) -> "EmployerQuerySet":
        """Return employers matching a name, a trade name, an account number or a CU code."""
        text = text.strip()
        if not text:
            return self
        match = (
            Q(legal_name__icontains=text)
            | Q(trade_name__icontains=text)
            | Q(account_number__startswith=text)
        )
        if text.isdigit():
            covered = self.model.classification_units.through.objects.filter(
                employer=OuterRef("pk"), classificationunit__code__startswith=text
            )
            match |= Q(Exists(covered))
        return self.filter(match)


class EmployerChildQuerySet(models.QuerySet):
    """Records that belong to one employer: visible exactly when their employer is."""

    def visible_to(self, user) -> "EmployerChildQuerySet":
        from .models import Employer

        return self.filter(employer__in=Employer.objects.visible_to(user).values("pk"))


class InteractionQuerySet(EmployerChildQuerySet):
    def follow_ups_due(self, *, as_of: date) -> "InteractionQuerySet":
        """Return interactions whose follow-up is due on or before the date and not done."""
        return self.filter(follow_up_due__lte=as_of, follow_up_done_on__isnull=True)

    def requests_open(self) -> "InteractionQuerySet":
        """Return requests from the employer portal whose follow-up staff have not done yet."""
        return self.filter(
            kind__in=PORTAL_REQUEST_KINDS,
            follow_up_due__isnull=False,
            follow_up_done_on__isnull=True,
        )


class GapAnalysisQuerySet(EmployerChildQuerySet):
    def waiting(self) -> "GapAnalysisQuerySet":
        """Return gap analyses offered and neither completed nor declined."""
        return self.filter(completed_on__isnull=True, declined_on__isnull=True)
