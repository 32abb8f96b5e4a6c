"""Render the portal's PDF documents (certificates, letters, the board pack) with WeasyPrint.

Every document extends ``templates/pdf/base.html`` (letterhead, margins, page numbers, the
DejaVu fonts installed on the machine) and is rendered here from a template and a context.
Nothing is cached between calls: web processes stay stateless and small.
"""

from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string

# A document's images are embedded as data: URIs. Nothing is fetched from the network or
# the disk while rendering, whatever a template or a record's text may contain.
EMBEDDED_ONLY = ("data",)


def site_url(path: str = "") -> str:
    """Return the public address of a path on the portal (``COR_SITE_URL`` + path)."""
    return settings.COR_SITE_URL.rstrip("/") + path


def qr_data_uri(text: str, *, dark: str = "#1d2a2a") -> str:
    """Return a QR code of the text as an SVG data URI, to size with CSS (no quiet zone)."""
    return segno.make(text, error="m").svg_data_uri(scale=1, border=0, dark=dark)


def document_context(**context: Any) -> dict[str, Any]:
    """Return the context every document's letterhead and footer need, plus the given one."""
    return {
        "association_name": settings.COR_ASSOCIATION_NAME,
        "site_url": site_url(),
        "site_host": urlsplit(settings.COR_SITE_URL).netloc or settings.COR_SITE_URL,
        **context,
    }


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Return the PDF of a document template rendered with the context."""
    # Imported here: WeasyPrint takes about a second to import, which web and command
    # processes that never render a PDF should not pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, document_context(**context))
    fetcher = URLFetcher(allowed_protocols=EMBEDDED_ONLY)
    return HTML(string=html, base_url=site_url("/"), url_fetcher=fetcher).write_pdf()
