from datetime import date

from django.db import models
from django.db.models import Q, Subquery

from cor_portal.accounts.choices import Role


def _employer_of(user):
    from employers.selectors import employer_id_for

    return employer_id_for(user)


class AuditQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditQuerySet":
        """Return the audits the user may see.

        Staff: all. An auditor: the audits they lead or take part in as a student. An
        employer contact: its employer's audits (results are released separately).
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.AUDITOR:
            # By the auditor's id (a subquery run once), not a join on its login: with the
            # join, PostgreSQL guessed half the audits would match and joined them all with
            # every auditor (0.2 s at 33,000 audits; 6 ms now).
            auditors = self.model._meta.get_field("lead_auditor").related_model
            auditor_id = Subquery(
                auditors.objects.filter(user_id=user.pk).order_by().values("pk")[:1]
            )
            students = self.model.student_auditors.through.objects.filter(auditor_id=auditor_id)
            return self.filter(
                Q(lead_auditor_id=auditor_id) | Q(pk__in=students.values("audit_id"))
            )
        if user.role == Role.EMPLOYER:
            employer_id = _employer_of(user)
            return self.filter(employer_id=employer_id) if employer_id else self.none()
        return self.none()

    def open(self) -> "AuditQuerySet":
        """Return audits not yet decided or cancelled."""
        from .models import CLOSED

        return self.exclude(status__in=CLOSED)

    def open_for(self, deadline: str) -> "AuditQuerySet":
        """Return audits whose clock for the deadline is still running."""
        from .choices import Deadline
        from .models import OPEN_FOR

        return self.filter(status__in=OPEN_FOR[Deadline(deadline)])

    def due_between(self, deadline: str, start: date, end: date) -> "AuditQuerySet":
        """Return audits with the deadline running and due between two dates, inclusive."""
        return self.open_for(deadline).filter(
            **{f"{deadline}_due__gte": start, f"{deadline}_due__lte": end}
        )

    def overdue(self, *, as_of: date) -> "AuditQuerySet":
        """Return audits with any running clock past its due date."""
        from .models import OPEN_FOR

        condition = Q()
        for deadline, statuses in OPEN_FOR.items():
            condition |= Q(status__in=statuses, **{f"{deadline}_due__lt": as_of})
        return self.filter(condition)


class AuditChildQuerySet(models.QuerySet):
    """Records of one audit: visible exactly when their audit is."""

    def visible_to(self, user) -> "AuditChildQuerySet":
        from .models import Audit

        return self.filter(audit__in=Audit.objects.visible_to(user).values("pk"))


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CertificateQuerySet":
        """Return the certificates the user may see: all for staff, its own for an employer."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.EMPLOYER:
            employer_id = _employer_of(user)
            return self.filter(employer_id=employer_id) if employer_id else self.none()
        return self.none()

    def valid_on(self, day: date) -> "CertificateQuerySet":
        """Return certificates valid on the day: issued on or before it, expiring after it."""
        return self.filter(status="valid", certified_on__lte=day, expires_on__gt=day)


class QaRulesQuerySet(models.QuerySet):
    def in_force(self, on: date):
        """Return the QA rules in force on a date (the first row for an earlier date)."""
        row = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        return row or self.order_by("effective_from").first()


class ReviewNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewNoteQuerySet":
        """Return the QA notes the user may see.

        Staff: all, drafts included. An auditor: the notes of decided reviews of the audits
        they lead (the reviewer's notes reach the auditor with the decision). Nobody else.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.STAFF:
            return self
        if user.role == Role.AUDITOR:
            return self.filter(
                review__audit__lead_auditor__user=user, review__decided_on__isnull=False
            )
        return self.none()
