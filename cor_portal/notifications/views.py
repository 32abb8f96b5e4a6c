"""A user's own notifications: the list, opening one (marks it read), marking all read."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from . import services
from .models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    """The signed-in user's notifications, newest first, unread ones marked."""

    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return Notification.objects.visible_to(self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Open a notification: mark it read and go to what it is about (another user's: 404)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
        services.mark_read(notification=notification)
        target = notification.url
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("notifications:list")
        return HttpResponseRedirect(target)


class MarkAllReadView(LoginRequiredMixin, View):
    """Mark every notification of the user as read (POST)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = services.mark_all_read(user=request.user)
        messages.success(request, _("%(count)s notification(s) marked as read.") % {"count": count})
        return redirect("notifications:list")


class UnreadBadgeView(LoginRequiredMixin, TemplateView):
    """The navbar's unread count, loaded by htmx so pages pay no query for it."""

    template_name = "notifications/_badge.html"
