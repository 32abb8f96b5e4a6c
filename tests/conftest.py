"""Fixtures of the cross-app tests: the role matrix's actors and world, and the browser."""

import os
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connections
from django.utils import timezone

from cor_portal.program.models import ProgramRules
from tests.role_matrix import World

# The data migrations, each with a seed() that adds its rows when they are missing.
DATA_MIGRATIONS = [
    import_module("cor_portal.program.migrations.0002_seed_program_rules"),
    import_module("audits.migrations.0002_seed_audit_tool"),
    import_module("audits.migrations.0004_seed_qa"),
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser journeys last, after every test that expects the migrated data.

    They are transactional: each ends with a flush of every table. pytest-django runs such tests
    after the others, but pytest then groups the tests of one browser (a session-scoped
    parameter) where the first of them stands, so a plain database test that names a parameter
    like a Playwright fixture (``page``) would pull the journeys into the middle of the run.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def actors(
    staff_user, employer_a_user, employer_b_user, auditor_user, other_auditor_user, board_user
):
    """Return the seven actors of the role matrix (anonymous is None)."""
    return {
        "staff": staff_user,
        "employer_a": employer_a_user,
        "employer_b": employer_b_user,
        "auditor": auditor_user,
        "other_auditor": other_auditor_user,
        "board": board_user,
        "anonymous": None,
    }


@pytest.fixture
def world(employer_a, employer_b, auditor_user, other_auditor_user):
    """Return the records the role matrix builds its URLs from."""
    return World(
        employer_a=employer_a,
        employer_b=employer_b,
        auditor_user=auditor_user,
        other_auditor_user=other_auditor_user,
    )


@pytest.fixture
def migrated_data(db):
    """Seed what the data migrations seed (the rules in force, the audit tool) when it is missing.

    A transactional test (the browser journeys, with the live server) ends with a flush that
    empties every table, the data migrations' rows included, so the next transactional test
    would start without rules or audit tool. Returns the rules in force.
    """
    for migration in DATA_MIGRATIONS:
        migration.seed(apps, None)
    return ProgramRules.objects.in_force(timezone.localdate())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (never a downloaded browser), headless, without a sandbox."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def playwright(playwright):
    """Return Playwright, and close the database connections opened while it ran.

    Playwright's sync API keeps an asyncio loop running in the test thread, so Django keeps the
    connections of that time apart (per context, not per thread). Nothing else closes them: the
    pool would wait for them and the test database could not be dropped at the end.
    """
    yield playwright
    connections.close_all()
