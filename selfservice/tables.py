import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cor_portal.ui.columns import DateTimeColumn
from cor_portal.ui.templatetags.portal import status_tag

from .models import Application, Invitation


class InvitationTable(tables.Table):
    name = tables.Column(verbose_name=_("Person"), accessor="last_name", order_by=("last_name",))
    email = tables.Column()
    role = tables.Column()
    where = tables.Column(
        verbose_name=_("Employer"), accessor="contact__employer__legal_name", default=""
    )
    sent_on = DateTimeColumn(verbose_name=_("Sent"), format="Y-m-d H:i")
    expires_at = DateTimeColumn(verbose_name=_("Expires"), format="Y-m-d H:i")
    state = tables.Column(verbose_name=_("State"), accessor="pk", orderable=False)
    created_by = tables.Column(verbose_name=_("Invited by"), default="")
    actions = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Invitation
        fields = ["name", "email", "role", "where", "sent_on", "expires_at", "state", "created_by"]
        order_by = ["-sent_on"]
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, record):
        return record.full_name

    def value_name(self, record):
        return record.full_name

    def render_state(self, record):
        return status_tag(record.state, record.get_state_display())

    def value_state(self, record):
        return record.get_state_display()

    def render_actions(self, record):
        if record.state not in ("pending", "expired"):
            return ""
        return format_html(
            "<a class='btn btn-sm btn-outline-primary' href='{}'>{}</a> "
            "<a class='btn btn-sm btn-outline-danger' href='{}'>{}</a>",
            reverse("selfservice:invitation-resend", args=[record.pk]),
            _("Re-send"),
            reverse("selfservice:invitation-revoke", args=[record.pk]),
            _("Revoke"),
        )


class LoginTable(tables.Table):
    username = tables.Column(verbose_name=_("Login"))
    name = tables.Column(verbose_name=_("Name"), accessor="last_name", order_by=("last_name",))
    email = tables.Column()
    role = tables.Column()
    last_login = DateTimeColumn(verbose_name=_("Last sign-in"), format="Y-m-d", default="")
    is_active = tables.Column(verbose_name=_("State"))
    actions = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True
    )

    class Meta:
        fields = ["username", "name", "email", "role", "last_login", "is_active"]
        order_by = ["username"]
        attrs = {"class": "table table-hover align-middle"}

    def render_name(self, record):
        return record.get_full_name()

    def value_name(self, record):
        return record.get_full_name()

    def render_is_active(self, value):
        return status_tag(
            "active" if value else "inactive", _("Active") if value else _("Deactivated")
        )

    def value_is_active(self, value):
        return "active" if value else "deactivated"

    def render_actions(self, record):
        if record.is_active:
            url, label, css = (
                reverse("selfservice:login-deactivate", args=[record.pk]),
                _("Deactivate"),
                "danger",
            )
        else:
            url, label, css = (
                reverse("selfservice:login-reactivate", args=[record.pk]),
                _("Reactivate"),
                "primary",
            )
        return format_html("<a class='btn btn-sm btn-outline-{}' href='{}'>{}</a>", css, url, label)


class ApplicationTable(tables.Table):
    legal_name = tables.Column(verbose_name=_("Applicant"), linkify=True)
    account_number = tables.Column(verbose_name=_("Account"))
    region = tables.Column()
    contact = tables.Column(verbose_name=_("Contact"), accessor="contact_email")
    submitted_at = DateTimeColumn(verbose_name=_("Submitted"), format="Y-m-d H:i")
    duplicate_of = tables.Column(verbose_name=_("Already recorded"), linkify=True, default="")
    state = tables.Column()

    class Meta:
        model = Application
        fields = [
            "legal_name",
            "account_number",
            "region",
            "contact",
            "submitted_at",
            "duplicate_of",
            "state",
        ]
        order_by = ["-submitted_at"]
        attrs = {"class": "table table-hover align-middle"}

    def render_contact(self, record):
        return format_html("{}<br><small>{}</small>", record.contact_name, record.contact_email)

    def value_contact(self, record):
        return f"{record.contact_name} <{record.contact_email}>"

    def render_state(self, value, record):
        return status_tag(record.state, value)

    def value_state(self, value, record):
        return value
