"""The external-auditor directory /portal/auditors/: what employers may find, and nothing more."""

import pytest
from django.test import Client
from django.urls import reverse

from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import Auditor, AuditorArea, AuditorSector
from auditors.tests.factories import AuditorFactory
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.accounts.tests.factories import UserFactory
from employers.choices import Region, Sector

pytestmark = pytest.mark.django_db

URL = "/portal/auditors/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(name: str, *, region=Region.VANCOUVER_ISLAND, sector=Sector.ACCOMMODATION, **kwargs):
    """Return a certified external auditor listed in the directory, named ``First Last``."""
    first, last = name.split()
    user = UserFactory(
        username=name.lower().replace(" ", "-"), first_name=first, last_name=last, role=Role.AUDITOR
    )
    kwargs.setdefault("company", f"{last} Safety Ltd.")
    kwargs.setdefault("city", "Nanaimo")
    auditor = AuditorFactory(user=user, **kwargs)
    AuditorArea.objects.create(auditor=auditor, region=region)
    AuditorSector.objects.create(auditor=auditor, sector=sector)
    return auditor


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_employer_sees_the_listed_auditors_of_its_own_region_first(employer_a_user):
    listed("Ada Island", phone="250 555 0101")
    listed("Nora North", region=Region.NORTHERN_BC)

    response = client_for(employer_a_user).get(URL)

    page = text(response)
    assert response.status_code == 200
    assert "<h1>Find an auditor</h1>" in page
    assert "Ada Island" in page
    assert "Island Safety Ltd." in page
    assert 'href="tel:2505550101">250 555 0101</a>' in page
    assert 'href="mailto:ada-island@example.org"' in page
    assert "Nora North" not in page
    assert '<option value="vancouver_island" selected>' in page


def test_employer_choosing_any_region_sees_every_region(employer_a_user):
    listed("Ada Island")
    listed("Nora North", region=Region.NORTHERN_BC)

    page = text(client_for(employer_a_user).get(URL, {"region": ""}))

    assert "Ada Island" in page
    assert "Nora North" in page


def test_employer_in_a_region_without_auditors_is_told_what_to_do(employer_a_user):
    listed("Nora North", region=Region.NORTHERN_BC)

    page = text(client_for(employer_a_user).get(URL))

    assert "Nothing matches your search" in page
    assert "Nora North" not in page


def test_staff_see_every_region_by_default(staff_user):
    listed("Ada Island")
    listed("Nora North", region=Region.NORTHERN_BC)

    page = text(client_for(staff_user).get(URL))

    assert "Ada Island" in page
    assert "Nora North" in page


def test_only_certified_listed_external_auditors_are_shown(staff_user, employer_a):
    listed("Shown Person")
    listed("Unlisted Person", listed_in_directory=False)
    listed("Lapsed Person", status=AuditorStatus.LAPSED)
    listed("Retired Person", status=AuditorStatus.RETIRED)
    listed("Internal Person", kind=AuditorKind.INTERNAL, employer=employer_a)

    page = text(client_for(staff_user).get(URL))

    assert "Shown Person" in page
    for hidden in ("Unlisted", "Lapsed", "Retired", "Internal"):
        assert f"{hidden} Person" not in page


def test_directory_shows_directory_fields_only(employer_a_user):
    auditor = listed("Ada Island", website="https://ada.example")
    Auditor.objects.filter(pk=auditor.pk).update(notes="Late with two reports")

    page = text(client_for(employer_a_user).get(URL))

    assert "Ada Island" in page
    assert auditor.certification_number not in page
    assert "Late with two reports" not in page
    assert "ada.example" not in page
    assert reverse("auditors:detail", args=[auditor.pk]) not in page


def test_filters_by_sector_and_searches_by_name_or_company(staff_user):
    listed("Sam Slope", sector=Sector.SKI, company="Powder Audits")
    listed("Ada Island")
    client = client_for(staff_user)

    assert "Sam Slope" in text(client.get(URL, {"sector": "ski"}))
    assert "Ada Island" not in text(client.get(URL, {"sector": "ski"}))
    assert "Sam Slope" in text(client.get(URL, {"q": "powder"}))
    assert "Sam Slope" in text(client.get(URL, {"q": "sam slope"}))
    assert "Ada Island" not in text(client.get(URL, {"q": "sam slope"}))


def test_an_unknown_region_lists_nothing_and_says_so(staff_user):
    listed("Ada Island")

    response = client_for(staff_user).get(URL, {"region": "atlantis"})

    assert response.status_code == 200
    assert "Ada Island" not in text(response)
    assert "Select a valid choice" in text(response)


def test_export_holds_the_directory_fields(staff_user):
    listed("Ada Island", phone="250 555 0101")

    response = client_for(staff_user).get(URL, {"_export": "csv"})

    rows = response.content.decode().splitlines()
    assert rows[0] == "Auditor,Company,City,Regions served,Sectors served,Phone,Email"
    assert rows[1] == (
        "Ada Island,Island Safety Ltd.,Nanaimo,Vancouver Island,Accommodation,"
        "250 555 0101,ada-island@example.org"
    )


def test_employer_navigation_and_portal_point_to_the_directory(employer_a_user):
    client = client_for(employer_a_user)

    portal = text(client.get("/portal/"))
    directory = text(client.get(URL))

    assert f'href="{URL}" >Find an auditor</a>' in portal
    assert f'href="{URL}">See the auditor directory</a>' in portal
    assert f'href="{URL}" aria-current="page">Find an auditor</a>' in directory


@pytest.mark.parametrize("role_user", ["auditor_user", "board_user"])
def test_auditors_and_board_get_403(request, role_user):
    client = client_for(request.getfixturevalue(role_user))

    assert client.get(URL).status_code == 403


# Query counts (DESIGN.md section 5) ---------------------------------------------------------

# Session, user, the employer's id, the employer and its CUs (its region), the count, the
# page of auditors with their logins, their regions and their sectors.
EMPLOYER_PAGE_QUERIES = 8


def make_listed(count: int) -> None:
    users = User.objects.bulk_create(
        UserFactory.build(username=f"dir-{n}", role=Role.AUDITOR) for n in range(count)
    )
    auditors = Auditor.objects.bulk_create(
        AuditorFactory.build(user=user, certification_number=f"DIR-{n}")
        for n, user in enumerate(users)
    )
    AuditorArea.objects.bulk_create(
        AuditorArea(auditor=a, region=r)
        for a in auditors
        for r in (Region.VANCOUVER_ISLAND, Region.NORTHERN_BC)
    )
    AuditorSector.objects.bulk_create(AuditorSector(auditor=a, sector=Sector.SKI) for a in auditors)


@pytest.mark.parametrize("count", [10, 200])
def test_directory_queries_do_not_grow_with_the_rows(
    employer_a_user, django_assert_num_queries, count
):
    make_listed(count)
    client = client_for(employer_a_user)

    with django_assert_num_queries(EMPLOYER_PAGE_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200
    assert f"{count} results" in text(response)
    assert EMPLOYER_PAGE_QUERIES <= 12
