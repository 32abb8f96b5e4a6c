"""One change log across every model django-simple-history records.

A page is read in two steps. First one query: a UNION ALL of each historical table's minimal
columns (its history id, date, user, type, the object's id and which table), filtered, ordered
by date and cut to the page with LIMIT/OFFSET; a second counts the rows for the pager. Then,
for the rows shown only, each table that has rows on the page gives its full historical rows
and their previous versions (two queries per table present), and the users are read in one
query; the diffs are computed in Python.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.utils import timezone

from cor_portal.ui.history import CHANGE_TYPES, FieldChange, _display

User = get_user_model()


@cache
def historical_models() -> dict[str, Any]:
    """Return every historical model, keyed by its tracked model's ``app_label.model_name``."""
    found = {}
    for model in apps.get_models():
        tracked = getattr(model, "instance_type", None)
        names = {f.name for f in model._meta.fields}
        if tracked is None or not {"history_id", "history_date", "history_user"} <= names:
            continue
        found[tracked._meta.label_lower] = model
    return dict(sorted(found.items()))


def kind_choices() -> list[tuple[str, str]]:
    """Return (key, label) of every kind of record with history, by label."""
    choices = [
        (key, str(model.instance_type._meta.verbose_name).capitalize())
        for key, model in historical_models().items()
    ]
    return sorted(choices, key=lambda choice: choice[1])


@dataclass
class ChangeRow:
    when: datetime
    who: Any
    kind: str
    kind_label: str
    action: str
    object_label: str
    object_url: str
    changes: list[FieldChange] = field(default_factory=list)


def changes_query(
    *,
    user_id: int | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Any:
    """Return the UNION of the historical tables' minimal columns, newest first (lazy)."""
    tables = historical_models()
    keys = [kind] if kind in tables else list(tables)
    parts = []
    for index, key in enumerate(keys):
        model = tables[key]
        pk_name = model.instance_type._meta.pk.attname
        rows = model.objects.all()
        if user_id:
            rows = rows.filter(history_user_id=user_id)
        if since:
            start = timezone.make_aware(datetime.combine(since, time.min))
            rows = rows.filter(history_date__gte=start)
        if until:
            end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
            rows = rows.filter(history_date__lt=end)
        parts.append(
            rows.annotate(
                table=Value(index, output_field=models.IntegerField()),
                object_id=F(pk_name),
            )
            .order_by()
            .values_list(
                "history_date",
                "history_id",
                "table",
                "history_user_id",
                "history_type",
                "object_id",
            )
        )
    if not parts:
        return None, keys
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return query.order_by("-history_date", "-history_id"), keys


def describe(page_rows: list[tuple], keys: list[str]) -> list[ChangeRow]:
    """Return the page's rows with who, the object's link and each field's before → after."""
    tables = historical_models()
    by_table: dict[int, list[int]] = {}
    for _when, history_id, table, *_rest in page_rows:
        by_table.setdefault(table, []).append(history_id)
    records: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for table, ids in by_table.items():
        model = tables[keys[table]]
        pk_name = model.instance_type._meta.pk.attname
        older = model.objects.filter(
            **{pk_name: OuterRef(pk_name)}, history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        found = list(
            model.objects.filter(history_id__in=ids).annotate(
                prev_id=Subquery(older.values("history_id")[:1])
            )
        )
        prev_ids = [r.prev_id for r in found if r.prev_id and r.history_type == "~"]
        olds = model.objects.in_bulk(prev_ids) if prev_ids else {}
        _preload_relations(model.instance_type, found)
        for record in found:
            records[(table, record.history_id)] = record
            if record.prev_id in olds:
                previous[(table, record.history_id)] = olds[record.prev_id]
    users = User.objects.in_bulk({row[3] for row in page_rows if row[3]})
    result = []
    pending: list[tuple[Any, FieldChange]] = []
    for when, history_id, table, user_id, history_type, _object_id in page_rows:
        record = records.get((table, history_id))
        if record is None:
            continue
        tracked = record.instance_type
        row = ChangeRow(
            when=when,
            who=users.get(user_id),
            kind=keys[table],
            kind_label=str(tracked._meta.verbose_name).capitalize(),
            action=CHANGE_TYPES.get(history_type, history_type),
            object_label=_label(record),
            object_url=_url(record) if history_type != "-" else "",
        )
        before = previous.get((table, history_id))
        if before is not None:
            m2m = [f.name for f in getattr(record, "_history_m2m_fields", [])]
            for change in record.diff_against(before, excluded_fields=m2m).changes:
                model_field = tracked._meta.get_field(change.field)
                if model_field.many_to_one:
                    # Named below, with one query per related model for the whole page.
                    item = FieldChange(str(model_field.verbose_name), change.old, change.new)
                    pending.append((model_field.related_model, item))
                else:
                    item = FieldChange(
                        label=str(model_field.verbose_name),
                        old=_display(record, change.field, change.old),
                        new=_display(record, change.field, change.new),
                    )
                row.changes.append(item)
        result.append(row)
    _name_related(pending)
    return result


def _name_related(pending: list[tuple[Any, FieldChange]]) -> None:
    """Replace the ids of changed foreign keys by the records' names ("—" for none)."""
    ids: dict[Any, set] = {}
    for model, item in pending:
        ids.setdefault(model, set()).update(v for v in (item.old, item.new) if v is not None)
    found = {model: model._base_manager.in_bulk(pks) for model, pks in ids.items() if pks}
    for model, item in pending:
        named = found.get(model, {})
        item.old = "—" if item.old is None else str(named.get(item.old, item.old))
        item.new = "—" if item.new is None else str(named.get(item.new, item.new))


def _preload_relations(tracked: Any, records: list[Any]) -> None:
    """Build each record's object once, its foreign keys read in one query per key.

    The objects' names (``__str__``) often name a related record (a contact's employer); this
    keeps that from costing one query per row.
    """
    instances = [record.instance for record in records]
    for record, instance in zip(records, instances, strict=True):
        record._changelog_instance = instance
    for fk in tracked._meta.concrete_fields:
        if not fk.many_to_one:
            continue
        ids = {getattr(i, fk.attname) for i in instances} - {None}
        if not ids:
            continue
        related = fk.related_model._base_manager.in_bulk(ids)
        for instance in instances:
            target = related.get(getattr(instance, fk.attname))
            if target is not None:
                fk.set_cached_value(instance, target)


def _label(record: Any) -> str:
    instance = getattr(record, "_changelog_instance", None) or record.instance
    try:
        return str(instance)
    except Exception:  # noqa: BLE001 - a __str__ reading a deleted relation
        return f"{record.instance_type._meta.verbose_name} #{instance.pk}"


def _url(record: Any) -> str:
    instance = getattr(record, "_changelog_instance", None) or record.instance
    getter = getattr(instance, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return getter()
    except Exception:  # noqa: BLE001 - no page for this record
        return ""
