"""The go2HR 23/24 workplan fixture against the seed document (R-21)."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from workplan.models import KPI, Activity, Mandate, OutcomeIndicator, Workplan

from .conftest import FIXTURE

pytestmark = pytest.mark.django_db

# The seed's activity budgets: 6,000 + 8,450 (mandate 1); 5,000 + 2,000 (2); 31,000 (3);
# none (4); 10,000 + 800 + 15,000 (5); none (optional).
SEED_BUDGETS = {1: 14450, 2: 7000, 3: 31000, 4: 0, 5: 25800, 6: 0}
SEED_TOTAL = 78250

# Every numeric KPI target of the seed, by mandate.
SEED_TARGETS = {
    (2, "Health and Safety Orientation training completions"): 600,
    (2, "OHS Program Fundamentals course completions"): 150,
    (2, "Safety Basics Assessment Tool completions"): 75,
    (2, "COR readiness gap analyses completed"): 5,
    (2, "New COR registrations"): 15,
    (2, "New COR certifications"): 5,
    (2, "COR certified employer retention"): 100,
    (2, "Visits logged to the COR landing page"): 2250,
    (2, "Biosphere engagements (one per quarter)"): 4,
    (2, "E-blasts and newsletter content opportunities"): 4,
    (2, "COR employer satisfaction survey"): 1,
    (1, "Visits to the COR landing page"): 2250,
    (1, "Articles placed in partner publications"): 4,
    (1, "Targeted industry campaigns"): 4,
    (1, "Employer showcases on the website (1 per month)"): 12,
    (3, "Students at COR internal auditor training"): 20,
    (3, "COR internal auditor training sessions (at least)"): 3,
    (3, "Internal auditors certified or recertified"): 28,
    (3, "OHS Program Fundamentals course completions"): 150,
    (3, "Health and safety orientation training course completions"): 600,
    (4, "External auditor annual declarations"): 9,
    (4, "Update sessions for external auditors"): 1,
    (5, "Audits QA'd"): 100,
    (5, "External auditor quality assurance audits (EAQA)"): 1,
    (5, "WorkSafeBC Initiated Verification Audits (WIVAs)"): 2,
    (5, "Advisory committee meetings"): 4,
}


def test_fixture_has_all_mandates_and_the_approval(go2hr):
    assert go2hr.starts_on == date(2023, 4, 1)
    assert go2hr.ends_on == date(2024, 3, 31)
    assert go2hr.approved_by == "Heidi Romich"
    assert go2hr.approved_on == date(2022, 9, 8)
    numbers = list(go2hr.mandates.values_list("number", "optional"))
    assert numbers == [(1, False), (2, False), (3, False), (4, False), (5, False), (6, True)]
    assert Activity.objects.filter(mandate__workplan=go2hr).count() == 25
    assert OutcomeIndicator.objects.filter(mandate__workplan=go2hr).count() == 21


def test_budgets_add_up_as_in_the_seed(go2hr):
    by_mandate = {
        m.number: int(m.activities.aggregate(t=Sum("budget"))["t"] or 0)
        for m in go2hr.mandates.all()
    }
    assert by_mandate == SEED_BUDGETS
    total = Activity.objects.filter(mandate__workplan=go2hr).aggregate(t=Sum("budget"))["t"]
    assert total == Decimal(SEED_TOTAL)
    assert sum(SEED_BUDGETS.values()) == SEED_TOTAL


def test_every_numeric_target_of_the_seed_is_there(go2hr):
    found = {
        (k.mandate.number, k.description): k.target
        for k in KPI.objects.filter(mandate__workplan=go2hr).select_related("mandate")
    }
    for key, target in SEED_TARGETS.items():
        assert found[key] == Decimal(target), key
    units = dict(
        KPI.objects.filter(unit="percent", kind="computed").values_list("source", "target")
    )
    assert units == {"certified_retention": Decimal(100), "qa_coverage": Decimal(100)}


def test_computed_kpis_name_a_known_source(go2hr):
    from workplan.sources import SOURCES

    sources = set(KPI.objects.filter(kind="computed").values_list("source", flat=True))
    assert sources <= set(SOURCES)
    assert {"new_registrations", "wivas", "qa_coverage", "eaqas"} <= sources
    assert not KPI.objects.filter(kind="entered").exclude(source="").exists()


def test_load_workplan_command_is_idempotent():
    out = StringIO()
    call_command("load_workplan", str(FIXTURE), stdout=out)
    assert "Loaded go2HR 23/24 COR Workplan: 6 mandates, 30 KPIs" in out.getvalue()
    counts = (Mandate.objects.count(), Activity.objects.count(), KPI.objects.count())
    call_command("load_workplan", str(FIXTURE), stdout=out)
    assert "Refreshed" in out.getvalue()
    assert Workplan.objects.count() == 1
    assert (Mandate.objects.count(), Activity.objects.count(), KPI.objects.count()) == counts


def test_load_workplan_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "No year"}')
    with pytest.raises(CommandError, match="not in the expected form"):
        call_command("load_workplan", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_workplan", str(tmp_path / "missing.json"))
    assert not Workplan.objects.exists()


def test_reloading_an_edited_file_updates_in_place(fixture_data, staff_user):
    from workplan import services

    workplan, _ = services.load_workplan(actor=staff_user, data=fixture_data)
    registrations = KPI.objects.get(source="new_registrations")
    mandate_2 = fixture_data["mandates"][1]
    mandate_2["kpis"].insert(0, {"description": "A new first KPI", "target": 3})
    for kpi in mandate_2["kpis"]:
        if kpi["description"] == "New COR registrations":
            kpi["target"] = 18
    services.load_workplan(actor=staff_user, data=fixture_data)
    registrations.refresh_from_db()
    assert registrations.target == Decimal(18)  # the same row, its measurements kept
    assert KPI.objects.filter(mandate__workplan=workplan).count() == 31
    assert KPI.objects.get(description="A new first KPI").position == 1
