"""Readable history from django-simple-history records: who, when, what changed."""

import pytest

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.ui.history import history_entries
from employers import services
from employers.models import Contact
from employers.tests.factories import ClassificationUnitFactory, ContactFactory, EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="history-staff", role=Role.STAFF, first_name="Sam", last_name="Lee")


@pytest.fixture
def hotel(db):
    return ClassificationUnitFactory(code="761001", description="Hotel")


@pytest.fixture
def ski(db):
    return ClassificationUnitFactory(code="732044", description="Ski school")


@pytest.fixture
def employer(staff, hotel):
    return services.create_employer(
        actor=staff,
        legal_name="Before Ltd.",
        account_number="1234567",
        region="northern_bc",
        sector="ski",
        classification_units=[hotel],
        employees=10,
    )


def entries_of(employer):
    return history_entries(employer.history.select_related("history_user"))


def changes_of(entry) -> dict[str, tuple]:
    return {change.label: (change.old, change.new) for change in entry.changes}


def test_creation_is_one_entry_by_its_actor(employer, staff):
    entries = entries_of(employer)

    assert entries[-1].kind == "created"
    assert entries[-1].who == staff
    assert entries[-1].changes == []


def test_change_lists_each_field_with_old_and_new(employer, staff):
    services.update_employer(employer=employer, actor=staff, legal_name="After Ltd.", employees=30)

    newest = entries_of(employer)[0]

    assert newest.kind == "changed"
    assert newest.who == staff
    changes = changes_of(newest)
    assert changes["legal name"] == ("Before Ltd.", "After Ltd.")
    assert changes["employees in BC"] == (10, 30)
    assert changes["size class"] == ("Small (under 20)", "Large (20 or more)")


def test_choices_are_shown_as_their_labels(employer, staff):
    services.update_employer(employer=employer, actor=staff, region="kootenay_rockies")

    assert changes_of(entries_of(employer)[0])["region"] == ("Northern BC", "Kootenay Rockies")


def test_status_move_is_shown_as_labels(employer, staff):
    services.register_employer(employer=employer, actor=staff, reason="x")

    assert changes_of(entries_of(employer)[0])["status"] == ("Enquiry", "Registered")


def test_empty_values_are_shown_as_a_dash(employer, staff):
    services.update_employer(employer=employer, actor=staff, trade_name="Peak Inn")
    services.update_employer(employer=employer, actor=staff, trade_name="")

    entries = entries_of(employer)
    assert changes_of(entries[1])["trade name"] == ("—", "Peak Inn")
    assert changes_of(entries[0])["trade name"] == ("Peak Inn", "—")


def test_classification_unit_changes_are_shown_by_code_and_description(employer, staff, hotel, ski):
    services.update_employer(employer=employer, actor=staff, classification_units=[hotel, ski])

    changes = {}
    for entry in entries_of(employer)[:2]:
        changes.update(changes_of(entry))
    old, new = changes["classification units"]
    assert old == "761001 Hotel"
    assert set(new.split(", ")) == {"761001 Hotel", "732044 Ski school"}


def test_newest_record_alone_is_compared_with_the_one_before(employer, staff):
    services.update_employer(employer=employer, actor=staff, legal_name="After Ltd.")

    page = history_entries(employer.history.all()[:1])

    assert changes_of(page[0])["legal name"] == ("Before Ltd.", "After Ltd.")


def test_save_without_changes_lists_no_field(employer, staff):
    services.update_employer(employer=employer, actor=staff)

    assert entries_of(employer)[0].changes == []


def test_records_of_several_objects_are_compared_per_object(staff):
    owner = EmployerFactory()
    first = ContactFactory(employer=owner, first_name="Ann")
    second = ContactFactory(employer=owner, first_name="Bob")
    services.update_contact(contact=first, actor=staff, first_name="Anne")
    services.update_contact(contact=second, actor=staff, first_name="Bobby")

    entries = history_entries(
        Contact.history.filter(employer_id=owner.pk).order_by("-history_date", "-history_id")
    )

    assert [changes_of(e).get("first name") for e in entries[:2]] == [
        ("Bob", "Bobby"),
        ("Ann", "Anne"),
    ]


def test_deletion_is_an_entry_by_its_actor(staff):
    contact = ContactFactory()
    contact_id = contact.pk
    services.remove_contact(contact=contact, actor=staff)

    entries = history_entries(Contact.history.filter(id=contact_id))

    assert (entries[0].kind, entries[0].who) == ("deleted", staff)


def test_change_by_the_system_has_no_actor(employer):
    services.update_employer(employer=employer, actor=None, legal_name="System Ltd.")

    assert entries_of(employer)[0].who is None


def test_query_count_does_not_grow_with_the_records(
    employer, staff, hotel, ski, django_assert_max_num_queries
):
    for number in range(12):
        services.update_employer(
            employer=employer,
            actor=staff,
            legal_name=f"Name {number}",
            classification_units=[hotel, ski] if number % 2 else [hotel],
        )
    records = list(employer.history.select_related("history_user"))
    assert len(records) > 20

    with django_assert_max_num_queries(6):
        entries = history_entries(records)

    assert len(entries) == len(records)
