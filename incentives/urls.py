from django.urls import path

from .views import letters, runs, staff

app_name = "incentives"

urlpatterns = [
    path("", staff.IncentiveListView.as_view(), name="index"),
    path("<int:pk>/", staff.IncentiveDetailView.as_view(), name="incentive-detail"),
    path(
        "<int:pk>/recalculate/",
        staff.IncentiveRecalculateView.as_view(),
        name="incentive-recalculate",
    ),
    path("<int:pk>/reissue/", staff.IncentiveReissueView.as_view(), name="incentive-reissue"),
    path("<int:pk>/exclusions/add/", staff.ExclusionCreateView.as_view(), name="exclusion-create"),
    path("<int:pk>/appeals/add/", staff.AppealCreateView.as_view(), name="appeal-create"),
    path("<int:pk>/decisions/add/", staff.DecisionCreateView.as_view(), name="decision-create"),
    path(
        "appeals/<int:appeal_pk>/resolve/", staff.AppealResolveView.as_view(), name="appeal-resolve"
    ),
    path(
        "exclusions/<int:pk>/delete/", staff.ExclusionDeleteView.as_view(), name="exclusion-delete"
    ),
    path("base-rates/", staff.BaseRateListView.as_view(), name="base-rate-list"),
    path("base-rates/add/", staff.BaseRateCreateView.as_view(), name="base-rate-create"),
    path("base-rates/<int:pk>/", staff.BaseRateUpdateView.as_view(), name="base-rate-update"),
    path(
        "base-rates/<int:pk>/delete/", staff.BaseRateDeleteView.as_view(), name="base-rate-delete"
    ),
    path("payrolls/", staff.PayrollListView.as_view(), name="payroll-list"),
    path("payrolls/add/", staff.PayrollCreateView.as_view(), name="payroll-create"),
    path("payrolls/<int:pk>/", staff.PayrollUpdateView.as_view(), name="payroll-update"),
    path("payrolls/<int:pk>/delete/", staff.PayrollDeleteView.as_view(), name="payroll-delete"),
    path("import/", staff.ImportView.as_view(), name="import"),
    path("import/confirm/", staff.ImportConfirmView.as_view(), name="import-confirm"),
    path("import/template.<slug:fmt>", staff.ImportTemplateView.as_view(), name="import-template"),
    path("handoff.<slug:fmt>", staff.HandoffExportView.as_view(), name="handoff"),
    path("runs/", runs.RunListView.as_view(), name="run-list"),
    path("runs/<int:pk>/", runs.RunDetailView.as_view(), name="run-detail"),
    path("runs/<int:pk>/progress/", runs.RunProgressView.as_view(), name="run-progress"),
    path("letters/", letters.LetterListView.as_view(), name="letter-list"),
    path(
        "letters/<int:pk>/download/", letters.LetterDownloadView.as_view(), name="letter-download"
    ),
    path("letters/zip/", letters.LetterZipView.as_view(), name="letter-zip"),
    path("letters/panel/", letters.PortalLettersPanelView.as_view(), name="portal-letters"),
]
