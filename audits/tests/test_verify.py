"""Public verification (no login): search, one certificate's page, the certified directory.

Each answer says whether a certificate is valid today, in colour and in words, and nothing
private: no account numbers, contacts, addresses, scores or auditors.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.choices import CertificateStatus
from audits.tests.factories import AuditFactory, CertificateFactory
from audits.views.public import VerifyDirectoryView
from cor_portal.program.periods import add_years
from employers.choices import Region
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def certificate_of(employer, *, certified_on, status=CertificateStatus.VALID, **kwargs):
    """Return a certificate of the employer dated ``certified_on`` (from a passed audit)."""
    audit = AuditFactory(
        employer=employer,
        status="approved",
        starts_on=certified_on - timedelta(days=30),
        last_onsite_on=certified_on,
        passed=True,
        overall_percent=87.5,
    )
    return CertificateFactory(
        audit=audit,
        certified_on=certified_on,
        expires_on=add_years(certified_on, 3),
        status=status,
        **kwargs,
    )


@pytest.fixture
def lodge(today):
    """A certified employer with private details that must never show publicly."""
    employer = EmployerFactory(
        legal_name="Cedar Ridge Lodge Ltd.",
        trade_name="Cedar Ridge Mountain Lodge",
        account_number="9876543",
        street="1200 Alpine Way",
        postal_code="V0E 2S0",
        city="Revelstoke",
        region=Region.KOOTENAY_ROCKIES,
        notes="Owner prefers phone calls.",
        classification_units=[
            ClassificationUnitFactory(code="761003", description="Hotel, motel or resort")
        ],
    )
    ContactFactory(employer=employer, first_name="Maya", email="maya.private@cedarridge.example")
    return employer


@pytest.fixture
def valid(lodge, today):
    return certificate_of(lodge, certified_on=today - timedelta(days=200), number="COR-2026-000101")


def verify(client, **params):
    return client.get(reverse("verify"), params)


# Search ---------------------------------------------------------------------------------------


def test_search_by_part_of_the_name_finds_the_valid_certificate(client, valid, today):
    response = verify(client, q="cedar ridge")

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 certificate found for “cedar ridge”" in html
    assert "Cedar Ridge Lodge Ltd." in html
    assert "Operating as Cedar Ridge Mountain Lodge" in html
    assert "Revelstoke" in html
    assert "COR-2026-000101" in html
    assert '<span class="badge status-tag text-bg-success">Valid</span>' in html
    assert f"Valid today ({today:%Y-%m-%d}), until {valid.expires_on:%Y-%m-%d}." in html
    assert f"{valid.certified_on:%Y-%m-%d}" in html
    assert "761003 Hotel, motel or resort" in html


def test_search_by_trade_name_and_by_number(client, valid):
    assert "COR-2026-000101" in verify(client, q="Mountain Lodge").content.decode()
    by_number = verify(client, q="  cor-2026-000101 ").content.decode()
    assert "Cedar Ridge Lodge Ltd." in by_number
    assert "1 certificate found" in by_number


def test_search_without_a_match_says_so(client, valid):
    html = verify(client, q="Nowhere Tours").content.decode()

    assert "No certificate found for “Nowhere Tours”" in html
    assert "Cedar Ridge" not in html


def test_a_one_letter_search_asks_for_more(client, valid):
    html = verify(client, q="c").content.decode()

    assert "Type at least 2 letters or digits." in html
    assert "Cedar Ridge" not in html


def test_the_form_alone_lists_nothing(client, valid):
    response = verify(client)

    assert response.status_code == 200
    assert "Cedar Ridge" not in response.content.decode()
    assert 'href="/verify/certified/"' in response.content.decode()


def test_expired_and_lapsed_certificates_say_so_in_colour_and_words(client, today):
    old = EmployerFactory(legal_name="Fjord Expired Tours Inc.")
    certificate_of(old, certified_on=add_years(today, -3) - timedelta(days=1), number="COR-X-1")
    gone = EmployerFactory(legal_name="Fjord Lapsed Rafting Ltd.")
    lapsed = certificate_of(
        gone,
        certified_on=today - timedelta(days=500),
        number="COR-L-1",
        status=CertificateStatus.LAPSED,
        ended_on=today - timedelta(days=100),
    )

    html = verify(client, q="Fjord").content.decode()

    assert "2 certificates found" in html
    assert '<span class="badge status-tag text-bg-danger">Expired</span>' in html
    assert "Expired on" in html
    assert '<span class="badge status-tag text-bg-danger">Lapsed</span>' in html
    assert f"Lapsed on {lapsed.ended_on:%Y-%m-%d}: not valid today." in html
    assert "text-bg-success" not in html


def test_a_superseded_certificate_shows_only_when_asked_for_by_number(client, lodge, today):
    first = certificate_of(
        lodge,
        certified_on=add_years(today, -3) + timedelta(days=10),
        number="COR-2023-000001",
        status=CertificateStatus.SUPERSEDED,
        ended_on=today - timedelta(days=20),
    )
    certificate_of(lodge, certified_on=today - timedelta(days=20), number="COR-2026-000002")

    by_name = verify(client, q="Cedar").content.decode()
    by_number = verify(client, q=first.number).content.decode()

    assert "COR-2026-000002" in by_name
    assert "COR-2023-000001" not in by_name
    assert '<span class="badge status-tag text-bg-secondary">Superseded</span>' in by_number
    assert "Replaced by a newer certificate" in by_number


def test_search_results_are_paginated(client, lodge, today, monkeypatch):
    for n in range(3):
        employer = EmployerFactory(legal_name=f"Pagination Lodge {n}")
        certificate_of(employer, certified_on=today - timedelta(days=10 + n))
    monkeypatch.setattr("audits.views.public.VerifyView.paginate_by", 2)

    first = verify(client, q="Pagination").content.decode()
    second = verify(client, q="Pagination", page=2).content.decode()

    assert "3 certificates found" in first
    assert "Pagination Lodge 0" in first
    assert "Pagination Lodge 2" not in first
    assert "Pagination Lodge 2" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("count", [3, 30])
def test_search_queries_do_not_grow_with_the_results(
    client, today, django_assert_num_queries, count
):
    for n in range(count):
        employer = EmployerFactory(legal_name=f"Query Lodge {n:03d}")
        certificate_of(employer, certified_on=today - timedelta(days=10))

    with django_assert_num_queries(3):  # the count, the page, their CUs
        response = verify(client, q="Query Lodge")

    assert f"{count} certificates found" in response.content.decode()


# One certificate (the QR code's target) -------------------------------------------------------


def test_certificate_page_shows_its_status_today(client, valid, today):
    response = client.get(reverse("verify-certificate", args=[valid.number]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Certificate COR-2026-000101</h1>" in html
    assert 'class="alert alert-success"' in html
    assert '<span class="badge status-tag text-bg-success">Valid</span>' in html
    assert "Cedar Ridge Lodge Ltd." in html
    assert "Certification" in html
    assert f"{today:%Y-%m-%d}" in html


def test_a_wrong_number_is_404(client, valid):
    assert client.get(reverse("verify-certificate", args=["COR-0000-999999"])).status_code == 404
    assert client.get("/verify/COR-2026-000101x/").status_code == 404


def test_superseded_certificate_page_points_to_the_current_one(client, lodge, today):
    old = certificate_of(
        lodge,
        certified_on=add_years(today, -3) + timedelta(days=10),
        number="COR-2023-000001",
        status=CertificateStatus.SUPERSEDED,
        ended_on=today - timedelta(days=20),
    )
    certificate_of(lodge, certified_on=today - timedelta(days=20), number="COR-2026-000002")

    html = client.get(reverse("verify-certificate", args=[old.number])).content.decode()

    assert 'class="alert alert-secondary"' in html
    assert 'href="/verify/COR-2026-000002/"' in html


def test_certificate_page_makes_a_constant_number_of_queries(
    client, valid, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the certificate, its CUs
        client.get(reverse("verify-certificate", args=[valid.number]))


# The directory of certified employers ---------------------------------------------------------


def test_directory_lists_employers_valid_today_by_region(client, valid, today):
    island = EmployerFactory(legal_name="Island Kayak Co.", region=Region.VANCOUVER_ISLAND)
    certificate_of(island, certified_on=today - timedelta(days=5))
    expired = EmployerFactory(legal_name="Expired Heli Ltd.", region=Region.VANCOUVER_ISLAND)
    certificate_of(expired, certified_on=add_years(today, -3) - timedelta(days=1))
    lapsed = EmployerFactory(legal_name="Lapsed Lodge Ltd.", region=Region.VANCOUVER_ISLAND)
    certificate_of(lapsed, certified_on=today - timedelta(days=90), status=CertificateStatus.LAPSED)
    future = EmployerFactory(legal_name="Tomorrow Tours Ltd.")
    certificate_of(future, certified_on=today + timedelta(days=1))

    html = client.get(reverse("verify-directory")).content.decode()

    assert "2 employers hold a Certificate of Recognition" in html
    assert "Island Kayak Co." in html
    assert "Cedar Ridge Lodge Ltd." in html
    for absent in ("Expired Heli", "Lapsed Lodge", "Tomorrow Tours"):
        assert absent not in html
    # Regions in the order of the six tourism regions, each with its heading.
    assert html.index(">Vancouver Island</h2>") < html.index(">Kootenay Rockies</h2>")
    assert html.index("Island Kayak Co.") < html.index("Cedar Ridge Lodge Ltd.")
    assert "Vancouver Island (1)" in html
    assert "Kootenay Rockies (1)" in html


def test_directory_filters_by_region(client, valid, today):
    island = EmployerFactory(legal_name="Island Kayak Co.", region=Region.VANCOUVER_ISLAND)
    certificate_of(island, certified_on=today - timedelta(days=5))

    html = client.get(reverse("verify-directory"), {"region": "kootenay_rockies"}).content
    unknown = client.get(reverse("verify-directory"), {"region": "atlantis"})

    assert b"Cedar Ridge Lodge Ltd." in html
    assert b"Island Kayak Co." not in html
    assert b'aria-current="page">Kootenay Rockies (1)' in html
    assert unknown.status_code == 200
    assert b"Island Kayak Co." in unknown.content


def test_directory_is_paginated(client, today, monkeypatch):
    for n in range(3):
        employer = EmployerFactory(legal_name=f"Paged Lodge {n}")
        certificate_of(employer, certified_on=today - timedelta(days=10))
    monkeypatch.setattr(VerifyDirectoryView, "paginate_by", 2)

    second = client.get(reverse("verify-directory"), {"page": 2}).content.decode()

    assert "Paged Lodge 2" in second
    assert "Paged Lodge 0" not in second
    assert "Page 2 of 2" in second


def test_empty_directory_says_so(client):
    html = client.get(reverse("verify-directory")).content.decode()

    assert "0 employers hold" in html
    assert "No employer holds a valid COR here yet" in html


@pytest.mark.parametrize("count", [3, 30])
def test_directory_queries_do_not_grow_with_the_rows(
    client, today, django_assert_num_queries, count
):
    for n in range(count):
        employer = EmployerFactory(legal_name=f"Directory Lodge {n:03d}")
        certificate_of(employer, certified_on=today - timedelta(days=10))

    with django_assert_num_queries(4):  # the region counts, the count, the page, the CUs
        response = client.get(reverse("verify-directory"))

    assert f"{count} employers hold" in response.content.decode()


# Nothing private --------------------------------------------------------------------------------


def test_no_page_shows_private_data(client, lodge, valid, today):
    auditor_name = valid.audit.lead_auditor.name
    pages = [
        verify(client, q="Cedar Ridge"),
        verify(client, q=valid.number),
        client.get(reverse("verify-certificate", args=[valid.number])),
        client.get(reverse("verify-directory")),
    ]

    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "Cedar Ridge Lodge Ltd." in html
        for private in (
            "9876543",  # the WorkSafeBC account number
            "maya.private@cedarridge.example",  # a contact's email
            "Maya",
            "1200 Alpine Way",
            "V0E 2S0",
            "Owner prefers phone calls.",
            "87.5",  # the audit's score
            "87.50",
            "%",
            auditor_name,
        ):
            assert private not in html, f"{private!r} on {response.request['PATH_INFO']}"


def test_public_pages_need_no_login_and_the_login_page_links_to_them(client):
    login = client.get(reverse("login")).content.decode()

    assert verify(client).status_code == 200
    assert 'href="/verify/">Verify a COR certificate</a>' in login
