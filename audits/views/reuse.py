"""Starting an audit from the employer's previous audit: confirm, then start (the lead auditor).

The page shows what starting would give (``services_reuse.plan_reuse``: last time's points and
notes per element, the elements not carried) and asks before doing it; the score sheet then
shows "last time" under each element.
"""

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cor_portal.ui.forms import ConfirmForm

from .. import services_reuse
from .work import AuditPageMixin


class ReuseView(AuditPageMixin):
    """Confirm, then start the audit's score sheet from the employer's previous audit."""

    action_perm = "audits.start_from_previous"
    form_class = ConfirmForm
    template_name = "audits/audit_work_reuse.html"
    heading = _("Start from last year's audit")

    @cached_property
    def refusal(self) -> str:
        if self.audit.started_from_id is not None:
            return _("This audit was already started from the previous audit.")
        return services_reuse.refusal(self.audit, actor=self.request.user)

    @cached_property
    def plan(self) -> services_reuse.Reuse | None:
        return None if self.refusal else services_reuse.plan_reuse(self.audit)

    def is_open(self) -> bool:
        return not self.refusal and self.plan is not None

    def why_not(self) -> str:
        if self.refusal:
            return self.refusal
        return _("The employer has no approved audit before this one to start from.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            plan=self.plan, work_url=reverse("audits:work", args=[self.audit.pk]), **kwargs
        )

    def perform(self, form: Any) -> str:
        reuse = services_reuse.start_from_previous(
            audit=self.fresh_audit(), actor=self.request.user
        )
        message = ngettext(
            "Started from the audit of %(date)s: %(count)s element shows last time.",
            "Started from the audit of %(date)s: %(count)s elements show last time.",
            len(reuse.carried),
        ) % {"date": reuse.source.starts_on.isoformat(), "count": len(reuse.carried)}
        if reuse.not_carried:
            message += " " + _("Not in this audit's tool, so not carried: %(names)s.") % {
                "names": ", ".join(f"{r.number}. {r.name}" for r in reuse.not_carried)
            }
        messages.success(self.request, message)
        return reverse("audits:work", args=[self.audit.pk])
