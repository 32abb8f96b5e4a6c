from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditorsConfig(AppConfig):
    name = "auditors"
    verbose_name = _("Auditors")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
