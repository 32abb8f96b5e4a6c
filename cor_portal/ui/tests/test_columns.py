"""The date columns write what ``{{ value|date:format }}`` writes."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from cor_portal.ui.columns import DateColumn, DateTimeColumn

DATES = [date(2026, 3, 31), date(5, 1, 9), date(999, 12, 1), date(9999, 12, 31)]
DATETIMES = [
    datetime(2026, 3, 31, 7, 5),
    datetime(2026, 12, 7, 23, 59, 59),
    datetime(2026, 7, 1, 6, 30, tzinfo=UTC),  # aware: written in local time (Vancouver)
    datetime(1, 1, 2, 0, 0),
]
FORMATS = ["Y-m-d", "Y-m-d H:i", "SHORT_DATE_FORMAT", "DATE_FORMAT", "DATETIME_FORMAT", "j F Y"]


def djangos(value, format):
    """The date filter's text; "" where it refuses a time format for a date (as the column)."""
    try:
        return Template("{{ value|date:format }}").render(
            Context({"value": value, "format": format})
        )
    except TypeError:
        return ""


@pytest.mark.parametrize("language", ["en-ca", "fr"])
@pytest.mark.parametrize("format", FORMATS)
def test_a_column_writes_what_the_date_filter_writes(language, format):
    with translation.override(language):
        for value in DATES + DATETIMES:
            column = DateTimeColumn if isinstance(value, datetime) else DateColumn
            expected = djangos(value, format) or column(format=format).default
            assert column(format=format).render(value) == expected, (value, format)


def test_the_portals_formats_are_iso_dates():
    assert DateColumn().render(date(2026, 3, 1)) == "2026-03-01"
    assert DateTimeColumn().render(datetime(2026, 3, 1, 9, 7)) == "2026-03-01 09:07"
    assert DateColumn(format="Y-m-d").render(date(5, 1, 9)) == "0005-01-09"
