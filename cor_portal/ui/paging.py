"""Paging without a count, for lists too long to count on every page (the change log).

Django's paginator counts every row to number the pages; over a union of every history table
that count was half the page's time. An open page reads one row more than it shows instead: if
that row exists there is a next page. The shared pager (includes/pagination.html) says
"Page N" with Previous and Next.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpenPage:
    object_list: list[Any]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)


def page_number(value: str | None) -> int:
    """The page asked for: a positive whole number, else the first page."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return number if number >= 1 else 1


def open_page(rows: Sequence[Any], number: int, per_page: int) -> OpenPage:
    """Read page ``number`` of ``rows`` (a queryset or a list) with one row more than shown."""
    start = (number - 1) * per_page
    found = list(rows[start : start + per_page + 1])
    return OpenPage(found[:per_page], number, per_page, has_next=len(found) > per_page)
