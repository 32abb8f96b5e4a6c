"""Search and filters of the WIVA case list (R-14)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import WivaStatus, WivaStep
from .models import WivaCase


class WivaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Case, employer, account or auditor"), "type": "search"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=WivaStatus.choices, empty_label=_("Any status")
    )
    next_step = django_filters.ChoiceFilter(
        label=_("Next step"),
        choices=WivaStep.choices,
        method="filter_next_step",
        empty_label=_("Any step"),
    )
    year = django_filters.NumberFilter(
        label=_("Employer notified in (year)"), method="filter_year", min_value=2000
    )

    class Meta:
        model = WivaCase
        fields = ["q", "status", "next_step", "year"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(employer__legal_name__icontains=value)
            | Q(employer__trade_name__icontains=value)
            | Q(employer__account_number__startswith=value)
            | Q(audit__lead_auditor__user__last_name__icontains=value)
        )

    def filter_next_step(self, queryset, name, value):
        """Open cases whose next step is the chosen one (``steps_done`` is annotated)."""
        return queryset.filter(status=WivaStatus.OPEN, steps_done=int(value) - 1)

    def filter_year(self, queryset, name, value):
        return queryset.filter(opened_on__year=int(value))
