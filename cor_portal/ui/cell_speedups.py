"""Three per-cell costs of the lists' tables, removed once at start-up (``UiConfig.ready``).

A list page writes a few hundred cells. Measured at 10,000 employers (the employers list, 25
rows of seven columns, in process), library costs per cell took a third of the page:

- Django's ``get_<field>_display()`` hashes every (value, label) pair of the field's choices on
  each call; with translatable (lazy) labels each hash translates the label, so a status cell
  translated every status's label. The replacement keeps the field's value-to-label map, built
  once per field and language (the labels translated into the active language).
  Fields whose choices are a callable keep Django's method (their choices may change).
- django-tables2 reads the signature of a column's render method (``inspect.signature``) for
  every cell to pass it only the arguments it names. The signatures are now kept, keyed by the
  function (a bound method's underlying function, so one entry per render method).
- django-tables2 wraps a linked cell (``linkify``) in ``<a>`` by building an attribute
  dictionary and writing it out sorted, even when the link has no attributes but its address.
  A link without attributes is now written directly (``<a href="…">…</a>``).

All answer exactly what the originals answer (tested against them: every choice field, and
links with and without attributes).
"""

import functools
from collections.abc import Callable, Hashable
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.translation import get_language


def _labels(field: models.Field) -> dict[Hashable, Any]:
    """The field's value-to-label map in the active language, built once per language."""
    by_language = field.__dict__.setdefault("_cor_choice_labels", {})
    language = get_language()
    labels = by_language.get(language)
    if labels is None:
        labels = {
            make_hashable(value): force_str(label, strings_only=True)
            for value, label in field.flatchoices
        }
        by_language[language] = labels
    return labels


def choice_display(instance: models.Model, *, field: models.Field) -> Any:
    """``get_<field>_display()``: the label of the instance's value, else the value."""
    value = getattr(instance, field.attname)
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


# Django's own (a private method: what ``Field.contribute_to_class`` binds each display to).
_DJANGOS_DISPLAY = getattr(models.Model, "_get_FIELD_display")  # noqa: B009


def _is_djangos_display(method: object) -> bool:
    return isinstance(method, functools.partialmethod) and method.func is _DJANGOS_DISPLAY


def install_choice_displays() -> int:
    """Give every model field with fixed choices the kept-labels display; return how many."""
    installed = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            if _is_djangos_display(model.__dict__.get(name)):
                setattr(model, name, functools.partialmethod(choice_display, field=field))
                installed += 1
    return installed


def install_table_signatures() -> None:
    """Keep django-tables2's reading of a render method's arguments, per function."""
    from django_tables2 import utils

    if getattr(utils.signature, "kept", False):
        return
    read = utils.signature

    @functools.lru_cache(maxsize=2048)
    def read_once(function: Callable[..., Any], bound: bool) -> tuple[tuple[str, ...], Any]:
        arguments, catch_all = read(function)
        # A bound method is called without its first argument (self or cls).
        return (arguments[1:] if bound else arguments), catch_all

    def signature(fn: Callable[..., Any]) -> tuple[tuple[str, ...], Any]:
        function = getattr(fn, "__func__", None)
        return read_once(fn, False) if function is None else read_once(function, True)

    signature.kept = True  # type: ignore[attr-defined]
    utils.signature = signature


def install_plain_links() -> None:
    """Write a linked cell with no attributes but its address directly (see the module note)."""
    from django_tables2.columns.base import LinkTransform

    if getattr(LinkTransform.__call__, "plain", False):
        return
    written = LinkTransform.__call__

    def link(self: Any, content: Any, **kwargs: Any) -> Any:
        if self.attrs:
            return written(self, content, **kwargs)
        href = self.compose_url(**kwargs)
        if href is None:
            return content
        return format_html('<a href="{}">{}</a>', href, content)

    link.plain = True  # type: ignore[attr-defined]
    link.original = written  # type: ignore[attr-defined]
    LinkTransform.__call__ = link  # type: ignore[method-assign]
