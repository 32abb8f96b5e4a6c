from rest_framework.routers import DefaultRouter

from . import qa, views, wiva

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# --- audits api ---
router.register("audits", views.AuditViewSet, basename="audit")
router.register("audit-elements", views.AuditElementViewSet, basename="audit-element")
router.register("extensions", views.ExtensionViewSet, basename="extension")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
# QA reviews: reviews, notes and answers, revisions (qa.py).
router.register("qa-reviews", qa.ReviewViewSet, basename="qa-review")
router.register("qa-notes", qa.ReviewNoteViewSet, basename="qa-note")
router.register("revisions", qa.RevisionViewSet, basename="revision")
# --- wiva api ---
router.register("similarity-matches", wiva.SimilarityMatchViewSet, basename="similarity-match")
router.register("wiva-cases", wiva.WivaCaseViewSet, basename="wiva-case")

urlpatterns = router.urls
