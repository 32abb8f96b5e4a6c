"""Demo of R-13 and R-14: one flagged plagiarism pair and two WIVA cases.

Plagiarism: the two latest submitted reports of two different employers get realistic report
PDFs (WeasyPrint), the later one a near-copy of the earlier; both are checked, so the later
report's QA reviewer sees the pair flagged with its matching passages.

WIVA: a finished case (six steps, its verification audit approved, cost over the estimate)
and one in progress (employer notified, auditor selected, the audit planned in a few weeks).
Everything goes through the services with dates in the past. Running it again adds nothing.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from employers.models import Employer

from . import services, services_plagiarism, services_wiva
from .choices import AuditStatus, AuditType
from .demo import _Demo
from .models import Audit, SimilarityMatch, Submission, WivaCase
from .sample_reports import HOTEL_COPY, HOTEL_REPORT, report_pdf

FINISHED_EMPLOYER = "Salish Sea Kayak Adventures Inc."
OPEN_EMPLOYER = "Kicking Horse Lodge Ltd."
WAITING_FOR_QA = (AuditStatus.SUBMITTED, AuditStatus.IN_QA, AuditStatus.RESUBMITTED)


def _pair() -> tuple[Submission, Submission] | None:
    """Return (earlier, later): the latest report waiting for QA and an earlier one of another
    employer, or None when the demo has no such pair."""
    submitted = Submission.objects.filter(submitted_on__isnull=False).select_related(
        "audit__employer"
    )
    later = (
        submitted.filter(audit__status__in=WAITING_FOR_QA).order_by("-submitted_on", "-pk").first()
    )
    if later is None:
        return None
    earlier = (
        submitted.exclude(audit__employer=later.audit.employer)
        .filter(submitted_on__lt=later.submitted_on)
        .order_by("-submitted_on", "-pk")
        .first()
    )
    return (earlier, later) if earlier else None


def seed_plagiarism() -> int:
    """Give two reports near-identical texts and check them; return the pairs flagged."""
    if SimilarityMatch.objects.filter(flagged=True).exists():
        return 0
    pair = _pair()
    if pair is None:
        return 0
    for submission, text in zip(pair, (HOTEL_REPORT, HOTEL_COPY), strict=True):
        employer = submission.audit.employer.legal_name
        pdf = report_pdf(text, title=f"Audit report: {employer}")
        submission.report.save(f"{employer} audit report.pdf", ContentFile(pdf), save=False)
        submission.report_name = f"{employer} audit report.pdf"
        submission.save(update_fields=["report", "report_name"])
        services_plagiarism.check_report(submission)
    return SimilarityMatch.objects.filter(flagged=True).count()


def _scores(audit: Audit) -> dict[int, tuple[Decimal, Decimal]]:
    points = [88, 84, 91, 82, 86, 90, 83, 87]
    return {
        element.pk: (Decimal(points[i % len(points)]), Decimal("100"))
        for i, element in enumerate(audit.tool.elements.order_by("number"))
    }


def seed_finished(demo: _Demo, employer: Employer, today: date) -> WivaCase:
    """A WIVA from WorkSafeBC's request to the result confirmed, about seven months ago."""
    staff = demo.staff
    start = today - timedelta(days=210)
    case = services_wiva.open_case(
        actor=staff,
        employer=employer,
        budget=Decimal("7500.00"),
        reason="WorkSafeBC asked for a verification after a serious injury claim at the "
        "employer's Sooke base, to check the audited safety management system.",
        on=start,
    )
    services_wiva.notify_employer(
        case=case,
        actor=staff,
        on=start,
        note="Letter and call to the operations manager.",
    )
    selected_on = start + timedelta(days=9)
    starts_on = selected_on + timedelta(days=35)
    lead = demo.lead(employer, AuditType.WIVA, starts_on, prefer="")
    case = services_wiva.select_auditor(
        case=case,
        actor=staff,
        on=selected_on,
        auditor=lead,
        estimate=Decimal("6800.00"),
        starts_on=starts_on,
        note="Three estimates received: $6,800, $7,250 and $8,100.",
    )
    case = services_wiva.arrange_audit(
        case=case,
        actor=staff,
        on=selected_on + timedelta(days=6),
        starts_on=starts_on,
        note="Two onsite days at the Sooke base, interviews with guides and office staff.",
    )
    audit = case.audit
    assert audit is not None
    user = lead.user
    audit = services.file_notice(
        audit=audit,
        actor=user,
        no_conflict_declared=True,
        sites="Sooke base and the Victoria office; guides, dispatch and office staff.",
        on=starts_on - timedelta(days=16),
    )
    audit = services.start_audit(audit=audit, actor=user, on=starts_on)
    last_onsite = starts_on + timedelta(days=2)
    audit = services.complete_onsite(
        audit=audit, actor=user, last_onsite_on=last_onsite, on=last_onsite
    )
    services.save_draft(
        audit=audit,
        actor=user,
        scores=_scores(audit),
        report=ContentFile(
            report_pdf("WIVA verification audit report.", title=f"WIVA report: {employer}"),
            name="WIVA audit report.pdf",
        ),
    )
    submitted_on = last_onsite + timedelta(days=14)
    services.submit_report(audit=audit, actor=user, on=submitted_on)
    audit = Audit.objects.get(pk=audit.pk)
    approved_on = submitted_on + timedelta(days=6)
    services.approve_audit(
        audit=audit, actor=staff, reason="Verification audit reviewed.", on=approved_on
    )
    case = services_wiva.qa_documents(
        case=case,
        actor=staff,
        on=approved_on,
        result="The verification audit scored 86.4% and supports the employer's COR audit. "
        "Hazard identification for guided tours was strengthened after the claim.",
        note="Report, interview notes and the element scores reviewed.",
    )
    case = services_wiva.file_reporting_form(
        case=case,
        actor=staff,
        on=approved_on + timedelta(days=5),
        cost=Decimal("7120.50"),
        note="Filed through the WorkSafeBC partner channel.",
    )
    return services_wiva.confirm_result(
        case=case,
        actor=staff,
        on=approved_on + timedelta(days=8),
        note="Result letter emailed to the employer.",
    )


