"""Scoping and reusable filters of the employer registry's querysets."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from employers.models import Contact, Employer, GapAnalysis, Interaction
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db


# visible_to ---------------------------------------------------------------------------------


def test_staff_see_every_employer(staff_user, employer_a, employer_b):
    assert set(Employer.objects.visible_to(staff_user)) == {employer_a, employer_b}


def test_a_contact_user_sees_exactly_its_own_employer(employer_a, employer_a_user, employer_b):
    ContactFactory.create_batch(3, employer=employer_a)  # other contacts: no duplicates

    assert list(Employer.objects.visible_to(employer_a_user)) == [employer_a]


@pytest.mark.parametrize("role_user", ["auditor_user", "board_user"])
def test_auditors_and_board_see_no_employer(request, employer_a, role_user):
    assert not Employer.objects.visible_to(request.getfixturevalue(role_user)).exists()


def test_anonymous_sees_no_employer(employer_a):
    assert not Employer.objects.visible_to(AnonymousUser()).exists()
    assert not Employer.objects.visible_to(None).exists()


def test_a_deactivated_contact_user_sees_nothing(employer_a, employer_a_user):
    employer_a_user.is_active = False

    assert not Employer.objects.visible_to(employer_a_user).exists()


def test_deactivated_staff_see_nothing(staff_user, employer_a):
    staff_user.is_active = False

    assert not Employer.objects.visible_to(staff_user).exists()


def test_an_employer_role_user_without_contact_sees_nothing(employer_a):
    from cor_portal.accounts.choices import Role
    from cor_portal.accounts.tests.factories import UserFactory

    orphan = UserFactory(username="orphan", role=Role.EMPLOYER)

    assert not Employer.objects.visible_to(orphan).exists()


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Contact, ContactFactory),
        (Interaction, InteractionFactory),
        (GapAnalysis, GapAnalysisFactory),
    ],
)
def test_records_are_visible_exactly_when_their_employer_is(
    employer_a, employer_a_user, employer_b, staff_user, auditor_user, model, factory
):
    mine = factory(employer=employer_a)
    theirs = factory(employer=employer_b)

    assert mine in model.objects.visible_to(employer_a_user)
    assert theirs not in model.objects.visible_to(employer_a_user)
    assert {mine, theirs} <= set(model.objects.visible_to(staff_user))
    assert not model.objects.visible_to(auditor_user).exists()


# search -------------------------------------------------------------------------------------


@pytest.fixture
def cedar(db):
    hotel = ClassificationUnitFactory(code="761001", description="Hotel")
    ski = ClassificationUnitFactory(code="761044", description="Ski")
    return EmployerFactory(
        legal_name="Cedar Lodge Ltd.",
        trade_name="Cedar Inn",
        account_number="4400001",
        classification_units=[hotel, ski],
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("cedar lodge", True),
        ("CEDAR", True),
        ("inn", True),
        ("4400001", True),
        ("4400", True),  # account number prefix
        ("00001", False),  # not a prefix
        ("761001", True),  # CU code
        ("7610", True),  # CU code prefix
        ("761999", False),
        ("", True),  # no text: everything
        ("   ", True),
        ("lodge 761001", False),  # one phrase, not words
    ],
)
def test_search_matches_names_account_prefix_and_cu_code(cedar, text, found):
    assert (cedar in Employer.objects.search(text)) is found


def test_search_matching_two_units_lists_the_employer_once(cedar):
    assert list(Employer.objects.search("761")) == [cedar]


def test_search_keeps_the_scope(employer_a, employer_a_user, employer_b):
    scoped = Employer.objects.visible_to(employer_a_user).search("Bravo")

    assert not scoped.exists()


# follow-ups and waiting gap analyses --------------------------------------------------------


def test_follow_ups_due_include_the_day_and_exclude_the_next():
    as_of = date(2025, 6, 15)
    due = InteractionFactory(occurred_on=date(2025, 6, 1), follow_up_due=as_of)
    InteractionFactory(occurred_on=date(2025, 6, 1), follow_up_due=date(2025, 6, 16))

    assert list(Interaction.objects.follow_ups_due(as_of=as_of)) == [due]


def test_waiting_excludes_completed_and_declined():
    waiting = GapAnalysisFactory(offered_on=date(2025, 1, 1))
    GapAnalysisFactory(offered_on=date(2025, 1, 1), completed_on=date(2025, 2, 1))
    GapAnalysisFactory(offered_on=date(2025, 1, 1), declined_on=date(2025, 2, 1))

    assert list(GapAnalysis.objects.waiting()) == [waiting]
