import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cor_portal.ui.columns import DateColumn
from cor_portal.ui.templatetags.portal import status_tag

from .models import ClassificationUnit, Employer, GapAnalysis, Interaction


class EmployerTable(tables.Table):
    legal_name = tables.Column(verbose_name=_("Employer"), linkify=True)
    account_number = tables.Column(verbose_name=_("Account"))
    status = tables.Column()
    region = tables.Column()
    size_class = tables.Column(verbose_name=_("Size"))
    cus = tables.Column(verbose_name=_("CUs"), accessor="pk", orderable=False, empty_values=())
    sector = tables.Column()

    class Meta:
        model = Employer
        fields = ["legal_name", "account_number", "status", "region", "size_class", "cus", "sector"]
        order_by = ["legal_name"]
        attrs = {"class": "table table-hover align-middle"}

    def render_legal_name(self, value, record):
        if record.trade_name and record.trade_name != value:
            return format_html(
                "{}<br><small class='text-body-secondary'>{}</small>", value, record.trade_name
            )
        return value

    def render_status(self, value, record):
        return status_tag(record.status, value)

    def render_size_class(self, value, record):
        return status_tag(record.size_class, value)

    # Exports hold the words, not the tags' HTML.
    def value_status(self, value, record):
        return value

    def value_size_class(self, value, record):
        return value

    def render_cus(self, record):
        return format_html_join(
            " ",
            "<span class='badge text-bg-light border'>{}</span>",
            ((u.code,) for u in record.classification_units.all()),
        )

    def value_cus(self, record):
        return " ".join(u.code for u in record.classification_units.all())

    def value_legal_name(self, value, record):
        return value


class InteractionTable(tables.Table):
    occurred_on = DateColumn(verbose_name=_("Date"))
    employer = tables.Column(linkify=True)
    kind = tables.Column()
    summary = tables.Column()
    staff_member = tables.Column(verbose_name=_("Staff"))
    follow_up_due = DateColumn(verbose_name=_("Follow-up due"))
    follow_up_done_on = DateColumn(verbose_name=_("Done"))
    edit = tables.LinkColumn(
        "employers:interaction-update",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Interaction
        fields = [
            "occurred_on",
            "employer",
            "kind",
            "summary",
            "staff_member",
            "follow_up_due",
            "follow_up_done_on",
        ]
        order_by = ["-occurred_on"]


class GapAnalysisTable(tables.Table):
    employer = tables.Column(linkify=True)
    stage = tables.Column(accessor="stage", orderable=False, empty_values=())
    offered_on = DateColumn()
    requested_on = DateColumn()
    scheduled_on = DateColumn()
    completed_on = DateColumn()
    consultant = tables.Column()
    edit = tables.LinkColumn(
        "employers:gap-analysis-update",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = GapAnalysis
        fields = [
            "employer",
            "stage",
            "offered_on",
            "requested_on",
            "scheduled_on",
            "completed_on",
            "consultant",
        ]
        order_by = ["offered_on"]

    def render_stage(self, value):
        return status_tag(value)

    def value_stage(self, value):
        return value


class ClassificationUnitTable(tables.Table):
    code = tables.Column(linkify=("employers:cu-update", [tables.A("pk")]))
    description = tables.Column()
    aligned = tables.BooleanColumn(verbose_name=_("Association's own"))
    employer_count = tables.Column(verbose_name=_("Employers"))

    class Meta:
        model = ClassificationUnit
        fields = ["code", "description", "aligned", "employer_count"]
        order_by = ["code"]
