"""ProgramRules: the row in force on a date, and for a year."""

from datetime import date

import pytest

from cor_portal.program.models import ProgramRules

pytestmark = pytest.mark.django_db

SEEDED = date(2000, 1, 1)


@pytest.fixture
def rows(db):
    """The seeded defaults (2000-01-01) and two later rows."""
    return {
        "seeded": ProgramRules.objects.get(effective_from=SEEDED),
        "2024": ProgramRules.objects.create(
            effective_from=date(2024, 4, 1), large_employer_threshold=25
        ),
        "2025": ProgramRules.objects.create(
            effective_from=date(2025, 1, 1), large_employer_threshold=30
        ),
    }


def test_the_migration_seeds_the_program_defaults():
    rules = ProgramRules.objects.get(effective_from=SEEDED)

    assert (rules.account_number_min_digits, rules.account_number_max_digits) == (6, 10)
    assert (rules.large_employer_threshold, rules.hours_per_fte) == (20, 2080)
    assert rules.reminder_days == (14, 7, 1)
    assert rules.certificate_warning_days == (90, 30)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 3, 31), "seeded"),  # the day before a new row: the older row
        (date(2024, 4, 1), "2024"),  # the day itself: the newer row
        (date(2024, 4, 2), "2024"),
        (date(2024, 12, 31), "2024"),
        (date(2025, 1, 1), "2025"),
        (date(2040, 6, 30), "2025"),  # long after: the latest row
        (SEEDED, "seeded"),
    ],
)
def test_in_force_is_the_latest_row_effective_on_or_before_the_date(rows, on, expected):
    assert ProgramRules.objects.in_force(on) == rows[expected]


def test_a_date_before_the_first_row_is_judged_by_the_first_row(rows):
    assert ProgramRules.objects.in_force(date(1999, 12, 31)) == rows["seeded"]


def test_no_rows_at_all_is_an_error():
    ProgramRules.objects.all().delete()

    with pytest.raises(ProgramRules.DoesNotExist):
        ProgramRules.objects.in_force(date(2024, 1, 1))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, "seeded"),  # the 2024 row starts April 1: January 1 is still the seeded row
        (2025, "2025"),  # starts January 1: in force for the whole year
        (2026, "2025"),
    ],
)
def test_for_year_uses_the_rules_of_january_first(rows, year, expected):
    assert ProgramRules.objects.for_year(year) == rows[expected]


def test_reminder_offsets_are_read_as_distinct_days_largest_first():
    rules = ProgramRules(reminder_offsets="1, 14,7,7,")

    assert rules.reminder_days == (14, 7, 1)


def test_str_names_the_start_date():
    assert str(ProgramRules(effective_from=date(2024, 4, 1))) == "Program rules from 2024-04-01"
