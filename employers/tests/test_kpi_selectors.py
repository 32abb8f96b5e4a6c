"""The workplan KPI sources of employers.selectors, at the fiscal-year boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from employers import selectors
from employers.choices import EmployerStatus
from employers.models import EmployerStatusChange
from employers.tests.factories import EmployerFactory, InteractionFactory

pytestmark = pytest.mark.django_db

START, END = date(2023, 4, 1), date(2024, 3, 31)
C, L, W, R = (
    EmployerStatus.CERTIFIED,
    EmployerStatus.LAPSED,
    EmployerStatus.WITHDRAWN,
    EmployerStatus.REMOVED,
)
IN_PROGRESS = EmployerStatus.CERTIFICATION_IN_PROGRESS


def move(employer, day, frm, to):
    EmployerStatusChange.objects.create(
        employer=employer,
        transition="test",
        changed_on=day,
        reason="test",
        from_status=frm,
        to_status=to,
    )


def certified_on(day):
    employer = EmployerFactory()
    move(employer, day, IN_PROGRESS, C)
    return employer


def test_retention_counts_employers_certified_in_the_year_and_those_lost():
    certified_on(date(2021, 6, 1))  # kept all year
    lapsed_march_31 = certified_on(date(2021, 6, 1))
    move(lapsed_march_31, date(2023, 3, 31), C, L)  # gone before the year: not in its base
    for leave in (L, W, R):  # each way of leaving, on the year's first day
        move(certified_on(date(2021, 6, 1)), START, C, leave)
    certified_on(END)  # certified on the last day: in the base, kept
    lapsed_april_1 = certified_on(date(2021, 6, 1))
    move(lapsed_april_1, date(2024, 4, 1), C, L)  # lost in the next year, not this one
    EmployerFactory()  # never certified
    # Base 6 (kept, three leavers, last-day, next-year leaver); lost 3.
    assert selectors.certified_retention(start=START, end=END) == Decimal(50)


def test_retention_recertified_after_lapsing_counts_once():
    employer = certified_on(date(2021, 6, 1))
    move(employer, date(2023, 6, 1), C, L)
    move(employer, date(2023, 9, 1), L, C)
    assert selectors.certified_retention(start=START, end=END) == Decimal(0)
    certified_on(date(2022, 1, 1))
    assert selectors.certified_retention(start=START, end=END) == Decimal(50)


def test_retention_without_certified_employers_is_none():
    EmployerFactory()
    assert selectors.certified_retention(start=START, end=END) is None


def test_retention_is_one_query(django_assert_num_queries):
    for _ in range(3):
        certified_on(date(2022, 1, 1))
    with django_assert_num_queries(1):
        assert selectors.certified_retention(start=START, end=END) == Decimal(100)


@pytest.mark.parametrize("kind", ["enquiry", "consultation", "biosphere"])
def test_interactions_count_by_kind_inside_the_year(kind):
    for day in (date(2023, 3, 31), START, END, date(2024, 4, 1)):
        InteractionFactory(kind=kind, occurred_on=day)
    InteractionFactory(kind="event", occurred_on=START)
    assert selectors.interactions_count(start=START, end=END, kind=kind) == 2
