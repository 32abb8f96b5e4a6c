"""API access: the same answers as the pages (401 anonymous, 403 outside a section)."""

from rest_framework.permissions import BasePermission


class RulesPermission(BasePermission):
    """Check the view's ``rules`` permissions.

    ``section_permission`` (no object) admits a role to the endpoint at all; anything outside
    it is 403. ``action_permissions`` maps a viewset action to a permission checked with the
    object for detail actions and without one for the rest. Objects come from
    ``visible_to(user)``, so an object outside the user's scope is already a 404.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.has_perm(view.section_permission):
            return False
        perm = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if perm and not getattr(view, "detail", False):
            return user.has_perm(perm)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        perm = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return not perm or request.user.has_perm(perm, obj)
