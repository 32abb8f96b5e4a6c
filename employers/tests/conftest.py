"""Fixtures of the employer registry's tests (the project-wide ones are in the root conftest)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from employers.tests.factories import ClassificationUnitFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - timedelta(days=1)


@pytest.fixture
def tomorrow(today):
    return today + timedelta(days=1)


@pytest.fixture
def aligned_cu(db):
    return ClassificationUnitFactory(code="761001", description="Hotel", aligned=True)


@pytest.fixture
def nao_cu(db):
    return ClassificationUnitFactory(code="732044", description="Ski school", aligned=False)
