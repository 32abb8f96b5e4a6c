"""The change log: every history table in one list, filtered, with before → after."""

from datetime import timedelta

from django.utils import timezone

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers import services as employer_services
from employers.models import Employer
from employers.tests.factories import ClassificationUnitFactory, ContactFactory, EmployerFactory
from selfservice.changelog import historical_models

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
    other = UserFactory(role=Role.STAFF)
    make_changes(staff_user, 1)
    ContactFactory(first_name="Nobody")  # no actor: not staff_user's
    employer = EmployerFactory(legal_name="Other's Co")
    employer_services.update_employer(employer=employer, actor=other, notes="Other's note")
    client.force_login(staff_user)
    mine = client.get(URL, {"user": staff_user.pk}).context["rows"]
    assert mine
    assert {r.who for r in mine} == {staff_user}
    theirs = client.get(URL, {"user": other.pk}).context["rows"]
    assert [r.object_label for r in theirs] == ["Other's Co"]
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
        assert response.context["page_obj"].paginator.count == total
        assert len(response.context["rows"]) == min(total, 25)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 25


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
