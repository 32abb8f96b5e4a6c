"""Letters: staff see all, an employer contact its own; download one, or a year's as a ZIP."""

import zipfile
from collections.abc import Iterator
from typing import IO, Any, cast

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.views import ListPageMixin
from employers.selectors import employer_id_for

from ..filters import LetterFilter
from ..models import Letter
from ..tables import LetterTable


class LetterListView(SectionRequiredMixin, ListPageMixin):
    """Every letter for staff; an employer contact's own letters for them."""

    permission_required = "incentives.view_letter"
    table_class = LetterTable
    filterset_class = LetterFilter
    template_name = "incentives/letter_list.html"
    title = gettext_lazy("Incentive letters")
    empty_title = gettext_lazy("No letters yet")
    empty_hint = gettext_lazy("Letters are issued when a year's incentives are run.")
    export_name = "incentive-letters"

    def get_queryset(self):
        return (
            Letter.objects.visible_to(self.request.user)
            .select_related("employer")
            .order_by("-year", "employer__legal_name", "-version")
        )


class LetterDownloadView(SectionRequiredMixin, View):
    """The letter's PDF; a letter outside the user's scope is 404 like a missing one."""

    permission_required = "incentives.view_letter"

    def get(self, request, *args, **kwargs) -> FileResponse:
        letter = get_object_or_404(Letter.objects.visible_to(request.user), pk=kwargs["pk"])
        try:
            handle = letter.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("The letter's file is missing."))
        return FileResponse(
            handle, as_attachment=True, filename=letter.filename, content_type="application/pdf"
        )


class _Chunks:
    """A write-only stream ZipFile writes to; the view hands its bytes on as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def zip_stream(letters: list[Letter]) -> Iterator[bytes]:
    """Yield a ZIP of the letters' PDFs, one file at a time (never the whole archive)."""
    stream = _Chunks()
    archive_file = cast("IO[bytes]", stream)
    with zipfile.ZipFile(archive_file, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for letter in letters:
            try:
                with letter.file.open("rb") as source, archive.open(letter.filename, "w") as target:
                    while chunk := source.read(64 * 1024):
                        target.write(chunk)
                        yield stream.take()
            except (FileNotFoundError, OSError):
                continue
            yield stream.take()
    yield stream.take()


class LetterZipView(SectionRequiredMixin, View):
    """A year's letters (the latest version of each) as one ZIP, streamed. Staff only."""

    permission_required = "incentives.access_incentives"

    def get(self, request, *args, **kwargs) -> HttpResponseBase:
        year = request.GET.get("year", "")
        if not year.isdigit():
            return HttpResponse(
                _("Name the year: ?year=2024"), status=400, content_type="text/plain"
            )
        latest: dict[int, Letter] = {}
        for letter in Letter.objects.filter(year=int(year)).order_by("incentive_id", "version"):
            latest[letter.incentive_id] = letter
        response = StreamingHttpResponse(
            zip_stream(sorted(latest.values(), key=lambda x: x.number)),
            content_type="application/zip",
        )
        response["Content-Disposition"] = f'attachment; filename="incentive-letters-{year}.zip"'
        return response


class PortalLettersPanelView(SectionRequiredMixin, TemplateView):
    """The employer portal's letters panel (an htmx fragment or include): its own letters."""

    permission_required = "incentives.view_letter"
    template_name = "incentives/_portal_letters.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        letters = Letter.objects.visible_to(self.request.user).order_by("-year", "-version")
        return super().get_context_data(
            letters=letters[:10], employer_id=employer_id_for(self.request.user), **kwargs
        )
