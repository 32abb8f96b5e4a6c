"""Every URL of the portal, as every actor: the access answers of DESIGN.md section 1."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.role_matrix import (
    ACTORS,
    CASES,
    MISSING_PK,
    SKIPPED,
    Case,
    Redirect,
    check_case,
    iter_routes,
    page,
    routes_needing_cases,
)

CSRF_TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def test_every_url_name_has_a_case():
    """A URL added to the URLconf without a row in tests/role_matrix.py fails here."""
    covered = {case.name for case in CASES}
    routes = routes_needing_cases()
    unnamed = sorted(route.route for route in routes if route.name is None)
    uncovered = sorted({route.name for route in routes if route.name} - covered)
    assert not unnamed, f"Name these URL patterns so the role matrix can cover them: {unnamed}"
    assert not uncovered, (
        f"Add a Case to CASES in tests/role_matrix.py for: {uncovered} "
        "(see the docstring at the top of that file)"
    )


def test_cases_name_real_urls_once():
    names = [case.name for case in CASES]
    known = {route.name for route in iter_routes()}
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
    assert sorted(set(names) - known) == []
    assert sorted(set(SKIPPED) - known) == [], "SKIPPED names a URL that no longer exists"
    assert not set(SKIPPED) & set(names), "a URL is both skipped and in the matrix"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_role_matrix(case, actors, world):
    problems = check_case(case, actors, world)
    assert not problems, f"{case.name}:\n" + "\n".join(problems)


def test_case_needs_an_answer_for_every_actor():
    with pytest.raises(ValueError, match="no answer"):
        Case("home", None, {"staff": 200})
    with pytest.raises(ValueError, match="Unknown actor"):
        page(employer_c=200)
    assert set(page()) == set(ACTORS)
    assert str(Redirect()) == "302 to the login page"


@pytest.mark.parametrize(
    ("name", "api_path"),
    [("employers:detail", False), ("api:employer-detail", True)],
)
def test_out_of_scope_answer_is_the_same_as_a_missing_one(
    name, api_path, employer_a, employer_b_user
):
    client = Client()
    client.force_login(employer_b_user)
    theirs = client.get(reverse(name, kwargs={"pk": employer_a.pk}))
    missing = client.get(reverse(name, kwargs={"pk": MISSING_PK}))
    assert theirs.status_code == missing.status_code == 404
    if api_path:
        assert theirs.json() == missing.json() == {"detail": "Not found."}
    else:
        # The same page, byte for byte, once the per-response CSRF token is set aside.
        theirs_page = CSRF_TOKEN.sub(rb"\1", theirs.content)
        missing_page = CSRF_TOKEN.sub(rb"\1", missing.content)
        assert theirs_page == missing_page.replace(
            str(MISSING_PK).encode(), str(employer_a.pk).encode()
        )
