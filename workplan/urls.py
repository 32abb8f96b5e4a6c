"""The board dashboard and its board pack, under /dashboard/ (namespace ``workplan``)."""

from django.urls import path

from .views import dashboard

app_name = "workplan"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/board-pack.pdf", dashboard.BoardPackView.as_view(), name="board-pack"),
]
