"""The workplan demo: the 23/24 fixture, today's year cloned from it, measurements, a snapshot."""

from datetime import date

import pytest

from workplan import demo
from workplan.models import KPI, Measurement, Snapshot, Workplan

pytestmark = pytest.mark.django_db


def test_demo_loads_clones_measures_and_freezes_once(staff_user):
    today = date(2026, 11, 22)  # in Q3 of 26/27
    summary = demo.seed(today=today, staff=staff_user)
    assert summary == "workplans 23/24 and 26/27, 20 measurements and 1 snapshot added"
    current = Workplan.objects.get(starts_on=date(2026, 4, 1))
    assert current.title == "go2HR 26/27 COR Workplan"
    assert current.approved_by == "Heidi Romich"
    entered = KPI.objects.filter(mandate__workplan=current, kind="entered").count()
    assert Measurement.objects.filter(kpi__mandate__workplan=current).count() == entered * 2
    snapshot = Snapshot.objects.get(workplan=current)
    assert (snapshot.quarter, snapshot.as_of) == (2, date(2026, 9, 30))
    assert "Registrations" in snapshot.commentary
    again = demo.seed(today=today, staff=staff_user)
    assert again == "workplans 23/24 and 26/27, 0 measurements and 0 snapshot added"
    assert Workplan.objects.count() == 2
    assert Snapshot.objects.count() == 1
