"""The private calendar feed of a user's deadlines, the page that explains it, and its reset."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from cor_portal import lifecycle
from cor_portal.accounts.services import reset_calendar_token

from ..calendar import build_feed, user_for_token


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Return the ICS feed of the user the token belongs to (no session: the token is the key)."""
    user = user_for_token(token)
    if user is None:
        raise Http404
    body = build_feed(user, today=lifecycle.today(), base_url=request.build_absolute_uri("/")[:-1])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cor-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


class CalendarHelpView(LoginRequiredMixin, TemplateView):
    """How to subscribe to your private feed in a calendar application."""

    template_name = "audits/calendar/help.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        token = self.request.user.calendar_token  # type: ignore[union-attr]
        url = self.request.build_absolute_uri(reverse("calendar", kwargs={"token": token}))
        context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
        return context


class CalendarResetView(LoginRequiredMixin, View):
    """Give the user a new feed address; the old one stops working (POST)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        reset_calendar_token(user=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("Your calendar address has changed. Subscribe again with the new one."),
        )
        return redirect("calendar-help")
