"""R-15 EAQA rules (pure): how many external auditors are reviewed, and which ones."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditors.eaqa import RosterEntry, eaqa_required, eaqa_rotation

# eaqa_required ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roster_size", "expected"),
    [
        (0, 0),
        (1, 1),
        (9, 1),
        (10, 1),
        (11, 2),
        (19, 2),
        (20, 2),
        (21, 3),
        (100, 10),
        (101, 11),
    ],
)
def test_required_is_ten_percent_of_the_roster_rounded_up(roster_size, expected):
    assert eaqa_required(roster_size) == expected


@pytest.mark.parametrize(
    ("roster_size", "fraction", "expected"),
    [
        (10, Decimal("0.25"), 3),  # 2.5 -> 3
        (8, Decimal("0.25"), 2),  # exactly 2
        (9, Decimal("0"), 0),
        (9, Decimal("1"), 9),
        (7, Decimal("0.5"), 4),
        (3, Decimal("0.333"), 1),  # 0.999 -> 1
        (300, Decimal("0.333"), 100),  # 99.9 -> 100
        (1000, Decimal("0.001"), 1),
        (1001, Decimal("0.001"), 2),  # 1.001 -> 2: exact in Decimal, no float drift
    ],
)
def test_required_follows_a_custom_fraction(roster_size, fraction, expected):
    assert eaqa_required(roster_size, fraction=fraction) == expected


def test_required_is_exact_where_float_arithmetic_would_round_up_wrongly():
    # 0.1 as a float x 30 is 3.0000000000000004, whose ceiling would be 4.
    assert eaqa_required(30, fraction=Decimal("0.1")) == 3
    assert eaqa_required(70, fraction=Decimal("0.1")) == 7


def test_float_fraction_is_refused():
    with pytest.raises(TypeError):
        eaqa_required(10, fraction=0.1)  # type: ignore[arg-type]


def test_float_roster_size_is_refused():
    with pytest.raises(TypeError):
        eaqa_required(10.0)  # type: ignore[arg-type]


def test_negative_roster_is_refused():
    with pytest.raises(ValueError, match="negative"):
        eaqa_required(-1)


@pytest.mark.parametrize(
    "fraction",
    [Decimal("-0.01"), Decimal("1.01"), Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")],
)
def test_fraction_outside_zero_to_one_is_refused(fraction):
    with pytest.raises(ValueError, match="fraction"):
        eaqa_required(10, fraction=fraction)


@given(
    roster_size=st.integers(min_value=0, max_value=100_000),
    fraction=st.decimals(min_value=0, max_value=1, places=3),
)
def test_required_is_the_smallest_whole_number_covering_the_share(roster_size, fraction):
    required = eaqa_required(roster_size, fraction=fraction)

    assert 0 <= required <= roster_size
    assert required >= roster_size * fraction
    assert required - 1 < roster_size * fraction


# eaqa_rotation ------------------------------------------------------------------------------


def entry(auditor_id: int, last: date | None = None) -> RosterEntry:
    return RosterEntry(auditor_id=auditor_id, last_eaqa_on=last)


ROSTER = [
    entry(5, date(2024, 6, 1)),
    entry(3),
    entry(8, date(2022, 3, 15)),
    entry(1, date(2024, 6, 1)),
    entry(9),
    entry(2, date(2023, 11, 30)),
]


def test_rotation_picks_never_reviewed_first_then_longest_since_the_last_eaqa():
    assert eaqa_rotation(ROSTER, 6) == (3, 9, 8, 2, 1, 5)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, ()), (1, (3,)), (2, (3, 9)), (3, (3, 9, 8)), (5, (3, 9, 8, 2, 1))],
)
def test_rotation_takes_the_first_count_in_order(count, expected):
    assert eaqa_rotation(ROSTER, count) == expected


def test_rotation_breaks_ties_by_the_lower_id():
    roster = [entry(7, date(2023, 1, 1)), entry(4, date(2023, 1, 1)), entry(6), entry(2)]

    assert eaqa_rotation(roster, 4) == (2, 6, 4, 7)


def test_rotation_with_a_count_above_the_roster_returns_everyone():
    assert eaqa_rotation(ROSTER, 50) == (3, 9, 8, 2, 1, 5)


def test_rotation_of_an_empty_roster_is_empty():
    assert eaqa_rotation([], 3) == ()


def test_rotation_does_not_depend_on_the_input_order():
    assert eaqa_rotation(list(reversed(ROSTER)), 4) == eaqa_rotation(ROSTER, 4)


def test_negative_count_is_refused():
    with pytest.raises(ValueError, match="count"):
        eaqa_rotation(ROSTER, -1)


rosters = st.lists(
    st.builds(
        RosterEntry,
        auditor_id=st.integers(min_value=1, max_value=10_000),
        last_eaqa_on=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    ),
    max_size=40,
    unique_by=lambda e: e.auditor_id,
)


@given(roster=rosters, count=st.integers(min_value=0, max_value=60))
def test_rotation_size_is_the_smaller_of_count_and_roster(roster, count):
    chosen = eaqa_rotation(roster, count)

    assert len(chosen) == min(count, len(roster))
    assert len(set(chosen)) == len(chosen)
    assert set(chosen) <= {e.auditor_id for e in roster}


@given(roster=rosters, count=st.integers(min_value=0, max_value=60))
def test_rotation_puts_never_reviewed_before_reviewed(roster, count):
    last = {e.auditor_id: e.last_eaqa_on for e in roster}
    chosen = eaqa_rotation(roster, count)

    reviewed = [last[i] is not None for i in chosen]
    assert reviewed == sorted(reviewed)  # every False (never reviewed) before every True
    never = sum(1 for e in roster if e.last_eaqa_on is None)
    assert reviewed.count(False) == min(count, never)
    dates = [last[i] for i in chosen if last[i] is not None]
    assert dates == sorted(dates)  # longest since the last EAQA first


@given(roster=rosters, count=st.integers(min_value=0, max_value=60))
def test_nobody_left_out_was_due_before_someone_chosen(roster, count):
    chosen = set(eaqa_rotation(roster, count))

    def key(e):
        return (e.last_eaqa_on is not None, e.last_eaqa_on or date.min, e.auditor_id)

    left = [key(e) for e in roster if e.auditor_id not in chosen]
    picked = [key(e) for e in roster if e.auditor_id in chosen]
    if left and picked:
        assert max(picked) < min(left)
