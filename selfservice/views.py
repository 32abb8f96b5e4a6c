"""Staff invitations and logins, the public invitation page, and a colleague's invitation."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.accounts.choices import Role
from cor_portal.ui.paging import open_page, page_number
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin, add_service_errors
from employers import selectors as employer_selectors

from . import applications, changelog, services
from .filters import ApplicationFilter, InvitationFilter, LoginFilter
from .forms import (
    AcceptForm,
    ApplicationForm,
    ChangeLogFilterForm,
    ColleagueForm,
    DecisionForm,
    InvitationForm,
    LoginChangeForm,
)
from .models import Application, Invitation
from .tables import ApplicationTable, InvitationTable, LoginTable

User = get_user_model()

INVALID_REASONS = {
    "unknown": gettext_lazy("This invitation link is not valid. Check that you copied all of it."),
    "accepted": gettext_lazy(
        "This invitation was used already. Sign in with the password you chose, or reset it."
    ),
    "expired": gettext_lazy("This invitation has expired. Ask the COR team for a new one."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask the COR team for a new one."),
}


class InvitationListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "selfservice.manage_invitations"
    table_class = InvitationTable
    filterset_class = InvitationFilter
    title = gettext_lazy("Invitations")
    create_url_name = "selfservice:invitation-create"
    create_label = gettext_lazy("Invite someone")
    empty_title = gettext_lazy("No invitations yet")
    empty_hint = gettext_lazy("Invite an employer's contact, an auditor or a board member.")
    export_name = "invitations"

    def get_queryset(self):
        return Invitation.objects.select_related("created_by", "contact__employer")


class InvitationCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "selfservice.manage_invitations"
    form_class = InvitationForm
    template_name = "selfservice/form.html"
    extra_context = {"heading": gettext_lazy("Invite someone to the portal")}

    def get_initial(self) -> dict[str, Any]:
        """Start from ?contact=<pk> or ?auditor=<pk> (links from other pages)."""
        initial = super().get_initial()
        for kind, name in ((Role.EMPLOYER, "contact"), (Role.AUDITOR, "auditor")):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial.update(kind=kind, **{name: int(value)})
        return initial

    def perform(self, form: InvitationForm) -> str:
        data, actor = form.cleaned_data, self.request.user
        if data["kind"] == Role.EMPLOYER:
            invitation, _token = services.invite_contact(contact=data["contact"], actor=actor)
        elif data["kind"] == Role.AUDITOR:
            invitation, _token = services.invite_auditor(auditor=data["auditor"], actor=actor)
        else:
            invitation, _token = services.invite_board_member(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                actor=actor,
            )
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return reverse("selfservice:invitation-list")


class InvitationActionView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Confirm, then re-send or revoke one invitation."""

    permission_required = "selfservice.manage_invitations"
    form_class = LoginChangeForm
    template_name = "selfservice/confirm.html"
    action = ""

    def get_invitation(self) -> Invitation:
        return get_object_or_404(Invitation, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invitation = self.get_invitation()
        resend = self.action == "resend"
        return super().get_context_data(
            heading=_("Re-send the invitation?") if resend else _("Revoke the invitation?"),
            question=(
                _("%(person)s gets a new link; the old one stops working.")
                if resend
                else _("The link sent to %(person)s stops working.")
            )
            % {"person": invitation},
            button=_("Re-send") if resend else _("Revoke"),
            destructive=not resend,
            back=reverse("selfservice:invitation-list"),
            show_reason=False,
            **kwargs,
        )

    def perform(self, form: Any) -> str:
        invitation = self.get_invitation()
        if self.action == "resend":
            services.resend_invitation(invitation=invitation, actor=self.request.user)
            messages.success(
                self.request, _("A new link was sent to %(email)s.") % {"email": invitation.email}
            )
        else:
            services.revoke_invitation(invitation=invitation, actor=self.request.user)
            messages.success(self.request, _("The invitation was revoked."))
        return reverse("selfservice:invitation-list")


class LoginListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "selfservice.manage_logins"
    table_class = LoginTable
    filterset_class = LoginFilter
    title = gettext_lazy("Logins")
    empty_title = gettext_lazy("No logins match")
    export_name = "logins"

    def get_queryset(self):
        return User.objects.all()


class LoginChangeView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Confirm, then deactivate or reactivate one login."""

    permission_required = "selfservice.manage_logins"
    form_class = LoginChangeForm
    template_name = "selfservice/confirm.html"
    active = False

    def get_user(self) -> Any:
        return get_object_or_404(User, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.get_user()
        person = f"{user.get_full_name() or user.username} ({user.username})"
        return super().get_context_data(
            heading=_("Reactivate the login?") if self.active else _("Deactivate the login?"),
            question=(
                _("%(person)s can sign in again.")
                if self.active
                else _(
                    "%(person)s can no longer sign in. Everything recorded under the login "
                    "stays, and it can be reactivated."
                )
            )
            % {"person": person},
            button=_("Reactivate") if self.active else _("Deactivate"),
            destructive=not self.active,
            back=reverse("selfservice:login-list"),
            show_reason=True,
            **kwargs,
        )

    def perform(self, form: Any) -> str:
        service = services.reactivate_login if self.active else services.deactivate_login
        user = service(
            user=self.get_user(), actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request,
            (_("%(user)s can sign in again.") if self.active else _("%(user)s is deactivated."))
            % {"user": user.username},
        )
        return reverse("selfservice:login-list")


class AcceptInvitationView(FormView):
    """The public page of an invitation link: choose a password, then sign in."""

    form_class = AcceptForm
    template_name = "selfservice/accept.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = services.find_invitation(kwargs["token"])
        except services.InvitationInvalidError as invalid:
            return self.invalid(invalid.reason)
        return super().dispatch(request, *args, **kwargs)

    def invalid(self, reason: str) -> HttpResponse:
        status = 404 if reason == "unknown" else 410
        return self.response_class(
            request=self.request,
            template="selfservice/accept_invalid.html",
            context={"reason": INVALID_REASONS[reason], "state": reason},
            status=status,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form: AcceptForm) -> HttpResponse:
        try:
            user = services.accept_invitation(
                token=self.kwargs["token"], password=form.cleaned_data["password"]
            )
        except services.InvitationInvalidError as invalid:
            return self.invalid(invalid.reason)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome to the COR Portal."))
        return HttpResponseRedirect(reverse("home"))


class ColleagueInviteView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """An employer's primary contact invites a colleague of the same employer."""

    permission_required = "selfservice.invite_colleague"
    form_class = ColleagueForm
    template_name = "selfservice/form.html"
    extra_context = {"heading": gettext_lazy("Invite a colleague")}

    def perform(self, form: ColleagueForm) -> str:
        employer = employer_selectors.employer_for(self.request.user)
        if employer is None:
            raise PermissionDenied
        invitation, _token = services.invite_colleague(
            employer=employer, actor=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
        )
        return reverse("homes:portal")


# Online applications ------------------------------------------------------------------------


def client_ip(request) -> str:
    """Return the visitor's address (REMOTE_ADDR: the proxy sets it from X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ApplyView(FormView):
    """The public application for COR registration (no login)."""

    form_class = ApplicationForm
    template_name = "selfservice/apply.html"

    def post(self, request, *args, **kwargs):
        if applications.rate_limited(client_ip(request)):
            return self.response_class(
                request=request, template="selfservice/apply_limited.html", status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ApplicationForm) -> HttpResponse:
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: thank it and record nothing.
            return HttpResponseRedirect(reverse("selfservice:apply-thanks"))
        fields = {name: form.cleaned_data.get(name) for name in applications.APPLICATION_FIELDS}
        fields = {k: ("" if v is None and k not in NULLABLE else v) for k, v in fields.items()}
        try:
            applications.submit_application(
                classification_units=list(form.cleaned_data["classification_units"]), **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("selfservice:apply-thanks"))


NULLABLE = {"employees", "payroll_hours", "nao_approved_on"}


class ApplyThanksView(TemplateView):
    template_name = "selfservice/apply_thanks.html"


class ApplicationListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "selfservice.review_applications"
    table_class = ApplicationTable
    filterset_class = ApplicationFilter
    title = gettext_lazy("Applications")
    empty_title = gettext_lazy("No applications")
    empty_hint = gettext_lazy("Employers apply online at /apply/.")
    export_name = "applications"

    def get_queryset(self):
        return Application.objects.select_related("duplicate_of", "employer", "decided_by")


class ApplicationDetailView(SectionRequiredMixin, DetailView):
    permission_required = "selfservice.review_applications"
    template_name = "selfservice/application_detail.html"
    context_object_name = "application"

    def get_queryset(self):
        return Application.objects.select_related(
            "duplicate_of", "employer", "decided_by"
        ).prefetch_related("classification_units")


class ApplicationDecisionView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Confirm, then approve or reject an application."""

    permission_required = "selfservice.review_applications"
    form_class = DecisionForm
    template_name = "selfservice/application_decide.html"
    approve = True

    def get_application(self) -> Application:
        return get_object_or_404(Application, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            application=self.get_application(), approve=self.approve, **kwargs
        )

    def perform(self, form: DecisionForm) -> Application:
        reason = form.cleaned_data["reason"]
        if self.approve:
            application = applications.approve_application(
                application=self.get_application(), actor=self.request.user, reason=reason
            )
            messages.success(
                self.request,
                _("%(employer)s is registered and its contact invited.")
                % {"employer": application.employer},
            )
        else:
            application = applications.reject_application(
                application=self.get_application(), actor=self.request.user, reason=reason
            )
            messages.success(
                self.request, _("The application was rejected and the applicant told.")
            )
        return application


# The change log -----------------------------------------------------------------------------


class ChangeLogView(SectionRequiredMixin, TemplateView):
    """Every change the history tables keep: who, when, which record, before → after."""

    permission_required = "selfservice.view_changelog"
    template_name = "selfservice/changelog.html"
    paginate_by = 25

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = ChangeLogFilterForm(self.request.GET or None)
        filters: dict[str, Any] = {}
        if form.is_valid():
            data = form.cleaned_data
            filters = {
                "who": data["who"].strip(),
                "kind": data["kind"],
                "since": data["since"],
                "until": data["until"],
            }
        query, keys = changelog.changes_query(**filters)
        page = open_page(
            query if query is not None else [],
            page_number(self.request.GET.get("page")),
            self.paginate_by,
        )
        rows = changelog.describe(page.object_list, keys) if page.object_list else []
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            form=form,
            page_obj=page,
            rows=rows,
            querystring=params.urlencode(),
            filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            **kwargs,
        )
