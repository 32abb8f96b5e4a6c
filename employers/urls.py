from django.urls import path

from . import views

app_name = "employers"

urlpatterns = [
    path("", views.EmployerListView.as_view(), name="list"),
    path("new/", views.EmployerCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EmployerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EmployerUpdateView.as_view(), name="update"),
    path("<int:pk>/history/", views.EmployerHistoryView.as_view(), name="history"),
    path(
        "<int:pk>/status/<slug:action>/", views.EmployerTransitionView.as_view(), name="transition"
    ),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:child_pk>/edit/", views.ContactUpdateView.as_view(), name="contact-update"),
    path(
        "contacts/<int:child_pk>/delete/", views.ContactDeleteView.as_view(), name="contact-delete"
    ),
    path(
        "<int:pk>/interactions/new/",
        views.InteractionCreateView.as_view(),
        name="interaction-create",
    ),
    path("interactions/", views.InteractionListView.as_view(), name="interaction-list"),
    path(
        "interactions/<int:child_pk>/edit/",
        views.InteractionUpdateView.as_view(),
        name="interaction-update",
    ),
    path(
        "interactions/<int:pk>/follow-up-done/",
        views.FollowUpDoneView.as_view(),
        name="follow-up-done",
    ),
    # An employer's contact asks the COR team for a gap analysis or a consultation.
    path("requests/new/", views.PortalRequestView.as_view(), name="request-create"),
    path(
        "<int:pk>/gap-analyses/new/",
        views.GapAnalysisCreateView.as_view(),
        name="gap-analysis-create",
    ),
    path("gap-analyses/", views.GapAnalysisListView.as_view(), name="gap-analysis-list"),
    path(
        "gap-analyses/<int:child_pk>/edit/",
        views.GapAnalysisUpdateView.as_view(),
        name="gap-analysis-update",
    ),
    path(
        "gap-analyses/<int:pk>/report/",
        views.GapAnalysisReportView.as_view(),
        name="gap-analysis-report",
    ),
    path("classification-units/", views.ClassificationUnitListView.as_view(), name="cu-list"),
    path(
        "classification-units/new/", views.ClassificationUnitCreateView.as_view(), name="cu-create"
    ),
    path(
        "classification-units/<int:pk>/edit/",
        views.ClassificationUnitUpdateView.as_view(),
        name="cu-update",
    ),
    path(
        "classification-units/<int:pk>/delete/",
        views.ClassificationUnitDeleteView.as_view(),
        name="cu-delete",
    ),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/confirm/", views.ImportConfirmView.as_view(), name="import-confirm"),
    path("import/template.<slug:fmt>", views.ImportTemplateView.as_view(), name="import-template"),
]
