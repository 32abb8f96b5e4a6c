import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cor_portal.ui.columns import DateTimeColumn

from .choices import TONES
from .documents import currency
from .models import BaseRate, Incentive, IncentiveRun, Letter, Payroll

ATTRS = {"class": "table table-hover align-middle"}


def status_tag(value: str, label: str) -> str:
    """Return the badge of an incentive's or a run's status, in its tone."""
    return format_html(
        '<span class="badge status-tag text-bg-{}">{}</span>', TONES.get(value, "secondary"), label
    )


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def render(self, value):
        return currency(value)

    def value(self, value):
        return f"{value:.2f}" if value is not None else ""


class BaseRateTable(tables.Table):
    unit = tables.Column(verbose_name=_("CU"), accessor="unit__code", order_by=("unit__code",))
    description = tables.Column(verbose_name=_("Description"), accessor="unit__description")
    year = tables.Column()
    rate = MoneyColumn(verbose_name=_("Base rate"))
    edit = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        model = BaseRate
        fields = ["unit", "description", "year", "rate"]
        order_by = ["-year", "unit"]
        attrs = ATTRS

    def render_edit(self, record):
        return format_html(
            "<a href='{}'>Edit<span class='visually-hidden'> {} {}</span></a>",
            reverse("incentives:base-rate-update", args=[record.pk]),
            record.unit.code,
            record.year,
        )


class PayrollTable(tables.Table):
    employer = tables.Column(
        verbose_name=_("Employer"),
        accessor="employer__legal_name",
        order_by=("employer__legal_name",),
    )
    account = tables.Column(verbose_name=_("Account"), accessor="employer__account_number")
    unit = tables.Column(verbose_name=_("CU"), accessor="unit__code")
    year = tables.Column()
    assessable_payroll = MoneyColumn(verbose_name=_("Assessable payroll"))
    edit = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        model = Payroll
        fields = ["employer", "account", "unit", "year", "assessable_payroll"]
        order_by = ["-year", "employer"]
        attrs = ATTRS

    def render_edit(self, record):
        return format_html(
            "<a href='{}'>Edit<span class='visually-hidden'> payroll {} {}</span></a>",
            reverse("incentives:payroll-update", args=[record.pk]),
            record.unit.code,
            record.year,
        )


class IncentiveTable(tables.Table):
    employer = tables.Column(
        verbose_name=_("Employer"),
        accessor="employer__legal_name",
        order_by=("employer__legal_name",),
        linkify=lambda record: record.get_absolute_url(),
    )
    account = tables.Column(verbose_name=_("Account"), accessor="employer__account_number")
    year = tables.Column()
    status = tables.Column()
    total_amount = MoneyColumn(verbose_name=_("Incentive"))
    reasons = tables.Column(verbose_name=_("Reasons"), orderable=False)
    letters = tables.Column(verbose_name=_("Letter"), accessor="letter_count", orderable=False)

    class Meta:
        model = Incentive
        fields = ["employer", "account", "year", "status", "total_amount", "reasons", "letters"]
        order_by = ["employer"]
        attrs = ATTRS

    def render_status(self, value, record):
        return status_tag(record.status, value)

    def value_status(self, value, record):
        return value

    def render_reasons(self, value, record):
        return format_html("<small>{}</small>", "; ".join(record.reason_list))

    def value_reasons(self, value, record):
        return "; ".join(record.reason_list)

    def render_letters(self, value, record):
        return f"v{value}" if value else "—"

    def value_letters(self, value, record):
        return value or 0


class LetterTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Letter"), linkify=lambda record: record.get_absolute_url()
    )
    employer = tables.Column(
        verbose_name=_("Employer"),
        accessor="employer__legal_name",
        order_by=("employer__legal_name",),
    )
    year = tables.Column()
    version = tables.Column()
    total_amount = MoneyColumn(verbose_name=_("Incentive"))
    issued_at = DateTimeColumn(verbose_name=_("Issued"), format="Y-m-d")
    reason = tables.Column(verbose_name=_("Why issued"))

    class Meta:
        model = Letter
        fields = ["number", "employer", "year", "version", "total_amount", "issued_at", "reason"]
        order_by = ["-issued_at"]
        attrs = ATTRS


class RunTable(tables.Table):
    year = tables.Column(linkify=lambda record: record.get_absolute_url())
    status = tables.Column()
    created_at = DateTimeColumn(verbose_name=_("Requested"), format="Y-m-d H:i")
    eligible_count = tables.Column(verbose_name=_("Eligible"))
    ineligible_count = tables.Column(verbose_name=_("Ineligible"))
    deferred_count = tables.Column(verbose_name=_("Deferred"))
    total_amount = MoneyColumn(verbose_name=_("Total"))
    letters_expected = tables.Column(verbose_name=_("Letters"))

    class Meta:
        model = IncentiveRun
        fields = [
            "year",
            "status",
            "created_at",
            "eligible_count",
            "ineligible_count",
            "deferred_count",
            "total_amount",
            "letters_expected",
        ]
        order_by = ["-created_at"]
        attrs = ATTRS

    def render_status(self, value, record):
        return status_tag(record.status, value)

    def value_status(self, value, record):
        return value
