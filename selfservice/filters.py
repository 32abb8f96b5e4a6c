import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role

from .models import Application, ApplicationState, Invitation, InvitationState

User = get_user_model()


class InvitationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name or email"), "type": "search"}),
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label=_("Any role"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=InvitationState.choices,
        method="filter_state",
        empty_label=_("Any state"),
    )

    class Meta:
        model = Invitation
        fields = ["q", "role", "state"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value) if value else queryset


class LoginFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Login, name or email"), "type": "search"}),
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label=_("Any role"))
    is_active = django_filters.BooleanFilter(
        label=_("State"),
        widget=forms.Select(
            choices=[("", _("Any state")), ("true", _("Active")), ("false", _("Deactivated"))]
        ),
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(email__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, account or email"), "type": "search"}
        ),
    )
    state = django_filters.ChoiceFilter(
        choices=ApplicationState.choices, empty_label=_("Any state")
    )
    duplicate = django_filters.BooleanFilter(
        label=_("Already recorded"),
        field_name="duplicate_of",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Application
        fields = ["q", "state", "duplicate"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset
