"""The COR certificate PDF (R-11): what it says, its page, its verification link, who gets it."""

import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from audits.documents import (
    certificate_filename,
    name_size,
    render_certificate_pdf,
    unit_columns,
    verification_url,
)
from audits.tests.factories import AuditFactory, CertificateFactory
from cor_portal.pdf import qr_data_uri
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text in reading order, each run of white space made one space."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def pdf_links(pdf: bytes) -> list[str]:
    """Return the addresses of the PDF's link annotations (pdfinfo -url)."""
    out = subprocess.run(["pdfinfo", "-url", "-"], input=pdf, capture_output=True, check=True)
    return [line.split()[-1] for line in out.stdout.decode().splitlines()[1:] if line.strip()]


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    pairs = (line.split(":", 1) for line in out.stdout.decode().splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture
def units():
    return [
        ClassificationUnitFactory(code="761003", description="Hotel, motel or resort"),
        ClassificationUnitFactory(code="761009", description="Restaurant, café or other dining"),
        ClassificationUnitFactory(code="732044", description="Sightseeing bus or coach service"),
    ]


@pytest.fixture
def certificate(units, settings):
    settings.COR_SITE_URL = "https://cor.example.org"
    settings.COR_ASSOCIATION_NAME = "Tourism Safety Association of BC"
    employer = EmployerFactory(
        legal_name="Harbourview Hotel Ltd.",
        trade_name="Harbourview Resort & Spa",
        account_number="7654321",
        classification_units=units,
    )
    audit = AuditFactory(
        employer=employer,
        status="approved",
        audit_type="recertification",
        starts_on=date(2026, 3, 2),
        last_onsite_on=date(2026, 3, 31),
        passed=True,
        overall_percent=91,
    )
    return CertificateFactory(
        audit=audit,
        number="COR-2026-000123",
        certified_on=date(2026, 3, 31),
        expires_on=date(2029, 3, 31),
    )


@pytest.fixture
def pdf(certificate):
    return render_certificate_pdf(certificate)


def test_certificate_is_one_a4_landscape_page(pdf):
    info = pdf_info(pdf)

    assert pdf.startswith(b"%PDF-")
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("841.89 x 595.276 pts (A4)")  # wider than tall
    assert info["Title"] == "Certificate of Recognition COR-2026-000123"
    assert info["Author"] == "Tourism Safety Association of BC"


def test_certificate_names_the_employer_its_cus_number_dates_and_audit(pdf):
    text = pdf_text(pdf)

    assert "Certificate of Recognition" in text
    assert "Tourism Safety Association of BC" in text
    assert "Harbourview Hotel Ltd." in text
    assert "operating as Harbourview Resort & Spa" in text
    assert "COR-2026-000123" in text
    assert "Certified on 31 March 2026" in text
    assert "Expires on 31 March 2029" in text
    assert "Audit type Recertification" in text
    for code, description in [
        ("761003", "Hotel, motel or resort"),
        ("761009", "Restaurant, café or other dining"),
        ("732044", "Sightseeing bus or coach service"),
    ]:
        assert f"{code} {description}" in text


def test_certificate_has_signature_lines_and_page_footer(pdf):
    text = pdf_text(pdf)

    assert "Authorized signatory" in text
    assert "WorkSafeBC Certificate of Recognition program" in text
    assert "Page 1 of 1" in text


def test_certificate_carries_its_verification_link_and_qr_code(certificate, pdf):
    url = "https://cor.example.org/verify/COR-2026-000123/"

    assert verification_url(certificate) == url
    assert url in pdf_text(pdf)
    assert set(pdf_links(pdf)) == {url}  # the printed address is a link to the same place


def test_qr_code_encodes_the_verification_address(certificate):
    """The QR image is segno's code of exactly the verification URL (nothing else)."""
    import segno

    url = verification_url(certificate)
    expected = segno.make(url, error="m")

    assert expected.designator.endswith("-M")
    assert qr_data_uri(url) == expected.svg_data_uri(scale=1, border=0, dark="#1d2a2a")
    assert qr_data_uri(url).startswith("data:image/svg+xml")


def test_certificate_shows_nothing_private(certificate, pdf):
    text = pdf_text(pdf)

    assert "7654321" not in text  # the WorkSafeBC account number
    assert "%" not in text  # no score
    assert certificate.audit.lead_auditor.name not in text


def test_long_name_and_many_units_still_fit_one_page(certificate):
    employer = certificate.employer
    employer.legal_name = (
        "The Extraordinarily Long-Named Northern British Columbia Wilderness Lodges, "
        "Heli-Skiing and Backcountry Adventure Tourism Cooperative Association Ltd."
    )
    employer.save()
    certificate.classification_units.set(ClassificationUnitFactory.create_batch(9))

    pdf = render_certificate_pdf(certificate)

    assert pdf_info(pdf)["Pages"] == "1"
    assert "Cooperative Association Ltd." in pdf_text(pdf)


@pytest.mark.parametrize(
    ("count", "columns"), [(0, [0]), (1, [1]), (4, [4]), (5, [3, 2]), (9, [5, 4]), (12, [4, 4, 4])]
)
def test_units_go_into_more_columns_as_they_grow(count, columns):
    assert [len(column) for column in unit_columns(list(range(count)))] == columns


@pytest.mark.parametrize(
    ("length", "size"), [(20, ""), (48, ""), (49, "name-long"), (97, "name-very-long")]
)
def test_longer_names_get_smaller_type(length, size):
    assert name_size("x" * length) == size


def test_file_name_has_the_number_and_the_employer(certificate):
    assert certificate_filename(certificate) == "COR-2026-000123-harbourview-hotel-ltd.pdf"


# The view ------------------------------------------------------------------------------------


def test_employer_opens_its_certificate_inline(certificate, client):
    from employers.tests.factories import employer_user

    client.force_login(employer_user(certificate.employer, username="harbourview"))

    response = client.get(reverse("audits:certificate-pdf", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="COR-2026-000123-harbourview-hotel-ltd.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "COR-2026-000123" in pdf_text(response.content)


def test_another_employer_gets_404_and_an_auditor_403(certificate, employer_b_user, auditor_user):
    url = reverse("audits:certificate-pdf", args=[certificate.pk])
    other, auditor = Client(), Client()
    other.force_login(employer_b_user)
    auditor.force_login(auditor_user)

    assert other.get(url).status_code == 404
    assert auditor.get(url).status_code == 403


def test_staff_pdf_makes_a_constant_number_of_queries(
    certificate, staff_user, client, django_assert_max_num_queries
):
    client.force_login(staff_user)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("audits:certificate-pdf", args=[certificate.pk]))

    assert response.status_code == 200
