from django.urls import path

from .views import training
from .views.eaqa import EAQAPlanActionView, EAQAPlanView, EAQARecordView, EAQAReportView
from .views.roster import (
    AuditorCreateView,
    AuditorDetailView,
    AuditorTransitionView,
    AuditorUpdateView,
    CPDCreateView,
    CPDDeleteView,
    CPDEvidenceView,
    CPDUpdateView,
    DeclarationCreateView,
    EngagementCreateView,
    EngagementUpdateView,
    RosterView,
    StudentAuditView,
)

app_name = "auditors"

urlpatterns: list = [
    # Roster: list, detail, create, edit, standing, student audit, CPD, declarations, consulting
    # engagements (views/roster.py).
    # --- roster ---
    path("", RosterView.as_view(), name="list"),
    path("new/", AuditorCreateView.as_view(), name="create"),
    path("<int:pk>/", AuditorDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", AuditorUpdateView.as_view(), name="update"),
    path("<int:pk>/standing/<slug:action>/", AuditorTransitionView.as_view(), name="transition"),
    path("<int:pk>/student-audit/", StudentAuditView.as_view(), name="student-audit"),
    path("<int:pk>/cpd/new/", CPDCreateView.as_view(), name="cpd-create"),
    path("cpd/<int:child_pk>/edit/", CPDUpdateView.as_view(), name="cpd-update"),
    path("cpd/<int:child_pk>/delete/", CPDDeleteView.as_view(), name="cpd-delete"),
    path("cpd/<int:pk>/evidence/", CPDEvidenceView.as_view(), name="cpd-evidence"),
    path("<int:pk>/declarations/new/", DeclarationCreateView.as_view(), name="declaration-create"),
    path("<int:pk>/engagements/new/", EngagementCreateView.as_view(), name="engagement-create"),
    path(
        "engagements/<int:child_pk>/edit/",
        EngagementUpdateView.as_view(),
        name="engagement-update",
    ),
    # Training: courses, sessions, enrolments, results, completions and their import
    # (views/training.py).
    # --- training ---
    path("courses/", training.CourseListView.as_view(), name="course-list"),
    path("courses/new/", training.CourseCreateView.as_view(), name="course-create"),
    path("courses/<int:pk>/edit/", training.CourseUpdateView.as_view(), name="course-update"),
    path("sessions/", training.SessionListView.as_view(), name="session-list"),
    path("sessions/new/", training.SessionCreateView.as_view(), name="session-create"),
    path("sessions/<int:pk>/", training.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", training.SessionUpdateView.as_view(), name="session-update"),
    path("sessions/<int:pk>/enrol/", training.SessionEnrolView.as_view(), name="session-enrol"),
    path(
        "enrolments/<int:pk>/result/",
        training.EnrolmentResultView.as_view(),
        name="enrolment-result",
    ),
    path("completions/", training.CompletionListView.as_view(), name="completion-list"),
    path(
        "completions/import/",
        training.CompletionImportView.as_view(),
        name="completion-import",
    ),
    path(
        "completions/import/confirm/",
        training.CompletionImportConfirmView.as_view(),
        name="completion-import-confirm",
    ),
    path(
        "completions/import/template.<slug:fmt>",
        training.CompletionImportTemplateView.as_view(),
        name="completion-import-template",
    ),
    # EAQA: the year's plan and the records (views/eaqa.py).
    # --- eaqa ---
    path("eaqa/", EAQAPlanView.as_view(), name="eaqa"),
    path("eaqa/plan/", EAQAPlanActionView.as_view(), name="eaqa-plan"),
    path("eaqa/<int:pk>/record/", EAQARecordView.as_view(), name="eaqa-record"),
    path("eaqa/<int:pk>/report/", EAQAReportView.as_view(), name="eaqa-report"),
]
