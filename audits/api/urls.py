from rest_framework.routers import DefaultRouter

from . import views, wiva

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# --- audits api ---
router.register("audits", views.AuditViewSet, basename="audit")
router.register("audit-elements", views.AuditElementViewSet, basename="audit-element")
router.register("extensions", views.ExtensionViewSet, basename="extension")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
# --- wiva api ---
router.register("similarity-matches", wiva.SimilarityMatchViewSet, basename="similarity-match")
router.register("wiva-cases", wiva.WivaCaseViewSet, basename="wiva-case")

urlpatterns = router.urls
