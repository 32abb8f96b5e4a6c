"""Every HTML page keeps the browser-security promise of DESIGN.md section 4.

One pass over the role matrix (tests/role_matrix.py) as staff, an employer contact, an
auditor, a board member and an anonymous visitor. Each page answered 200 as HTML must carry
a strict Content-Security-Policy (no 'unsafe-inline' or 'unsafe-eval' for scripts, nothing
but the portal itself and nonces or hashes as script sources), hold no script the policy
would block (an inline <script> without a nonce, an ``on*=`` event handler attribute, a
``javascript:`` address, an ``hx-on`` attribute, which htmx runs through eval), and protect
every form that changes something: a <form method="post"> carries the CSRF token, and a page
whose elements send htmx requests (``hx-post``...) gives htmx the token in ``hx-headers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.role_matrix import CASES, ActorClient, Case, World

pytestmark = pytest.mark.django_db

# One actor of each role, and no user at all.
ACTORS = ("staff", "employer_a", "auditor", "board", "anonymous")
# Script sources a strict policy may name: the portal itself, nonces and hashes.
STRICT_SCRIPT_SOURCES = (
    "'self'",
    "'strict-dynamic'",
    "'nonce-",
    "'sha256-",
    "'sha384-",
    "'sha512-",
)
JSON_SCRIPT_TYPES = ("application/json", "application/ld+json")
HTMX_WRITES = ("hx-post", "hx-put", "hx-patch", "hx-delete")
CSRF_FIELD = "csrfmiddlewaretoken"
API_PREFIX = "api:"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def policy_problems(header: str | None) -> list[str]:
    """Return what makes a Content-Security-Policy header missing or lax."""
    if not header:
        return ["no Content-Security-Policy header"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        if name:
            directives[name.lower()] = sources
    problems = []
    for name, sources in directives.items():
        if "'unsafe-eval'" in sources:
            problems.append(f"CSP {name} allows 'unsafe-eval'")
    script = directives.get("script-src", directives.get("default-src"))
    if script is None:
        return [*problems, "CSP has neither script-src nor default-src"]
    if "'unsafe-inline'" in script:
        problems.append("CSP script-src allows 'unsafe-inline'")
    lax = [s for s in script if not s.startswith(STRICT_SCRIPT_SOURCES)]
    if lax:
        problems.append(f"CSP script-src allows {' '.join(lax)}")
    style = directives.get("style-src", directives.get("default-src", []))
    if "'unsafe-inline'" in style:
        problems.append("CSP style-src allows 'unsafe-inline'")
    return problems


@dataclass
class PostForm:
    line: int
    action: str
    has_token: bool = False


class PageScan(HTMLParser):
    """Read a page's tags for inline scripts, event handlers and unprotected forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.forms: list[PostForm] = []
        self.open_forms: list[PostForm | None] = []
        self.htmx_writes = 0
        self.htmx_token = False
        self.full_document = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        line = self.getpos()[0]
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=...> event handler attribute")
            if name.startswith("hx-on"):
                self.problems.append(f"line {line}: <{tag} {name}=...> (htmx runs it with eval)")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"line {line}: <{tag} {name}=javascript:...>")
            if name in HTMX_WRITES:
                self.htmx_writes += 1
            if name == "hx-headers" and "X-CSRFToken" in value:
                self.htmx_token = True
        if tag == "body":
            self.full_document = True
        elif tag == "script":
            inline = "src" not in values
            data = values.get("type", "").lower() in JSON_SCRIPT_TYPES
            if inline and not data and "nonce" not in values:
                self.problems.append(f"line {line}: inline <script> without a nonce")
        elif tag == "form":
            form = None
            if values.get("method", "get").lower() == "post":
                form = PostForm(line, values.get("action", ""))
                self.forms.append(form)
            self.open_forms.append(form)
        elif tag == "input" and values.get("name") == CSRF_FIELD:
            for form in self.open_forms:
                if form is not None:
                    form.has_token = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.open_forms:
            self.open_forms.pop()

    def result(self) -> list[str]:
        problems = list(self.problems)
        problems += [
            f"line {form.line}: <form method=post action={form.action!r}> without the CSRF token"
            for form in self.forms
            if not form.has_token
        ]
        if self.full_document and self.htmx_writes and not self.htmx_token:
            problems.append("htmx writes on the page, but no hx-headers with the CSRF token")
        return problems


