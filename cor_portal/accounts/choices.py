from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The one role every user holds."""

    STAFF = "staff", _("Staff")
    EMPLOYER = "employer", _("Employer contact")
    AUDITOR = "auditor", _("Auditor")
    BOARD = "board", _("Board member")
