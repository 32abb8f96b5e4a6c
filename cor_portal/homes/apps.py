from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomesConfig(AppConfig):
    name = "cor_portal.homes"
    label = "homes"
    verbose_name = _("Role homes")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
