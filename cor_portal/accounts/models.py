import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


def new_calendar_token() -> str:
    """Return a fresh unguessable token for a user's private calendar feed."""
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """A person who signs in to the portal, holding exactly one role.

    An employer contact's employer, and an auditor's register entry, point at the user from
    their own apps; this model knows no app.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("home")

    @property
    def display_name(self) -> str:
        """Return the full name, or the username when no name is recorded."""
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_employer_contact(self) -> bool:
        return self.role == Role.EMPLOYER

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def is_board_member(self) -> bool:
        return self.role == Role.BOARD
