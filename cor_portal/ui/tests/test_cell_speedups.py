"""The kept choice labels, render signatures and plain links answer what Django and
django-tables2 do."""

import functools

import django_tables2 as tables
import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django_tables2 import utils
from django_tables2.columns.base import LinkTransform

from cor_portal.ui.cell_speedups import choice_display, install_choice_displays


def choice_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


def test_every_model_field_with_choices_has_the_kept_labels_display():
    fields = list(choice_fields())
    assert len(fields) > 40
    for model, field in fields:
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, functools.partialmethod)
        assert method.func is choice_display, f"{model.__name__}.{field.name}"
    assert install_choice_displays() == 0  # installing again changes nothing


@pytest.mark.parametrize("language", ["en-ca", "fr"])
def test_the_display_is_djangos_for_every_value_and_an_unknown_one(language):
    with translation.override(language):
        for model, field in choice_fields():
            instance = model()
            for value in [v for v, _label in field.flatchoices] + ["not-a-choice", None]:
                # Past the fields' own descriptors (FSM-protected states, time zones).
                instance.__dict__[field.attname] = value
                expected = models.Model._get_FIELD_display(instance, field)
                assert getattr(instance, f"get_{field.name}_display")() == expected
                assert type(choice_display(instance, field=field)) is type(expected)


class Sample(tables.Table):
    name = tables.Column()

    def render_name(self, value, record):
        return value

    @classmethod
    def describe(cls, table, **extra):
        return table


def plain(value, *rest, column=None):
    return value


def test_render_signatures_are_read_as_django_tables2_reads_them():
    assert getattr(utils.signature, "kept", False)
    table = Sample([])
    assert utils.signature(table.render_name) == (("value", "record"), None)
    assert utils.signature(Sample([]).render_name) == (("value", "record"), None)
    assert utils.signature(Sample.describe) == (("table",), "extra")
    assert utils.signature(plain) == (("value", "column"), None)
    assert utils.signature(lambda record: record) == (("record",), None)
    # The call itself: only the named arguments are passed.
    assert utils.call_with_appropriate(table.render_name, {"value": 1, "record": 2, "x": 3}) == 1


class Page:
    def __init__(self, pk):
        self.pk = pk

    def get_absolute_url(self):
        return f"/pages/{self.pk}/?a=1&b=<2>" if self.pk else None


@pytest.mark.parametrize(
    "transform",
    [
        LinkTransform(),  # linkify=True: the record's get_absolute_url
        LinkTransform(url=lambda record: f"/x/{record.pk}/"),
        LinkTransform(attrs={"class": "stretched", "title": lambda record: f"Page {record.pk}"}),
        LinkTransform(reverse_args=("home", ())),
    ],
    ids=["absolute-url", "url", "attributes", "reverse"],
)
@pytest.mark.parametrize("content", ["Plain & <b>", "AB-1"])
@pytest.mark.parametrize("pk", [7, 0])
def test_links_are_written_as_django_tables2_writes_them(transform, content, pk):
    link = LinkTransform.__call__
    assert getattr(link, "plain", False)
    record = Page(pk)
    kwargs = {"record": record, "value": content, "bound_column": None}
    assert link(transform, content, **kwargs) == link.original(transform, content, **kwargs)
