"""Staff pages of training: courses, sessions and their enrolments, results, and the course
completions behind the workplan's KPIs, with their import from the LMS (R-16, R-22)."""

from datetime import date
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui import import_views
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin, add_service_errors

from .. import imports as completion_imports
from .. import services
from ..filters import CourseCompletionFilter, CourseFilter, TrainingSessionFilter
from ..forms import (
    CompletionImportForm,
    CourseForm,
    EnrolForm,
    EnrolmentResultForm,
    TrainingSessionForm,
)
from ..models import Course, CourseCompletion, Enrolment, TrainingSession
from ..tables import CourseCompletionTable, CourseTable, TrainingSessionTable


class TrainingMixin(SectionRequiredMixin):
    """The training pages are the COR team's (staff) alone."""

    permission_required = "auditors.manage_training"


def sessions_upcoming_first(today: date) -> QuerySet[TrainingSession]:
    """Return sessions with their seats taken: upcoming soonest first, then past, latest first."""
    past = Case(
        When(starts_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    upcoming_on = Case(When(starts_on__gte=today, then=F("starts_on")), default=None)
    return (
        TrainingSession.objects.select_related("course")
        .annotate(enrolled_count=Count("enrolments"), is_past=past)
        .order_by("is_past", upcoming_on.asc(nulls_last=True), "-starts_on", "pk")
    )


# Courses ------------------------------------------------------------------------------------


class CourseListView(TrainingMixin, ListPageMixin):
    table_class = CourseTable
    filterset_class = CourseFilter
    title = _("Courses")
    create_url_name = "auditors:course-create"
    create_label = _("Add a course")
    empty_title = _("No courses yet")
    empty_hint = _(
        "Add the auditor training and the employer courses whose completions you report."
    )
    export_name = "courses"
    template_name = "auditors/course_list.html"

    def get_queryset(self):
        return Course.objects.annotate(
            session_count=Count("sessions", distinct=True),
            completion_count=Count("completions", distinct=True),
        ).order_by("name")


class CourseCreateView(TrainingMixin, ServiceFormMixin, FormView):
    form_class = CourseForm
    template_name = "auditors/course_form.html"
    success_message = _("The course %(object)s was saved.")

    def get_object(self) -> Course | None:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.get_object(), **kwargs)

    def perform(self, form: CourseForm) -> Course:
        return services.save_course(
            actor=self.request.user, course=self.get_object(), **form.service_fields()
        )

    def get_success_url_for(self, result: Any) -> str:
        return reverse("auditors:course-list")


class CourseUpdateView(CourseCreateView):
    @cached_property
    def course(self) -> Course:
        return get_object_or_404(Course, pk=self.kwargs["pk"])

    def get_object(self) -> Course | None:
        return self.course


# Sessions -----------------------------------------------------------------------------------


class SessionListView(TrainingMixin, ListPageMixin):
    table_class = TrainingSessionTable
    filterset_class = TrainingSessionFilter
    title = _("Training sessions")
    create_url_name = "auditors:session-create"
    create_label = _("Schedule a session")
    empty_title = _("No training sessions yet")
    empty_hint = _("Schedule a session of a course, then enrol people in it.")
    export_name = "training-sessions"
    template_name = "auditors/session_list.html"

    @cached_property
    def today(self) -> date:
        return timezone.localdate()

    def get_queryset(self):
        return sessions_upcoming_first(self.today)

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(filterset_class), "today": self.today}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today}


class SessionCreateView(TrainingMixin, ServiceFormMixin, FormView):
    form_class = TrainingSessionForm
    template_name = "auditors/session_form.html"
    success_message = _("The session %(object)s was saved.")

    def get_object(self) -> TrainingSession | None:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.get_object(), **kwargs)

    def perform(self, form: TrainingSessionForm) -> TrainingSession:
        return services.save_session(
            actor=self.request.user, session=self.get_object(), **form.service_fields()
        )


class SessionUpdateView(SessionCreateView):
    @cached_property
    def session(self) -> TrainingSession:
        return get_object_or_404(
            TrainingSession.objects.select_related("course"), pk=self.kwargs["pk"]
        )

    def get_object(self) -> TrainingSession | None:
        return self.session


