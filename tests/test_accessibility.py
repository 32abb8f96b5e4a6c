"""Accessibility: axe-core on every page of every role, in Debian's Chromium.

The pages are the role matrix's: for each role, every named URL that answers it 200 with an
HTML page, built from the same world of records (employer A's audits, certificates, letters,
the auditor's CPD and declarations, a workplan...). Public pages are checked once, signed out.
A page passes when axe finds no violation of impact "serious" or "critical"; a failure lists
each violation with its rule, impact, help text and the elements it found.

An applicant also completes the online application with the keyboard alone, from the top of
the page: the skip link, Tab, typing, Space and Enter.

One live server, one browser and one signed-in context per role serve the whole file: the
records are made once, committed, and removed (with every other row) when the file is done;
the rows of the data migrations are seeded again then, as the transactional tests expect.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory, employer_user
from tests.conftest import DATA_MIGRATIONS
from tests.role_matrix import CASES, World, signed_in_session

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
BLOCKING = ("serious", "critical")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

axe_script = pytest.importorskip("axe_playwright_python.base").AXE_SCRIPT

# The roles, each as the role matrix's actor whose pages it sees.
ROLES = {
    "staff": "staff",
    "employer": "employer_a",
    "auditor": "auditor",
    "board": "board",
    "anonymous": "anonymous",
}
# Pages of the matrix that are not HTML pages for people to read, and why.
NOT_PAGES = {
    "healthz": "a health check for the load balancer",
    "api-schema": "the OpenAPI schema (YAML)",
    "api-docs": "Swagger UI, a third-party page for developers",
    "calendar": "an iCalendar feed",
    "notifications:badge": "a fragment htmx swaps into the navigation bar",
    "incentives:run-progress": "a fragment htmx polls into the run's page",
    "incentives:portal-letters": "a fragment htmx loads into the employer portal",
    "employers:gap-analysis-report": "a PDF",
    "employers:import-template": "a CSV template",
    "auditors:cpd-evidence": "a PDF",
    "auditors:completion-import-template": "a CSV template",
    "auditors:eaqa-report": "a PDF",
    "audits:report": "a PDF",
    "audits:certificate-pdf": "a PDF",
    "audits:wiva-pdf": "a PDF",
    "incentives:import-template": "a CSV template",
    "incentives:letter-download": "a PDF",
    "workplan:board-pack": "a PDF",
}


def role_pages(role: str) -> list[str]:
    """Return the URL names the role's actor opens: every page answering it 200.

    Public pages (answering 200 to anonymous visitors too) are checked signed out only.
    """
    actor = ROLES[role]
    names = []
    for case in CASES:
        if case.name.startswith("api:") or case.name in NOT_PAGES:
            continue
        if case.expected[actor] != 200:
            continue
        if actor != "anonymous" and case.expected["anonymous"] == 200:
            continue
        names.append(case.name)
    return names


PAGES = [(role, name) for role in ROLES for name in role_pages(role)]


@dataclass
class Site:
    """The world's URLs by name and one browser page per role, signed in."""

    urls: dict[str, str]
    pages: dict[str, Any]


def build_world() -> tuple[dict[str, Any], dict[str, str]]:
    """Make the actors and the records; return the users by role and each page's URL."""
    for migration in DATA_MIGRATIONS:
        migration.seed(apps, None)
    employer_a = EmployerFactory(legal_name="Alpha Lodge Ltd.")
    employer_b = EmployerFactory(legal_name="Bravo Tours Inc.")
    auditor = UserFactory(username="auditor-one", role=Role.AUDITOR)
    other_auditor = UserFactory(username="auditor-two", role=Role.AUDITOR)
    users = {
        "staff": UserFactory(username="staff-member", role=Role.STAFF),
        "employer": employer_user(employer_a, username="contact-a"),
        "auditor": auditor,
        "board": UserFactory(username="board-member", role=Role.BOARD),
    }
    world = World(
        employer_a=employer_a,
        employer_b=employer_b,
        auditor_user=auditor,
        other_auditor_user=other_auditor,
    )
    # Every URL is built before any page is opened, so the lists show all the records.
    cases = {case.name: case for case in CASES}
    urls = {name: cases[name].url(world) for name in {name for _, name in PAGES}}
    return users, urls


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, browser, tmp_path_factory) -> Iterator[Site]:
    """Serve the world's pages; yield them with a browser page per role, signed in."""
    from pytest_django.live_server_helper import LiveServer

    server = None
    contexts = []
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("a11y-media")),
    ):
        try:
            users, urls = build_world()
            server = LiveServer("localhost")
            pages = {}
            for role in ROLES:
                # axe is injected into the page: the portal's CSP would refuse it.
                context = browser.new_context(bypass_csp=True, base_url=server.url)
                contexts.append(context)
                context.set_default_timeout(15_000)
                context.add_init_script(script=axe_script)
                if role in users:
                    cookie = {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": signed_in_session(users[role]),
                        "url": server.url,
                    }
                    context.add_cookies([cookie])
                pages[role] = context.new_page()
            yield Site(urls, pages)
        finally:
            for context in contexts:
                context.close()
            if server is not None:
                server.stop()
            call_command("flush", interactive=False, verbosity=0)
            for migration in DATA_MIGRATIONS:
                migration.seed(apps, None)


HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
# Each node's first reason: its failure summary is "Fix any of the following:" then the reasons.
AXE_RUN = r"""async () => {
    const firstReason = (summary) => ((summary || "").split("\n")[1] || "").trim();
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => [n.target.join(" "), firstReason(n.failureSummary)]),
    }));
}"""


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.extend(f"    {target}: {summary}" for target, summary in v["nodes"])
    return "\n".join(lines)


@pytest.mark.django_db  # the test database; the records are the module's, made and committed once
@pytest.mark.parametrize(("role", "name"), PAGES, ids=[f"{r}-{n}" for r, n in PAGES])
def test_page_has_no_serious_accessibility_violation(site, role, name):
    page = site.pages[role]
    url = site.urls[name]
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"GET {url} as {role}: {response.status}"
    assert "text/html" in response.headers["content-type"], f"{url} is not an HTML page"
    page.wait_for_function(HTMX_IDLE)
    violations = [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]
    assert not violations, f"{role} {url}:\n{describe(violations)}"


FOCUSED = "() => ((e) => [e.id, e.name, e.value])(document.activeElement)"


def tab_to(page, name: str, value: str | None = None, presses: int = 15) -> None:
    """Press Tab (only) until the field ``name`` (with ``value``, for a checkbox) has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        _, focused, focused_value = page.evaluate(FOCUSED)
        if focused == name and value in (None, focused_value):
            return
    pytest.fail(f"{presses} presses of Tab did not reach {name} {value or ''}")


@pytest.mark.django_db
def test_an_employer_applies_online_with_the_keyboard_only(site):
    """From the top of /apply/: the skip link, then Tab, typing, Space and Enter; no clicks."""
    from employers.models import ClassificationUnit
    from selfservice.models import Application

    unit = ClassificationUnit.objects.filter(aligned=True).order_by("code").first()
    page = site.pages["anonymous"]
    keys = page.keyboard
    page.goto(site.urls["selfservice:apply"])

    keys.press("Tab")  # the first stop is the skip link; it moves the focus to the page's main
    assert page.evaluate("() => document.activeElement.textContent.trim()") == (
        "Skip to main content"
    )
    keys.press("Enter")
    assert page.evaluate(FOCUSED)[0] == "main"
    tab_to(page, "legal_name", presses=1)  # the form's first field comes right after
    keys.type("Keyboard Kayaks Ltd.")
    tab_to(page, "account_number")
    keys.type("7612399")
    tab_to(page, "region")  # typing picks the option
    keys.type("Kootenay")
    tab_to(page, "sector")
    keys.type("Adventure")
    tab_to(page, "classification_units", str(unit.pk))
    keys.press("Space")
    tab_to(page, "employees")
    keys.type("9")
    tab_to(page, "city")
    keys.type("Golden")
    tab_to(page, "contact_first_name")
    keys.type("Kai")
    tab_to(page, "contact_last_name")
    keys.type("Keys")
    tab_to(page, "contact_email")
    keys.type("kai@keyboardkayaks.example")
    keys.press("Enter")

    page.wait_for_url(re.compile(r"/apply/thanks/(#main)?$"))  # the skip link's fragment stays
    assert "your application is in" in page.locator("h1").inner_text()
    application = Application.objects.get(legal_name="Keyboard Kayaks Ltd.")
    assert (application.account_number, application.region, application.sector) == (
        "7612399",
        "kootenay_rockies",
        "adventure",
    )
    assert (application.employees, application.city, application.contact_email) == (
        9,
        "Golden",
        "kai@keyboardkayaks.example",
    )
    assert list(application.classification_units.all()) == [unit]


def test_every_role_has_pages():
    """The selection keeps each role's home and the anonymous pages."""
    assert {"home", "employers:list", "qa:queue", "workplans:list"} <= set(role_pages("staff"))
    assert {"homes:portal", "incentives:letter-list"} <= set(role_pages("employer"))
    assert {"homes:auditor", "audits:work", "auditors:cpd-create"} <= set(role_pages("auditor"))
    assert "workplan:dashboard" in role_pages("board")
    assert {"login", "selfservice:apply", "password_reset"} <= set(role_pages("anonymous"))
    assert "verify" not in role_pages("staff")  # public pages: signed out only
