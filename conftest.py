"""Fixtures shared by every test: one user per role and two employers (A and B)."""

import os
from importlib import import_module

import pytest

from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory, employer_user

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff-member", role=Role.STAFF)


@pytest.fixture
def board_user(db):
    return UserFactory(username="board-member", role=Role.BOARD)


@pytest.fixture
def auditor_user(db):
    return UserFactory(username="auditor-one", role=Role.AUDITOR)


@pytest.fixture
def other_auditor_user(db):
    return UserFactory(username="auditor-two", role=Role.AUDITOR)


@pytest.fixture
def employer_a(db):
    return EmployerFactory(legal_name="Alpha Lodge Ltd.")


@pytest.fixture
def employer_b(db):
    return EmployerFactory(legal_name="Bravo Tours Inc.")


@pytest.fixture
def employer_a_user(employer_a):
    return employer_user(employer_a, username="contact-a")


@pytest.fixture
def employer_b_user(employer_b):
    return employer_user(employer_b, username="contact-b")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Keep uploaded files of each test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Seed the data migrations' rows again after a transactional test's flush.

    A transactional test (browser journeys, the Celery worker and backup tests) ends with a
    flush of every table, the program rules and the audit tool included; without this, a
    later test of the same process would find none.
    """
    yield
    if nextitem is None or not _is_transactional(item):
        return
    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    # By name: the cross-app tests' conftest (which lists them) is left out of type checking.
    seeds = import_module("tests.conftest").DATA_MIGRATIONS
    with item.config.stash[blocking_manager_key].unblock():
        for migration in seeds:
            migration.seed(apps, None)
