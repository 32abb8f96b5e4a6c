"""Scoping and reusable filters of the auditor register's querysets."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import (
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorSector,
    ConsultingEngagement,
    CPDActivity,
)
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CPDActivityFactory,
    declared,
)
from cor_portal.accounts.tests.factories import UserFactory
from employers.choices import Region, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(auditor_user):
    return AuditorFactory(user=auditor_user)


@pytest.fixture
def other(other_auditor_user):
    return AuditorFactory(user=other_auditor_user)


# visible_to ---------------------------------------------------------------------------------


def test_staff_see_every_auditor(staff_user, own, other, employer_a):
    internal = AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)

    assert set(Auditor.objects.visible_to(staff_user)) == {own, other, internal}


def test_an_auditor_sees_exactly_themself(auditor_user, own, other):
    assert list(Auditor.objects.visible_to(auditor_user)) == [own]


def test_an_auditor_login_without_a_record_sees_nothing(other):
    orphan = UserFactory(username="orphan", role="auditor")

    assert not Auditor.objects.visible_to(orphan).exists()


@pytest.mark.parametrize("role_user", ["employer_a_user", "board_user"])
def test_employers_and_board_see_no_auditor(request, own, role_user):
    assert not Auditor.objects.visible_to(request.getfixturevalue(role_user)).exists()


def test_anonymous_sees_no_auditor(own):
    assert not Auditor.objects.visible_to(AnonymousUser()).exists()
    assert not Auditor.objects.visible_to(None).exists()


@pytest.mark.parametrize("role_user", ["staff_user", "auditor_user"])
def test_a_deactivated_login_sees_nothing(request, own, role_user):
    user = request.getfixturevalue(role_user)
    user.is_active = False

    assert not Auditor.objects.visible_to(user).exists()


def test_child_records_are_visible_exactly_with_their_auditor(
    staff_user, auditor_user, employer_a_user, own, other
):
    mine, theirs = CPDActivityFactory(auditor=own), CPDActivityFactory(auditor=other)
    declared(own, 2026)
    declared(other, 2026)
    ConsultingEngagementFactory(auditor=own)
    ConsultingEngagementFactory(auditor=other)

    assert set(CPDActivity.objects.visible_to(staff_user)) == {mine, theirs}
    assert list(CPDActivity.objects.visible_to(auditor_user)) == [mine]
    assert not CPDActivity.objects.visible_to(employer_a_user).exists()
    assert not CPDActivity.objects.visible_to(AnonymousUser()).exists()
    assert [d.auditor for d in AnnualDeclaration.objects.visible_to(auditor_user)] == [own]
    assert [e.auditor for e in ConsultingEngagement.objects.visible_to(auditor_user)] == [own]
    assert ConsultingEngagement.objects.visible_to(staff_user).count() == 2


# directory ----------------------------------------------------------------------------------


def test_directory_lists_certified_external_auditors_who_are_listed(employer_a):
    listed = AuditorFactory()
    AuditorFactory(listed_in_directory=False)
    AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)
    for status in (
        AuditorStatus.IN_TRAINING,
        AuditorStatus.STUDENT,
        AuditorStatus.LAPSED,
        AuditorStatus.SUSPENDED,
        AuditorStatus.RETIRED,
    ):
        AuditorFactory(status=status)

    assert list(Auditor.objects.directory()) == [listed]


# search -------------------------------------------------------------------------------------


@pytest.fixture
def jane(db):
    return AuditorFactory(
        user=UserFactory(
            username="jane",
            first_name="Jane",
            last_name="Okafor",
            email="jane@safeaudits.example",
            role="auditor",
        ),
        certification_number="EXT-04417",
        company="Coastal Safety Consulting",
    )


@pytest.fixture
def raj(db):
    return AuditorFactory(
        user=UserFactory(
            username="raj",
            first_name="Raj",
            last_name="Patel",
            email="raj@example.org",
            role="auditor",
        ),
        certification_number="EXT-09001",
        company="",
    )


@pytest.mark.parametrize(
    "text", ["jane", "OKAFOR", "safeaudits", "04417", "coastal safety", "  Jane  "]
)
def test_search_matches_name_email_number_or_company(jane, raj, text):
    assert list(Auditor.objects.search(text)) == [jane]


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_search_returns_everyone(jane, raj, text):
    assert set(Auditor.objects.search(text)) == {jane, raj}


def test_search_without_a_match_is_empty(jane, raj):
    assert not Auditor.objects.search("zzz").exists()


# expiring -----------------------------------------------------------------------------------

AS_OF = date(2026, 3, 10)


def expiring_in(days, **kwargs):
    return AuditorFactory(
        certified_on=date(2023, 1, 1), expires_on=AS_OF + timedelta(days=days), **kwargs
    )


def test_expiring_includes_both_ends_of_the_window():
    expiring_in(-1)
    today = expiring_in(0)
    last = expiring_in(30)
    expiring_in(31)

    assert set(Auditor.objects.expiring(as_of=AS_OF, days=30)) == {today, last}


@pytest.mark.parametrize(
    "status", [AuditorStatus.LAPSED, AuditorStatus.SUSPENDED, AuditorStatus.RETIRED]
)
def test_expiring_is_about_certified_auditors_only(status):
    expiring_in(5, status=status)

    assert not Auditor.objects.expiring(as_of=AS_OF, days=30).exists()


# student_audit_overdue ----------------------------------------------------------------------


def student(due, **kwargs):
    return AuditorFactory(
        status=AuditorStatus.STUDENT,
        certification_number="",
        certified_on=None,
        expires_on=None,
        student_audit_due=due,
        **kwargs,
    )


def test_student_audit_overdue_boundaries():
    overdue = student(AS_OF - timedelta(days=1))
    student(AS_OF)  # due today
    student(AS_OF + timedelta(days=1))
    student(AS_OF - timedelta(days=30), student_audit_completed_on=AS_OF - timedelta(days=40))
    student(None)
    AuditorFactory(status=AuditorStatus.CERTIFIED, student_audit_due=AS_OF - timedelta(days=30))

    assert list(Auditor.objects.student_audit_overdue(as_of=AS_OF)) == [overdue]


# without_declaration ------------------------------------------------------------------------


def test_without_declaration_is_about_the_given_year():
    filed = AuditorFactory()
    declared(filed, 2026)
    last_year = AuditorFactory()
    declared(last_year, 2025)
    never = AuditorFactory()

    assert set(Auditor.objects.without_declaration(year=2026)) == {last_year, never}
    assert set(Auditor.objects.without_declaration(year=2025)) == {filed, never}


# serving_region / serving_sector ------------------------------------------------------------


def test_serving_region_and_sector_filter_without_duplicates():
    north_ski = AuditorFactory()
    AuditorArea.objects.create(auditor=north_ski, region=Region.NORTHERN_BC)
    AuditorArea.objects.create(auditor=north_ski, region=Region.KOOTENAY_ROCKIES)
    AuditorSector.objects.create(auditor=north_ski, sector=Sector.SKI)
    AuditorSector.objects.create(auditor=north_ski, sector=Sector.ADVENTURE)
    island = AuditorFactory()
    AuditorArea.objects.create(auditor=island, region=Region.VANCOUVER_ISLAND)
    AuditorSector.objects.create(auditor=island, sector=Sector.ADVENTURE)
    AuditorFactory()  # serves nowhere in particular

    assert list(Auditor.objects.serving_region(Region.NORTHERN_BC)) == [north_ski]
    assert list(Auditor.objects.serving_sector(Sector.SKI)) == [north_ski]
    assert set(Auditor.objects.serving_sector(Sector.ADVENTURE)) == {north_ski, island}
    assert list(
        Auditor.objects.serving_region(Region.VANCOUVER_ISLAND).serving_sector(Sector.ADVENTURE)
    ) == [island]
    assert not Auditor.objects.serving_region(Region.THOMPSON_OKANAGAN).exists()


def test_filters_chain_with_the_directory():
    listed = AuditorFactory()
    AuditorArea.objects.create(auditor=listed, region=Region.NORTHERN_BC)
    lapsed = AuditorFactory(status=AuditorStatus.LAPSED)
    AuditorArea.objects.create(auditor=lapsed, region=Region.NORTHERN_BC)

    assert list(Auditor.objects.directory().serving_region(Region.NORTHERN_BC)) == [listed]
