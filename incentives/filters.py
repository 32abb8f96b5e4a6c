import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import IncentiveStatus
from .models import BaseRate, Incentive, Letter, Payroll


def _search(placeholder):
    return django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": placeholder, "type": "search"}),
    )


def _year():
    return django_filters.NumberFilter(field_name="year", label=_("Year"))


class BaseRateFilter(django_filters.FilterSet):
    q = _search(_("CU code or description"))
    year = _year()

    class Meta:
        model = BaseRate
        fields = ["q", "year"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(unit__code__startswith=value.strip()) | Q(unit__description__icontains=value.strip())
        )


class EmployerSearchMixin:
    def filter_search(self, queryset, name, value):
        value = value.strip()
        match = Q(employer__legal_name__icontains=value) | Q(employer__trade_name__icontains=value)
        match |= Q(employer__account_number__startswith=value)
        return queryset.filter(match)


class PayrollFilter(EmployerSearchMixin, django_filters.FilterSet):
    q = _search(_("Employer, account or CU"))
    year = _year()

    class Meta:
        model = Payroll
        fields = ["q", "year"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if value.isdigit() and len(value) == 6:
            return queryset.filter(
                Q(unit__code=value) | Q(employer__account_number__startswith=value)
            )
        return super().filter_search(queryset, name, value)


class IncentiveFilter(EmployerSearchMixin, django_filters.FilterSet):
    q = _search(_("Employer or account"))
    year = _year()
    status = django_filters.ChoiceFilter(
        choices=IncentiveStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Incentive
        fields = ["q", "year", "status"]


class LetterFilter(EmployerSearchMixin, django_filters.FilterSet):
    q = _search(_("Employer, account or letter"))
    year = _year()

    class Meta:
        model = Letter
        fields = ["q", "year"]

    def filter_search(self, queryset, name, value):
        return super().filter_search(queryset, name, value) | queryset.filter(
            number__icontains=value.strip()
        )
