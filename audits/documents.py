"""The audits app's PDFs: the COR certificate (R-11), with its verification link and QR code."""

from typing import Any

from django.urls import reverse
from django.utils.text import slugify

from cor_portal.pdf import qr_data_uri, render_pdf, site_url

from .models import Certificate


def verification_url(certificate: Certificate) -> str:
    """Return the public address where anyone can check the certificate (the QR's target)."""
    return site_url(reverse("verify-certificate", args=[certificate.number]))


# The certificate keeps to one page: longer names get a smaller type, more CUs more columns.
NAME_SIZES = ((48, "name-long"), (96, "name-very-long"))
UNITS_PER_COLUMN = 4


def name_size(name: str) -> str:
    """Return the CSS class that fits the employer's name on the certificate."""
    size = ""
    for length, css_class in NAME_SIZES:
        if len(name) > length:
            size = css_class
    return size


def unit_columns(units: list[Any]) -> list[list[Any]]:
    """Return the CUs in one column up to four, else in two or three columns of equal length."""
    if len(units) <= UNITS_PER_COLUMN:
        return [units]
    count = 2 if len(units) <= 2 * (UNITS_PER_COLUMN + 1) else 3
    rows = -(-len(units) // count)
    return [units[i : i + rows] for i in range(0, len(units), rows)]


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    """Return what the certificate shows: employer, CUs, number, dates, audit, verification."""
    url = verification_url(certificate)
    units = list(certificate.classification_units.order_by("code"))
    return {
        "title": f"Certificate of Recognition {certificate.number}",
        "certificate": certificate,
        "employer": certificate.employer,
        "name_size": name_size(certificate.employer.legal_name),
        "audit_type": certificate.audit.get_audit_type_display(),
        "units": units,
        "unit_columns": unit_columns(units),
        "verification_url": url,
        "verification_qr": qr_data_uri(url),
    }


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    return render_pdf("audits/pdf/certificate.html", certificate_context(certificate))


def certificate_filename(certificate: Certificate) -> str:
    """Return the PDF's file name: ``COR-2025-000123-alpha-lodge-ltd.pdf``."""
    name = slugify(certificate.employer.legal_name)[:60].strip("-")
    return f"{certificate.number}-{name}.pdf" if name else f"{certificate.number}.pdf"
