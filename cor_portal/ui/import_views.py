"""The three views of every file import: upload and preview, confirm, download a template.

An app's views subclass these with its section permission, its upload form (whose cleaned
``source`` is the ``ImportFile``), its kinds of file and the names of its import pages. The
reading, the dry run and the stored upload are ``cor_portal.imports``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from cor_portal import imports


@dataclass(frozen=True)
class ImportPages:
    """The URL names of one import: upload, confirm, template download, and where it ends."""

    upload: str
    confirm: str
    template: str
    done: str


class ImportMixin:
    """What the views of one import share: its kinds of file, its pages and its preview."""

    kinds: Mapping[str, imports.FileKind]
    pages: ImportPages
    preview_template_name = "ui/import_preview.html"
    request: Any

    def preview(self, result: imports.ImportResult, token: str) -> HttpResponse:
        """Return the row-by-row preview of a file, with the token that confirms it."""
        context = {"result": result, "token": token, "pages": self.pages}
        return render(self.request, self.preview_template_name, context)


class ImportFormView(ImportMixin, FormView):
    """Upload a file and preview, row by row, what importing it would do (a dry run)."""

    template_name = "ui/import_form.html"
    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kinds = list(self.kinds.values())
        return super().get_context_data(kinds=kinds, pages=self.pages, title=self.title, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        source = form.cleaned_data["source"]
        result = imports.run_import(source, actor=self.request.user, dry_run=True)
        token = imports.stash_upload(self.request.session, source)
        return self.preview(result, token)


class ImportConfirmView(ImportMixin, View):
    """Import a previewed file (POST with its token): every row, or none if any has an error."""

    http_method_names = ["post"]

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get("token", "")
        source = imports.load_stashed(request.session, token, kinds=self.kinds.values())
        if source is None:
            messages.error(request, _("This preview has expired. Upload the file again."))
            return redirect(self.pages.upload)
        result = imports.run_import(source, actor=request.user, dry_run=False)
        if result.has_errors:
            messages.error(request, _("Nothing was imported: some rows have errors now."))
            return self.preview(result, token)
        imports.discard_stashed(request.session, token)
        messages.success(request, result.summary())
        return redirect(self.pages.done)


class ImportTemplateView(ImportMixin, View):
    """Download a template (``?kind=``, the first kind by default): header and example row."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.kinds.get(request.GET.get("kind") or next(iter(self.kinds)))
        fmt = kwargs["fmt"]
        if kind is None or fmt not in imports.FORMATS:
            raise Http404
        response = HttpResponse(
            imports.template_file(kind, fmt), content_type=imports.CONTENT_TYPES[fmt]
        )
        name = f"{kind.name}-import-template.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
