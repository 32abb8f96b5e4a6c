import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EmployerStatus, InteractionKind, Region, Sector, SizeClass
from .models import ClassificationUnit, Employer, GapAnalysis, Interaction


class SearchFilter(django_filters.CharFilter):
    """A free-text box calling the queryset's ``search``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("method", "filter_search")
        super().__init__(**kwargs)


class EmployerFilter(django_filters.FilterSet):
    q = SearchFilter(
        widget=forms.TextInput(attrs={"placeholder": _("Name, account or CU"), "type": "search"})
    )
    status = django_filters.ChoiceFilter(
        choices=EmployerStatus.choices, empty_label=_("Any status")
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    size_class = django_filters.ChoiceFilter(
        label=_("Size"), choices=SizeClass.choices, empty_label=_("Any size")
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices, empty_label=_("Any sector"))
    cu = django_filters.ModelChoiceFilter(
        label=_("Classification unit"),
        field_name="classification_units",
        queryset=ClassificationUnit.objects.all(),
        empty_label=_("Any CU"),
    )

    class Meta:
        model = Employer
        fields = ["q", "status", "region", "size_class", "sector", "cu"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class InteractionFilter(django_filters.FilterSet):
    q = SearchFilter(widget=forms.TextInput(attrs={"type": "search"}))
    kind = django_filters.ChoiceFilter(choices=InteractionKind.choices, empty_label=_("Any kind"))
    follow_up = django_filters.ChoiceFilter(
        label=_("Follow-up"),
        method="filter_follow_up",
        choices=[("due", _("Due now")), ("open", _("Open")), ("done", _("Done"))],
        empty_label=_("Any"),
    )

    class Meta:
        model = Interaction
        fields = ["q", "kind", "follow_up"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(employer__legal_name__icontains=value)
            | Q(employer__trade_name__icontains=value)
        )

    def filter_follow_up(self, queryset, name, value):
        if value == "due":
            return queryset.follow_ups_due(as_of=timezone.localdate())
        if value == "open":
            return queryset.filter(follow_up_due__isnull=False, follow_up_done_on__isnull=True)
        return queryset.filter(follow_up_done_on__isnull=False)


class GapAnalysisFilter(django_filters.FilterSet):
    q = SearchFilter(widget=forms.TextInput(attrs={"type": "search"}))
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        method="filter_stage",
        choices=[
            ("waiting", _("Waiting (not completed or declined)")),
            ("completed", _("Completed")),
            ("declined", _("Declined")),
        ],
        empty_label=_("Any"),
    )

    class Meta:
        model = GapAnalysis
        fields = ["q", "stage"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(employer__legal_name__icontains=value) | Q(employer__trade_name__icontains=value)
        )

    def filter_stage(self, queryset, name, value):
        if value == "waiting":
            return queryset.waiting()
        if value == "completed":
            return queryset.filter(completed_on__isnull=False)
        return queryset.filter(declined_on__isnull=False)


class ClassificationUnitFilter(django_filters.FilterSet):
    q = SearchFilter(widget=forms.TextInput(attrs={"type": "search"}))
    aligned = django_filters.ChoiceFilter(
        label=_("Association's own"),
        choices=[
            ("true", _("Yes: may register directly")),
            ("false", _("No: NAO approval needed")),
        ],
        empty_label=_("Any"),
        method="filter_aligned",
    )

    class Meta:
        model = ClassificationUnit
        fields = ["q", "aligned"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(code__startswith=value) | Q(description__icontains=value))

    def filter_aligned(self, queryset, name, value):
        return queryset.filter(aligned=value == "true")
