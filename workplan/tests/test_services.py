"""Measurements, snapshots (frozen for good), approval and cloning into the next year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from employers.models import Registration
from employers.tests.factories import EmployerFactory
from workplan import selectors, services
from workplan.models import KPI, Activity, Measurement, OutcomeIndicator, Snapshot, Workplan
from workplan.tests.factories import KPIFactory, MandateFactory, WorkplanFactory

pytestmark = pytest.mark.django_db
D = Decimal


def register(day):
    Registration.objects.create(employer=EmployerFactory(), program="ohs", registered_on=day)


@pytest.fixture
def plan():
    workplan = WorkplanFactory(starts_on=date(2023, 4, 1))
    mandate = MandateFactory(workplan=workplan, number=2)
    registrations = KPIFactory(
        mandate=mandate, kind="computed", source="new_registrations", target=D(15), position=1
    )
    visits = KPIFactory(
        mandate=mandate, description="Landing page visits", target=D(2250), position=2
    )
    return workplan, registrations, visits


def test_entered_measurements_add_up_by_quarter(plan, staff_user):
    workplan, _, visits = plan
    services.record_measurement(actor=staff_user, kpi=visits, quarter=1, value=D(600))
    services.record_measurement(actor=staff_user, kpi=visits, quarter=2, value=D(500))
    services.record_measurement(actor=staff_user, kpi=visits, quarter=2, value=D(550))  # changed
    assert Measurement.objects.filter(kpi=visits).count() == 2
    board = selectors.dashboard(workplan, today=date(2023, 11, 15))
    row = board.mandates[0].kpis[1]
    assert row.trend == [D(600), D(1150), D(1150)]
    assert row.actual == D(1150)
    services.record_measurement(actor=staff_user, kpi=visits, quarter=2, value=None)  # cleared
    assert list(Measurement.objects.values_list("quarter", flat=True)) == [1]
    assert visits.measurements.first().history.first().history_user == staff_user


def test_latest_aggregation_takes_the_last_quarter(plan, staff_user):
    workplan, _, visits = plan
    visits.aggregation = "latest"
    visits.save()
    services.record_measurement(actor=staff_user, kpi=visits, quarter=1, value=D(80))
    services.record_measurement(actor=staff_user, kpi=visits, quarter=3, value=D(92))
    board = selectors.dashboard(workplan, today=date(2024, 5, 1))
    assert board.mandates[0].kpis[1].trend == [D(80), D(80), D(92), D(92)]


def test_a_computed_kpi_is_not_entered(plan, staff_user):
    _, registrations, _ = plan
    with pytest.raises(ValidationError, match="counted from the records"):
        services.record_measurement(actor=staff_user, kpi=registrations, quarter=1, value=D(3))
    with pytest.raises(ValidationError):
        services.record_measurement(actor=staff_user, kpi=plan[2], quarter=5, value=D(3))
    survey = KPIFactory(mandate=plan[1].mandate, unit="percent", target=None, aggregation="latest")
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.record_measurement(actor=staff_user, kpi=survey, quarter=1, value=D(101))
    services.record_measurement(actor=staff_user, kpi=survey, quarter=1, value=D(100))


def test_snapshot_is_frozen_and_never_changes(plan, staff_user):
    workplan, registrations, visits = plan
    for day in (date(2023, 4, 1), date(2023, 6, 30), date(2023, 7, 1)):
        register(day)
    services.record_measurement(actor=staff_user, kpi=visits, quarter=1, value=D(600))
    snapshot = services.freeze_snapshot(
        actor=staff_user,
        workplan=workplan,
        quarter=1,
        commentary="Good start.",
        as_of=date(2023, 6, 30),
    )
    values = {v.description: (v.actual, v.status, v.target) for v in snapshot.values.all()}
    # 2 of 15 at 91/366 of the year: expected 3.73, at risk from 2.80 -> behind.
    assert values[registrations.description] == (D("2.00"), "behind", D("15.00"))
    assert values["Landing page visits"] == (D("600.00"), "on_track", D("2250.00"))
    # Later changes: more records, a changed target and measurement, a deleted KPI.
    for _ in range(5):
        register(date(2023, 5, 1))
    registrations.target = D(5)
    registrations.save()
    services.record_measurement(actor=staff_user, kpi=visits, quarter=1, value=D(1))
    visits.delete()
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    again = {v.description: (v.actual, v.status, v.target) for v in snapshot.values.all()}
    assert again == values
    assert snapshot.commentary == "Good start."
    assert snapshot.frozen_by == staff_user


def test_one_snapshot_per_quarter_with_commentary(plan, staff_user):
    workplan = plan[0]
    with pytest.raises(ValidationError, match="commentary"):
        services.freeze_snapshot(
            actor=staff_user, workplan=workplan, quarter=1, commentary="  ", as_of=date(2023, 6, 30)
        )
    services.freeze_snapshot(
        actor=staff_user, workplan=workplan, quarter=1, commentary="Q1", as_of=date(2023, 6, 30)
    )
    with pytest.raises(ValidationError, match="already frozen"):
        services.freeze_snapshot(
            actor=staff_user,
            workplan=workplan,
            quarter=1,
            commentary="Again",
            as_of=date(2023, 6, 30),
        )
    assert Snapshot.objects.count() == 1


def test_approval_names_the_chair(plan, staff_user):
    workplan = plan[0]
    with pytest.raises(ValidationError):
        services.approve_workplan(
            actor=staff_user, workplan=workplan, approved_by=" ", approved_on=date(2023, 3, 1)
        )
    services.approve_workplan(
        actor=staff_user,
        workplan=workplan,
        approved_by="Heidi Romich",
        approved_on=date(2023, 3, 1),
    )
    workplan.refresh_from_db()
    assert (workplan.approved_by, workplan.approved_on) == ("Heidi Romich", date(2023, 3, 1))
    assert workplan.history.first().history_user == staff_user


def test_a_fiscal_year_starts_on_april_1(staff_user):
    with pytest.raises(ValidationError, match="April 1"):
        services.save_workplan(actor=staff_user, title="Odd", starts_on=date(2023, 1, 1))


def test_clone_keeps_targets_and_empties_actuals(go2hr, staff_user):
    indicator = OutcomeIndicator.objects.filter(mandate__workplan=go2hr).first()
    indicator.evaluation_result = "Met"
    indicator.save()
    visits = KPI.objects.filter(mandate__workplan=go2hr, kind="entered").first()
    services.record_measurement(actor=staff_user, kpi=visits, quarter=1, value=D(10))
    services.freeze_snapshot(
        actor=staff_user, workplan=go2hr, quarter=1, commentary="Q1", as_of=date(2023, 6, 30)
    )
    copy = services.clone_workplan(actor=staff_user, workplan=go2hr)
    assert copy.starts_on == date(2024, 4, 1)
    assert copy.title == "go2HR 24/25 COR Workplan"
    assert copy.cloned_from == go2hr
    assert (copy.approved_by, copy.approved_on) == ("", None)
    frames = set(
        Activity.objects.filter(mandate__workplan=copy).values_list("time_frame", flat=True)
    )
    assert "April 24 \N{EN DASH} March 25" in frames
    assert "April 23 \N{EN DASH} March 24" not in frames
    lines = set(
        OutcomeIndicator.objects.filter(mandate__workplan=copy).values_list("time_line", flat=True)
    )
    assert "April 24 \N{EN DASH} March 25" in lines

    def shape(workplan):
        return sorted(
            KPI.objects.filter(mandate__workplan=workplan).values_list(
                "mandate__number",
                "description",
                "target",
                "unit",
                "kind",
                "source",
                "activity__description",
            ),
            key=str,
        )

    assert shape(copy) == shape(go2hr)
    budget = Activity.objects.filter(mandate__workplan=copy).values_list("budget", flat=True)
    assert sum(b or 0 for b in budget) == D(78250)
    assert not Measurement.objects.filter(kpi__mandate__workplan=copy).exists()
    assert not copy.snapshots.exists()
    assert (
        not OutcomeIndicator.objects.filter(mandate__workplan=copy)
        .exclude(evaluation_result="")
        .exists()
    )
    assert OutcomeIndicator.objects.filter(mandate__workplan=copy).count() == 21
    with pytest.raises(ValidationError, match="already a workplan"):
        services.clone_workplan(actor=staff_user, workplan=go2hr)
    assert Workplan.objects.count() == 2


def test_kpi_activity_must_belong_to_the_mandate(plan, staff_user):
    workplan, registrations, _ = plan
    other = MandateFactory(workplan=workplan, number=5)
    foreign = Activity.objects.create(mandate=other, description="Elsewhere")
    with pytest.raises(ValidationError, match="activity of this mandate"):
        services.save_kpi(
            actor=staff_user, mandate=registrations.mandate, kpi=registrations, activity=foreign
        )


def test_kpi_kind_and_source_agree(plan, staff_user):
    _, registrations, visits = plan
    with pytest.raises(ValidationError, match="Choose the records"):
        services.save_kpi(
            actor=staff_user, mandate=registrations.mandate, kpi=registrations, source=""
        )
    with pytest.raises(ValidationError, match="no source"):
        services.save_kpi(actor=staff_user, mandate=visits.mandate, kpi=visits, source="enquiries")
    visits.refresh_from_db()
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.save_kpi(
            actor=staff_user, mandate=visits.mandate, kpi=visits, unit="percent", target=D(150)
        )
