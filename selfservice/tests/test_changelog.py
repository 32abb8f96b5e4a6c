"""The change log: every history table in one list, filtered, with before → after."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from auditors.models import Enrolment, TrainingSession
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CourseFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
)
from audits.models import Review
from audits.tests.factories import AuditFactory, CertificateFactory, ExtensionFactory
from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.program.periods import add_years
from employers import services as employer_services
from employers.models import Contact, Employer
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    InteractionFactory,
)
from incentives.models import Payroll
from incentives.tests.factories import BaseRateFactory, PayrollFactory, incentive_for
from selfservice.changelog import historical_models, kind_choices, label_relations
from workplan.models import Mandate
from workplan.tests.factories import KPIFactory, MandateFactory, MeasurementFactory

URL = "/changes/"


def make_changes(actor, n: int, offset: int = 0) -> None:
    """Per round: an employer created and renamed, and a contact added and changed."""
    unit = ClassificationUnitFactory()
    unit.history.all().delete()  # only employers and contacts in the log: the same tables
    for i in range(offset, offset + n):
        employer = employer_services.create_employer(
            actor=actor,
            legal_name=f"Changed {i:03d} Ltd.",
            account_number=f"{9100000 + i}",
            region="northern_bc",
            sector="ski",
            classification_units=[unit],
        )
        employer_services.update_employer(
            employer=employer, actor=actor, legal_name=f"Renamed {i:03d} Ltd."
        )
        contact = employer_services.add_contact(
            employer=employer, actor=actor, first_name="Kim", last_name=f"L{i}", email=f"k{i}@x.org"
        )
        employer_services.update_contact(contact=contact, actor=actor, phone="250-555-0100")


def test_the_log_shows_who_what_and_before_after(client, staff_user):
    make_changes(staff_user, 1)
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    renamed = next(r for r in rows if r.kind == "employers.employer" and r.action == "changed")
    assert renamed.who == staff_user
    assert renamed.object_label == "Renamed 000 Ltd."
    employer = Employer.objects.get(legal_name="Renamed 000 Ltd.")
    assert renamed.object_url == employer.get_absolute_url()
    assert [(c.label, c.old, c.new) for c in renamed.changes] == [
        ("legal name", "Changed 000 Ltd.", "Renamed 000 Ltd.")
    ]
    phone = next(r for r in rows if r.kind == "employers.contact" and r.action == "changed")
    assert [(c.label, c.old, c.new) for c in phone.changes] == [("phone", "—", "250-555-0100")]
    assert "Changed 000 Ltd. → Renamed 000 Ltd." in response.text
    # Newest first.
    whens = [r.when for r in rows]
    assert whens == sorted(whens, reverse=True)


def test_filters_by_user_kind_and_dates(client, staff_user):
    other = UserFactory(role=Role.STAFF, first_name="Quinn", last_name="Otherton")
    make_changes(staff_user, 1)
    ContactFactory(first_name="Nobody")  # no actor: not staff_user's
    employer = EmployerFactory(legal_name="Other's Co")
    employer_services.update_employer(employer=employer, actor=other, notes="Other's note")
    client.force_login(staff_user)
    mine = client.get(URL, {"who": staff_user.username}).context["rows"]
    assert mine
    assert {r.who for r in mine} == {staff_user}
    theirs = client.get(URL, {"who": other.username.upper()}).context["rows"]
    assert [r.object_label for r in theirs] == ["Other's Co"]
    by_name = client.get(URL, {"who": " quinn otherton "})
    assert [r.object_label for r in by_name.context["rows"]] == ["Other's Co"]
    assert client.get(URL, {"who": "no such person"}).context["rows"] == []
    contacts = client.get(URL, {"kind": "employers.contact"}).context["rows"]
    assert contacts
    assert {r.kind for r in contacts} == {"employers.contact"}
    today = timezone.localdate()
    assert client.get(URL, {"since": today.isoformat()}).context["rows"]
    assert client.get(URL, {"until": (today - timedelta(days=1)).isoformat()}).context["rows"] == []
    assert client.get(URL, {"since": (today + timedelta(days=1)).isoformat()}).context["rows"] == []


def test_bad_filters_answer_the_form_not_a_500(client, staff_user):
    client.force_login(staff_user)
    response = client.get(URL, {"since": "not-a-date", "kind": "nope.nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_constant_queries_per_page(client, staff_user, django_assert_max_num_queries):
    """Measured with 2 and 20 rounds of changes: the page costs the same number of queries."""
    client.force_login(staff_user)
    counts = []
    for rounds, offset in ((2, 0), (18, 100)):
        make_changes(staff_user, rounds, offset=offset)
        with django_assert_max_num_queries(16) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        total = sum(model.objects.count() for model in historical_models().values())
        assert total >= rounds * 4
        assert len(response.context["rows"]) == min(total, 25)
        assert response.context["page_obj"].has_next == (total > 25)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    # No count of every history row: the page reads one row more than it shows.
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == min(total - 25, 25)
    assert second.context["page_obj"].has_previous
    last = (total - 1) // 25 + 1
    end = client.get(URL, {"page": last})
    assert len(end.context["rows"]) == total - (last - 1) * 25
    assert not end.context["page_obj"].has_next
    assert f"Page {last}" in end.content.decode()
    beyond = client.get(URL, {"page": last + 5})
    assert beyond.status_code == 200
    assert beyond.context["rows"] == []
    assert client.get(URL, {"page": "x"}).context["page_obj"].number == 1


def test_changed_foreign_keys_show_names(client, staff_user):
    consultant = UserFactory(role=Role.STAFF, first_name="Gale", last_name="Consultant")
    employer = EmployerFactory()
    gap = employer_services.record_gap_analysis(employer=employer, actor=staff_user)
    employer_services.update_gap_analysis(gap_analysis=gap, actor=staff_user, consultant=consultant)
    client.force_login(staff_user)
    rows = client.get(URL, {"kind": "employers.gapanalysis"}).context["rows"]
    changed = next(r for r in rows if r.action == "changed")
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("consultant", "—", "Gale Consultant")
    ]


def make_mixed_changes(actor, per_kind: int) -> dict[str, list]:
    """Records of many kinds, each then changed once, the changes of the kinds interleaved.

    Returns the changed records by kind. The newest changes (one of each kind per round) come
    last, so a page of the log shows every kind; an interaction is deleted at the very end.
    """
    records: dict[str, list] = {}
    for _ in range(per_kind):
        employer = EmployerFactory()
        auditor = AuditorFactory()
        kpi = KPIFactory()
        audit = AuditFactory(employer=employer, lead_auditor=auditor)
        made = {
            "employers.employer": employer,
            "employers.contact": ContactFactory(employer=employer),
            "employers.gapanalysis": employer_services.record_gap_analysis(
                employer=employer, actor=actor
            ),
            "employers.interaction": InteractionFactory(employer=employer),
            "employers.classificationunit": ClassificationUnitFactory(),
            "auditors.auditor": auditor,
            "auditors.course": CourseFactory(),
            "auditors.trainingsession": TrainingSessionFactory(),
            "auditors.enrolment": EnrolmentFactory(),
            "auditors.cpdactivity": CPDActivityFactory(auditor=auditor),
            "auditors.consultingengagement": ConsultingEngagementFactory(
                auditor=auditor, employer=employer
            ),
            "auditors.eaqa": EAQAFactory(auditor=auditor),
            "audits.audit": audit,
            "audits.extension": ExtensionFactory(audit=audit),
            "audits.certificate": CertificateFactory(),
            "incentives.baserate": BaseRateFactory(),
            "incentives.payroll": PayrollFactory(employer=employer),
            "incentives.incentive": incentive_for(
                EmployerFactory(classification_units=[ClassificationUnitFactory()])
            ),
            "workplan.mandate": MandateFactory(),
            "workplan.kpi": kpi,
            "workplan.measurement": MeasurementFactory(kpi=kpi),
        }
        for kind, record in made.items():
            records.setdefault(kind, []).append(record)
    consultant = UserFactory(role=Role.STAFF, first_name="Gale", last_name="Consultant")
    for round_ in range(per_kind):
        for kind, changes in CHANGES.items():
            record = records[kind][round_]
            if kind == "employers.gapanalysis":
                employer_services.update_gap_analysis(
                    gap_analysis=record, actor=actor, consultant=consultant
                )
                continue
            for name, value in changes.items():
                setattr(record, name, value)
            record.save()
    records["employers.interaction"][-1].delete()
    return records


# One change per kind: field and new value (the gap analysis gets a consultant).
CHANGES: dict[str, dict] = {
    "employers.employer": {"trade_name": "Changed trade"},
    "employers.contact": {"phone": "250-555-0199"},
    "employers.gapanalysis": {},
    "employers.interaction": {"summary": "Called back"},
    "employers.classificationunit": {"description": "Changed unit"},
    "auditors.auditor": {"expires_on": date(2031, 5, 31)},
    "auditors.course": {"name": "Changed course"},
    "auditors.trainingsession": {"capacity": 20},
    "auditors.enrolment": {"name": "Changed Student"},
    "auditors.cpdactivity": {"hours": Decimal("3.75")},
    "auditors.consultingengagement": {"description": "Changed engagement"},
    "auditors.eaqa": {"planned_on": date(2030, 2, 1)},
    "audits.audit": {"sites": "Prince George yard"},
    "audits.extension": {"days": 21},
    "audits.certificate": {"expires_on": date(2032, 1, 15)},
    "incentives.baserate": {"rate": Decimal("4.10")},
    "incentives.payroll": {"assessable_payroll": Decimal("61000000.00")},
    "incentives.incentive": {"total_amount": Decimal("250000.00")},
    "workplan.mandate": {"title": "Changed mandate"},
    "workplan.kpi": {"target": Decimal("12.50")},
    "workplan.measurement": {"value": Decimal("7")},
}


def test_a_page_of_many_kinds_costs_a_constant_number_of_queries(
    client, staff_user, django_assert_max_num_queries
):
    """One and three changes of 21 kinds: the page makes the same queries, at most 12."""
    client.force_login(staff_user)
    client.get(URL)  # the per-process caches (content types, the kinds' label relations)
    counts = []
    for per_kind in (1, 3):
        records = make_mixed_changes(staff_user, per_kind)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        rows = response.context["rows"]
        assert len(rows) == 25
        assert {row.kind for row in rows} >= set(CHANGES)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]

    by_kind = {(row.kind, row.action): row for row in rows}
    incentive = by_kind[("incentives.incentive", "changed")]
    assert [(c.label, str(c.old), str(c.new)) for c in incentive.changes] == [
        ("incentive ($)", "229800.00", "250000.00")
    ]
    latest = records["incentives.incentive"][-1]
    assert incentive.object_label == str(latest)
    assert incentive.object_url == latest.get_absolute_url()
    certificate = by_kind[("audits.certificate", "changed")]
    issued = records["audits.certificate"][-1]
    assert [(c.label, c.old, c.new) for c in certificate.changes] == [
        ("expires on", add_years(issued.certified_on, 3), date(2032, 1, 15))
    ]
    assert certificate.object_label == f"COR {issued.number}"
    gap = by_kind[("employers.gapanalysis", "changed")]
    assert [(c.label, c.old, c.new) for c in gap.changes] == [
        ("consultant", "—", "Gale Consultant")
    ]
    assert gap.who == staff_user
    enrolment = by_kind[("auditors.enrolment", "changed")]
    student = records["auditors.enrolment"][-1]
    assert enrolment.object_label == f"Changed Student in {student.session}"
    extension = by_kind[("audits.extension", "changed")]
    assert extension.object_label == str(records["audits.extension"][-1])
    assert [(c.label, c.old, c.new) for c in extension.changes] == [("days", 14, 21)]
    rate = by_kind[("incentives.baserate", "changed")]
    base_rate = records["incentives.baserate"][-1]
    assert rate.object_label == f"{base_rate.unit.code} 2023: $4.10"
    assert [(str(c.old), str(c.new)) for c in rate.changes] == [("3.83", "4.10")]
    cpd = by_kind[("auditors.cpdactivity", "changed")]
    assert [(c.label, str(c.old), str(c.new)) for c in cpd.changes] == [("hours", "2.50", "3.75")]
    deleted = by_kind[("employers.interaction", "deleted")]
    gone = records["employers.interaction"][-1]
    assert deleted.object_label == f"{gone.get_kind_display()}: Called back"
    assert deleted.object_url == ""
    assert deleted.changes == []
    assert "229800.00 → 250000.00" in response.text


def test_the_relations_each_name_reads_are_found_once_per_model():
    """What a model's name and link read, found on stand-ins without the database."""
    names = {
        model: [f.name for f in label_relations(model)]
        for model in (Enrolment, TrainingSession, Payroll, Review, Contact, Mandate, Employer)
    }
    assert names == {
        Enrolment: ["session"],
        TrainingSession: ["course"],
        Payroll: ["employer", "unit"],
        Review: ["audit", "submission"],
        Contact: [],  # its link reads the employer's id only
        Mandate: [],
        Employer: [],
    }


def test_a_name_reading_a_deleted_record_falls_back_without_queries(
    client, staff_user, django_assert_max_num_queries
):
    """A payroll deleted with its employer: its name cannot be read, the kind and id show."""
    client.force_login(staff_user)
    payroll = PayrollFactory(employer__legal_name="Gone Ltd.")
    pk = payroll.pk
    payroll.employer.delete()
    client.get(URL)
    with django_assert_max_num_queries(12):
        rows = client.get(URL, {"kind": "incentives.payroll"}).context["rows"]
    assert [(r.action, r.object_label, r.object_url) for r in rows] == [
        ("deleted", f"payroll #{pk}", ""),
        ("created", f"payroll #{pk}", reverse("incentives:payroll-update", args=[pk])),
    ]


def test_kinds_keep_their_names_capitals():
    kinds = dict(kind_choices())
    assert kinds["workplan.kpi"] == "KPI"
    assert kinds["employers.employer"] == "Employer"
