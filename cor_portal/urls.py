"""The portal's URLs (DESIGN.md section 4: stable)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken

from auditors.views.directory import DirectoryView as AuditorDirectoryView
from audits.views import calendar as calendar_views
from audits.views import public as verify_views
from cor_portal.homes import views as home_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("employers.api.urls")),
    path("", include("auditors.api.urls")),
    path("", include("audits.api.urls")),
    # --- qa api ---
    # --- incentives api ---
    path("", include("incentives.api.urls")),
    # --- workplan api ---
    path("", include("workplan.api.urls")),
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
]

urlpatterns = [
    path("", home_views.HomeView.as_view(), name="home"),
    path("", include("cor_portal.homes.urls")),
    path("portal/auditors/", AuditorDirectoryView.as_view(), name="auditor-directory"),
    path("employers/", include("employers.urls")),
    path("auditors/", include("auditors.urls")),
    path("audits/", include("audits.urls")),
    # --- qa ---
    path("qa/", include("audits.qa_urls")),
    # --- incentives ---
    path("incentives/", include("incentives.urls")),
    # --- workplan ---
    path("workplan/", include("workplan.staff_urls")),
    # --- self-service ---
    path("", include("selfservice.urls")),
    # --- verify, calendar, notifications ---
    path("calendar/", calendar_views.CalendarHelpView.as_view(), name="calendar-help"),
    path("calendar/reset/", calendar_views.CalendarResetView.as_view(), name="calendar-reset"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar"),
    path("notifications/", include("cor_portal.notifications.urls")),
    path("verify/", verify_views.VerifyView.as_view(), name="verify"),
    path(
        "verify/certified/",
        verify_views.VerifyDirectoryView.as_view(),
        name="verify-directory",
    ),
    path(
        "verify/<str:number>/",
        verify_views.VerifyCertificateView.as_view(),
        name="verify-certificate",
    ),
    path("dashboard/", include("workplan.urls")),
    path("healthz", home_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "COR Portal administration"
admin.site.site_title = "COR Portal admin"

handler404 = "cor_portal.errors.page_not_found"
handler500 = "cor_portal.errors.server_error"
