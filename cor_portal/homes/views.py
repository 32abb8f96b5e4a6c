"""The role homes: each composes panels from the apps' selectors."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from auditors import selectors as auditor_selectors
from audits import selectors as audit_selectors
from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.accounts.choices import Role
from cor_portal.celery import app as celery_app
from cor_portal.counting import count_each
from employers import selectors as employer_selectors
from employers.forms import PortalRequestForm
from selfservice import selectors as selfservice_selectors

ROLE_HOMES: dict[str, str] = {
    Role.EMPLOYER: "homes:portal",
    Role.AUDITOR: "homes:auditor",
    Role.BOARD: "workplan:dashboard",
}
PANEL_ROWS = 8
# The window of the auditor certifications the staff home counts (the roster's "within 90 days").
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class ReleasedResult:
    """An audit's result as the employer sees it once QA has released it."""

    overall_percent: Decimal | None
    passed: bool | None


@dataclass(frozen=True)
class AuditPanelRow:
    """An audit in a role home's panel: its clocks, and what its reader may see or do."""

    audit: Any
    countdowns: list[Any]
    next_countdown: Any
    action: Any = None  # the lead auditor's next step (audits.selectors.NextAction)
    can_extend: bool = False
    result: ReleasedResult | None = None


def auditor_audit_rows(auditor_id: int, *, today: date) -> list[AuditPanelRow]:
    """Return the auditor's open audits with their clocks and next steps (one query)."""
    return [
        AuditPanelRow(
            audit,
            audit_selectors.countdowns(audit, today=today),
            audit_selectors.next_countdown(audit, today=today),
            action=audit_selectors.next_action(audit),
            can_extend=audit.is_open("final") and not getattr(audit, "extension_pending", False),
        )
        for audit in audit_selectors.audits_to_work_on(auditor_id)
    ]


def employer_audit_rows(audits: list[Any], *, today: date) -> list[AuditPanelRow]:
    """Return the employer's audits with their clocks; the result only once released."""
    rows = []
    for audit in audits:
        released = audit.status in audit_selectors.RELEASED
        result = ReleasedResult(audit.overall_percent, audit.passed) if released else None
        countdowns = audit_selectors.countdowns(audit, today=today)
        next_countdown = audit_selectors.next_countdown(audit, today=today)
        rows.append(AuditPanelRow(audit, countdowns, next_countdown, result=result))
    return rows


class HomeView(SectionRequiredMixin, TemplateView):
    """Staff "today": what needs the COR team. Other roles are sent to their own home."""

    permission_required = "homes.view_today"
    template_name = "homes/today.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        user = request.user
        home = ROLE_HOMES.get(getattr(user, "role", ""))
        if user.is_authenticated and home:
            return redirect(home)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        today = timezone.localdate()
        follow_ups = employer_selectors.follow_ups_due(as_of=today)
        waiting = employer_selectors.gap_analyses_waiting()
        recent = employer_selectors.recent_registrations(as_of=today)
        # Every count card in one statement; the names are the template's.
        counts = count_each(
            {
                **audit_selectors.staff_today_counted(today=today),
                **auditor_selectors.staff_counted(today=today, expiring_days=EXPIRING_DAYS),
                **selfservice_selectors.staff_counted(),
                "follow_ups": follow_ups,
                "gap_analyses": waiting,
            }
        )
        return super().get_context_data(
            today=today,
            counts=counts,
            follow_ups=follow_ups[:PANEL_ROWS],
            gap_analyses=waiting[:PANEL_ROWS],
            registrations=recent[:PANEL_ROWS],
            status_counts=employer_selectors.status_counts(),
            **audit_selectors.staff_today(today=today, rows=PANEL_ROWS),
            **kwargs,
        )


class PortalView(SectionRequiredMixin, TemplateView):
    """The employer's own COR: status card, what comes next, contacts and history."""

    permission_required = "homes.view_portal"
    template_name = "homes/portal.html"

    def get_context_data(self, **kwargs) -> dict:
        employer = employer_selectors.employer_for(self.request.user)
        context: dict = {"employer": employer}
        if employer is not None:
            today = timezone.localdate()
            audits = audit_selectors.audits_of_employer(employer.pk)
            summary = employer_selectors.portal_summary(
                employer,
                today=today,
                audits=audit_selectors.employer_progress(employer, audits, today=today),
                trainees=auditor_selectors.trainees_of(employer.pk, today=today),
            )
            context.update(summary, request_form=PortalRequestForm())
            context["audit_rows"] = employer_audit_rows(audits, today=today)
        return super().get_context_data(**context, **kwargs)


class AuditorWorkspaceView(SectionRequiredMixin, TemplateView):
    """The auditor's workspace: standing, what to do next, CPD, declarations and audits."""

    permission_required = "homes.view_auditor_workspace"
    template_name = "homes/auditor.html"

    def get_context_data(self, **kwargs) -> dict:
        auditor = auditor_selectors.auditor_for(self.request.user)
        context: dict = {"auditor": auditor}
        if auditor is not None:
            today = timezone.localdate()
            context.update(auditor_selectors.workspace_for(auditor, today=today))
            context["audit_rows"] = auditor_audit_rows(auditor.pk, today=today)
        return super().get_context_data(**context, **kwargs)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database (and the broker, if one is configured) respond."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    if celery_app.conf.task_always_eager:
        checks["broker"] = "not used (tasks run in process)"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["broker"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" or value.startswith("not used") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
