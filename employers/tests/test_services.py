"""Services of the employer registry: R-1 to R-4 on the real database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers import services
from employers.choices import EmployerStatus as S
from employers.choices import InteractionKind, InteractionSource, Program, Region, Sector
from employers.models import (
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
    Registration,
)
from employers.tests.factories import (
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
    employer_user,
)

pytestmark = pytest.mark.django_db


def create(actor, units, **overrides):
    fields = {
        "legal_name": "Cedar Lodge Ltd.",
        "account_number": "1234567",
        "region": Region.VANCOUVER_ISLAND,
        "sector": Sector.ACCOMMODATION,
        "classification_units": units,
        "employees": 10,
    }
    fields.update(overrides)
    return services.create_employer(actor=actor, **fields)


# create_employer ----------------------------------------------------------------------------


def test_new_employer_is_an_enquiry_with_its_units(staff_user, aligned_cu, today):
    employer = create(staff_user, [aligned_cu])

    employer.refresh_from_db()
    assert employer.status == S.ENQUIRY
    assert employer.status_changed_on == today
    assert list(employer.classification_units.all()) == [aligned_cu]


@pytest.mark.parametrize(
    ("employees", "payroll_hours", "expected"),
    [
        (19, None, "small"),
        (20, None, "large"),
        (None, Decimal("41599"), "small"),
        (None, Decimal("41600"), "large"),
        (50, Decimal("41599"), "small"),  # payroll hours win over headcount
        (5, Decimal("41600"), "large"),
    ],
)
def test_new_employer_size_class_is_assessed_from_headcount_or_hours(
    staff_user, aligned_cu, today, employees, payroll_hours, expected
):
    employer = create(staff_user, [aligned_cu], employees=employees, payroll_hours=payroll_hours)

    employer.refresh_from_db()
    assert employer.size_class == expected
    assert employer.size_assessed_on == today


def test_new_employer_without_headcount_or_hours_has_no_size_class(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu], employees=None)

    assert employer.size_class == ""


@pytest.mark.parametrize("number", ["123456", "1234567890"])
def test_account_number_of_six_to_ten_digits_is_accepted(staff_user, aligned_cu, number):
    assert create(staff_user, [aligned_cu], account_number=number).account_number == number


@pytest.mark.parametrize(
    "number",
    [
        "12345",
        "12345678901",
        "12345a7",
        "123 4567",
        "",
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17",  # full-width digits
        "\u00b2\u00b3\u00b9\u00b2\u00b3\u00b9",  # superscripts: str.isdigit() says True
    ],
)
def test_account_number_outside_six_to_ten_digits_is_refused(staff_user, aligned_cu, number):
    with pytest.raises(ValidationError) as caught:
        create(staff_user, [aligned_cu], account_number=number)

    assert "account_number" in caught.value.message_dict
    assert "6 to 10 digits" in caught.value.message_dict["account_number"][0]
    assert not Employer.objects.exists()


def test_account_number_length_comes_from_the_program_rules(staff_user, aligned_cu, today):
    from cor_portal.program.models import ProgramRules

    ProgramRules.objects.create(
        effective_from=today, account_number_min_digits=8, account_number_max_digits=8
    )

    with pytest.raises(ValidationError, match="8 to 8 digits"):
        create(staff_user, [aligned_cu], account_number="1234567")
    assert create(staff_user, [aligned_cu], account_number="12345678").pk


def test_duplicate_account_number_is_refused_on_the_field(staff_user, aligned_cu):
    EmployerFactory(account_number="1234567")

    with pytest.raises(ValidationError) as caught:
        create(staff_user, [aligned_cu], account_number="1234567")

    assert caught.value.message_dict == {
        "account_number": ["Another employer already has this account number."]
    }
    assert Employer.objects.filter(account_number="1234567").count() == 1


def test_employer_without_classification_units_is_refused(staff_user):
    with pytest.raises(ValidationError) as caught:
        create(staff_user, [])

    assert "classification_units" in caught.value.message_dict
    assert not Employer.objects.exists()


def test_nao_reference_without_approval_date_is_refused(staff_user, nao_cu):
    with pytest.raises(ValidationError) as caught:
        create(staff_user, [nao_cu], nao_reference="WSBC-1")

    assert "nao_approved_on" in caught.value.message_dict


def test_unknown_employer_field_is_a_programming_error(staff_user, aligned_cu):
    with pytest.raises(TypeError, match="status"):
        create(staff_user, [aligned_cu], status=S.CERTIFIED)


def test_created_employer_history_names_the_actor(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])

    assert employer.history.count() >= 1
    assert employer.history.first().history_user == staff_user
    assert employer.history.last().history_type == "+"


# update_employer ----------------------------------------------------------------------------


def test_update_reassesses_the_size_class(staff_user, aligned_cu, today):
    employer = create(staff_user, [aligned_cu], employees=19)
    assert employer.size_class == "small"

    services.update_employer(employer=employer, actor=staff_user, employees=20)

    employer.refresh_from_db()
    assert employer.size_class == "large"
    assert employer.size_assessed_on == today


def test_update_with_payroll_hours_lets_hours_decide(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu], employees=50)

    services.update_employer(employer=employer, actor=staff_user, payroll_hours=Decimal("41599"))

    assert Employer.objects.get(pk=employer.pk).size_class == "small"


def test_update_does_not_touch_the_status(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])
    services.register_employer(employer=employer, actor=staff_user, reason="Ready")

    employer = Employer.objects.get(pk=employer.pk)
    services.update_employer(employer=employer, actor=staff_user, legal_name="Renamed Ltd.")

    employer.refresh_from_db()
    assert (employer.legal_name, employer.status) == ("Renamed Ltd.", S.REGISTERED)


def test_update_to_another_employers_account_number_is_refused(staff_user, aligned_cu):
    EmployerFactory(account_number="7654321")
    employer = create(staff_user, [aligned_cu])

    with pytest.raises(ValidationError) as caught:
        services.update_employer(employer=employer, actor=staff_user, account_number="7654321")

    assert list(caught.value.message_dict) == ["account_number"]
    assert Employer.objects.get(pk=employer.pk).account_number == "1234567"


def test_update_to_a_five_digit_account_number_is_refused(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])

    with pytest.raises(ValidationError) as caught:
        services.update_employer(employer=employer, actor=staff_user, account_number="12345")

    assert "account_number" in caught.value.message_dict


def test_update_keeping_the_own_account_number_is_accepted(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])

    services.update_employer(employer=employer, actor=staff_user, account_number="1234567")

    assert Employer.objects.get(pk=employer.pk).account_number == "1234567"


def test_update_to_no_classification_units_is_refused(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])

    with pytest.raises(ValidationError) as caught:
        services.update_employer(employer=employer, actor=staff_user, classification_units=[])

    assert "classification_units" in caught.value.message_dict
    assert list(employer.classification_units.all()) == [aligned_cu]


def test_update_history_names_the_actor(staff_user, aligned_cu):
    employer = create(staff_user, [aligned_cu])
    other = UserFactory(username="other-staff", role=Role.STAFF)

    services.update_employer(employer=employer, actor=other, legal_name="Renamed Ltd.")

    record = employer.history.first()
    assert record.history_user == other
    assert record.legal_name == "Renamed Ltd."


# R-3 lifecycle: the whole matrix of statuses x actions --------------------------------------

# DESIGN.md R-3, transcribed: from -> the statuses it may move to.
R3_TABLE = {
    S.ENQUIRY: {S.REGISTERED, S.WITHDRAWN},
    S.REGISTERED: {S.CERTIFICATION_IN_PROGRESS, S.WITHDRAWN, S.REMOVED},
    S.CERTIFICATION_IN_PROGRESS: {S.CERTIFIED, S.REGISTERED, S.WITHDRAWN, S.REMOVED},
    S.CERTIFIED: {S.LAPSED, S.WITHDRAWN, S.REMOVED},
    S.LAPSED: {S.CERTIFICATION_IN_PROGRESS, S.REGISTERED, S.WITHDRAWN, S.REMOVED},
    S.WITHDRAWN: {S.ENQUIRY, S.REGISTERED},
    S.REMOVED: set(),
}
ACTION_TARGETS = {
    "register": S.REGISTERED,
    "start_certification": S.CERTIFICATION_IN_PROGRESS,
    "certify": S.CERTIFIED,
    "fail_certification": S.REGISTERED,
    "lapse": S.LAPSED,
    "withdraw": S.WITHDRAWN,
    "remove": S.REMOVED,
    "reopen": S.ENQUIRY,
}


def _action_for(source: str, target: str) -> str:
    """Return the action that makes the move (back to registered after an audit: fail)."""
    if target == S.REGISTERED:
        return "fail_certification" if source == S.CERTIFICATION_IN_PROGRESS else "register"
    return next(name for name, to in ACTION_TARGETS.items() if to == target)


ALLOWED = {
    (source, _action_for(source, target))
    for source, targets in R3_TABLE.items()
    for target in targets
}
MATRIX = [(source, action) for source in S.values for action in ACTION_TARGETS]


def test_every_status_and_action_is_in_the_matrix():
    assert set(R3_TABLE) == set(S.values)
    assert set(ACTION_TARGETS) == set(services.LIFECYCLE_ACTIONS)
    assert len(MATRIX) == 56
    assert len(ALLOWED) == 18


@pytest.mark.parametrize(("source", "action"), sorted(ALLOWED))
def test_move_in_r3_table_is_allowed_and_recorded(
    staff_user, aligned_cu, yesterday, today, source, action
):
    employer = EmployerFactory(
        status=source, status_changed_on=yesterday, classification_units=[aligned_cu]
    )

    moved = services.LIFECYCLE_ACTIONS[action].service(
        employer=employer, actor=staff_user, reason="Board decision 12"
    )

    target = ACTION_TARGETS[action]
    assert moved.status == target
    employer.refresh_from_db()
    assert employer.status == target
    assert employer.status_changed_on == today
    change = EmployerStatusChange.objects.get(employer=employer)
    assert (change.from_status, change.to_status, change.transition) == (source, target, action)
    assert (change.actor, change.changed_on, change.reason) == (
        staff_user,
        today,
        "Board decision 12",
    )
    assert employer.history.first().history_user == staff_user
    assert employer.history.first().status == target


@pytest.mark.parametrize(
    ("source", "action"), sorted(set(MATRIX) - ALLOWED), ids=lambda value: str(value)
)
def test_move_not_in_r3_table_is_refused(staff_user, aligned_cu, yesterday, source, action):
    employer = EmployerFactory(
        status=source, status_changed_on=yesterday, classification_units=[aligned_cu]
    )

    with pytest.raises(ValidationError, match="cannot be moved this way"):
        services.LIFECYCLE_ACTIONS[action].service(
            employer=employer, actor=staff_user, reason="Trying"
        )

    employer.refresh_from_db()
    assert employer.status == source
    assert employer.status_changed_on == yesterday
    assert not EmployerStatusChange.objects.exists()
    assert not Registration.objects.exists()
    assert not GapAnalysis.objects.exists()


@pytest.mark.parametrize("source", S.values)
def test_available_actions_are_exactly_the_r3_moves(source):
    employer = EmployerFactory.build(status=source)

    names = {action.name for action in services.available_actions(employer)}

    assert names == {action for (from_, action) in ALLOWED if from_ == source}


@pytest.mark.parametrize(("action", "target"), sorted(ACTION_TARGETS.items()))
def test_status_after_names_each_actions_target(action, target):
    assert services.status_after(EmployerFactory.build(), action) == target


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_move_without_a_reason_is_refused(staff_user, aligned_cu, reason):
    employer = EmployerFactory(classification_units=[aligned_cu])

    with pytest.raises(ValidationError) as caught:
        services.withdraw_employer(employer=employer, actor=staff_user, reason=reason)

    assert "reason" in caught.value.message_dict
    assert Employer.objects.get(pk=employer.pk).status == S.ENQUIRY


def test_move_dated_in_the_future_is_refused(staff_user, tomorrow):
    employer = EmployerFactory()

    with pytest.raises(ValidationError) as caught:
        services.withdraw_employer(employer=employer, actor=staff_user, reason="x", on=tomorrow)

    assert "on" in caught.value.message_dict
    assert Employer.objects.get(pk=employer.pk).status == S.ENQUIRY


def test_move_dated_before_the_last_change_is_refused(staff_user, today):
    last = today - timedelta(days=5)
    employer = EmployerFactory(status_changed_on=last)

    with pytest.raises(ValidationError) as caught:
        services.withdraw_employer(
            employer=employer, actor=staff_user, reason="x", on=last - timedelta(days=1)
        )

    assert "on" in caught.value.message_dict
    assert not EmployerStatusChange.objects.exists()


def test_move_dated_on_the_day_of_the_last_change_is_accepted(staff_user, today):
    last = today - timedelta(days=5)
    employer = EmployerFactory(status_changed_on=last)

    services.withdraw_employer(employer=employer, actor=staff_user, reason="x", on=last)

    change = EmployerStatusChange.objects.get()
    assert change.changed_on == last
    assert Employer.objects.get(pk=employer.pk).status_changed_on == last


def test_backdated_move_records_its_own_date(staff_user, today):
    employer = EmployerFactory(status_changed_on=today - timedelta(days=30))
    on = today - timedelta(days=10)

    services.withdraw_employer(employer=employer, actor=staff_user, reason="Letter", on=on)

    assert EmployerStatusChange.objects.get().changed_on == on


def test_moves_are_recorded_in_order(staff_user, aligned_cu, today):
    employer = EmployerFactory(classification_units=[aligned_cu])

    services.register_employer(employer=employer, actor=staff_user, reason="1")
    services.start_certification(employer=employer, actor=staff_user, reason="2")
    services.fail_certification(employer=employer, actor=staff_user, reason="3")

    changes = list(EmployerStatusChange.objects.filter(employer=employer).order_by("pk"))
    assert [(c.from_status, c.to_status) for c in changes] == [
        (S.ENQUIRY, S.REGISTERED),
        (S.REGISTERED, S.CERTIFICATION_IN_PROGRESS),
        (S.CERTIFICATION_IN_PROGRESS, S.REGISTERED),
    ]


# register_employer: R-1 and R-4 -------------------------------------------------------------


def test_aligned_employer_registers_with_registration_and_gap_analysis_offer(
    staff_user, aligned_cu, today
):
    employer = EmployerFactory(classification_units=[aligned_cu])

    services.register_employer(employer=employer, actor=staff_user, reason="Signed up")

    registration = Registration.objects.get(employer=employer)
    assert (registration.program, registration.registered_on) == (Program.OHS, today)
    assert registration.recorded_by == staff_user
    offer = GapAnalysis.objects.get(employer=employer)
    assert offer.offered_on == today
    assert offer.stage == "offered"


def test_registration_records_the_program_asked_for(staff_user, aligned_cu):
    employer = EmployerFactory(classification_units=[aligned_cu])

    services.register_employer(employer=employer, actor=staff_user, reason="x", program=Program.RTW)

    assert Registration.objects.get(employer=employer).program == Program.RTW


def test_nao_without_approval_cannot_register(staff_user, aligned_cu, nao_cu):
    employer = EmployerFactory(classification_units=[aligned_cu, nao_cu])

    with pytest.raises(ValidationError, match="naturally aligned"):
        services.register_employer(employer=employer, actor=staff_user, reason="x")

    assert Employer.objects.get(pk=employer.pk).status == S.ENQUIRY
    assert not Registration.objects.exists()
    assert not GapAnalysis.objects.exists()


def test_nao_approved_after_the_registration_date_cannot_register(
    staff_user, nao_cu, today, yesterday
):
    employer = EmployerFactory(classification_units=[nao_cu], nao_approved_on=today)

    with pytest.raises(ValidationError, match="must come before registration"):
        services.register_employer(employer=employer, actor=staff_user, reason="x", on=yesterday)

    assert Employer.objects.get(pk=employer.pk).status == S.ENQUIRY


@pytest.mark.parametrize("days_before", [0, 1, 400])
def test_nao_approved_on_or_before_the_registration_date_registers(
    staff_user, nao_cu, today, days_before
):
    employer = EmployerFactory(
        classification_units=[nao_cu],
        nao_approved_on=today - timedelta(days=days_before),
        nao_reference="WSBC-2024-17",
    )

    services.register_employer(employer=employer, actor=staff_user, reason="Approved")

    assert Employer.objects.get(pk=employer.pk).status == S.REGISTERED


def test_nao_approval_is_read_from_the_database_not_a_stale_copy(staff_user, nao_cu, today):
    employer = EmployerFactory(classification_units=[nao_cu])
    stale = Employer.objects.get(pk=employer.pk)
    services.update_employer(employer=employer, actor=staff_user, nao_approved_on=today)

    services.register_employer(employer=stale, actor=staff_user, reason="Approved")

    assert Employer.objects.get(pk=employer.pk).status == S.REGISTERED


def test_employer_without_units_cannot_register(staff_user):
    employer = EmployerFactory()
    employer.classification_units.clear()

    with pytest.raises(ValidationError, match="classification units"):
        services.register_employer(employer=employer, actor=staff_user, reason="x")


def test_registering_again_does_not_offer_a_second_waiting_gap_analysis(
    staff_user, aligned_cu, today
):
    employer = EmployerFactory(classification_units=[aligned_cu])
    services.register_employer(employer=employer, actor=staff_user, reason="1")
    services.withdraw_employer(employer=employer, actor=staff_user, reason="2")

    services.register_employer(employer=employer, actor=staff_user, reason="3")

    assert GapAnalysis.objects.filter(employer=employer).count() == 1
    # Same program, same day: one registration row.
    assert Registration.objects.filter(employer=employer).count() == 1


def test_registering_again_on_a_later_day_records_a_second_registration(
    staff_user, aligned_cu, today
):
    employer = EmployerFactory(
        classification_units=[aligned_cu], status_changed_on=today - timedelta(days=30)
    )
    services.register_employer(
        employer=employer, actor=staff_user, reason="1", on=today - timedelta(days=20)
    )
    services.withdraw_employer(
        employer=employer, actor=staff_user, reason="2", on=today - timedelta(days=10)
    )

    services.register_employer(employer=employer, actor=staff_user, reason="3")

    assert list(
        Registration.objects.filter(employer=employer).values_list("registered_on", flat=True)
    ) == [today, today - timedelta(days=20)]
    assert GapAnalysis.objects.filter(employer=employer).count() == 1


def test_registration_when_an_earlier_offer_was_completed_offers_again(
    staff_user, aligned_cu, today
):
    employer = EmployerFactory(status=S.WITHDRAWN, classification_units=[aligned_cu])
    GapAnalysisFactory(
        employer=employer,
        offered_on=today - timedelta(days=400),
        completed_on=today - timedelta(days=380),
    )

    services.register_employer(employer=employer, actor=staff_user, reason="Back")

    assert GapAnalysis.objects.filter(employer=employer).waiting().count() == 1


# Contacts -----------------------------------------------------------------------------------


def contact_fields(**overrides):
    fields = {"first_name": "Ana", "last_name": "Reyes", "email": "ana@example.org"}
    fields.update(overrides)
    return fields


def test_first_contact_is_added_with_history(staff_user, employer_a):
    contact = services.add_contact(
        employer=employer_a, actor=staff_user, **contact_fields(is_primary=True)
    )

    assert contact.pk
    assert contact.employer == employer_a
    assert contact.is_primary
    assert contact.history.first().history_user == staff_user


def test_new_primary_contact_replaces_the_previous_one(staff_user, employer_a):
    old = ContactFactory(employer=employer_a, is_primary=True)

    new = services.add_contact(
        employer=employer_a, actor=staff_user, **contact_fields(is_primary=True)
    )

    old.refresh_from_db()
    assert not old.is_primary
    assert list(Contact.objects.filter(employer=employer_a, is_primary=True)) == [new]
    record = old.history.first()
    assert (record.is_primary, record.history_user) == (False, staff_user)


def test_primary_contact_of_another_employer_is_left_alone(staff_user, employer_a, employer_b):
    theirs = ContactFactory(employer=employer_b, is_primary=True)

    services.add_contact(employer=employer_a, actor=staff_user, **contact_fields(is_primary=True))

    theirs.refresh_from_db()
    assert theirs.is_primary


def test_updating_a_contact_to_primary_moves_the_flag(staff_user, employer_a):
    first = ContactFactory(employer=employer_a, is_primary=True)
    second = ContactFactory(employer=employer_a, is_primary=False)

    services.update_contact(contact=second, actor=staff_user, is_primary=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert Contact.objects.filter(employer=employer_a, is_primary=True).count() == 1


def test_adding_a_non_primary_contact_keeps_the_primary(staff_user, employer_a):
    primary = ContactFactory(employer=employer_a, is_primary=True)

    services.add_contact(employer=employer_a, actor=staff_user, **contact_fields())

    primary.refresh_from_db()
    assert primary.is_primary


def test_contact_with_a_bad_email_is_refused(staff_user, employer_a):
    with pytest.raises(ValidationError) as caught:
        services.add_contact(
            employer=employer_a, actor=staff_user, **contact_fields(email="not-an-email")
        )

    assert "email" in caught.value.message_dict
    assert not Contact.objects.filter(employer=employer_a).exists()


def test_changing_a_login_contacts_email_changes_the_login_email(employer_a, employer_a_user):
    contact = employer_a_user.employer_contact

    services.update_contact(contact=contact, actor=employer_a_user, email="new@example.org")

    employer_a_user.refresh_from_db()
    assert employer_a_user.email == "new@example.org"


def test_removing_a_contact_deactivates_its_login(staff_user, employer_a, employer_a_user):
    contact = employer_a_user.employer_contact
    contact_id = contact.pk

    services.remove_contact(contact=contact, actor=staff_user)

    assert not Contact.objects.filter(pk=contact_id).exists()
    employer_a_user.refresh_from_db()
    assert not employer_a_user.is_active
    record = Contact.history.filter(id=contact_id).first()
    assert (record.history_type, record.history_user) == ("-", staff_user)


def test_contact_user_can_remove_a_colleague(employer_a, employer_a_user):
    colleague = employer_user(employer_a, username="colleague-a")

    services.remove_contact(contact=colleague.employer_contact, actor=employer_a_user)

    colleague.refresh_from_db()
    assert not colleague.is_active
    employer_a_user.refresh_from_db()
    assert employer_a_user.is_active


def test_removing_your_own_contact_record_is_refused(employer_a_user):
    contact = employer_a_user.employer_contact

    with pytest.raises(ValidationError, match="your own contact"):
        services.remove_contact(contact=contact, actor=employer_a_user)

    assert Contact.objects.filter(pk=contact.pk).exists()
    employer_a_user.refresh_from_db()
    assert employer_a_user.is_active


def test_granting_portal_access_creates_an_employer_login(staff_user, employer_a):
    contact = ContactFactory(employer=employer_a, email="x@example.org")

    user = services.grant_portal_access(
        contact=contact, actor=staff_user, username="x-login", password="s3cret-pass"
    )

    assert user.role == Role.EMPLOYER
    assert user.check_password("s3cret-pass")
    contact.refresh_from_db()
    assert contact.user == user


def test_granting_a_taken_username_is_refused(staff_user, employer_a):
    contact = ContactFactory(employer=employer_a)

    with pytest.raises(ValidationError) as caught:
        services.grant_portal_access(contact=contact, actor=staff_user, username="STAFF-member")

    assert "username" in caught.value.message_dict


# Interactions and gap analyses --------------------------------------------------------------


def test_logged_interaction_names_the_staff_member(staff_user, employer_a, today):
    interaction = services.log_interaction(
        employer=employer_a,
        actor=staff_user,
        kind=InteractionKind.OUTREACH_VISIT,
        source=InteractionSource.REGIONAL_CONSULTANT,
        occurred_on=today,
        summary="Visited the lodge",
        follow_up_due=today + timedelta(days=7),
    )

    assert interaction.staff_member == staff_user
    assert interaction.history.first().history_user == staff_user


def test_follow_up_due_before_the_interaction_is_refused(staff_user, employer_a, today):
    with pytest.raises(ValidationError):
        services.log_interaction(
            employer=employer_a,
            actor=staff_user,
            kind=InteractionKind.ENQUIRY,
            source=InteractionSource.PHONE,
            occurred_on=today,
            summary="Called",
            follow_up_due=today - timedelta(days=1),
        )


def test_completing_a_follow_up_records_the_day(staff_user, today, yesterday):
    interaction = InteractionFactory(
        occurred_on=yesterday - timedelta(days=5), follow_up_due=yesterday
    )

    services.complete_follow_up(interaction=interaction, actor=staff_user)

    interaction.refresh_from_db()
    assert interaction.follow_up_done_on == today
    assert interaction.history.first().history_user == staff_user


def test_completing_a_follow_up_on_a_given_day(staff_user, yesterday):
    interaction = InteractionFactory(
        occurred_on=yesterday - timedelta(days=5), follow_up_due=yesterday
    )

    services.complete_follow_up(interaction=interaction, actor=staff_user, on=yesterday)

    interaction.refresh_from_db()
    assert interaction.follow_up_done_on == yesterday


def test_completing_an_interaction_without_follow_up_is_refused(staff_user):
    interaction = InteractionFactory(follow_up_due=None)

    with pytest.raises(ValidationError, match="no follow-up"):
        services.complete_follow_up(interaction=interaction, actor=staff_user)


def test_gap_analysis_completed_and_declined_is_refused(staff_user, employer_a, today):
    with pytest.raises(ValidationError):
        services.record_gap_analysis(
            employer=employer_a,
            actor=staff_user,
            offered_on=today,
            completed_on=today,
            declined_on=today,
        )


def test_gap_analysis_requested_before_its_offer_is_refused(staff_user, employer_a, today):
    with pytest.raises(ValidationError):
        services.record_gap_analysis(
            employer=employer_a,
            actor=staff_user,
            offered_on=today,
            requested_on=today - timedelta(days=1),
        )


# Classification units -----------------------------------------------------------------------


def test_unit_code_must_be_six_digits(staff_user):
    with pytest.raises(ValidationError) as caught:
        services.save_classification_unit(actor=staff_user, code="76100", description="x")

    assert "code" in caught.value.message_dict


def test_unit_held_by_an_employer_cannot_be_deleted(staff_user, aligned_cu):
    EmployerFactory(classification_units=[aligned_cu])

    with pytest.raises(ValidationError, match="1 employers hold"):
        services.delete_classification_unit(unit=aligned_cu, actor=staff_user)


def test_unit_no_one_holds_is_deleted(staff_user, nao_cu):
    services.delete_classification_unit(unit=nao_cu, actor=staff_user)

    assert not type(nao_cu).objects.filter(pk=nao_cu.pk).exists()


# recompute_size_classes ---------------------------------------------------------------------


def test_recompute_counts_the_employers_whose_class_changed(staff_user, today):
    wrong_large = EmployerFactory(employees=19, size_class="large")
    wrong_small = EmployerFactory(
        employees=None, payroll_hours=Decimal("41600"), size_class="small"
    )
    right = EmployerFactory(employees=20, size_class="large")

    changed = services.recompute_size_classes(on=today, actor=staff_user)

    assert changed == 2
    assert Employer.objects.get(pk=wrong_large.pk).size_class == "small"
    assert Employer.objects.get(pk=wrong_small.pk).size_class == "large"
    assert Employer.objects.get(pk=right.pk).size_class == "large"
    assert set(Employer.objects.values_list("size_assessed_on", flat=True)) == {today}
    record = wrong_large.history.first()
    assert (record.size_class, record.history_user) == ("small", staff_user)


def test_recompute_with_nothing_to_change_counts_zero(today):
    EmployerFactory(employees=25, size_class="large")

    assert services.recompute_size_classes(on=today) == 0


def test_recompute_uses_the_rules_in_force_on_the_day(today):
    from cor_portal.program.models import ProgramRules

    ProgramRules.objects.create(effective_from=today, large_employer_threshold=30)
    employer = EmployerFactory(employees=25, size_class="large")

    assert services.recompute_size_classes(on=today) == 1
    assert Employer.objects.get(pk=employer.pk).size_class == "small"
    assert services.recompute_size_classes(on=today - timedelta(days=1)) == 1
    assert Employer.objects.get(pk=employer.pk).size_class == "large"


def test_recompute_query_count_does_not_grow_with_employers(django_assert_max_num_queries, today):
    EmployerFactory.create_batch(15, employees=5, size_class="large")

    with django_assert_max_num_queries(12):
        assert services.recompute_size_classes(on=today) == 15


def test_registering_a_certified_nao_is_refused_for_its_status_not_its_approval(staff_user, nao_cu):
    employer = EmployerFactory(status=S.CERTIFIED, classification_units=[nao_cu])

    with pytest.raises(ValidationError, match="cannot be moved this way"):
        services.register_employer(employer=employer, actor=staff_user, reason="x")
