"""Render the portal's PDF documents (certificates, letters, the board pack) with WeasyPrint.

Every document extends ``templates/pdf/base.html`` (letterhead, margins, page numbers, the
DejaVu fonts installed on the machine) and is rendered here from a template and a context.
Each thread keeps what does not change from one document to the next: the parsed CSS of the
templates' ``<style>`` blocks and WeasyPrint's font configuration (the fonts Pango loaded).
Together they are about a quarter of a one-page document's time, which counts when a worker
renders a thousand letters in a row.
"""

import hashlib
import re
import threading
from collections import OrderedDict
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


STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
STYLESHEETS_KEPT = 16  # per thread: one per document template is plenty
_kept = threading.local()


def _font_config() -> Any:
    """Return this thread's WeasyPrint font configuration, made on first use."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_kept, "fonts"):
        _kept.fonts = FontConfiguration()
    return _kept.fonts


def _stylesheet(text: str) -> Any:
    """Return the CSS text parsed, once per thread for each distinct text (a small LRU)."""
    from weasyprint import CSS

    sheets: OrderedDict[str, Any] = _kept.__dict__.setdefault("sheets", OrderedDict())
    key = hashlib.sha256(text.encode()).hexdigest()
    if key in sheets:
        sheets.move_to_end(key)
    else:
        sheets[key] = CSS(
            string=text, base_url=site_url("/"), url_fetcher=_fetcher(), font_config=_font_config()
        )
        while len(sheets) > STYLESHEETS_KEPT:
            sheets.popitem(last=False)
    return sheets[key]


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=EMBEDDED_ONLY)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Return the PDF of a document template rendered with the context."""
    # Imported here: WeasyPrint takes about a second to import, which web and command
    # processes that never render a PDF should not pay.
    from weasyprint import HTML

    html = str(render_to_string(template_name, document_context(**context)))
    stylesheets = []
    match = STYLE.search(html)
    if match is not None:
        stylesheets.append(_stylesheet(match.group(1)))
        html = html[: match.start()] + html[match.end() :]
    document = HTML(string=html, base_url=site_url("/"), url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=stylesheets, font_config=_font_config())
