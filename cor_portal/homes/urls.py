from django.urls import path

from . import views

app_name = "homes"

urlpatterns = [
    path("portal/", views.PortalView.as_view(), name="portal"),
    path("auditor/", views.AuditorWorkspaceView.as_view(), name="auditor"),
]
