"""The COR team's workplan pages, under /workplan/ (namespace ``workplans``)."""

from django.urls import path

from .views import staff

app_name = "workplans"

urlpatterns = [
    path("", staff.WorkplanListView.as_view(), name="list"),
    path("<int:pk>/", staff.WorkplanDetailView.as_view(), name="detail"),
    path("<int:pk>/approve/", staff.ApproveView.as_view(), name="approve"),
    path("<int:pk>/clone/", staff.CloneView.as_view(), name="clone"),
    path("<int:pk>/measurements/", staff.MeasurementsView.as_view(), name="measurements"),
    path("<int:pk>/snapshots/new/", staff.SnapshotCreateView.as_view(), name="snapshot-create"),
    path("snapshots/<int:pk>/", staff.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("<int:pk>/mandates/new/", staff.MandateFormView.as_view(), name="mandate-create"),
    path("mandates/<int:part>/edit/", staff.MandateFormView.as_view(), name="mandate-update"),
    path(
        "mandates/<int:pk>/activities/new/",
        staff.ActivityFormView.as_view(),
        name="activity-create",
    ),
    path("activities/<int:part>/edit/", staff.ActivityFormView.as_view(), name="activity-update"),
    path("mandates/<int:pk>/kpis/new/", staff.KPIFormView.as_view(), name="kpi-create"),
    path("kpis/<int:part>/edit/", staff.KPIFormView.as_view(), name="kpi-update"),
    path(
        "mandates/<int:pk>/indicators/new/",
        staff.IndicatorFormView.as_view(),
        name="indicator-create",
    ),
    path("indicators/<int:part>/edit/", staff.IndicatorFormView.as_view(), name="indicator-update"),
]
