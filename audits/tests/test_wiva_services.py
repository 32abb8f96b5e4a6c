"""R-14 WIVA cases: six dated steps in order, the audit planned through plan_audit, the count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from auditors.choices import AuditorKind
from audits import selectors, selectors_wiva, services_wiva
from audits.choices import AuditStatus, AuditType, WivaStatus, WivaStep
from audits.models import WivaCase, WivaStepRecord
from audits.tests.test_services import auditor, employer

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
D1 = date(2025, 5, 5)  # the employer is notified
TODAY = date(2025, 9, 30)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff(staff_user):
    return staff_user


def new_case(staff, **kwargs) -> WivaCase:
    kwargs.setdefault("employer", employer("large"))
    kwargs.setdefault("budget", Decimal("7500.00"))
    return services_wiva.open_case(actor=staff, on=D1, **kwargs)


def through(case, staff, last: int, *, lead=None) -> WivaCase:
    """Do the case's steps 1..last, a week apart from D1."""
    lead = lead or auditor(years=(2025,))
    steps = {
        1: lambda on: services_wiva.notify_employer(case=case, actor=staff, on=on, note="Letter"),
        2: lambda on: services_wiva.select_auditor(
            case=case,
            actor=staff,
            on=on,
            auditor=lead,
            estimate=Decimal("6800.00"),
            starts_on=on + timedelta(days=30),
            note="Three estimates",
        ),
        3: lambda on: services_wiva.arrange_audit(
            case=case, actor=staff, on=on, starts_on=D1 + timedelta(days=50)
        ),
        4: lambda on: services_wiva.qa_documents(
            case=case, actor=staff, on=on, result="The audit result is confirmed."
        ),
        5: lambda on: services_wiva.file_reporting_form(
            case=case, actor=staff, on=on, cost=Decimal("7120.50")
        ),
        6: lambda on: services_wiva.confirm_result(case=case, actor=staff, on=on),
    }
    for number in range(1, last + 1):
        case = steps[number](D1 + timedelta(days=7 * (number - 1)))
    return WivaCase.objects.get(pk=case.pk)


def test_a_case_goes_through_its_six_steps_in_order(staff):
    case = new_case(staff)
    assert case.number == "WIVA-2025-001"
    assert services_wiva.next_step(case) == WivaStep.NOTIFY_EMPLOYER

    case = through(case, staff, 6)

    assert case.status == WivaStatus.COMPLETED
    assert case.cost == Decimal("7120.50")
    assert case.estimate == Decimal("6800.00")
    assert case.result == "The audit result is confirmed."
    records = list(case.steps.order_by("step"))
    assert [r.step for r in records] == [1, 2, 3, 4, 5, 6]
    assert [r.done_on for r in records] == [D1 + timedelta(days=7 * i) for i in range(6)]
    assert all(r.actor == staff for r in records)
    assert services_wiva.next_step(case) is None
    # Every change is in the history, with its actor.
    assert case.history.filter(history_user=staff).count() >= 4
    assert WivaStepRecord.history.filter(history_user=staff).count() == 6


def test_selecting_the_auditor_plans_a_wiva_audit_then_arranging_moves_it(staff):
    case = through(new_case(staff), staff, 2)
    audit = case.audit
    assert audit.audit_type == AuditType.WIVA
    assert audit.status == AuditStatus.PLANNED
    assert audit.employer == case.employer
    assert audit.starts_on == D1 + DAY * 7 + timedelta(days=30)

    case = through_step3(case, staff)
    audit.refresh_from_db()
    assert audit.starts_on == D1 + timedelta(days=60)
    assert audit.notice_due == audit.starts_on - timedelta(days=14)


def through_step3(case, staff):
    return services_wiva.arrange_audit(
        case=case, actor=staff, on=D1 + timedelta(days=14), starts_on=D1 + timedelta(days=60)
    )


def test_a_wiva_needs_an_external_auditor(staff):
    case = through(new_case(staff), staff, 1)
    inside = employer("large")
    internal = auditor(of=inside, kind=AuditorKind.INTERNAL)
    with pytest.raises(ValidationError) as caught:
        services_wiva.select_auditor(
            case=case,
            actor=staff,
            on=D1 + DAY,
            auditor=internal,
            estimate=Decimal("100"),
            starts_on=D1 + timedelta(days=40),
        )
    assert "external auditor" in " ".join(caught.value.messages)
    assert not WivaStepRecord.objects.filter(case=case, step=2).exists()


def test_a_step_cannot_be_done_before_the_previous_one(staff):
    case = new_case(staff)
    with pytest.raises(ValidationError, match="Record “Notify the employer” first"):
        services_wiva.confirm_result(case=case, actor=staff, on=D1)
    assert not case.steps.exists()
    case = through(case, staff, 1)
    with pytest.raises(ValidationError) as caught:
        services_wiva.arrange_audit(case=case, actor=staff, on=D1, starts_on=D1 + DAY)
    assert caught.value.messages == [
        "Record “Request estimates and select an auditor” first: "
        "the steps of a WIVA are done in order."
    ]
    assert case.steps.count() == 1


