"""Search and filters of the staff lists: the audit board and the certificates."""

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auditors.models import Auditor
from employers.choices import Region

from . import selectors
from .choices import AuditStatus, AuditType, CertificateStatus
from .models import Audit, Certificate, Review

# Status choices with two groups the board links to from its counts.
OPEN, QA = "open", "qa"
STATUS_CHOICES = [
    (OPEN, _("Open (not decided or cancelled)")),
    (QA, _("Waiting for QA (submitted, resubmitted or in review)")),
    *AuditStatus.choices,
]
OVERDUE, WEEK, FORTNIGHT = "overdue", "week", "fortnight"
DEADLINE_CHOICES = [
    (OVERDUE, _("Overdue")),
    (WEEK, _("Due within 7 days")),
    (FORTNIGHT, _("Due within 14 days")),
]
WITHIN = {WEEK: 7, FORTNIGHT: 14}
FLAG_CHOICES = [
    ("notice_late", _("Notice of Audit filed late")),
    ("onsite_overrun", _("Onsite work overran")),
    ("submission_late", _("Report submitted late")),
    ("past_cutoff", _("Onsite due after the cycle year's cutoff")),
    ("extension", _("Extension request waiting")),
]


class AuditorChoices(forms.models.ModelChoiceIterator):
    """The roster as (id, name) pairs read straight from the database: no model per option."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list(
            "pk", "user__first_name", "user__last_name", "user__username"
        )
        for pk, first, last, username in rows:
            yield (pk, f"{first} {last}".strip() or username)  # as User.display_name


class AuditorChoiceField(forms.ModelChoiceField):
    iterator = AuditorChoices

    def label_from_instance(self, obj: Auditor) -> str:
        return obj.name


class AuditorFilter(django_filters.ModelChoiceFilter):
    # A list page writes this long select's options with QuickSelect (ListPageMixin).
    field_class = AuditorChoiceField


def _auditors(request: Any = None) -> Any:
    return Auditor.objects.select_related("user").order_by("user__last_name", "user__first_name")


class AuditFilter(django_filters.FilterSet):
    """The board's search box and filters; "today" is the view's, for the deadline states."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Employer or account"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label=_("Any status")
    )
    audit_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=AuditType.choices, empty_label=_("Any type")
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Deadlines"),
        choices=DEADLINE_CHOICES,
        method="filter_deadline",
        empty_label=_("Any"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=FLAG_CHOICES, method="filter_flag", empty_label=_("Any")
    )
    auditor = AuditorFilter(
        label=_("Auditor"),
        queryset=_auditors,
        method="filter_auditor",
        empty_label=_("Any auditor"),
    )
    region = django_filters.ChoiceFilter(
        field_name="employer__region", choices=Region.choices, empty_label=_("Any region")
    )

    class Meta:
        model = Audit
        fields = ["q", "status", "audit_type", "deadline", "flag", "auditor", "region"]

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(employer__legal_name__icontains=value)
            | Q(employer__trade_name__icontains=value)
            | Q(employer__account_number__startswith=value)
        )

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        if value == QA:
            return queryset.filter(status__in=selectors.WAITING_FOR_QA)
        return queryset.filter(status=value)

    def filter_deadline(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue(as_of=self.today)
        soon = selectors.due_within(today=self.today, days=WITHIN[value])
        return queryset.filter(pk__in=soon.values("pk"))

    def filter_flag(self, queryset, name, value):
        if value == "extension":
            return queryset.filter(selectors.extension_waiting())
        return queryset.filter(**{value: True})

    def filter_auditor(self, queryset, name, value):
        students = Audit.student_auditors.through.objects.filter(auditor=value)
        return queryset.filter(Q(lead_auditor=value) | Q(pk__in=students.values("audit_id")))


# Certificates -------------------------------------------------------------------------------

EXPIRED = "expired"
CERTIFICATE_STATUS_CHOICES = [*CertificateStatus.choices, (EXPIRED, _("Expired"))]


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Number, employer or account"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status today"),
        choices=CERTIFICATE_STATUS_CHOICES,
        method="filter_status",
        empty_label=_("Any status"),
    )
    expiring = django_filters.ChoiceFilter(
        label=_("Expiring"),
        choices=[("30", _("Within 30 days")), ("90", _("Within 90 days"))],
        method="filter_expiring",
        empty_label=_("Any time"),
    )

    class Meta:
        model = Certificate
        fields = ["q", "status", "expiring"]

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(employer__legal_name__icontains=value)
            | Q(employer__trade_name__icontains=value)
            | Q(employer__account_number__startswith=value)
        )

    def filter_status(self, queryset, name, value):
        """Filter by the status on today, as ``selectors.certificate_status_on`` words it."""
        if value == CertificateStatus.VALID:
            return queryset.valid_on(self.today)
        if value == EXPIRED:
            return queryset.filter(status=CertificateStatus.VALID, expires_on__lte=self.today)
        return queryset.filter(status=value)

    def filter_expiring(self, queryset, name, value):
        """Still valid today and expiring within the days, as ``certificates_expiring``."""
        expiring = selectors.certificates_expiring(as_of=self.today, days=int(value))
        return queryset.filter(pk__in=expiring.values("pk"))


# The QA queue ---------------------------------------------------------------------------------

UNASSIGNED = "none"


class QaQueueFilter(django_filters.FilterSet):
    """The QA queue's search and filters: employer, type, status, reviewer."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Employer or account"), "type": "search"}),
    )
    audit_type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="audit__audit_type",
        choices=AuditType.choices,
        empty_label=_("Any type"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="audit__status",
        choices=[
            (AuditStatus.SUBMITTED, AuditStatus.SUBMITTED.label),
            (AuditStatus.RESUBMITTED, AuditStatus.RESUBMITTED.label),
            (AuditStatus.IN_QA, AuditStatus.IN_QA.label),
        ],
        empty_label=_("Any status"),
    )
    reviewer = django_filters.ChoiceFilter(
        label=_("Reviewer"), method="filter_reviewer", empty_label=_("Anyone")
    )

    class Meta:
        model = Review
        fields = ["q", "audit_type", "status", "reviewer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .forms import staff_members

        super().__init__(*args, **kwargs)
        people = [(str(u.pk), u.get_full_name() or u.username) for u in staff_members()]
        self.filters["reviewer"].extra["choices"] = [(UNASSIGNED, _("Not assigned")), *people]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(audit__employer__legal_name__icontains=value)
            | Q(audit__employer__trade_name__icontains=value)
            | Q(audit__employer__account_number__startswith=value)
        )

    def filter_reviewer(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(reviewer__isnull=True)
        return queryset.filter(reviewer_id=value)
