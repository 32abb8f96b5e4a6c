"""The shared template tags: money and status tags."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from cor_portal.ui.templatetags.portal import money, status_tag


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("229800"), "$229,800.00"),
        (229800, "$229,800.00"),
        ("229800.5", "$229,800.50"),
        (Decimal("0"), "$0.00"),
        (Decimal("0.004"), "$0.00"),
        (Decimal("0.005"), "$0.01"),  # cents half up
        (Decimal("2.675"), "$2.68"),  # half up, not banker's rounding
        (Decimal("2.665"), "$2.67"),
        (0.125, "$0.13"),  # a float goes through its shortest repr, not its binary value
        (Decimal("1234567.891"), "$1,234,567.89"),
        (Decimal("-1234.5"), "-$1,234.50"),
        (Decimal("-0.004"), "$0.00"),  # rounds to zero: no minus sign
        (Decimal("1E+3"), "$1,000.00"),
    ],
)
def test_money_formats_dollars_with_cents_half_up(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_money_of_nothing_is_empty(value):
    assert money(value) == ""


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", "-Infinity", Decimal("NaN")])
def test_money_of_a_non_amount_shows_it_as_is(value):
    assert money(value) == str(value)


def test_money_filter_in_a_template():
    html = Template("{% load portal %}{{ amount|money }}").render(
        Context({"amount": Decimal("229800")})
    )

    assert html == "$229,800.00"


def test_status_tag_shows_a_colour_and_a_word():
    assert str(status_tag("certified", "Certified")) == (
        '<span class="badge status-tag text-bg-success">Certified</span>'
    )


def test_status_tag_of_an_unknown_status_is_grey_with_its_words():
    assert str(status_tag("on_hold")) == (
        '<span class="badge status-tag text-bg-secondary">On hold</span>'
    )


def test_status_tag_escapes_its_label():
    assert "&lt;b&gt;" in str(status_tag("lapsed", "<b>x</b>"))