def test_a_step_cannot_be_dated_before_the_previous_one(staff):
    case = through(new_case(staff), staff, 1)  # notified on D1
    with pytest.raises(ValidationError) as caught:
        services_wiva.select_auditor(
            case=case,
            actor=staff,
            on=D1 - DAY,
            auditor=auditor(years=(2025,)),
            estimate=Decimal("5000"),
            starts_on=D1 + timedelta(days=30),
        )
    assert caught.value.message_dict["on"] == [
        "This step cannot be dated before the previous one (“Notify the employer”, 2025-05-05)."
    ]
    # The same day as the previous step is fine.
    services_wiva.select_auditor(
        case=case,
        actor=staff,
        on=D1,
        auditor=auditor(years=(2025,)),
        estimate=Decimal("5000"),
        starts_on=D1 + timedelta(days=30),
    )
    assert case.steps.count() == 2


def test_a_step_is_done_once_and_not_in_the_future(staff):
    case = through(new_case(staff), staff, 1)
    with pytest.raises(ValidationError, match="already recorded on 2025-05-05"):
        services_wiva.notify_employer(case=case, actor=staff, on=D1)
    with pytest.raises(ValidationError) as caught:
        services_wiva.select_auditor(
            case=case,
            actor=staff,
            on=TODAY + DAY,
            auditor=auditor(years=(2025,)),
            estimate=Decimal("1"),
            starts_on=TODAY + timedelta(days=30),
        )
    assert "future" in caught.value.message_dict["on"][0]


def test_money_and_results_are_checked(staff):
    case = through(new_case(staff), staff, 3)
    with pytest.raises(ValidationError) as caught:
        services_wiva.qa_documents(case=case, actor=staff, on=D1 + timedelta(days=21), result=" ")
    assert "result" in caught.value.message_dict
    case = through_qa(case, staff)
    with pytest.raises(ValidationError) as caught:
        services_wiva.file_reporting_form(
            case=case, actor=staff, on=D1 + timedelta(days=28), cost=Decimal("-1")
        )
    assert "cost" in caught.value.message_dict


def through_qa(case, staff):
    return services_wiva.qa_documents(
        case=case, actor=staff, on=D1 + timedelta(days=21), result="Confirmed"
    )


def test_cancelling_closes_the_case_and_its_planned_audit(staff):
    case = through(new_case(staff), staff, 2)
    with pytest.raises(ValidationError):
        services_wiva.cancel_case(case=case, actor=staff, reason="")
    case = services_wiva.cancel_case(
        case=case, actor=staff, reason="WorkSafeBC withdrew the request", on=D1 + DAY * 10
    )
    assert case.status == WivaStatus.CANCELLED
    case.audit.refresh_from_db()
    assert case.audit.status == AuditStatus.CANCELLED
    with pytest.raises(ValidationError, match="cancelled: no more steps"):
        services_wiva.arrange_audit(case=case, actor=staff, on=D1 + DAY * 11, starts_on=D1)
    with pytest.raises(ValidationError, match="Only an open"):
        services_wiva.cancel_case(case=case, actor=staff, reason="again")


def test_case_numbers_count_up_per_year(staff):
    assert new_case(staff).number == "WIVA-2025-001"
    assert new_case(staff).number == "WIVA-2025-002"
    assert (
        services_wiva.open_case(
            actor=staff, employer=employer(), budget=Decimal("1"), on=date(2026, 1, 2)
        ).number
        == "WIVA-2026-001"
    )


def test_wiva_count_counts_cases_by_their_notification_date(staff):
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    on_start = new_case(staff)
    services_wiva.notify_employer(case=on_start, actor=staff, on=start)
    on_end = new_case(staff)
    with time_machine.travel(date(2026, 4, 2), tick=False):
        services_wiva.notify_employer(case=on_end, actor=staff, on=end)
        after = new_case(staff)
        services_wiva.notify_employer(case=after, actor=staff, on=end + DAY)
    before = new_case(staff)
    services_wiva.notify_employer(case=before, actor=staff, on=start - DAY)
    cancelled = new_case(staff)
    services_wiva.notify_employer(case=cancelled, actor=staff, on=start + DAY)
    services_wiva.cancel_case(case=cancelled, actor=staff, reason="Withdrawn")
    new_case(staff)  # opened, employer not yet notified: not counted
    finished = through(new_case(staff), staff, 6)  # notified D1, completed: counted

    assert finished.status == WivaStatus.COMPLETED
    assert selectors.wiva_count(start=start, end=end) == 3
    assert selectors.wiva_count(start=start, end=start) == 1
    assert selectors.wiva_count(start=end + DAY, end=end + DAY * 5) == 1
    assert selectors.wiva_count(start=date(2020, 1, 1), end=date(2020, 12, 31)) == 0


def test_timeline_marks_done_steps_and_the_next_one(staff):
    case = through(new_case(staff), staff, 2)
    steps = selectors_wiva.timeline(case)
    assert [s.done for s in steps] == [True, True, False, False, False, False]
    assert [s.is_next for s in steps] == [False, False, True, False, False, False]
    listed = selectors_wiva.case_list().get(pk=case.pk)
    assert listed.steps_done == 2
    assert listed.opened_on == D1
    assert listed.last_step_on == D1 + timedelta(days=7)
    assert selectors_wiva.next_step_label(listed) == "Arrange the audit"
