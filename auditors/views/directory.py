"""The directory of external auditors that employers may contact (directory fields only)."""

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Prefetch, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.views import ListPageMixin
from employers.choices import Region, Sector
from employers.selectors import employer_for

from ..models import Auditor, AuditorArea, AuditorSector


def directory_queryset() -> Any:
    """Return the listed external auditors with their login, regions and sectors (3 queries)."""
    return (
        Auditor.objects.directory()
        .select_related("user")
        .prefetch_related(
            Prefetch("regions", queryset=AuditorArea.objects.order_by("region")),
            Prefetch("sectors", queryset=AuditorSector.objects.order_by("sector")),
        )
    )


class DirectoryFilter(django_filters.FilterSet):
    """Region and sector served, and a search by name or company (the page and the API)."""

    q = django_filters.CharFilter(
        label=_("Name or company"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or company")}),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region served"),
        choices=Region.choices,
        empty_label=_("Any region"),
        method="filter_region",
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector served"),
        choices=Sector.choices,
        empty_label=_("Any sector"),
        method="filter_sector",
    )

    class Meta:
        model = Auditor
        fields = ["q", "region", "sector"]

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(company__icontains=word)
            )
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.serving_region(value)

    def filter_sector(self, queryset, name, value):
        return queryset.serving_sector(value)


def _regions(auditor: Auditor) -> list[str]:
    return [str(area.get_region_display()) for area in auditor.regions.all()]


def _sectors(auditor: Auditor) -> list[str]:
    return [str(sector.get_sector_display()) for sector in auditor.sectors.all()]


class DirectoryTable(tables.Table):
    """Who, where, what they serve and how to reach them; the export has a column per field."""

    name = tables.Column(
        verbose_name=_("Auditor"), order_by=("user__last_name", "user__first_name")
    )
    company = tables.Column(visible=False)
    city = tables.Column(attrs={"td": {"data-label": _("City")}})
    serves = tables.Column(
        verbose_name=_("Serves"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"data-label": _("Serves")}},
    )
    regions = tables.Column(verbose_name=_("Regions served"), accessor="pk", visible=False)
    sectors = tables.Column(verbose_name=_("Sectors served"), accessor="pk", visible=False)
    contact = tables.Column(
        verbose_name=_("Contact"), accessor="pk", orderable=False, exclude_from_export=True
    )
    phone = tables.Column(visible=False)
    email = tables.Column(visible=False)

    class Meta:
        model = Auditor
        fields = [
            "name",
            "company",
            "city",
            "serves",
            "regions",
            "sectors",
            "contact",
            "phone",
            "email",
        ]
        order_by = ["name"]
        attrs = {"class": "table table-hover align-middle directory-table"}

    def render_name(self, value, record):
        if not record.company:
            return value
        return format_html(
            '{}<br><small class="text-body-secondary">{}</small>', value, record.company
        )

    def value_name(self, value):
        return value

    def render_serves(self, record):
        return format_html(
            "{}<br><small class='text-body-secondary'>{}</small>",
            " · ".join(_regions(record)),
            " · ".join(_sectors(record)),
        )

    def value_regions(self, record):
        return "; ".join(_regions(record))

    def value_sectors(self, record):
        return "; ".join(_sectors(record))

    def render_contact(self, record):
        email = format_html('<a href="mailto:{0}">{0}</a>', record.email)
        if not record.phone:
            return email
        return format_html(
            '<a class="text-nowrap" href="tel:{}">{}</a><br>{}',
            record.phone.replace(" ", ""),
            record.phone,
            email,
        )


class DirectoryView(SectionRequiredMixin, ListPageMixin):
    """Find an external auditor: an employer sees its own region first."""

    permission_required = "auditors.view_directory"
    table_class = DirectoryTable
    filterset_class = DirectoryFilter
    title = _("Find an auditor")
    empty_title = _("No external auditors listed yet")
    empty_hint = _("Ask the COR team for the names of external auditors.")
    export_name = "external-auditors"
    template_name = "auditors/directory.html"
    queryset = directory_queryset()

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        """Start an employer on its own region; choosing "Any region" sends an empty one."""
        kwargs = super().get_filterset_kwargs(filterset_class)
        employer = None if "region" in self.request.GET else employer_for(self.request.user)
        if employer is not None:
            kwargs["data"] = self.request.GET.copy()
            kwargs["data"]["region"] = employer.region
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.filterset.form["region"].value() and "region" not in self.request.GET:
            # The employer's own region is a filter too; clearing it shows every region.
            context.update(filtered=True, clear_url="?region=")
        return context
