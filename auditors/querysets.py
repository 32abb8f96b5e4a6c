from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q

from cor_portal.accounts.choices import Role


class AuditorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditorQuerySet":
        """Return the auditors the user may see: all for staff, themself for an auditor."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.AUDITOR:
            return self.filter(user=user)
        return self.none()

    def directory(self) -> "AuditorQuerySet":
        """Return the external auditors employers may find: certified and listed."""
        return self.filter(kind="external", status="certified", listed_in_directory=True)

    def search(self, text: str) -> "AuditorQuerySet":
        """Return auditors matching a name, an email, a certification number or a company."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(user__email__icontains=text)
            | Q(certification_number__icontains=text)
            | Q(company__icontains=text)
        )

    def expiring(self, *, as_of: date, days: int) -> "AuditorQuerySet":
        """Return certified auditors whose certification expires within ``days`` of the date."""
        return self.filter(
            status="certified", expires_on__gte=as_of, expires_on__lte=as_of + timedelta(days=days)
        )

    def student_audit_overdue(self, *, as_of: date) -> "AuditorQuerySet":
        """Return students whose student audit is past due and not done."""
        return self.filter(
            status="student",
            student_audit_due__lt=as_of,
            student_audit_completed_on__isnull=True,
        )

    def without_declaration(self, *, year: int) -> "AuditorQuerySet":
        """Return auditors with no annual declaration filed for the year."""
        from .models import AnnualDeclaration

        filed = AnnualDeclaration.objects.filter(auditor=OuterRef("pk"), year=year)
        return self.filter(~Exists(filed))

    def serving_region(self, region: str) -> "AuditorQuerySet":
        from .models import AuditorArea

        return self.filter(
            Exists(AuditorArea.objects.filter(auditor=OuterRef("pk"), region=region))
        )

    def serving_sector(self, sector: str) -> "AuditorQuerySet":
        from .models import AuditorSector

        return self.filter(
            Exists(AuditorSector.objects.filter(auditor=OuterRef("pk"), sector=sector))
        )


class AuditorChildQuerySet(models.QuerySet):
    """Records of one auditor: visible exactly when their auditor is."""

    def visible_to(self, user) -> "AuditorChildQuerySet":
        from .models import Auditor

        return self.filter(auditor__in=Auditor.objects.visible_to(user).values("pk"))
