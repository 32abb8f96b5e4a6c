"""Template context every page needs: the association's name and the role's navigation."""

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role
from cor_portal.notifications.models import Notification

# The navigation of each role, in one place, read by the base template: a label and a URL
# name, or a label and a list of such pairs (a menu).
NavEntry = tuple[Any, str] | tuple[Any, list[tuple[Any, str]]]
NAVIGATION: dict[str, list[NavEntry]] = {
    Role.STAFF: [
        (_("Today"), "home"),
        (
            _("Employers"),
            [
                (_("Employers"), "employers:list"),
                (_("Applications"), "selfservice:application-list"),
                (_("Interactions"), "employers:interaction-list"),
                (_("Gap analyses"), "employers:gap-analysis-list"),
                (_("Classification units"), "employers:cu-list"),
            ],
        ),
        (
            _("Audits"),
            [
                (_("Audit board"), "audits:board"),
                (_("Plan an audit"), "audits:plan"),
                (_("Certificates"), "audits:certificate-list"),
                (_("QA queue"), "qa:queue"),
                (_("QA metrics"), "qa:metrics"),
                (_("WIVA cases"), "audits:wiva-list"),
            ],
        ),
        (
            _("Auditors"),
            [
                (_("Roster"), "auditors:list"),
                (_("Training sessions"), "auditors:session-list"),
                (_("Courses"), "auditors:course-list"),
                (_("Course completions"), "auditors:completion-list"),
                (_("EAQA"), "auditors:eaqa"),
            ],
        ),
        (_("Workplan"), "workplans:list"),
        (
            _("Incentives"),
            [
                (_("Incentives"), "incentives:index"),
                (_("Runs"), "incentives:run-list"),
                (_("Letters"), "incentives:letter-list"),
                (_("Base rates"), "incentives:base-rate-list"),
                (_("Payrolls"), "incentives:payroll-list"),
            ],
        ),
        (_("Dashboard"), "workplan:dashboard"),
        (
            _("People"),
            [
                (_("Invitations"), "selfservice:invitation-list"),
                (_("Logins"), "selfservice:login-list"),
                (_("Change log"), "selfservice:changelog"),
            ],
        ),
    ],
    Role.EMPLOYER: [
        (_("Our COR"), "homes:portal"),
        (_("Incentive letters"), "incentives:letter-list"),
        (_("Find an auditor"), "auditor-directory"),
    ],
    Role.AUDITOR: [(_("My audits"), "homes:auditor")],
    Role.BOARD: [(_("Dashboard"), "workplan:dashboard")],
}


def portal(request: HttpRequest) -> dict:
    """Return the association name and the signed-in user's navigation (and see ``_personal``).

    The current page is the link whose address is the longest start of the page's address;
    it and its menu are marked active.
    """
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        items = [
            {**item, "children": [dict(child) for child in item["children"]]}
            for item in _navigation(
                user.role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
            )
        ]
        links = [c for item in items for c in item["children"]] + [
            i for i in items if not i["children"]
        ]
        matches = [link for link in links if _within(request.path, link["url"])]
        current = max(matches, key=lambda link: len(link["url"]), default=None)
        for item in items:
            for child in item["children"]:
                child["active"] = child is current
            item["active"] = item is current or any(c["active"] for c in item["children"])
    context = {"association_name": settings.COR_ASSOCIATION_NAME, "nav_links": items}
    if user is not None and user.is_authenticated:
        context.update(_personal(request, user))
    return context


@functools.cache
def _navigation(role: str, script_prefix: str, urlconf: str | None) -> tuple[dict[str, Any], ...]:
    """Return a role's navigation with its addresses, worked out once per role and prefix
    (the URLs do not change while the process runs; every page showed ~30 of them)."""
    items = []
    for label, target in NAVIGATION.get(role, []):
        children = (
            [{"label": lbl, "url": reverse(name)} for lbl, name in target]
            if isinstance(target, list)
            else []
        )
        url = children[0]["url"] if children else reverse(target)  # type: ignore[arg-type]
        items.append({"label": label, "url": url, "children": children})
    return tuple(items)


def _personal(request: HttpRequest, user: Any) -> dict[str, Any]:
    """Return the user's unread notification count and private calendar feed address.

    The count is lazy: one query, made only by a template that shows it (the navbar loads
    its badge with htmx, so other pages make no query for it).
    """
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.visible_to(user).unread().count()
        ),
        "calendar_feed_url": request.build_absolute_uri(
            reverse("calendar", kwargs={"token": user.calendar_token})
        ),
    }


def _within(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
