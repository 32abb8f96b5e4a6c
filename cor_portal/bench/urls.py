"""The benchmark's URLs: the portal's, and the reference admin at ``/bench-admin/``."""

from django.urls import include, path

from .admin import site

urlpatterns = [
    path("bench-admin/", site.urls),
    path("", include("cor_portal.urls")),
]

handler404 = "cor_portal.errors.page_not_found"
handler500 = "cor_portal.errors.server_error"
