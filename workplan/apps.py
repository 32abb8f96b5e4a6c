from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "workplan"
    verbose_name = _("Workplan")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
