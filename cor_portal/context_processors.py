"""Template context every page needs: the association's name and the role's navigation."""

from typing import Any

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
    links: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        links = [
            {"label": label, "url": reverse(name)} for label, name in NAVIGATION.get(user.role, [])
        ]
        # The link whose address is the longest start of this page's is the current section.
        matches = [link for link in links if _within(request.path, link["url"])]
        current = max(matches, key=lambda link: len(link["url"]), default=None)
        for link in links:
            link["active"] = link is current
    return {"association_name": settings.COR_ASSOCIATION_NAME, "nav_links": links}


def _within(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
