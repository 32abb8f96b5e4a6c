"""Open pages: one row more than shown tells whether a next page exists; nothing is counted."""

import pytest

from cor_portal.ui.paging import open_page, page_number

ROWS = list(range(1, 61))  # 60 rows: pages of 25, 25 and 10


@pytest.mark.parametrize(
    ("number", "shown", "has_next", "start", "end"),
    [
        (1, list(range(1, 26)), True, 1, 25),
        (2, list(range(26, 51)), True, 26, 50),
        (3, list(range(51, 61)), False, 51, 60),
        (4, [], False, 0, 75),
    ],
)
def test_pages_of_sixty_rows(number, shown, has_next, start, end):
    page = open_page(ROWS, number, 25)
    assert page.object_list == shown
    assert page.has_next is has_next
    assert page.has_previous is (number > 1)
    assert page.start_index == start
    if shown:
        assert page.end_index == end
    assert page.previous_page_number == number - 1
    assert page.next_page_number == number + 1


def test_exactly_one_page_has_no_other_pages():
    page = open_page(ROWS[:25], 1, 25)
    assert page.object_list == ROWS[:25]
    assert not page.has_next
    assert not page.has_other_pages


@pytest.mark.parametrize(
    ("asked", "number"),
    [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("2.5", 1)],
)
def test_the_page_asked_for_is_a_positive_whole_number_else_the_first(asked, number):
    assert page_number(asked) == number
