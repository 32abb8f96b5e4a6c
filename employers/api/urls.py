from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("classification-units", views.ClassificationUnitViewSet, basename="cu")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("gap-analyses", views.GapAnalysisViewSet, basename="gap-analysis")

urlpatterns = router.urls