class SessionMixin(TrainingMixin, ContextMixin):
    """Views about one session: its details, enrolments with their result forms, and
    the enrol form (``form``)."""

    kwargs: dict[str, Any]

    @cached_property
    def session(self) -> TrainingSession:
        return get_object_or_404(
            TrainingSession.objects.select_related("course"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        enrolments = list(
            self.session.enrolments.select_related("auditor__user", "employer", "completion")
        )
        kwargs.setdefault("form", EnrolForm())
        return super().get_context_data(
            session=self.session,
            rows=[
                (enrolment, EnrolmentResultForm(enrolment=enrolment)) for enrolment in enrolments
            ],
            seats_left=max(self.session.capacity - len(enrolments), 0),
            **kwargs,
        )


class SessionDetailView(SessionMixin, TemplateView):
    template_name = "auditors/session_detail.html"


class SessionEnrolView(SessionMixin, ServiceFormMixin, FormView):
    """Enrol a person (POST); a refusal (the session is full) shows on the session's page."""

    http_method_names = ["post"]
    form_class = EnrolForm
    template_name = "auditors/session_detail.html"
    success_message = _("%(object)s was enrolled.")

    def perform(self, form: EnrolForm) -> Enrolment:
        return services.enrol(
            session=self.session, actor=self.request.user, **form.service_fields()
        )

    def get_success_url_for(self, result: Any) -> str:
        return self.session.get_absolute_url()


class EnrolmentResultView(TrainingMixin, FormView):
    """Record one enrolment's attendance and result.

    With htmx the row of the session's table is drawn again in place; without it, the page
    goes back to the session. A pass records the course completion (``record_result``).
    """

    form_class = EnrolmentResultForm
    template_name = "auditors/session_result.html"

    @cached_property
    def enrolment(self) -> Enrolment:
        enrolments = Enrolment.objects.select_related(
            "session__course", "auditor__user", "employer", "completion"
        )
        return get_object_or_404(enrolments, pk=self.kwargs["pk"])

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["auditors/session_enrolment_row.html"]
        return [self.template_name]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "enrolment": self.enrolment}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            enrolment=self.enrolment, session=self.enrolment.session, **kwargs
        )

    def form_valid(self, form: EnrolmentResultForm) -> HttpResponse:
        enrolment = self.enrolment
        try:
            services.record_result(
                enrolment=enrolment, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            enrolment.refresh_from_db(fields=["attended", "result"])  # the service set them
            add_service_errors(form, error)
            return self.form_invalid(form)
        if getattr(self.request, "htmx", False):
            fresh = EnrolmentResultForm(enrolment=enrolment)
            return self.render_to_response(self.get_context_data(form=fresh, saved=True))
        messages.success(
            self.request, _("The result of %(name)s was saved.") % {"name": enrolment.name}
        )
        return redirect(enrolment.session)


# Completions --------------------------------------------------------------------------------


class CompletionListView(TrainingMixin, ListPageMixin):
    table_class = CourseCompletionTable
    filterset_class = CourseCompletionFilter
    title = _("Course completions")
    empty_title = _("No course completions yet")
    empty_hint = _(
        "Completions are recorded when someone passes a session, or imported from the LMS."
    )
    export_name = "course-completions"
    template_name = "auditors/completion_list.html"

    def get_queryset(self):
        return CourseCompletion.objects.select_related("course", "employer", "auditor__user")


COMPLETION_IMPORT_PAGES = import_views.ImportPages(
    upload="auditors:completion-import",
    confirm="auditors:completion-import-confirm",
    template="auditors:completion-import-template",
    done="auditors:completion-list",
)


class CompletionImportView(TrainingMixin, import_views.ImportFormView):
    """Upload an LMS export and preview, row by row, the completions it would record."""

    form_class = CompletionImportForm
    template_name = "auditors/completion_import.html"
    preview_template_name = "auditors/completion_import_preview.html"
    title = _("Import course completions")
    kinds = completion_imports.KINDS
    pages = COMPLETION_IMPORT_PAGES


class CompletionImportConfirmView(TrainingMixin, import_views.ImportConfirmView):
    """Import a previewed LMS export (POST with its token)."""

    preview_template_name = "auditors/completion_import_preview.html"
    kinds = completion_imports.KINDS
    pages = COMPLETION_IMPORT_PAGES


class CompletionImportTemplateView(TrainingMixin, import_views.ImportTemplateView):
    """Download the template of an LMS export: the header row and one example row."""

    kinds = completion_imports.KINDS
    pages = COMPLETION_IMPORT_PAGES
