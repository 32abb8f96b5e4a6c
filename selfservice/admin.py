import re

from django import forms
from django.contrib import admin
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AccountChange, Invitation, MessageTemplate, message_template_names


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "sent_on", "expires_at", "accepted_on", "revoked_on"]
    list_filter = ["role"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["token_hash", "created_by", "created_at", "accepted_on", "user"]


@admin.register(AccountChange)
class AccountChangeAdmin(admin.ModelAdmin):
    list_display = ["user", "active", "reason", "changed_by", "changed_at"]
    list_filter = ["active"]


class Sample:
    """Stands for any object of a message's context in a preview: ``[audit.employer]``."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> "Sample":
        if name.startswith("_"):
            raise AttributeError(name)
        return Sample(f"{self._path}.{name}")

    def __str__(self) -> str:
        return f"[{self._path}]"

    def __iter__(self):
        return iter([Sample(f"{self._path}[0]")])


def sample_context(*sources: str) -> dict:
    """Return a preview context: the site's own values, and a Sample for every other name."""
    from django.conf import settings

    names = set()
    for source in sources:
        names |= set(re.findall(r"{{\s*([a-z_]\w*)", source or ""))
        names |= set(re.findall(r"{%\s*\w+\s+(?:not\s+)?([a-z_]\w*)", source or ""))
    context: dict = {name: Sample(name) for name in names}
    context.update(
        site_url=settings.COR_SITE_URL,
        url="/example/",
        association_name=settings.COR_ASSOCIATION_NAME,
    )
    return context


class MessageTemplateForm(forms.ModelForm):
    name = forms.ChoiceField(label=_("Message"), choices=message_template_names)

    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "body", "active"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    """Edit a notification's wording, with a preview on sample data; the file is the fallback."""

    form = MessageTemplateForm
    list_display = ["name", "subject", "active", "updated_at"]
    list_filter = ["active"]
    readonly_fields = ["file_template", "preview"]
    fields = ["name", "subject", "body", "active", "file_template", "preview"]

    @admin.display(description=_("Text on file (the fallback)"))
    def file_template(self, obj: MessageTemplate) -> str:
        if not obj or not obj.name:
            return "-"
        source = get_template(f"notifications/email/{obj.name}.txt").template.source  # type: ignore[attr-defined]
        return format_html("<pre class='small'>{}</pre>", source)

    @admin.display(description=_("Preview with sample data"))
    def preview(self, obj: MessageTemplate) -> str:
        if not obj or not obj.pk:
            return str(_("Save to see a preview."))
        rendered = obj.render(sample_context(obj.subject, obj.body))
        if rendered is None:
            return str(_("This template fails to render; the file's text is sent instead."))
        subject, body = rendered
        return format_html("<strong>{}</strong><pre class='small'>{}</pre>", subject or "-", body)