def page_problems(html: str) -> list[str]:
    """Return the inline scripts, event handlers and unprotected forms of an HTML page."""
    scan = PageScan()
    scan.feed(html)
    scan.close()
    return scan.result()


def is_html_page(response: Any) -> bool:
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


def check(case: Case, client: ActorClient, world: World) -> tuple[int, list[str]]:
    """Request the case's URL as each actor; return how many HTML pages and their problems.

    An API URL is asked as a browser asks, for HTML: the browsable API is a page too.
    """
    url = case.url(world)
    headers = {"Accept": BROWSER_ACCEPT} if case.name.startswith(API_PREFIX) else {}
    pages = 0
    problems = []
    for actor in ACTORS:
        response = client.get(actor, url, **headers)
        if not is_html_page(response):
            continue
        pages += 1
        found = policy_problems(response.get("Content-Security-Policy"))
        found += page_problems(response.content.decode())
        problems += [f"{actor:<11} GET {url}: {problem}" for problem in found]
    return pages, problems


def test_every_html_page_is_strict_about_scripts_and_forms(actors, world):
    client = ActorClient(actors)
    pages = 0
    problems: list[str] = []
    for case in CASES:
        seen, found = check(case, client, world)
        pages += seen
        problems += found
    assert not problems, "\n".join(problems)
    # The pass read the portal's pages, not just a few: every role home and list among them.
    assert pages > 200


# The checks themselves --------------------------------------------------------------------------

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'"
)


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (None, "no Content-Security-Policy header"),
        ("img-src 'self'", "CSP has neither script-src nor default-src"),
        ("script-src 'self' 'unsafe-inline'", "CSP script-src allows 'unsafe-inline'"),
        ("default-src 'self' 'unsafe-inline'", "CSP script-src allows 'unsafe-inline'"),
        ("script-src 'self' 'unsafe-eval'", "CSP script-src allows 'unsafe-eval'"),
        ("script-src 'self'; style-src 'self' 'unsafe-inline'", "CSP style-src allows"),
        ("script-src 'self' https:", "CSP script-src allows https:"),
        ("script-src *", "CSP script-src allows *"),
    ],
)
def test_a_lax_policy_is_reported(header, problem):
    assert any(found.startswith(problem) for found in policy_problems(header))


def test_the_portals_policy_is_strict():
    assert policy_problems(STRICT) == []
    assert policy_problems("script-src 'self' 'nonce-abc123'; style-src 'self'") == []


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<script>alert(1)</script>", "inline <script> without a nonce"),
        ('<script type="text/javascript">x()</script>', "inline <script> without a nonce"),
        ('<button onclick="go()">Go</button>', "<button onclick=...> event handler attribute"),
        ('<body onload="go()">', "<body onload=...> event handler attribute"),
        ('<a href="javascript:go()">Go</a>', "<a href=javascript:...>"),
        ('<div hx-on:click="go()"></div>', "<div hx-on:click=...>"),
        (
            '<form method="post" action="/x/"><button>Send</button></form>',
            "<form method=post action='/x/'> without the CSRF token",
        ),
        (
            '<body><button hx-post="/x/">Send</button></body>',
            "htmx writes on the page, but no hx-headers with the CSRF token",
        ),
    ],
)
def test_a_page_that_breaks_the_promise_is_reported(html, problem):
    assert any(problem in found for found in page_problems(html))


def test_a_page_that_keeps_the_promise_passes():
    html = """
      <body hx-headers='{"X-CSRFToken": "t"}'>
        <script src="/static/js/app.js"></script>
        <script nonce="abc">init()</script>
        <script id="chart-data" type="application/json">{"a": 1}</script>
        <form method="get" action="/search/"><input name="q"></form>
        <form method="POST" action="/save/">
          <input type="hidden" name="csrfmiddlewaretoken" value="t">
          <button data-confirm="Sure?">Save</button>
        </form>
        <button hx-post="/x/">Send</button>
        <p>Say online, one word: onward=yes</p>
      </body>
    """
    assert page_problems(html) == []


@pytest.mark.parametrize("path", ["/api/v1/deadlines/", "/api/v1/employers/"])
def test_the_api_answers_a_browser_in_json(client, staff_user, path):
    """No browsable API: its pages would need inline styles, and people read /api/docs/."""
    client.force_login(staff_user)
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json(), (dict, list))
