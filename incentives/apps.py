from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