def seed_open(demo: _Demo, employer: Employer, today: date) -> WivaCase:
    """A WIVA under way: the employer notified, the auditor selected, the audit planned."""
    staff = demo.staff
    notified_on = today - timedelta(days=18)
    case = services_wiva.open_case(
        actor=staff,
        employer=employer,
        budget=Decimal("7500.00"),
        reason="Random verification selected by WorkSafeBC for this year.",
        on=notified_on,
    )
    services_wiva.notify_employer(
        case=case, actor=staff, on=notified_on, note="Call to the general manager."
    )
    starts_on = today + timedelta(days=28)
    lead = demo.lead(employer, AuditType.WIVA, starts_on, prefer="")
    return services_wiva.select_auditor(
        case=case,
        actor=staff,
        on=today - timedelta(days=6),
        auditor=lead,
        estimate=Decimal("7250.00"),
        starts_on=starts_on,
        note="Two estimates received; the lower one was not available in time.",
    )


def seed(*, today: date, staff: Any, login: Any) -> str:
    """Create the plagiarism pair and the two WIVA cases once; return a summary."""
    with transaction.atomic():
        connection = transaction.get_connection()
        pending = len(connection.run_on_commit)
        seed_plagiarism()
        demo = _Demo(today=today, staff=staff, login=login)
        added = 0
        for name, make in ((FINISHED_EMPLOYER, seed_finished), (OPEN_EMPLOYER, seed_open)):
            employer = Employer.objects.filter(legal_name=name).first()
            if employer is None or WivaCase.objects.filter(employer=employer).exists():
                continue
            make(demo, employer, today)
            added += 1
        # The demo describes the past: keep its in-app notifications, send none of its emails.
        del connection.run_on_commit[pending:]
    flagged = SimilarityMatch.objects.filter(flagged=True).count()
    cases = WivaCase.objects.count()
    return f"{flagged} report pair(s) flagged as similar, {cases} WIVA cases ({added} added)"
