"""The WIVA reporting form to WorkSafeBC (R-14), rendered from a case as a PDF."""

from typing import Any

from django.utils.text import slugify

from cor_portal import lifecycle
from cor_portal.pdf import render_pdf

from . import selectors_wiva
from .choices import WivaStep
from .models import WivaCase


def wiva_form_context(case: WivaCase) -> dict[str, Any]:
    """Return what the form shows: case, employer, audit, auditor, the six dated steps, money."""
    audit = case.audit
    steps = selectors_wiva.timeline(case)
    filed = next((s.record for s in steps if s.step == WivaStep.REPORTING_FORM), None)
    return {
        "title": f"WIVA reporting form {case.number}",
        "case": case,
        "employer": case.employer,
        "audit": audit,
        "auditor": audit.lead_auditor if audit else None,
        "units": list(audit.scope.order_by("code")) if audit else [],
        "steps": steps,
        "filed_on": filed.done_on if filed else None,
        "prepared_on": lifecycle.today(),
        "over_budget": case.cost is not None and case.cost > case.budget,
    }


def render_wiva_form_pdf(case: WivaCase) -> bytes:
    """Return the case's WIVA reporting form as an A4 PDF."""
    return render_pdf("audits/pdf/wiva_form.html", wiva_form_context(case))


def wiva_form_filename(case: WivaCase) -> str:
    """Return the PDF's file name: ``WIVA-2026-001-alpha-lodge-ltd.pdf``."""
    name = slugify(case.employer.legal_name)[:60].strip("-")
    return f"{case.number}-{name}.pdf" if name else f"{case.number}.pdf"
