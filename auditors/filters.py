"""Search and filters of the auditor register's lists."""

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.choices import Region

from . import selectors
from .choices import AuditorKind, AuditorStatus, CompletionSource, CourseKind
from .models import Auditor, Course, CourseCompletion, TrainingSession

EXPIRY_WINDOWS = (30, 60, 90)
EXPIRED = "expired"


def expiry_choices(warning_days: int | None = None) -> list[tuple[str, Any]]:
    """Return the expiry windows, with the rules' renewal window among them."""
    days = sorted({*EXPIRY_WINDOWS, *([warning_days] if warning_days else [])})
    choices: list[tuple[str, Any]] = [
        (str(n), _("Within %(days)s days") % {"days": n}) for n in days
    ]
    return [*choices, (EXPIRED, _("Expired"))]


class AuditorFilter(django_filters.FilterSet):
    """The roster's search box and filters; "today" and the renewal window come from the view."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, email, number or company"), "type": "search"}
        ),
    )
    kind = django_filters.ChoiceFilter(choices=AuditorKind.choices, empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(choices=AuditorStatus.choices, empty_label=_("Any status"))
    region = django_filters.ChoiceFilter(
        label=_("Region served"),
        choices=Region.choices,
        method="filter_region",
        empty_label=_("Any region"),
    )
    expiry = django_filters.ChoiceFilter(
        label=_("Certification expires"),
        choices=expiry_choices(),
        method="filter_expiry",
        empty_label=_("Any time"),
    )
    student_audit = django_filters.ChoiceFilter(
        label=_("Student audit"),
        choices=[("overdue", _("Overdue"))],
        method="filter_student_audit",
        empty_label=_("Any"),
    )
    declaration = django_filters.ChoiceFilter(
        label=_("Declaration"),
        choices=[("missing", _("Missing for this year"))],
        method="filter_declaration",
        empty_label=_("Any"),
    )

    class Meta:
        model = Auditor
        fields = ["q", "kind", "status", "region", "expiry", "student_audit", "declaration"]

    def __init__(
        self, *args: Any, today: date | None = None, warning_days: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.filters["expiry"].extra["choices"] = expiry_choices(warning_days)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_region(self, queryset, name, value):
        return queryset.serving_region(value)

    def filter_expiry(self, queryset, name, value):
        if value == EXPIRED:
            return queryset.filter(expires_on__lte=self.today)
        return queryset.expiring(as_of=self.today, days=int(value))

    def filter_student_audit(self, queryset, name, value):
        return queryset.student_audit_overdue(as_of=self.today)

    def filter_declaration(self, queryset, name, value):
        missing = selectors.declarations_missing(year=self.today.year)
        return queryset.filter(pk__in=missing.values("pk"))


# Training -----------------------------------------------------------------------------------


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name or code"), "type": "search"}),
    )
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices, empty_label=_("Any kind"))
    active = django_filters.ChoiceFilter(
        label=_("Offered"),
        choices=[("yes", _("Offered")), ("no", _("No longer offered"))],
        method="filter_active",
        empty_label=_("Any"),
    )

    class Meta:
        model = Course
        fields = ["q", "kind", "active"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "yes")


class TrainingSessionFilter(django_filters.FilterSet):
    """Sessions by course, kind of course, and upcoming or past (as of the view's today)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Course, place or instructor"), "type": "search"}
        ),
    )
    course = django_filters.ModelChoiceFilter(
        queryset=Course.objects.all(), empty_label=_("Any course")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of course"),
        field_name="course__kind",
        choices=CourseKind.choices,
        empty_label=_("Any kind"),
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        empty_label=_("Any time"),
    )

    class Meta:
        model = TrainingSession
        fields = ["q", "course", "kind", "when"]

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(course__name__icontains=value)
            | Q(location__icontains=value)
            | Q(instructor__icontains=value)
        )

    def filter_when(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(starts_on__gte=self.today)
        return queryset.filter(starts_on__lt=self.today)


class CourseCompletionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, email or employer"), "type": "search"}
        ),
    )
    course = django_filters.ModelChoiceFilter(
        queryset=Course.objects.all(), empty_label=_("Any course")
    )
    completed_from = django_filters.DateFilter(
        label=_("Completed from"),
        field_name="completed_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    completed_to = django_filters.DateFilter(
        label=_("Completed to"),
        field_name="completed_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = django_filters.ChoiceFilter(
        choices=CompletionSource.choices, empty_label=_("Any source")
    )

    class Meta:
        model = CourseCompletion
        fields = ["q", "course", "completed_from", "completed_to", "source"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(email__icontains=value)
            | Q(employer__legal_name__icontains=value)
            | Q(employer__trade_name__icontains=value)
        )
