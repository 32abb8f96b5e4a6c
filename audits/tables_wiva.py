"""The staff list of WIVA cases (R-14)."""

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from cor_portal.ui.columns import DateColumn
from cor_portal.ui.templatetags.portal import money, status_tag

from . import selectors_wiva
from .choices import WivaStatus
from .models import WivaCase
from .tables import labelled

# The tone of each case status's tag (keys of the shared status_tag's tones).
TONE: dict[str, str] = {
    WivaStatus.OPEN: "requested",
    WivaStatus.COMPLETED: "completed",
    WivaStatus.CANCELLED: "withdrawn",
}


class WivaTable(tables.Table):
    number = tables.Column(verbose_name=gettext_lazy("Case"), linkify=True)
    employer = tables.Column(
        verbose_name=gettext_lazy("Employer"), order_by=("employer__legal_name", "pk")
    )
    status = tables.Column(attrs=labelled(gettext_lazy("Status")))
    next_step = tables.Column(
        verbose_name=gettext_lazy("Next step"),
        accessor="steps_done",
        order_by=("steps_done",),
        attrs=labelled(gettext_lazy("Next step")),
    )
    opened_on = DateColumn(
        format="Y-m-d",
        verbose_name=gettext_lazy("Employer notified"),
        attrs=labelled(gettext_lazy("Notified")),
    )
    last_step_on = DateColumn(
        format="Y-m-d",
        verbose_name=gettext_lazy("Last step"),
        attrs=labelled(gettext_lazy("Last step")),
    )
    auditor = tables.Column(
        verbose_name=gettext_lazy("Auditor"),
        accessor="audit__lead_auditor",
        order_by=("audit__lead_auditor__user__last_name", "audit__lead_auditor__user__first_name"),
        attrs=labelled(gettext_lazy("Auditor")),
    )
    budget = tables.Column(
        verbose_name=gettext_lazy("Budget"), attrs=labelled(gettext_lazy("Budget"))
    )
    cost = tables.Column(verbose_name=gettext_lazy("Cost"), attrs=labelled(gettext_lazy("Cost")))

    class Meta:
        model = WivaCase
        fields = [
            "number",
            "employer",
            "status",
            "next_step",
            "opened_on",
            "last_step_on",
            "auditor",
            "budget",
            "cost",
        ]
        order_by = ["-number"]
        attrs = {"class": "table table-hover align-middle stack-table"}

    def render_employer(self, record: WivaCase) -> SafeString:
        return format_html(
            '{}<br><small class="text-body-secondary">{}</small>',
            record.employer.legal_name,
            record.employer.account_number,
        )

    def render_status(self, value: str, record: WivaCase) -> str:
        return status_tag(TONE.get(record.status, record.status), value)

    def render_next_step(self, record: WivaCase) -> str:
        return selectors_wiva.next_step_label(record) or "—"

    def render_auditor(self, record: WivaCase) -> str:
        return record.audit.lead_auditor.name if record.audit else "—"

    def render_budget(self, value: Decimal) -> str:
        return money(value)

    def render_cost(self, value: Decimal, record: WivaCase) -> SafeString:
        if value > record.budget:
            return format_html(
                '{} <span class="badge text-bg-warning">over budget</span>', money(value)
            )
        return format_html("{}", money(value))

    # Exports hold words, dates and plain amounts.
    def value_employer(self, record: WivaCase) -> str:
        return record.employer.legal_name

    def value_status(self, value: str) -> str:
        return value

    def value_next_step(self, record: WivaCase) -> str:
        return selectors_wiva.next_step_label(record)

    def value_auditor(self, record: WivaCase) -> str:
        return record.audit.lead_auditor.name if record.audit else ""

    def value_budget(self, value: Any) -> str:
        return str(value)

    def value_cost(self, value: Any) -> str:
        return str(value)
