"""Every HTML list writes its rows and its filter fields as the libraries' own templates do.

A list page's table rows are written by the ``table_rows`` tag and its filter fields by the
``filter_field`` filter (``cor_portal.ui.templatetags.portal``), in Python, where
django-tables2's bootstrap5 template and crispy-forms' field template cost a third of a page.
For each list of ``tests/test_list_queries.py`` that shows a table or a filter, with rows in
it, the two are compared with what those templates write: the rows exactly, the fields once
white space between tags is set aside (crispy's template indents; a browser shows the same).
"""

import itertools
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cor_portal.ui.templatetags.portal import filter_field, table_rows
from tests.role_matrix import ActorClient
from tests.test_list_queries import LIST_CASES

pytestmark = pytest.mark.django_db

# django-tables2's own row loop (django_tables2/table.html, block table.tbody), rows joined by
# a new line as table_rows joins them.
TABLES2_ROWS = Template(
    "{% load l10n %}{% for row in table.paginated_rows %}{% if not forloop.first %}\n"
    "{% endif %}<tr {{ row.attrs.as_html }}>{% for column, cell in row.items %}"
    "<td {{ column.attrs.td.as_html }}>{% if column.localize == None %}{{ cell }}"
    "{% else %}{% if column.localize %}{{ cell|localize }}{% else %}{{ cell|unlocalize }}"
    "{% endif %}{% endif %}</td>{% endfor %}</tr>{% endfor %}"
)
CRISPY_FIELD = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")

HTML_CASES = [case for case in LIST_CASES if not case.name.startswith("api:")]


def context_of(response, key):
    try:
        return response.context[key]
    except (KeyError, TypeError):
        return None


def between_tags(html: str) -> str:
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def shown(case, actors, world, key):
    """Return the list's address and what its page shows as ``key`` (with 3 rows in it)."""
    case.make(world, 3)
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None)
    response = ActorClient(actors).get(case.actor, f"{url}?{case.query}" if case.query else url)
    assert response.status_code == 200
    value = context_of(response, key)
    if value is None:
        pytest.skip(f"no {key} on this list")
    return url, value


@pytest.mark.parametrize("case", HTML_CASES, ids=[case.id for case in HTML_CASES])
def test_table_rows_are_django_tables2s(case, actors, world):
    url, table = shown(case, actors, world, "table")
    context = Context({"request": RequestFactory().get(url), "table": table})
    table._counter = itertools.count()  # rows alternate odd/even from the table's counter
    ours = table_rows(context, table)
    table._counter = itertools.count()
    theirs = TABLES2_ROWS.render(context)
    assert ours.count("<tr ") >= 3
    assert ours == theirs


@pytest.mark.parametrize("case", HTML_CASES, ids=[case.id for case in HTML_CASES])
def test_filter_fields_are_crispys(case, actors, world):
    _url, filterset = shown(case, actors, world, "filter")
    fields = list(filterset.form)
    # The same fields again with a value none of them accepts as it is (errors, fallbacks).
    invalid = type(filterset)({f.name: "not valid ~" for f in fields}, queryset=filterset.queryset)
    for form in (filterset.form, invalid.form):
        for name in form.fields:
            ours = between_tags(filter_field(form[name]))  # before crispy: it edits the widget
            theirs = between_tags(CRISPY_FIELD.render(Context({"field": form[name]})))
            assert ours == theirs, name
