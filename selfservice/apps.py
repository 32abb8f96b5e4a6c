from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    name = "selfservice"
    verbose_name = _("Self-service")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
