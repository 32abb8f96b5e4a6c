"""Services of the auditor register (R-15, R-16) on the real database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from auditors import services
from auditors.choices import (
    AuditorKind,
    CourseKind,
    CPDKind,
    EAQAOutcome,
    EngagementSource,
    EnrolmentResult,
)
from auditors.choices import AuditorStatus as S
from auditors.models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorStatusChange,
    ConsultingEngagement,
    CourseCompletion,
    CPDActivity,
)
from auditors.tests.factories import (
    AuditorFactory,
    CourseFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
)
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.program.models import ProgramRules
from employers.choices import Region, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - timedelta(days=1)


@pytest.fixture
def tomorrow(today):
    return today + timedelta(days=1)


def create(actor, **overrides):
    fields = {
        "username": "jdoe",
        "first_name": "Jo",
        "last_name": "Doe",
        "email": "jo.doe@example.org",
        "kind": AuditorKind.EXTERNAL,
    }
    fields.update(overrides)
    return services.create_auditor(actor=actor, **fields)


def uncertified(status, **kwargs):
    """Return an auditor with a status and no certification yet."""
    fields = {
        "status": status,
        "certification_number": "",
        "certified_on": None,
        "expires_on": None,
        "status_changed_on": date(2020, 1, 1),
    }
    fields.update(kwargs)
    return AuditorFactory(**fields)


# create_auditor / update_auditor ------------------------------------------------------------


def test_new_auditor_is_in_training_with_an_auditor_login(staff_user, today):
    auditor = create(
        staff_user,
        regions=[Region.NORTHERN_BC, Region.KOOTENAY_ROCKIES],
        sectors=[Sector.ADVENTURE],
        company="Safe Audits Inc.",
    )

    auditor.refresh_from_db()
    assert auditor.status == S.IN_TRAINING
    assert auditor.status_changed_on == today
    assert auditor.user.role == Role.AUDITOR
    assert not auditor.user.has_usable_password()
    assert (auditor.name, auditor.email, auditor.company) == (
        "Jo Doe",
        "jo.doe@example.org",
        "Safe Audits Inc.",
    )
    assert set(auditor.regions.values_list("region", flat=True)) == {
        Region.NORTHERN_BC,
        Region.KOOTENAY_ROCKIES,
    }
    assert list(auditor.sectors.values_list("sector", flat=True)) == [Sector.ADVENTURE]
    assert auditor.history.first().history_user == staff_user


def test_new_auditor_may_be_backdated(staff_user):
    auditor = create(staff_user, on=date(2024, 2, 1))

    assert auditor.status_changed_on == date(2024, 2, 1)


@pytest.mark.parametrize("username", ["jdoe", "JDoe"])
def test_username_clash_is_refused_on_the_field(staff_user, username):
    UserFactory(username="jdoe", role=Role.EMPLOYER)

    with pytest.raises(ValidationError) as caught:
        create(staff_user, username=username)

    assert "username" in caught.value.message_dict
    assert not Auditor.objects.exists()


def test_internal_auditor_without_an_employer_is_refused(staff_user):
    with pytest.raises(ValidationError, match="internal auditor belongs to one employer"):
        create(staff_user, kind=AuditorKind.INTERNAL)

    assert not Auditor.objects.exists()
    assert not User.objects.filter(username="jdoe").exists()  # nothing half-written


def test_external_auditor_with_an_employer_is_refused(staff_user, employer_a):
    with pytest.raises(ValidationError, match="external auditor to none"):
        create(staff_user, kind=AuditorKind.EXTERNAL, employer=employer_a)

    assert not User.objects.filter(username="jdoe").exists()


def test_internal_auditor_belongs_to_its_employer(staff_user, employer_a):
    auditor = create(staff_user, kind=AuditorKind.INTERNAL, employer=employer_a)

    assert Auditor.objects.get(pk=auditor.pk).employer == employer_a


def test_unknown_kind_is_refused(staff_user):
    with pytest.raises(ValidationError) as caught:
        create(staff_user, kind="freelance")

    assert "kind" in caught.value.message_dict


def test_bad_email_is_refused(staff_user):
    with pytest.raises(ValidationError) as caught:
        create(staff_user, email="not-an-email")

    assert "email" in caught.value.message_dict


def test_unknown_auditor_field_is_a_programming_error(staff_user):
    with pytest.raises(TypeError, match="status"):
        create(staff_user, status=S.CERTIFIED)


def test_an_existing_auditor_login_gets_its_auditor_record(staff_user, auditor_user, today):
    auditor = services.create_auditor_for_login(
        actor=staff_user, user=auditor_user, kind=AuditorKind.EXTERNAL, regions=[Region.NORTHERN_BC]
    )

    auditor.refresh_from_db()
    assert (auditor.user, auditor.status, auditor.status_changed_on) == (
        auditor_user,
        S.IN_TRAINING,
        today,
    )
    assert list(auditor.regions.values_list("region", flat=True)) == [Region.NORTHERN_BC]


def test_a_login_is_an_auditor_once(staff_user, auditor_user):
    services.create_auditor_for_login(actor=staff_user, user=auditor_user, kind="external")

    with pytest.raises(ValidationError) as caught:
        services.create_auditor_for_login(actor=staff_user, user=auditor_user, kind="external")

    assert "user" in caught.value.message_dict


@pytest.mark.parametrize("role_user", ["staff_user", "board_user", "employer_a_user"])
def test_a_login_of_another_role_cannot_be_an_auditor(request, staff_user, role_user):
    user = request.getfixturevalue(role_user)

    with pytest.raises(ValidationError) as caught:
        services.create_auditor_for_login(actor=staff_user, user=user, kind="external")

    assert "user" in caught.value.message_dict
    assert not Auditor.objects.exists()


def test_update_changes_details_person_and_areas_but_not_the_standing(staff_user):
    auditor = create(staff_user, regions=[Region.NORTHERN_BC], sectors=[Sector.SKI])

    services.update_auditor(
        auditor=auditor,
        actor=staff_user,
        first_name="Joanna",
        phone="250-555-0100",
        regions=[Region.VANCOUVER_ISLAND],
        sectors=[],
    )

    auditor = Auditor.objects.get(pk=auditor.pk)
    assert (auditor.name, auditor.phone, auditor.status) == (
        "Joanna Doe",
        "250-555-0100",
        S.IN_TRAINING,
    )
    assert list(auditor.regions.values_list("region", flat=True)) == [Region.VANCOUVER_ISLAND]
    assert not auditor.sectors.exists()


def test_update_to_another_auditors_certification_number_is_refused(staff_user):
    AuditorFactory(certification_number="EXT-1")
    auditor = AuditorFactory(certification_number="EXT-2")

    with pytest.raises(ValidationError) as caught:
        services.update_auditor(auditor=auditor, actor=staff_user, certification_number="EXT-1")

    assert "Another auditor has this certification number." in str(caught.value)


# R-16 standing: the whole matrix of statuses x actions -------------------------------------

# The model's @transition sources, transcribed: action -> (sources, target).
TRANSITIONS = {
    "pass_training": ({S.IN_TRAINING}, S.STUDENT),
    "certify": ({S.IN_TRAINING, S.STUDENT, S.LAPSED}, S.CERTIFIED),
    "recertify": ({S.CERTIFIED}, S.CERTIFIED),
    "lapse": ({S.CERTIFIED, S.STUDENT}, S.LAPSED),
    "suspend": ({S.CERTIFIED, S.STUDENT}, S.SUSPENDED),
    "reinstate": ({S.SUSPENDED}, S.CERTIFIED),
    "retire": ({S.IN_TRAINING, S.STUDENT, S.CERTIFIED, S.LAPSED, S.SUSPENDED}, S.RETIRED),
}
ALLOWED = {(source, action) for action, (sources, _) in TRANSITIONS.items() for source in sources}
MATRIX = [(source, action) for source in S.values for action in TRANSITIONS]


def test_every_status_and_action_is_in_the_matrix():
    assert set(TRANSITIONS) == set(services.STANDING_ACTIONS)
    assert len(MATRIX) == 42
    assert len(ALLOWED) == 15


def ready(source, yesterday):
    """Return an auditor in a status, with what each transition from it needs."""
    return AuditorFactory(
        status=source,
        status_changed_on=yesterday,
        certified_on=date(2024, 1, 15),
        expires_on=date(2027, 1, 15),
        trained_on=date(2023, 6, 1),
        student_audit_completed_on=date(2023, 9, 1) if source == S.STUDENT else None,
    )


def call(action, auditor, actor, **kwargs):
    service = services.STANDING_ACTIONS[action]
    if service.needs_number:
        kwargs.setdefault("certification_number", f"NEW-{auditor.pk}")
    return service.service(auditor=auditor, actor=actor, **kwargs)


@pytest.mark.parametrize(("source", "action"), sorted(ALLOWED))
def test_move_allowed_from_the_source_is_made_and_recorded(
    staff_user, yesterday, today, source, action
):
    auditor = ready(source, yesterday)

    moved = call(action, auditor, staff_user, reason="Committee decision 4")

    target = TRANSITIONS[action][1]
    assert moved.status == target
    auditor.refresh_from_db()
    assert (auditor.status, auditor.status_changed_on) == (target, today)
    change = AuditorStatusChange.objects.get(auditor=auditor)
    assert (change.from_status, change.to_status, change.transition) == (source, target, action)
    assert (change.actor, change.changed_on, change.reason) == (
        staff_user,
        today,
        "Committee decision 4",
    )
    assert auditor.history.first().history_user == staff_user
    assert auditor.history.first().status == target


@pytest.mark.parametrize(("source", "action"), sorted(set(MATRIX) - ALLOWED), ids=str)
def test_move_not_allowed_from_the_source_is_refused(staff_user, yesterday, source, action):
    auditor = ready(source, yesterday)
    before = (auditor.certified_on, auditor.expires_on, auditor.certification_number)

    with pytest.raises(ValidationError, match="cannot be moved this way"):
        call(action, auditor, staff_user, reason="Trying")

    auditor.refresh_from_db()
    assert (auditor.status, auditor.status_changed_on) == (source, yesterday)
    assert (auditor.certified_on, auditor.expires_on, auditor.certification_number) == before
    assert not AuditorStatusChange.objects.exists()


@pytest.mark.parametrize("source", S.values)
def test_available_actions_are_exactly_the_allowed_moves(source):
    auditor = AuditorFactory.build(status=source)

    names = {action.name for action in services.available_actions(auditor)}

    assert names == {action for (from_, action) in ALLOWED if from_ == source}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_move_without_a_reason_is_refused(staff_user, yesterday, reason):
    auditor = ready(S.CERTIFIED, yesterday)

    with pytest.raises(ValidationError) as caught:
        services.suspend_auditor(auditor=auditor, actor=staff_user, reason=reason)

    assert "reason" in caught.value.message_dict
    assert Auditor.objects.get(pk=auditor.pk).status == S.CERTIFIED


def test_move_dated_in_the_future_is_refused(staff_user, yesterday, tomorrow):
    auditor = ready(S.CERTIFIED, yesterday)

    with pytest.raises(ValidationError) as caught:
        services.suspend_auditor(auditor=auditor, actor=staff_user, reason="x", on=tomorrow)

    assert "on" in caught.value.message_dict
    assert not AuditorStatusChange.objects.exists()


def test_move_dated_before_the_last_change_is_refused(staff_user, today):
    last = today - timedelta(days=5)
    auditor = ready(S.CERTIFIED, last)

    with pytest.raises(ValidationError) as caught:
        services.suspend_auditor(
            auditor=auditor, actor=staff_user, reason="x", on=last - timedelta(days=1)
        )

    assert "on" in caught.value.message_dict
    assert not AuditorStatusChange.objects.exists()


def test_move_dated_on_the_day_of_the_last_change_is_accepted(staff_user, today):
    last = today - timedelta(days=5)
    auditor = ready(S.CERTIFIED, last)

    services.suspend_auditor(auditor=auditor, actor=staff_user, reason="x", on=last)

    assert AuditorStatusChange.objects.get().changed_on == last
    assert Auditor.objects.get(pk=auditor.pk).status_changed_on == last


def test_move_reads_the_status_from_the_database_not_a_stale_copy(staff_user, yesterday):
    auditor = ready(S.CERTIFIED, yesterday)
    stale = Auditor.objects.get(pk=auditor.pk)
    services.suspend_auditor(auditor=auditor, actor=staff_user, reason="First")

    with pytest.raises(ValidationError, match="suspended cannot be moved"):
        services.suspend_auditor(auditor=stale, actor=staff_user, reason="Second")


def test_moves_are_recorded_in_order(staff_user, today):
    auditor = create(staff_user, on=today - timedelta(days=30))

    auditor = services.pass_training(auditor=auditor, actor=staff_user, reason="1")
    auditor = services.record_student_audit(auditor=auditor, actor=staff_user)
    auditor = services.certify_auditor(
        auditor=auditor, actor=staff_user, certification_number="INT-1", reason="2"
    )
    services.suspend_auditor(auditor=auditor, actor=staff_user, reason="3")

    changes = AuditorStatusChange.objects.filter(auditor=auditor).order_by("pk")
    assert [(c.from_status, c.to_status) for c in changes] == [
        (S.IN_TRAINING, S.STUDENT),
        (S.STUDENT, S.CERTIFIED),
        (S.CERTIFIED, S.SUSPENDED),
    ]


# pass_training ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trained_on", "due"),
    [
        (date(2025, 3, 10), date(2026, 3, 10)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # no Feb 29 next year
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_passing_training_makes_a_student_with_the_student_audit_due_in_12_months(
    staff_user, trained_on, due
):
    auditor = uncertified(S.IN_TRAINING)

    auditor = services.pass_training(
        auditor=auditor, actor=staff_user, reason="Passed", on=trained_on
    )

    auditor.refresh_from_db()
    assert auditor.status == S.STUDENT
    assert (auditor.trained_on, auditor.student_audit_due) == (trained_on, due)


@pytest.mark.parametrize(
    ("trained_on", "due"),
    [
        (date(2025, 1, 30), date(2025, 2, 28)),
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2025, 2, 28), date(2025, 3, 28)),
    ],
)
def test_student_audit_window_comes_from_the_program_rules_and_clamps_to_month_end(
    staff_user, trained_on, due
):
    ProgramRules.objects.update(student_audit_window_months=1)
    auditor = uncertified(S.IN_TRAINING)

    auditor = services.pass_training(
        auditor=auditor, actor=staff_user, reason="Passed", on=trained_on
    )

    assert auditor.student_audit_due == due


def test_student_audit_window_is_the_one_in_force_on_the_training_day(staff_user):
    ProgramRules.objects.create(effective_from=date(2025, 6, 1), student_audit_window_months=6)
    before = uncertified(S.IN_TRAINING)
    after = uncertified(S.IN_TRAINING)

    before = services.pass_training(
        auditor=before, actor=staff_user, reason="x", on=date(2025, 5, 31)
    )
    after = services.pass_training(auditor=after, actor=staff_user, reason="x", on=date(2025, 6, 1))

    assert before.student_audit_due == date(2026, 5, 31)
    assert after.student_audit_due == date(2025, 12, 1)


# record_student_audit -----------------------------------------------------------------------


def test_student_audit_is_recorded(staff_user, yesterday):
    auditor = uncertified(S.STUDENT, trained_on=date(2025, 1, 1))

    auditor = services.record_student_audit(auditor=auditor, actor=staff_user, on=yesterday)

    assert Auditor.objects.get(pk=auditor.pk).student_audit_completed_on == yesterday
    assert auditor.status == S.STUDENT  # certification is a separate step


@pytest.mark.parametrize("status", [S.IN_TRAINING, S.CERTIFIED, S.LAPSED, S.RETIRED])
def test_student_audit_of_someone_not_a_student_is_refused(staff_user, status):
    auditor = uncertified(status)

    with pytest.raises(ValidationError, match="Only a student"):
        services.record_student_audit(auditor=auditor, actor=staff_user)


def test_student_audit_before_the_training_is_refused(staff_user):
    auditor = uncertified(S.STUDENT, trained_on=date(2025, 6, 1))

    with pytest.raises(ValidationError) as caught:
        services.record_student_audit(auditor=auditor, actor=staff_user, on=date(2025, 5, 31))

    assert "on" in caught.value.message_dict
    services.record_student_audit(auditor=auditor, actor=staff_user, on=date(2025, 6, 1))


def test_student_audit_in_the_future_is_refused(staff_user, tomorrow):
    auditor = uncertified(S.STUDENT, trained_on=date(2025, 6, 1))

    with pytest.raises(ValidationError) as caught:
        services.record_student_audit(auditor=auditor, actor=staff_user, on=tomorrow)

    assert "on" in caught.value.message_dict
    assert Auditor.objects.get(pk=auditor.pk).student_audit_completed_on is None


# certify_auditor / recertify_auditor --------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expires_on"),
    [
        (date(2025, 3, 10), date(2028, 3, 10)),
        (date(2024, 2, 29), date(2027, 2, 28)),  # Feb 29 -> Feb 28
        (date(2024, 2, 28), date(2027, 2, 28)),
        (date(2024, 3, 1), date(2027, 3, 1)),
    ],
)
def test_certification_expires_three_years_later(staff_user, on, expires_on):
    auditor = uncertified(S.IN_TRAINING)

    auditor = services.certify_auditor(
        auditor=auditor, actor=staff_user, certification_number=" EXT-77 ", reason="x", on=on
    )

    auditor.refresh_from_db()
    assert auditor.status == S.CERTIFIED
    assert (auditor.certified_on, auditor.expires_on) == (on, expires_on)
    assert auditor.certification_number == "EXT-77"


def test_certification_years_come_from_the_program_rules(staff_user):
    ProgramRules.objects.update(auditor_certification_years=2)
    auditor = uncertified(S.IN_TRAINING)

    auditor = services.certify_auditor(
        auditor=auditor,
        actor=staff_user,
        certification_number="EXT-1",
        reason="x",
        on=date(2025, 3, 10),
    )

    assert auditor.expires_on == date(2027, 3, 10)


@pytest.mark.parametrize("number", ["", "   ", None])
def test_certifying_without_a_number_is_refused(staff_user, number):
    auditor = uncertified(S.IN_TRAINING)

    with pytest.raises(ValidationError) as caught:
        services.certify_auditor(
            auditor=auditor, actor=staff_user, certification_number=number, reason="x"
        )

    assert "certification_number" in caught.value.message_dict
    assert Auditor.objects.get(pk=auditor.pk).status == S.IN_TRAINING


def test_certifying_a_student_needs_the_student_audit_first(staff_user, today):
    auditor = uncertified(S.STUDENT, trained_on=date(2025, 1, 1))

    with pytest.raises(ValidationError, match="student audit"):
        services.certify_auditor(
            auditor=auditor, actor=staff_user, certification_number="INT-1", reason="x"
        )

    auditor = services.record_student_audit(auditor=auditor, actor=staff_user, on=today)
    auditor = services.certify_auditor(
        auditor=auditor, actor=staff_user, certification_number="INT-1", reason="x"
    )
    assert auditor.status == S.CERTIFIED


def test_certifying_with_another_auditors_number_is_refused(staff_user):
    AuditorFactory(certification_number="EXT-9")
    auditor = uncertified(S.IN_TRAINING)

    with pytest.raises(ValidationError, match="Another auditor has this certification number"):
        services.certify_auditor(
            auditor=auditor, actor=staff_user, certification_number="EXT-9", reason="x"
        )

    assert Auditor.objects.get(pk=auditor.pk).status == S.IN_TRAINING


def test_lapsed_auditor_requalifies_with_new_dates(staff_user, today):
    auditor = AuditorFactory(
        status=S.LAPSED,
        certification_number="EXT-5",
        certified_on=date(2021, 1, 10),
        expires_on=date(2024, 1, 10),
        status_changed_on=date(2024, 1, 10),
    )

    auditor = services.certify_auditor(
        auditor=auditor, actor=staff_user, certification_number="EXT-5", reason="Requalified"
    )

    assert (auditor.status, auditor.certified_on) == (S.CERTIFIED, today)
    assert auditor.expires_on == today.replace(year=today.year + 3)


def test_recertifying_moves_the_dates_and_keeps_the_number(staff_user):
    auditor = AuditorFactory(
        certification_number="EXT-3",
        certified_on=date(2023, 4, 1),
        expires_on=date(2026, 4, 1),
        status_changed_on=date(2023, 4, 1),
    )

    auditor = services.recertify_auditor(
        auditor=auditor, actor=staff_user, reason="Requalified", on=date(2026, 2, 15)
    )

    auditor.refresh_from_db()
    assert (auditor.status, auditor.certification_number) == (S.CERTIFIED, "EXT-3")
    assert (auditor.certified_on, auditor.expires_on) == (date(2026, 2, 15), date(2029, 2, 15))
    change = AuditorStatusChange.objects.get(auditor=auditor)
    assert (change.transition, change.from_status, change.to_status) == (
        "recertify",
        S.CERTIFIED,
        S.CERTIFIED,
    )


# lapse_expired_certifications ---------------------------------------------------------------

SWEEP_DAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("expires_on", "lapses"),
    [
        (SWEEP_DAY - timedelta(days=1), True),  # expired yesterday
        (SWEEP_DAY, True),  # expires today: no longer valid today
        (SWEEP_DAY + timedelta(days=1), False),  # still valid today
    ],
)
def test_sweep_lapses_certifications_no_longer_valid_today(expires_on, lapses):
    auditor = AuditorFactory(
        certified_on=date(2023, 1, 1), expires_on=expires_on, status_changed_on=date(2023, 1, 1)
    )

    assert services.lapse_expired_certifications(today=SWEEP_DAY) == int(lapses)

    auditor.refresh_from_db()
    if lapses:
        assert (auditor.status, auditor.status_changed_on) == (S.LAPSED, SWEEP_DAY)
        change = AuditorStatusChange.objects.get(auditor=auditor)
        assert (change.transition, change.from_status, change.to_status) == (
            "lapse",
            S.CERTIFIED,
            S.LAPSED,
        )
        assert change.changed_on == SWEEP_DAY
        assert change.actor is None
        assert change.reason == f"Certification expired on {expires_on.isoformat()}."
        assert auditor.history.first().status == S.LAPSED
    else:
        assert auditor.status == S.CERTIFIED
        assert not AuditorStatusChange.objects.exists()


@pytest.mark.parametrize("status", [S.SUSPENDED, S.RETIRED, S.LAPSED, S.STUDENT])
def test_sweep_leaves_auditors_who_are_not_certified(status):
    AuditorFactory(status=status, certified_on=date(2020, 1, 1), expires_on=date(2023, 1, 1))

    assert services.lapse_expired_certifications(today=SWEEP_DAY) == 0
    assert not AuditorStatusChange.objects.exists()


def test_sweep_is_idempotent():
    AuditorFactory.create_batch(3, certified_on=date(2022, 1, 1), expires_on=date(2025, 1, 1))

    assert services.lapse_expired_certifications(today=SWEEP_DAY) == 3
    assert services.lapse_expired_certifications(today=SWEEP_DAY) == 0
    assert services.lapse_expired_certifications(today=SWEEP_DAY + timedelta(days=1)) == 0
    assert AuditorStatusChange.objects.count() == 3


def test_sweep_defaults_to_today(today):
    expired = AuditorFactory(certified_on=date(2020, 1, 1), expires_on=today)
    valid = AuditorFactory(certified_on=date(2020, 1, 1), expires_on=today + timedelta(days=1))

    assert services.lapse_expired_certifications() == 1
    assert Auditor.objects.get(pk=expired.pk).status == S.LAPSED
    assert Auditor.objects.get(pk=valid.pk).status == S.CERTIFIED


def _sweep_queries(count):
    AuditorFactory.create_batch(
        count, certified_on=date(2022, 1, 1), expires_on=SWEEP_DAY - timedelta(days=3)
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.lapse_expired_certifications(today=SWEEP_DAY) == count
    return len(queries)


def test_sweep_makes_the_same_number_of_queries_for_5_or_50_auditors():
    few = _sweep_queries(5)
    Auditor.objects.update(status=S.RETIRED)
    many = _sweep_queries(50)

    assert few == many
    assert few <= 8


# CPD ----------------------------------------------------------------------------------------


def cpd(auditor, actor, **overrides):
    fields = {
        "activity": "COR auditor update webinar",
        "kind": CPDKind.CONFERENCE,
        "done_on": date(2026, 1, 20),
        "hours": Decimal("2.50"),
    }
    fields.update(overrides)
    return services.log_cpd(auditor=auditor, actor=actor, **fields)


def test_cpd_is_logged_with_history(staff_user):
    auditor = AuditorFactory()

    entry = cpd(auditor, auditor.user)

    assert CPDActivity.objects.get(pk=entry.pk).auditor == auditor
    assert entry.history.first().history_user == auditor.user


def test_cpd_in_the_future_is_refused(tomorrow):
    auditor = AuditorFactory()

    with pytest.raises(ValidationError) as caught:
        cpd(auditor, auditor.user, done_on=tomorrow)

    assert "done_on" in caught.value.message_dict


def test_cpd_today_is_accepted(today):
    auditor = AuditorFactory()

    assert cpd(auditor, auditor.user, done_on=today).done_on == today


@pytest.mark.parametrize(
    ("hours", "accepted"),
    [
        (Decimal("-1"), False),
        (Decimal("0"), False),
        (Decimal("0.01"), True),
        (Decimal("200"), True),
        (Decimal("200.01"), False),
        (Decimal("999"), False),
    ],
)
def test_cpd_hours_are_more_than_0_and_at_most_200(hours, accepted):
    auditor = AuditorFactory()

    if accepted:
        assert cpd(auditor, auditor.user, hours=hours).hours == hours
    else:
        with pytest.raises(ValidationError):
            cpd(auditor, auditor.user, hours=hours)
        assert not CPDActivity.objects.exists()


def test_cpd_without_a_date_is_refused():
    auditor = AuditorFactory()

    with pytest.raises(ValidationError) as caught:
        cpd(auditor, auditor.user, done_on=None)

    assert "done_on" in caught.value.message_dict


def test_unknown_cpd_field_is_a_programming_error():
    with pytest.raises(TypeError, match="auditor_id"):
        cpd(AuditorFactory(), None, auditor_id=3)


def test_cpd_entry_is_changed_and_deleted_with_history(staff_user):
    entry = CPDActivityFactory()
    pk = entry.pk

    services.update_cpd(entry=entry, actor=staff_user, hours=Decimal("4"))
    assert CPDActivity.objects.get(pk=entry.pk).hours == Decimal("4")
    with pytest.raises(ValidationError):
        services.update_cpd(entry=entry, actor=staff_user, hours=Decimal("0"))

    services.delete_cpd(activity=entry, actor=staff_user)
    assert not CPDActivity.objects.exists()
    assert CPDActivity.history.filter(id=pk, history_type="-").get().history_user == (staff_user)


def test_cpd_hours_add_up_between_two_dates_inclusive():
    auditor = AuditorFactory()
    for day, hours in (
        (date(2025, 12, 31), "1"),
        (date(2026, 1, 1), "2"),
        (date(2026, 6, 30), "3"),
    ):
        CPDActivityFactory(auditor=auditor, done_on=day, hours=Decimal(hours))
    CPDActivityFactory(done_on=date(2026, 2, 1), hours=Decimal("7"))  # someone else's

    assert services.cpd_hours(auditor, start=date(2026, 1, 1), end=date(2026, 6, 30)) == 5
    assert services.cpd_hours(auditor, start=date(2027, 1, 1), end=date(2027, 6, 30)) == 0


# Annual declarations ------------------------------------------------------------------------


def declare(auditor, actor, year, **overrides):
    fields = {
        "cpd_hours": Decimal("14"),
        "follows_code_of_ethics": True,
        "independent": True,
        "information_accurate": True,
    }
    fields.update(overrides)
    return services.file_declaration(auditor=auditor, actor=actor, year=year, **fields)


def test_declaration_is_filed_by_the_auditor(today):
    auditor = AuditorFactory()

    declaration = declare(auditor, auditor.user, today.year)

    declaration.refresh_from_db()
    assert (declaration.submitted_on, declaration.submitted_by) == (today, auditor.user)
    assert declaration.history.first().history_user == auditor.user


@pytest.mark.parametrize(
    "attestation", ["follows_code_of_ethics", "independent", "information_accurate"]
)
def test_declaration_needs_every_attestation(today, attestation):
    auditor = AuditorFactory()

    with pytest.raises(ValidationError, match="Every attestation must be confirmed"):
        declare(auditor, auditor.user, today.year, **{attestation: False})

    assert not AnnualDeclaration.objects.exists()


def test_declaration_is_filed_once_per_year(today, staff_user):
    auditor = AuditorFactory()
    declare(auditor, auditor.user, today.year)

    with pytest.raises(ValidationError) as caught:
        declare(auditor, staff_user, today.year)

    assert caught.value.message_dict == {
        "year": [f"The declaration for {today.year} is already filed."]
    }
    declare(auditor, auditor.user, today.year + 1)
    declare(AuditorFactory(), staff_user, today.year)  # another auditor's own year
    assert AnnualDeclaration.objects.count() == 3


@pytest.mark.parametrize(("offset", "accepted"), [(-1, False), (0, True), (1, True), (2, False)])
def test_auditor_declares_only_for_this_year_or_the_next(offset, accepted):
    auditor = AuditorFactory()
    on = date(2026, 12, 15)

    if accepted:
        assert declare(auditor, auditor.user, 2026 + offset, on=on).year == 2026 + offset
    else:
        with pytest.raises(ValidationError) as caught:
            declare(auditor, auditor.user, 2026 + offset, on=on)
        assert caught.value.message_dict == {"year": ["Declare for 2026 or 2027."]}


@pytest.mark.parametrize("year", [2019, 2025, 2026, 2027, 2030])
def test_staff_may_record_a_declaration_for_any_year(staff_user, year):
    declaration = declare(AuditorFactory(), staff_user, year, on=date(2026, 5, 1))

    assert (declaration.year, declaration.submitted_by) == (year, staff_user)


def test_declaration_with_negative_cpd_hours_is_refused(today):
    auditor = AuditorFactory()

    with pytest.raises(ValidationError) as caught:
        declare(auditor, auditor.user, today.year, cpd_hours=Decimal("-1"))

    assert "cpd_hours" in caught.value.message_dict


# Consulting engagements ---------------------------------------------------------------------


def engage(auditor, actor, employer, **overrides):
    fields = {
        "employer": employer,
        "started_on": date(2025, 1, 6),
        "ended_on": date(2025, 3, 28),
        "description": "Wrote the safe work procedures",
    }
    fields.update(overrides)
    return services.record_engagement(auditor=auditor, actor=actor, **fields)


def test_engagement_recorded_by_the_auditor_is_declared(employer_a):
    auditor = AuditorFactory()

    engagement = engage(auditor, auditor.user, employer_a)

    assert (engagement.source, engagement.recorded_by) == (EngagementSource.DECLARED, auditor.user)


def test_engagement_recorded_by_staff_is_from_staff(staff_user, employer_a):
    engagement = engage(AuditorFactory(), staff_user, employer_a)

    assert (engagement.source, engagement.recorded_by) == (EngagementSource.STAFF, staff_user)


def test_engagement_recorded_by_the_system_is_from_staff(employer_a):
    engagement = engage(AuditorFactory(), None, employer_a)

    assert (engagement.source, engagement.recorded_by) == (EngagementSource.STAFF, None)


@pytest.mark.parametrize(
    ("ended_on", "accepted"),
    [(date(2025, 1, 5), False), (date(2025, 1, 6), True), (None, True)],
)
def test_engagement_ending_before_it_starts_is_refused(staff_user, employer_a, ended_on, accepted):
    auditor = AuditorFactory()

    if accepted:
        assert engage(auditor, staff_user, employer_a, ended_on=ended_on).pk
    else:
        with pytest.raises(ValidationError, match="cannot end before it starts"):
            engage(auditor, staff_user, employer_a, ended_on=ended_on)
        assert not ConsultingEngagement.objects.exists()


def test_engagement_end_is_recorded_later(staff_user, employer_a):
    engagement = engage(AuditorFactory(), staff_user, employer_a, ended_on=None)

    services.update_engagement(engagement=engagement, actor=staff_user, ended_on=date(2025, 9, 1))

    assert ConsultingEngagement.objects.get().ended_on == date(2025, 9, 1)
    with pytest.raises(ValidationError):
        services.update_engagement(
            engagement=engagement, actor=staff_user, ended_on=date(2024, 1, 1)
        )


# Training -----------------------------------------------------------------------------------


def test_enrolment_is_refused_when_the_session_is_full(staff_user):
    session = TrainingSessionFactory(capacity=2)
    for n in range(2):
        services.enrol(session=session, actor=staff_user, name=f"P {n}", email=f"p{n}@x.org")

    with pytest.raises(ValidationError, match="full"):
        services.enrol(session=session, actor=staff_user, name="P 3", email="p3@x.org")


def test_enrolling_an_internal_auditor_records_their_employer(staff_user, employer_a):
    auditor = uncertified(S.IN_TRAINING, kind=AuditorKind.INTERNAL, employer=employer_a)

    enrolment = services.enrol(
        session=TrainingSessionFactory(),
        actor=staff_user,
        name=auditor.name,
        email=auditor.email,
        auditor=auditor,
    )

    assert enrolment.employer == employer_a


def test_capacity_below_the_enrolments_is_refused(staff_user):
    session = TrainingSessionFactory(capacity=5)
    EnrolmentFactory.create_batch(3, session=session)

    with pytest.raises(ValidationError) as caught:
        services.save_session(session=session, actor=staff_user, capacity=2)

    assert "capacity" in caught.value.message_dict
    assert services.save_session(session=session, actor=staff_user, capacity=3).capacity == 3


def test_passing_internal_auditor_training_records_the_completion_and_makes_a_student(
    staff_user, employer_a
):
    course = CourseFactory(kind=CourseKind.INTERNAL_AUDITOR)
    session = TrainingSessionFactory(course=course, starts_on=date(2026, 2, 3))
    auditor = uncertified(S.IN_TRAINING, kind=AuditorKind.INTERNAL, employer=employer_a)
    enrolment = EnrolmentFactory(session=session, auditor=auditor, employer=employer_a)

    services.record_result(
        enrolment=enrolment, actor=staff_user, attended=True, result=EnrolmentResult.PASSED
    )

    completion = CourseCompletion.objects.get()
    assert (completion.course, completion.completed_on, completion.auditor) == (
        course,
        date(2026, 2, 3),
        auditor,
    )
    auditor.refresh_from_db()
    assert auditor.status == S.STUDENT
    assert (auditor.trained_on, auditor.student_audit_due) == (date(2026, 2, 3), date(2027, 2, 3))


def test_a_failed_result_removes_the_completion(staff_user):
    enrolment = EnrolmentFactory()
    services.record_result(
        enrolment=enrolment, actor=staff_user, attended=True, result=EnrolmentResult.PASSED
    )

    services.record_result(
        enrolment=enrolment, actor=staff_user, attended=True, result=EnrolmentResult.FAILED
    )

    assert not CourseCompletion.objects.exists()


def test_a_pass_without_attendance_is_refused(staff_user):
    with pytest.raises(ValidationError, match="Only someone who attended can pass"):
        services.record_result(
            enrolment=EnrolmentFactory(),
            actor=staff_user,
            attended=False,
            result=EnrolmentResult.PASSED,
        )


# EAQA (R-15) --------------------------------------------------------------------------------

PLAN_YEAR = 2026
PLAN_DAY = date(2026, 2, 1)


def roster(count, **kwargs):
    return AuditorFactory.create_batch(count, **kwargs)


def reviewed(auditor, on):
    return EAQAFactory(
        auditor=auditor,
        year=on.year,
        planned_on=on,
        conducted_on=on,
        outcome=EAQAOutcome.SATISFACTORY,
    )


@pytest.mark.parametrize(
    ("size", "planned"), [(0, 0), (1, 1), (9, 1), (10, 1), (11, 2), (20, 2), (21, 3)]
)
def test_plan_covers_ten_percent_of_the_certified_external_roster_rounded_up(
    staff_user, employer_a, size, planned
):
    roster(size)
    AuditorFactory(status=S.LAPSED)  # not on the roster
    AuditorFactory(status=S.SUSPENDED)
    AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert len(plan) == planned
    assert EAQA.objects.filter(year=PLAN_YEAR).count() == planned
    assert all(
        e.auditor.kind == AuditorKind.EXTERNAL and e.auditor.status == S.CERTIFIED for e in plan
    )
    assert {e.planned_on for e in plan} <= {PLAN_DAY}


def test_plan_with_a_roster_of_11_picks_2_in_rotation(staff_user):
    auditors = roster(11)
    for n, auditor in enumerate(auditors[:-1]):
        reviewed(auditor, date(2015 + n, 5, 1))  # auditors[0] longest ago, auditors[-1] never

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert [e.auditor for e in plan] == [auditors[-1], auditors[0]]


def test_plan_rotation_ties_go_to_the_lower_id(staff_user):
    auditors = roster(11)
    for auditor in auditors:
        reviewed(auditor, date(2020, 5, 1))

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert [e.auditor_id for e in plan] == sorted(a.pk for a in auditors)[:2]


def test_plan_uses_the_latest_eaqa_of_each_auditor(staff_user):
    early, late = roster(2)
    reviewed(early, date(2018, 1, 1))
    reviewed(early, date(2025, 1, 1))  # reviewed again recently
    reviewed(late, date(2020, 1, 1))

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert [e.auditor for e in plan] == [late]


def test_planning_again_adds_nothing(staff_user):
    roster(11)

    first = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)
    second = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert (len(first), second) == (2, [])
    assert EAQA.objects.count() == 2


def test_planning_fills_only_what_is_missing(staff_user):
    auditors = roster(11)
    EAQAFactory(auditor=auditors[5], year=PLAN_YEAR, planned_on=date(2026, 1, 5))

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    assert len(plan) == 1
    assert plan[0].auditor != auditors[5]
    assert EAQA.objects.filter(year=PLAN_YEAR).count() == 2


def test_plans_of_other_years_do_not_count(staff_user):
    auditors = roster(5)
    EAQAFactory(auditor=auditors[0], year=PLAN_YEAR - 1, planned_on=date(2025, 1, 5))

    plan = services.plan_eaqas(year=PLAN_YEAR, actor=staff_user, on=PLAN_DAY)

    # Planned last year but never conducted: still never reviewed, and first by id.
    assert [e.auditor for e in plan] == [auditors[0]]


def test_plan_fraction_comes_from_the_years_program_rules(staff_user):
    ProgramRules.objects.create(effective_from=date(2026, 1, 1), eaqa_fraction=Decimal("0.5"))
    roster(5)

    assert len(services.plan_eaqas(year=2025, actor=staff_user, on=PLAN_DAY)) == 1
    assert len(services.plan_eaqas(year=2026, actor=staff_user, on=PLAN_DAY)) == 3


def test_eaqa_outcome_needs_the_date_it_was_conducted(staff_user):
    eaqa = EAQAFactory()

    with pytest.raises(ValidationError) as caught:
        services.record_eaqa(eaqa=eaqa, actor=staff_user, outcome=EAQAOutcome.SATISFACTORY)

    assert "conducted_on" in caught.value.message_dict
    assert EAQA.objects.get(pk=eaqa.pk).outcome == ""


def test_eaqa_is_recorded_with_reviewer_findings_and_outcome(staff_user):
    eaqa = EAQAFactory()

    services.record_eaqa(
        eaqa=eaqa,
        actor=staff_user,
        conducted_on=date(2026, 3, 2),
        reviewer=staff_user,
        findings="Sampling was thin for the interviews.",
        outcome=EAQAOutcome.IMPROVEMENT,
    )

    eaqa.refresh_from_db()
    assert (eaqa.conducted_on, eaqa.reviewer, eaqa.outcome) == (
        date(2026, 3, 2),
        staff_user,
        EAQAOutcome.IMPROVEMENT,
    )
    assert eaqa.history.first().history_user == staff_user


def test_eaqa_date_without_an_outcome_is_accepted(staff_user):
    eaqa = EAQAFactory()

    services.record_eaqa(eaqa=eaqa, actor=staff_user, conducted_on=date(2026, 3, 2))

    assert EAQA.objects.get(pk=eaqa.pk).conducted_on == date(2026, 3, 2)


def test_unknown_eaqa_field_is_a_programming_error(staff_user):
    with pytest.raises(TypeError, match="year"):
        services.record_eaqa(eaqa=EAQAFactory(), actor=staff_user, year=2020)
