"""Template context every page needs: the association's name and the role's navigation."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role

# The navigation of each role: (label, URL name). One place, read by the base template.
NAVIGATION = {
    Role.STAFF: [
        (_("Today"), "home"),
        (_("Employers"), "employers:list"),
        (_("Interactions"), "employers:interaction-list"),
        (_("Gap analyses"), "employers:gap-analysis-list"),
        (_("Classification units"), "employers:cu-list"),
        (_("Dashboard"), "workplan:dashboard"),
    ],
    Role.EMPLOYER: [(_("Our COR"), "homes:portal")],
    Role.AUDITOR: [(_("My audits"), "homes:auditor")],
    Role.BOARD: [(_("Dashboard"), "workplan:dashboard")],
}


def portal(request: HttpRequest) -> dict:
    """Return the association name and the signed-in user's navigation links."""
    user = getattr(request, "user", None)
    links = []
    if user is not None and user.is_authenticated:
        for label, name in NAVIGATION.get(user.role, []):
            url = reverse(name)
            links.append({"label": label, "url": url, "active": _is_active(request.path, url)})
    return {"association_name": settings.COR_ASSOCIATION_NAME, "nav_links": links}


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
