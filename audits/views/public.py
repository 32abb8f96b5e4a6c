"""Public pages (no login): verify a COR certificate, the directory of certified employers.

They show what anyone may know about a certificate: the employer's legal and trade names and
city, the certificate's number, dates, audit type, CUs and its status today. Nothing else is
even loaded (no account numbers, contacts, scores or auditors). The certificate's PDF, for
those who may see the certificate, is served here too.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from cor_portal.accounts.access import SectionRequiredMixin
from employers.choices import Region
from employers.models import ClassificationUnit

from ..choices import CertificateStatus
from ..documents import certificate_filename, render_certificate_pdf
from ..models import Certificate
from ..querysets import CertificateQuerySet
from ..selectors import certificate_status_on

MIN_QUERY = 2
MAX_QUERY = 100
# The only fields the public pages load.
PUBLIC_FIELDS = (
    "number",
    "certified_on",
    "expires_on",
    "status",
    "ended_on",
    "employer__legal_name",
    "employer__trade_name",
    "employer__city",
    "employer__region",
    "audit__audit_type",
)
STATUS_WORDS = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "lapsed": _("Lapsed"),
    "superseded": _("Superseded"),
    "not yet valid": _("Not yet valid"),
}
REGION_ORDER = Case(
    *(When(employer__region=code, then=Value(i)) for i, code in enumerate(Region.values)),
    default=Value(len(Region.values)),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class Verified:
    """A certificate as the public sees it today: the record, its status and the word for it."""

    certificate: Certificate
    status: str
    word: str


def public_certificates() -> CertificateQuerySet:
    """Return certificates with the public fields only and their CUs (2 queries a page)."""
    units = ClassificationUnit.objects.only("code", "description").order_by("code")
    return (
        Certificate.objects.select_related("employer", "audit")
        .only(*PUBLIC_FIELDS)
        .prefetch_related(Prefetch("classification_units", queryset=units))
    )


def search_certificates(query: str) -> QuerySet[Certificate]:
    """Return the certificate with that number, and the employers' named so, newest first.

    A superseded certificate is listed only when asked for by its number: its employer's
    newer one answers a search by name.
    """
    by_name = Q()
    for word in query.split():
        by_name &= Q(employer__legal_name__icontains=word) | Q(employer__trade_name__icontains=word)
    current = by_name & ~Q(status=CertificateStatus.SUPERSEDED)
    return (
        public_certificates()
        .filter(Q(number__iexact=query) | current)
        .order_by("employer__legal_name", "employer_id", "-certified_on", "-pk")
    )


def verified(certificates: Any, *, today: date) -> list[Verified]:
    """Return the certificates with their status on the day."""
    rows = []
    for certificate in certificates:
        status = certificate_status_on(certificate, today)
        rows.append(Verified(certificate, status, str(STATUS_WORDS[status])))
    return rows


class VerifyView(ListView):
    """Search certificates by employer name or certificate number (public)."""

    template_name = "audits/verify_search.html"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[Certificate]:
        self.query = " ".join(self.request.GET.get("q", "").split())[:MAX_QUERY]
        if len(self.query) < MIN_QUERY:
            return Certificate.objects.none()
        return search_certificates(self.query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        return {
            **context,
            "today": today,
            "query": self.query,
            "searched": len(self.query) >= MIN_QUERY,
            "too_short": 0 < len(self.query) < MIN_QUERY,
            "rows": verified(context["object_list"], today=today),
        }


class VerifyCertificateView(TemplateView):
    """One certificate's status today: the page the certificate's QR code opens (public)."""

    template_name = "audits/verify_certificate.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        certificate = public_certificates().filter(number=kwargs["number"]).first()
        if certificate is None:
            raise Http404
        today = timezone.localdate()
        row = verified([certificate], today=today)[0]
        current = None
        if row.status != "valid":
            current = (
                Certificate.objects.valid_on(today)
                .filter(employer_id=certificate.employer_id)
                .exclude(pk=certificate.pk)
                .only("number")
                .first()
            )
        crumbs = [(_("Verify a COR"), reverse("verify")), (certificate.number, "")]
        return super().get_context_data(
            today=today, row=row, current=current, crumbs=crumbs, **kwargs
        )


class VerifyDirectoryView(ListView):
    """The showcase: employers holding a certificate valid today, by region (public)."""

    template_name = "audits/verify_directory.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Certificate]:
        self.today = timezone.localdate()
        self.region = self.request.GET.get("region", "")
        certificates = public_certificates().valid_on(self.today)
        if self.region in Region.values:
            certificates = certificates.filter(employer__region=self.region)
        return certificates.order_by(REGION_ORDER, "employer__legal_name", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        counts = dict(
            Certificate.objects.valid_on(self.today)
            .order_by()
            .values("employer__region")
            .annotate(n=Count("employer_id", distinct=True))
            .values_list("employer__region", "n")
        )
        regions = [
            {"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label in Region.choices
        ]
        return super().get_context_data(
            today=self.today,
            region=self.region if self.region in Region.values else "",
            regions=regions,
            total=sum(counts.values()),
            crumbs=[(_("Verify a COR"), reverse("verify")), (_("Certified employers"), "")],
            **kwargs,
        )


class CertificatePdfView(SectionRequiredMixin, SingleObjectMixin, View):
    """The certificate as a PDF, opened in the browser: staff and the certificate's employer."""

    permission_required = "audits.view_certificate"

    def get_queryset(self) -> QuerySet[Certificate]:
        return Certificate.objects.visible_to(self.request.user).select_related("employer", "audit")

    def get(self, request, *args, **kwargs) -> HttpResponse:
        certificate = self.get_object()
        response = HttpResponse(render_certificate_pdf(certificate), content_type="application/pdf")
        disposition = content_disposition_header(False, certificate_filename(certificate))
        response["Content-Disposition"] = disposition or "inline"
        response["Cache-Control"] = "private, no-store"
        return response
