"""Access for class-based views: the answers of DESIGN.md section 1.

An anonymous visitor is sent to the login page; a signed-in user without the section's
permission gets 403; objects come from ``visible_to(user)`` querysets, so anything outside
the user's scope is a 404 exactly like a missing one.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest


class SectionRequiredMixin(PermissionRequiredMixin):
    """Require the section permission named by ``permission_required`` (no object)."""

    request: HttpRequest

    def has_permission(self) -> bool:
        """Return whether the user may enter the section, checked before any object lookup."""
        return self.request.user.has_perms(self.get_permission_required())
