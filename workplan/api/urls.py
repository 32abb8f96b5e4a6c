from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("workplans", views.WorkplanViewSet, basename="workplan")
router.register("workplan-mandates", views.MandateViewSet, basename="workplan-mandate")
router.register("workplan-activities", views.ActivityViewSet, basename="workplan-activity")
router.register("workplan-kpis", views.KPIViewSet, basename="workplan-kpi")

urlpatterns = router.urls
