from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("base-rates", views.BaseRateViewSet, basename="base-rate")
router.register("payrolls", views.PayrollViewSet, basename="payroll")
router.register("incentives", views.IncentiveViewSet, basename="incentive")
router.register("incentive-letters", views.LetterViewSet, basename="incentive-letter")

urlpatterns = router.urls
