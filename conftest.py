"""Fixtures shared by every test: one user per role and two employers (A and B)."""

import os

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
