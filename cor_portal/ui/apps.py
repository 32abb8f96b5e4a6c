from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "cor_portal.ui"
    label = "ui"
    verbose_name = _("Shared look")

    def ready(self) -> None:
        from . import columns  # noqa: F401 - registers the date columns with django-tables2
        from .cell_speedups import (
            install_choice_displays,
            install_plain_links,
            install_table_signatures,
        )

        install_choice_displays()
        install_table_signatures()
        install_plain_links()
