from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# --- auditors api ---
router.register("auditors", views.AuditorViewSet, basename="auditor")
router.register("auditor-directory", views.AuditorDirectoryViewSet, basename="auditor-directory")
router.register("training-sessions", views.TrainingSessionViewSet, basename="training-session")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("cpd-activities", views.CPDActivityViewSet, basename="cpd-activity")
router.register("declarations", views.DeclarationViewSet, basename="declaration")
router.register("consulting-engagements", views.EngagementViewSet, basename="consulting-engagement")
router.register("eaqas", views.EAQAViewSet, basename="eaqa")

urlpatterns = router.urls
