"""The incentive letter (R-20): employer, year, CU lines, figures, certificate, verification.

Rendered with ``cor_portal.pdf`` from ``incentives/pdf/letter.html``. Everything it shows comes
from the letter's frozen ``figures``, so a letter renders the same whatever changes later.
"""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import segno
from django.urls import reverse
from django.utils import timezone

from cor_portal.pdf import render_pdf, site_url

from .choices import LineKind

if TYPE_CHECKING:
    from .models import Letter


def currency(value: str | Decimal | None) -> str:
    """Return an amount as Canadian dollars: ``$229,800.00`` (empty for none)."""
    if value is None or value == "":
        return ""
    return f"${Decimal(value):,.2f}"


def verification_url(certificate_number: str) -> str:
    """Return the public page where anyone can check the certificate the letter names."""
    return site_url(reverse("verify-certificate", args=[certificate_number]))


def letter_context(letter: "Letter") -> dict[str, Any]:
    """Return what the letter shows, from its frozen figures."""
    figures = letter.figures
    labels = dict(LineKind.choices)
    lines = [
        {
            **line,
            "label": labels.get(line["kind"], line["kind"]),
            "payroll_text": currency(line["payroll"]) or "not on file",
            "rate_text": currency(line["base_rate"]) or "not on file",
            "percent_text": f"{Decimal(line['percent']).normalize():f}%",
            "amount_text": currency(line["amount"]),
        }
        for line in figures.get("lines", [])
    ]
    number = figures.get("certificate_number") or ""
    url = verification_url(number) if number else ""
    expires = figures.get("certificate_expires_on") or ""
    issued = timezone.localdate(letter.issued_at) if letter.issued_at else timezone.localdate()
    return {
        "title": f"COR incentive letter {letter.number}",
        "letter": letter,
        "employer": figures.get("employer", {}),
        "year": figures.get("year"),
        "base_rate_year": figures.get("base_rate_year"),
        "lines": lines,
        "total_text": currency(figures.get("total")),
        "certificate_number": number,
        "certificate_expires_on": date.fromisoformat(expires) if expires else None,
        "issued_on": issued,
        "verification_url": url,
        "verification_qr": qr_png_data_uri(url) if url else "",
    }


def qr_png_data_uri(text: str) -> str:
    """Return a QR code of the text as a PNG data URI (8 px a module: sharp at 22 mm).

    A PNG costs WeasyPrint a tenth of what the SVG path of the same code does, which counts
    when a run renders a thousand letters.
    """
    return segno.make(text, error="m").png_data_uri(scale=8, border=0, dark="#1d2a2a")


def render_letter_pdf(letter: "Letter") -> bytes:
    """Return the letter as an A4 PDF."""
    return render_pdf("incentives/pdf/letter.html", letter_context(letter))
