"""Tables of the staff lists: the audit board and the certificates."""

from datetime import date
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cor_portal.ui.templatetags.portal import status_tag

from . import selectors
from .models import Audit, Certificate


def countdown_chip(countdown: selectors.Countdown | None) -> SafeString:
    """Return the shared countdown chip (audits/_countdown.html) of one clock, named."""
    return render_to_string("audits/_countdown.html", {"countdown": countdown, "show_label": True})


def flags_of(audit: Audit) -> list[str]:
    """Return the words of the audit's flags for staff (late notice, overrun, ...)."""
    flags = [
        (audit.notice_late, _("Notice late")),
        (audit.onsite_overrun, _("Onsite overrun")),
        (audit.submission_late, _("Submitted late")),
        (audit.past_cutoff, _("Past cycle cutoff")),
    ]
    return [str(word) for raised, word in flags if raised]


def labelled(label: Any) -> dict[str, Any]:
    """Return a column's cell attributes naming it, for the stacked phone layout."""
    return {"td": {"data-label": label}}


class AuditTable(tables.Table):
    """The staff audit board: who, what, status, start and the next running clock."""

    employer = tables.Column(
        verbose_name=gettext_lazy("Employer"), order_by=("employer__legal_name", "pk")
    )
    account = tables.Column(
        verbose_name=gettext_lazy("Account"), accessor="employer__account_number", visible=False
    )
    status = tables.Column(attrs=labelled(gettext_lazy("Status")))
    next_due = tables.Column(
        verbose_name=gettext_lazy("Next deadline"),
        order_by=("next_due",),
        attrs=labelled(gettext_lazy("Next deadline")),
    )
    audit_type = tables.Column(
        verbose_name=gettext_lazy("Type"), attrs=labelled(gettext_lazy("Type"))
    )
    lead_auditor = tables.Column(
        verbose_name=gettext_lazy("Lead auditor"),
        order_by=("lead_auditor__user__last_name", "lead_auditor__user__first_name"),
        attrs=labelled(gettext_lazy("Lead auditor")),
    )
    starts_on = tables.Column(
        verbose_name=gettext_lazy("Start"), attrs=labelled(gettext_lazy("Start"))
    )
    flags = tables.Column(
        verbose_name=gettext_lazy("Flags"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        model = Audit
        fields = [
            "employer",
            "account",
            "status",
            "next_due",
            "audit_type",
            "lead_auditor",
            "starts_on",
            "flags",
        ]
        order_by = ["next_due"]
        # At phone width each audit is a block of labelled lines (portal.css .stack-table).
        attrs = {"class": "table table-hover align-middle stack-table"}

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_employer(self, record: Audit) -> SafeString:
        return format_html(
            '<a href="{}">{}</a><br><small class="text-body-secondary">{} {}</small>',
            record.get_absolute_url(),
            record.employer.legal_name,
            _("Account"),
            record.employer.account_number,
        )

    def render_lead_auditor(self, record: Audit) -> str:
        return record.lead_auditor.name

    def render_status(self, value: str, record: Audit) -> str:
        return status_tag(record.status, value)

    def render_starts_on(self, value: date) -> SafeString:
        return format_html('<span class="text-nowrap">{}</span>', value.isoformat())

    def render_next_due(self, record: Audit) -> SafeString:
        return countdown_chip(selectors.next_countdown(record, today=self.today))

    def render_flags(self, record: Audit) -> SafeString:
        return format_html_join(
            " ",
            '<span class="badge text-bg-warning status-tag">{}</span>',
            ((flag,) for flag in flags_of(record)),
        )

    # Exports hold words and dates, not the tags' HTML.
    def value_employer(self, record: Audit) -> str:
        return record.employer.legal_name

    def value_lead_auditor(self, record: Audit) -> str:
        return record.lead_auditor.name

    def value_status(self, value: str) -> str:
        return value

    def value_starts_on(self, value: date) -> str:
        return value.isoformat()

    def value_next_due(self, record: Audit) -> str:
        countdown = selectors.next_countdown(record, today=self.today)
        if countdown is None or countdown.due_on is None:
            return ""
        return f"{countdown.label}: {countdown.due_on.isoformat()} ({countdown.text})"

    def value_flags(self, record: Audit) -> str:
        return "; ".join(flags_of(record))


class CertificateTable(tables.Table):
    number = tables.Column(verbose_name=gettext_lazy("Number"), linkify=True)
    employer = tables.Column(order_by=("employer__legal_name",))
    cus = tables.Column(
        verbose_name=gettext_lazy("CUs"), accessor="pk", orderable=False, empty_values=()
    )
    certified_on = tables.Column(verbose_name=gettext_lazy("Certified on"))
    expires_on = tables.Column(verbose_name=gettext_lazy("Expires on"))
    status = tables.Column(verbose_name=gettext_lazy("Status today"), orderable=False)

    class Meta:
        model = Certificate
        fields = ["number", "employer", "cus", "certified_on", "expires_on", "status"]
        order_by = ["expires_on"]
        attrs = {"class": "table table-hover align-middle"}

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_employer(self, record: Certificate) -> str:
        return record.employer.legal_name

    def render_cus(self, record: Certificate) -> SafeString:
        return format_html_join(
            " ",
            "<span class='badge text-bg-light border'>{}</span>",
            ((unit.code,) for unit in record.classification_units.all()),
        )

    def render_certified_on(self, value: date) -> str:
        return value.isoformat()

    def render_expires_on(self, value: date, record: Certificate) -> SafeString:
        days = (value - self.today).days
        status = selectors.certificate_status_on(record, self.today)
        if status != "valid" or days > 90:
            return format_html('<span class="text-nowrap">{}</span>', value.isoformat())
        words = _("expires in %(days)s days") % {"days": days}
        return format_html(
            '<span class="text-nowrap" title="{}">{}</span> {}',
            _("Expires on %(date)s") % {"date": value.isoformat()},
            value.isoformat(),
            status_tag("expiring", words),
        )

    def render_status(self, record: Certificate) -> str:
        status = selectors.certificate_status_on(record, self.today)
        return status_tag(status, status.capitalize())

    def value_employer(self, record: Certificate) -> str:
        return record.employer.legal_name

    def value_cus(self, record: Certificate) -> str:
        return " ".join(unit.code for unit in record.classification_units.all())

    def value_certified_on(self, value: date) -> str:
        return value.isoformat()

    def value_expires_on(self, value: date) -> str:
        return value.isoformat()

    def value_status(self, record: Certificate) -> str:
        return selectors.certificate_status_on(record, self.today)


# QA reviews (R-12) -----------------------------------------------------------------------------


class QaQueueTable(tables.Table):
    """The QA queue: revisions waiting for review, oldest first, with age and deadline."""

    employer = tables.Column(
        verbose_name=gettext_lazy("Employer"),
        accessor="audit__employer__legal_name",
        order_by=("audit__employer__legal_name", "pk"),
    )
    audit_type = tables.Column(
        verbose_name=gettext_lazy("Type"),
        accessor="audit__audit_type",
        attrs=labelled(gettext_lazy("Type")),
    )
    revision = tables.Column(
        verbose_name=gettext_lazy("Revision"),
        accessor="submission__number",
        attrs=labelled(gettext_lazy("Revision")),
    )
    submitted_on = tables.Column(
        verbose_name=gettext_lazy("Submitted"),
        accessor="submission__submitted_on",
        attrs=labelled(gettext_lazy("Submitted")),
    )
    age = tables.Column(
        verbose_name=gettext_lazy("Age"),
        accessor="submission__submitted_on",
        order_by=("submission__submitted_on", "pk"),
        attrs=labelled(gettext_lazy("Age")),
    )
    deadline = tables.Column(
        verbose_name=gettext_lazy("Final report due"),
        accessor="audit__final_due",
        attrs=labelled(gettext_lazy("Final report due")),
    )
    status = tables.Column(
        verbose_name=gettext_lazy("Status"),
        accessor="audit__status",
        attrs=labelled(gettext_lazy("Status")),
    )
    reviewer = tables.Column(
        verbose_name=gettext_lazy("Reviewer"),
        empty_values=(),
        order_by=("reviewer__last_name", "reviewer__first_name"),
        attrs=labelled(gettext_lazy("Reviewer")),
    )
    flags = tables.Column(
        verbose_name=gettext_lazy("Flags"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        attrs = {"class": "table table-hover align-middle stack-table"}
        order_by = ["submitted_on"]

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_employer(self, record: Any) -> SafeString:
        return format_html(
            '<a href="{}">{}</a><br><small class="text-body-secondary">{} {} · {}</small>',
            record.get_absolute_url(),
            record.audit.employer.legal_name,
            _("Account"),
            record.audit.employer.account_number,
            record.audit.lead_auditor.name,
        )

    def render_audit_type(self, record: Any) -> str:
        return record.audit.get_audit_type_display()

    def render_submitted_on(self, value: date) -> SafeString:
        return format_html('<span class="text-nowrap">{}</span>', value.isoformat())

    def render_age(self, value: date) -> SafeString:
        days = (self.today - value).days
        return format_html(
            '<span class="text-nowrap">{}</span>',
            _("%(days)s days") % {"days": days} if days != 1 else _("1 day"),
        )

    def render_deadline(self, value: date) -> SafeString:
        days = (value - self.today).days
        tone = "danger" if days < 0 else "warning-emphasis" if days <= 7 else "body-secondary"
        words = (
            _("%(days)s days overdue") % {"days": -days}
            if days < 0
            else _("in %(days)s days") % {"days": days}
        )
        return format_html(
            '<span class="text-nowrap">{}</span><br><small class="text-{}">{}</small>',
            value.isoformat(),
            tone,
            words,
        )

    def render_status(self, record: Any) -> str:
        return status_tag(record.audit.status, record.audit.get_status_display())

    def render_reviewer(self, record: Any) -> SafeString:
        if record.reviewer is None:
            return format_html(
                '<span class="badge text-bg-light border">{}</span>', _("Not assigned")
            )
        return format_html("{}", record.reviewer.get_full_name() or record.reviewer.username)

    def render_flags(self, record: Any) -> SafeString:
        words = []
        if record.submission.late:
            words.append(_("Submitted late"))
        if record.submission.number > 1:
            words.append(_("Revision"))
        return format_html_join(
            " ", '<span class="badge text-bg-warning status-tag">{}</span>', ((w,) for w in words)
        )

    def value_employer(self, record: Any) -> str:
        return record.audit.employer.legal_name

    def value_audit_type(self, record: Any) -> str:
        return record.audit.get_audit_type_display()

    def value_submitted_on(self, value: date) -> str:
        return value.isoformat()

    def value_age(self, value: date) -> int:
        return (self.today - value).days

    def value_deadline(self, value: date) -> str:
        return value.isoformat()

    def value_status(self, record: Any) -> str:
        return record.audit.get_status_display()

    def value_reviewer(self, record: Any) -> str:
        if record.reviewer is None:
            return ""
        return record.reviewer.get_full_name() or record.reviewer.username

    def value_flags(self, record: Any) -> str:
        return "late" if record.submission.late else ""
