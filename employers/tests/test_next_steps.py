"""The employer's next steps, computed from crafted progress at each stage (no database)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from employers.choices import EmployerStatus, InteractionKind
from employers.models import GapAnalysis, Interaction
from employers.selectors import (
    AuditProgress,
    AuditUnderWay,
    CycleYearFacts,
    EmployerProgress,
    NextStep,
    Trainee,
    next_steps,
)

TODAY = date(2026, 6, 15)
S = EmployerStatus
RULES = {"notice_lead_days": 14, "onsite_days": 45, "final_report_days": 75}


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def steps_of(progress: EmployerProgress) -> dict[str, NextStep]:
    steps = next_steps(progress, today=TODAY)
    keys = [step.key for step in steps]
    assert len(keys) == len(set(keys)), keys
    return {step.key: step for step in steps}


def registered(**kwargs) -> EmployerProgress:
    kwargs.setdefault("audits", AuditProgress(external_auditor_required=True, **RULES))
    return EmployerProgress(status=S.REGISTERED, registered_on=day(-30), **kwargs)


def gap(**kwargs) -> GapAnalysis:
    return GapAnalysis(pk=7, offered_on=day(-30), **kwargs)


def audit(**kwargs) -> AuditUnderWay:
    values = {
        "audit_type": "certification",
        "label": "Certification audit",
        "url": "/audits/5/",
        "starts_on": day(20),
        "auditor": "Jane Okafor",
        "notice_due": day(6),
        "notice_open": True,
        "clock_label": "Onsite work",
        "clock_due": day(65),
    }
    return AuditUnderWay(**{**values, **kwargs})


# Registered: the road to certification -----------------------------------------------------


def test_registered_without_gap_analysis_is_asked_to_request_one():
    steps = next_steps(registered(), today=TODAY)

    assert [(s.key, s.state) for s in steps] == [
        ("register", "done"),
        ("gap_analysis", "todo"),
        ("auditor", "todo"),
        ("notice", "todo"),
        ("certification_audit", "todo"),
    ]
    assert steps[0].detail == "Registered on 2026-05-16."
    request_url = reverse("employers:request-create")
    assert steps[1].link.url == f"{request_url}?kind=gap_analysis_request"
    assert steps[2].link.url == reverse("auditor-directory")
    assert "needs a certified external auditor" in steps[2].detail
    assert steps[3].detail == "Your auditor files it at least 14 days before the audit starts."
    assert "within 45 days of the start, and the final report within 75 days" in steps[4].detail


def test_the_rule_numbers_come_from_the_progress_not_the_checklist():
    progress = registered(
        audits=AuditProgress(notice_lead_days=21, onsite_days=40, final_report_days=70)
    )

    steps = steps_of(progress)

    assert "at least 21 days" in steps["notice"].detail
    assert "within 40 days of the start, and the final report within 70 days" in (
        steps["certification_audit"].detail
    )


@pytest.mark.parametrize(
    ("required", "words"),
    [
        (True, "needs a certified external auditor"),
        (False, "your own certified internal auditor or a certified external auditor"),
        (None, "tell the COR team how many people you employ"),
    ],
)
def test_who_may_audit_follows_the_rule_answer(required, words):
    progress = registered(audits=AuditProgress(external_auditor_required=required))

    assert words in steps_of(progress)["auditor"].detail


def test_offered_gap_analysis_is_to_do_with_the_offer_date():
    step = steps_of(registered(gap_analysis=gap()))["gap_analysis"]

    assert step.state == "todo"
    assert step.detail.startswith("Offered on 2026-05-16")
    assert step.link.label == "Ask for your gap analysis"


def test_requested_gap_analysis_waits_for_the_cor_team():
    step = steps_of(registered(gap_analysis=gap(requested_on=day(-2))))["gap_analysis"]

    assert step.state == "waiting"
    assert "You asked for it on 2026-06-13" in step.detail
    assert step.link is None


def test_an_open_request_counts_as_asked_even_before_the_offer_is_updated():
    request = Interaction(
        kind=InteractionKind.GAP_ANALYSIS_REQUEST, occurred_on=day(-1), follow_up_due=day(-1)
    )
    progress = registered(gap_analysis=gap(), open_requests=(request,))

    step = steps_of(progress)["gap_analysis"]

    assert (step.state, step.detail[:31]) == ("waiting", "You asked for it on 2026-06-14:")


def test_an_open_consultation_request_does_not_touch_the_gap_analysis():
    request = Interaction(
        kind=InteractionKind.CONSULTATION_REQUEST, occurred_on=day(-1), follow_up_due=day(-1)
    )

    assert steps_of(registered(open_requests=(request,)))["gap_analysis"].state == "todo"


@pytest.mark.parametrize(
    ("offset", "state", "days_left", "label"),
    [(1, "due", 1, "Due in 1 day"), (0, "due", 0, "Due today")],
)
def test_scheduled_gap_analysis_is_due_on_its_date(offset, state, days_left, label):
    progress = registered(gap_analysis=gap(requested_on=day(-9), scheduled_on=day(offset)))

    step = steps_of(progress)["gap_analysis"]

    assert (step.state, step.due_on, step.days_left, step.state_label) == (
        state,
        day(offset),
        days_left,
        label,
    )


def test_gap_analysis_held_yesterday_waits_for_its_findings_not_overdue():
    progress = registered(gap_analysis=gap(scheduled_on=day(-1)))

    step = steps_of(progress)["gap_analysis"]

    assert step.state == "waiting"
    assert "Held on 2026-06-14" in step.detail


def test_completed_gap_analysis_is_done_with_its_report():
    progress = registered(gap_analysis=gap(completed_on=day(-3), report="gap-analyses/x.pdf"))

    step = steps_of(progress)["gap_analysis"]

    assert (step.state, step.detail) == ("done", "Completed on 2026-06-12.")
    assert step.link.url == reverse("employers:gap-analysis-report", args=[7])


def test_declined_gap_analysis_can_still_be_asked_for():
    step = steps_of(registered(gap_analysis=gap(declined_on=day(-3))))["gap_analysis"]

    assert step.state == "todo"
    assert "declined it on 2026-06-12" in step.detail
    assert step.link is not None


# Training ----------------------------------------------------------------------------------


def test_no_internal_auditors_means_no_training_step():
    assert "training" not in steps_of(registered())


def test_training_lists_who_still_needs_it_and_is_due_by_the_nearest_student_audit():
    trainees = (
        Trainee("Maya Lee", "certified", certified_until=day(400)),
        Trainee("Faye Lam", "in_training", next_session_on=day(10)),
        Trainee("Cody Reid", "student", student_audit_due=day(30)),
        Trainee("Dana Kaur", "student", student_audit_due=day(12)),
        Trainee("Eli Moss", "lapsed"),
        Trainee("Gus Ortiz", "in_training"),
    )

    step = steps_of(registered(trainees=trainees))["training"]

    assert (step.state, step.due_on, step.days_left) == ("due", day(12), 12)
    assert step.tone == "warning"  # 14 days or fewer
    assert step.detail == "5 of your internal auditors still need training or a student audit."
    assert step.people == (
        "Faye Lam: booked on the training session of 2026-06-25",
        "Cody Reid: student audit due by 2026-07-15",
        "Dana Kaur: student audit due by 2026-06-27",
        "Eli Moss: certification expired: requalify",
        "Gus Ortiz: not booked on a training session yet",
    )


def test_student_audit_past_its_due_date_makes_training_overdue():
    trainees = (Trainee("Dana Kaur", "student", student_audit_due=day(-1)),)

    step = steps_of(registered(trainees=trainees))["training"]

    assert (step.state, step.state_label, step.tone) == ("overdue", "Overdue by 1 day", "danger")
    assert step.people == ("Dana Kaur: student audit overdue since 2026-06-14",)


def test_a_certification_expiring_today_is_no_longer_valid():
    trainees = (Trainee("Maya Lee", "certified", certified_until=TODAY),)

    step = steps_of(registered(trainees=trainees))["training"]

    assert step.state == "todo"
    assert step.people == ("Maya Lee: certification expired: requalify",)


def test_training_is_done_when_every_internal_auditor_is_certified():
    trainees = (Trainee("Maya Lee", "certified", certified_until=day(1)),)

    step = steps_of(registered(trainees=trainees))["training"]

    assert (step.state, step.detail) == ("done", "Certified internal auditors: Maya Lee.")


def test_student_whose_audit_is_done_waits_for_certification():
    trainees = (
        Trainee(
            "Iris Boyd", "student", student_audit_due=day(-5), student_audit_completed_on=day(-9)
        ),
    )

    step = steps_of(registered(trainees=trainees))["training"]

    assert step.state == "waiting"
    assert step.people == ("Iris Boyd: student audit done on 2026-06-06: certification to follow",)


# An audit under way ------------------------------------------------------------------------


def test_planned_certification_audit_shows_notice_and_clock():
    progress = registered(audits=AuditProgress(audits=(audit(),), **RULES))

    steps = next_steps(progress, today=TODAY)

    assert [(s.key, s.state, s.due_on) for s in steps[2:]] == [
        ("auditor", "done", None),
        ("notice", "due", day(6)),
        ("audit", "due", day(65)),
    ]
    assert steps[2].detail == "Jane Okafor leads your certification audit."
    assert steps[3].title == "Notice of Audit for your certification audit"
    assert steps[3].link.url == "/audits/5/"
    assert steps[4].title == "Certification audit: onsite work"
    assert steps[4].tone == "success"  # green: more than 14 days left


@pytest.mark.parametrize(
    ("notice_offset", "state", "label", "tone"),
    [
        (15, "due", "Due in 15 days", "success"),
        (14, "due", "Due in 14 days", "warning"),
        (0, "due", "Due today", "warning"),
        (-1, "overdue", "Overdue by 1 day", "danger"),
    ],
)
def test_notice_of_audit_boundaries(notice_offset, state, label, tone):
    progress = registered(audits=AuditProgress(audits=(audit(notice_due=day(notice_offset)),)))

    step = steps_of(progress)["notice"]

    assert (step.state, step.state_label, step.tone) == (state, label, tone)
    assert step.detail.startswith("Not filed yet" if state == "overdue" else "Jane Okafor files it")


def test_filed_notice_is_done():
    progress = registered(
        audits=AuditProgress(audits=(audit(notice_filed_on=day(-3), notice_open=False),))
    )

    step = steps_of(progress)["notice"]

    assert (step.state, step.detail) == ("done", "Filed on 2026-06-12.")


def test_audit_with_qa_waits_for_the_cor_team():
    under_qa = audit(notice_open=False, clock_label="", clock_due=None, with_qa=True)
    progress = EmployerProgress(
        status=S.CERTIFICATION_IN_PROGRESS, audits=AuditProgress(audits=(under_qa,))
    )

    step = steps_of(progress)["audit"]

    assert step.state == "waiting"
    assert "notice" not in steps_of(progress)


def test_overdue_onsite_clock():
    late = audit(starts_on=day(-50), notice_open=False, clock_due=day(-5))
    progress = EmployerProgress(
        status=S.CERTIFICATION_IN_PROGRESS, audits=AuditProgress(audits=(late,))
    )

    step = steps_of(progress)["audit"]

    assert (step.state, step.state_label) == ("overdue", "Overdue by 5 days")
    assert step.detail == "Started 2026-04-26 with Jane Okafor."


# Certified: the cycle ----------------------------------------------------------------------


def certified(cycle, audits=(), **kwargs) -> EmployerProgress:
    return EmployerProgress(
        status=S.CERTIFIED,
        registered_on=date(2024, 1, 10),
        audits=AuditProgress(
            audits=audits,
            certificate_number="COR-2025-000001",
            certificate_url="/audits/certificates/1/",
            certified_on=date(2025, 3, 10),
            expires_on=date(2028, 3, 10),
            cycle=cycle,
            external_auditor_required=True,
        ),
        **kwargs,
    )


def year(number, audit_type, calendar_year, due_by, state, url=""):
    return CycleYearFacts(number, audit_type, calendar_year, due_by, state, url)


def test_certified_with_maintenance_due_this_year():
    cycle = (
        year(2, "maintenance", 2026, date(2026, 12, 31), "due"),
        year(3, "maintenance", 2027, date(2027, 12, 31), "upcoming"),
        year(4, "recertification", 2028, date(2028, 3, 9), "upcoming"),
    )

    steps = next_steps(certified(cycle), today=TODAY)

    assert [(s.title, s.state, s.due_on) for s in steps] == [
        ("Certificate", "done", None),
        ("Maintenance audit, 2026 (cycle year 2)", "due", date(2026, 12, 31)),
        ("Maintenance audit, 2027 (cycle year 3)", "due", date(2027, 12, 31)),
        ("Recertification audit", "due", date(2028, 3, 9)),
    ]
    assert steps[0].detail == "Certificate COR-2025-000001, valid until 2028-03-10."
    assert steps[1].days_left == 199
    assert steps[1].detail == (
        "Onsite work must finish by 2026-12-31. Agree the dates with your auditor."
    )
    assert steps[1].link.url == reverse("auditor-directory")
    assert "before your certificate expires on 2028-03-10" in steps[3].detail
    assert "you need a certified external auditor" in steps[3].detail


def test_certified_with_a_missed_maintenance_year_is_overdue():
    cycle = (year(2, "maintenance", 2025, date(2025, 12, 31), "missed"),)

    step = next_steps(certified(cycle), today=TODAY)[1]

    assert (step.state, step.days_left, step.tone) == ("overdue", -166, "danger")
    assert "had to finish by 2025-12-31" in step.detail
    assert step.link.url.endswith("?kind=consultation_request")


def test_done_maintenance_year_links_to_its_audit():
    cycle = (year(2, "maintenance", 2025, date(2025, 12, 31), "done", "/audits/9/"),)

    step = next_steps(certified(cycle), today=TODAY)[1]

    assert (step.state, step.link.url) == ("done", "/audits/9/")


def test_planned_maintenance_is_followed_by_its_notice_without_repeating_the_cutoff():
    cycle = (
        year(2, "maintenance", 2026, date(2026, 12, 31), "planned", "/audits/12/"),
        year(3, "recertification", 2028, date(2028, 3, 9), "upcoming"),
    )
    maintenance = audit(
        audit_type="maintenance",
        label="Maintenance audit",
        url="/audits/12/",
        starts_on=date(2026, 12, 1),
        notice_due=date(2026, 11, 17),
        clock_label="Onsite work (cycle year cutoff)",
        clock_due=date(2026, 12, 31),
        cycle_year=2,
    )

    steps = next_steps(certified(cycle, audits=(maintenance,)), today=TODAY)

    assert [(s.key, s.due_on) for s in steps] == [
        ("certificate", None),
        ("maintenance", date(2026, 12, 31)),
        ("notice", date(2026, 11, 17)),
        ("recertification", date(2028, 3, 9)),
    ]
    assert steps[1].detail.startswith("Planned with your auditor.")
    assert steps[1].link.url == "/audits/12/"


def test_a_later_clock_of_a_planned_maintenance_audit_is_shown():
    cycle = (year(2, "maintenance", 2026, date(2026, 12, 31), "planned", "/audits/12/"),)
    reporting = audit(
        audit_type="maintenance",
        label="Maintenance audit",
        starts_on=day(-40),
        notice_open=False,
        notice_filed_on=day(-60),
        clock_label="Report to QA",
        clock_due=day(20),
        cycle_year=2,
    )

    steps = steps_of(certified(cycle, audits=(reporting,)))

    assert steps["audit"].title == "Maintenance audit: report to QA"
    assert steps["audit"].due_on == day(20)


def test_certified_without_a_recorded_certificate_waits_for_it():
    steps = next_steps(EmployerProgress(status=S.CERTIFIED), today=TODAY)

    assert [(s.key, s.state) for s in steps] == [("certificate", "waiting")]


def test_certified_employer_sees_training_still_needed():
    trainees = (Trainee("Cody Reid", "student", student_audit_due=day(3)),)

    steps = steps_of(certified((), trainees=trainees))

    assert steps["training"].state == "due"


# Other statuses ----------------------------------------------------------------------------


def test_enquiry_is_asked_to_register_first():
    steps = next_steps(EmployerProgress(status=S.ENQUIRY), today=TODAY)

    assert steps[0].key == "register"
    assert steps[0].state == "todo"
    assert steps[0].link.label == "Ask the COR team to register you"


def test_lapsed_employer_starts_again_from_a_certification_audit():
    progress = EmployerProgress(
        status=S.LAPSED, status_changed_on=date(2026, 1, 1), registered_on=date(2022, 2, 1)
    )

    steps = next_steps(progress, today=TODAY)

    assert steps[0].key == "lapsed"
    assert steps[0].detail.startswith("Your certificate lapsed on 2026-01-01.")
    assert steps[1].state == "done"
    assert steps[-1].key == "certification_audit"


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.REMOVED])
def test_employers_out_of_the_program_are_asked_to_talk_to_the_cor_team(status):
    steps = next_steps(EmployerProgress(status=status), today=TODAY)

    assert len(steps) == 1
    assert steps[0].key == "talk"
    assert steps[0].link.url.endswith("?kind=consultation_request")
