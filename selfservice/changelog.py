"""One change log across every model django-simple-history records.

A page costs the same few queries whatever kinds of record are on it:

1. a UNION ALL of each historical table's minimal columns (its history id, date, user, type,
   the object's id and which table), filtered, ordered by date and cut to the page with
   LIMIT/OFFSET; a second query counts the rows for the pager;
2. one UNION ALL over the historical tables present on the page giving each row shown and
   its previous version, every column packed in one JSON object, from which the historical
   records are rebuilt (the diffs are computed in Python);
3. one UNION ALL per level of the records the names need: the users who made the changes,
   the records named by changed foreign keys, and those that the objects' names read (a
   payroll's name reads its employer and unit; an enrolment's its session, whose name reads
   its course: two levels). Which relations a model's name and link read is found once per
   model, by reading them on a stand-in that records what it is asked for.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Context, Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, JSONObject
from django.utils import timezone
from django.utils.text import capfirst

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
        (key, capfirst(str(model.instance_type._meta.verbose_name)))
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
    who: str = "",
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Any:
    """Return the UNION of the historical tables' minimal columns, newest first (lazy).

    ``who``: the changes of the logins whose username, first or last name or full name
    contains these words (case aside).
    """
    tables = historical_models()
    keys = [kind] if kind in tables else list(tables)
    authors = _logins_matching(who) if who else None
    parts = []
    for index, key in enumerate(keys):
        model = tables[key]
        pk_name = model.instance_type._meta.pk.attname
        rows = model.objects.all()
        if authors is not None:
            rows = rows.filter(history_user_id__in=authors)
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


def _logins_matching(text: str) -> Any:
    full_name = Concat("first_name", Value(" "), "last_name", output_field=models.CharField())
    return (
        get_user_model()
        .objects.annotate(full_name=full_name)
        .filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(full_name__icontains=text)
        )
        .values("pk")
    )


def describe(page_rows: list[tuple], keys: list[str]) -> list[ChangeRow]:
    """Return the page's rows with who, the object's link and each field's before → after."""
    tables = historical_models()
    records, previous = _historical_rows(page_rows, keys)
    related = _Related()
    related.want(User, {row[3] for row in page_rows if row[3]})
    result = []
    named: list[tuple[ChangeRow, Any, Any]] = []
    pending: list[tuple[Any, FieldChange]] = []
    for when, history_id, table, user_id, history_type, _object_id in page_rows:
        record = records.get((table, history_id))
        if record is None:
            continue
        tracked = tables[keys[table]].instance_type
        instance = _instance(record)
        related.label(instance)
        row = ChangeRow(
            when=when,
            who=user_id,
            kind=keys[table],
            kind_label=capfirst(str(tracked._meta.verbose_name)),
            action=CHANGE_TYPES.get(history_type, history_type),
            object_label="",
            object_url="",
        )
        named.append((row, record, instance))
        before = previous.get((table, history_id)) if history_type == "~" else None
        if before is not None:
            m2m = [f.name for f in getattr(record, "_history_m2m_fields", [])]
            for change in record.diff_against(before, excluded_fields=m2m).changes:
                model_field = tracked._meta.get_field(change.field)
                if model_field.many_to_one:
                    # Named below, with the other related records of the page.
                    item = FieldChange(str(model_field.verbose_name), change.old, change.new)
                    pending.append((model_field.related_model, item))
                    related.want(model_field.related_model, {change.old, change.new})
                else:
                    item = FieldChange(
                        label=str(model_field.verbose_name),
                        old=_display(record, change.field, change.old),
                        new=_display(record, change.field, change.new),
                    )
                row.changes.append(item)
        result.append(row)
    related.load()
    for row, record, instance in named:
        row.who = related.get(User, row.who) if row.who else None
        row.object_label = _label(record, instance)
        row.object_url = _url(instance) if record.history_type != "-" else ""
    _name_related(pending, related)
    return result


def _historical_rows(
    page_rows: list[tuple], keys: list[str]
) -> tuple[dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    """Return the page's historical records and their previous versions, in one query.

    Both come keyed by (table, history id). Each table present gives its rows of the page and,
    by a subquery, each one's previous version, every column packed in one JSON object.
    """
    tables = historical_models()
    by_table: dict[int, list[int]] = {}
    for _when, history_id, table, *_rest in page_rows:
        by_table.setdefault(table, []).append(history_id)
    parts = []
    for table, ids in sorted(by_table.items()):
        model = tables[keys[table]]
        pk_name = model.instance_type._meta.pk.attname
        older = model.objects.filter(
            **{pk_name: OuterRef(pk_name)}, history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        parts.append(
            model.objects.filter(history_id__in=ids)
            .annotate(
                table=Value(table, output_field=models.IntegerField()),
                row=_packed(model),
                prev=Subquery(older.annotate(row=_packed(model)).values("row")[:1]),
            )
            .order_by()
            .values_list("table", "row", "prev")
        )
    records: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for table, row, prev in _union(parts):
        model = tables[keys[table]]
        record = _unpack(model, row)
        records[(table, record.history_id)] = record
        if prev is not None:
            previous[(table, record.history_id)] = _unpack(model, prev)
    return records, previous


def _instance(record: Any) -> Any:
    """Return the object as the historical record keeps it (``record.instance``).

    Unlike ``record.instance`` this never reads the live object for the fields the history
    leaves out (an invitation's token): names and links do not use them.
    """
    tracked = record.instance_type
    attrs = {f.attname: getattr(record, f.attname) for f in record.tracked_fields}
    return tracked(**attrs)


def _name_related(pending: list[tuple[Any, FieldChange]], related: "_Related") -> None:
    """Replace the ids of changed foreign keys by the records' names ("—" for none)."""
    for model, item in pending:
        item.old = "—" if item.old is None else _name(related.get(model, item.old), item.old)
        item.new = "—" if item.new is None else _name(related.get(model, item.new), item.new)


def _name(target: Any, pk: Any) -> str:
    if target is None:
        return str(pk)
    try:
        return str(target)
    except Exception:  # noqa: BLE001 - a __str__ reading a deleted relation
        return str(pk)


def _label(record: Any, instance: Any) -> str:
    try:
        return str(instance)
    except Exception:  # noqa: BLE001 - a __str__ reading a deleted relation
        return f"{record.instance_type._meta.verbose_name} #{instance.pk}"


def _url(instance: Any) -> str:
    getter = getattr(instance, "get_absolute_url", None)
    if getter is None:
        return ""
    try:
        return getter()
    except Exception:  # noqa: BLE001 - no page for this record
        return ""


# Rows packed in JSON ----------------------------------------------------------------------------

# json_build_object takes at most 100 arguments: a table with more columns is packed in parts.
_JSON_PAIRS = 50


def _packed(model: Any) -> JSONObject:
    """Return every column of ``model`` in one JSON object (nested in parts when many)."""
    fields = model._meta.concrete_fields
    if len(fields) <= _JSON_PAIRS:
        return JSONObject(**{f.attname: _column(f) for f in fields})
    chunks = [fields[i : i + _JSON_PAIRS] for i in range(0, len(fields), _JSON_PAIRS)]
    return JSONObject(
        **{
            f"part{n}": JSONObject(**{f.attname: _column(f) for f in chunk})
            for n, chunk in enumerate(chunks)
        }
    )


def _column(model_field: Any) -> Any:
    # Decimals as text keep their digits; JSON columns as text read the same on every database.
    if isinstance(model_field, models.DecimalField | models.JSONField):
        return Cast(model_field.attname, models.TextField())
    return F(model_field.attname)


def _unpack(model: Any, data: dict[str, Any]) -> Any:
    """Return the ``model`` instance of a row packed by ``_packed``, as the ORM would read it."""
    fields = model._meta.concrete_fields
    if len(fields) > _JSON_PAIRS:
        data = {key: value for part in data.values() for key, value in part.items()}
    values = [_python(f, data.get(f.attname)) for f in fields]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], values)


def _python(model_field: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DecimalField):
        places = Decimal(1).scaleb(-model_field.decimal_places)
        return Decimal(str(value)).quantize(places, context=Context(prec=model_field.max_digits))
    if isinstance(model_field, models.JSONField):
        return json.loads(value, cls=model_field.decoder)
    if isinstance(model_field, models.DateTimeField):
        moment = model_field.to_python(value)
        if settings.USE_TZ and moment is not None and timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # SQLite keeps UTC without an offset
        return moment
    if isinstance(model_field, models.DurationField) and isinstance(value, int):
        return timedelta(microseconds=value)  # SQLite keeps microseconds
    return model_field.to_python(value)


def _union(parts: list[Any]) -> list[tuple]:
    if not parts:
        return []
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return list(query)


# The records that names read -------------------------------------------------------------------

# How many levels of related records are read at most: a checklist response's name reads its
# review's, which reads its audit's, which reads its employer's (four levels).
_LEVELS = 4


class _Related:
    """Related records of the page, read with one query per level for every model at once."""

    def __init__(self) -> None:
        self.found: dict[tuple[Any, str], dict[Any, Any]] = {}
        self.wanted: dict[tuple[Any, str], set[Any]] = {}
        self.waiting: list[tuple[Any, Any, Any]] = []  # (object, relation, its key)

    def want(self, model: Any, values: Iterable[Any], attname: str = "") -> None:
        """Ask for the ``model`` records whose ``attname`` (the primary key) is in values."""
        key = (model, attname or model._meta.pk.attname)
        have = self.found.get(key, {})
        self.wanted.setdefault(key, set()).update(
            v for v in values if v is not None and v not in have
        )

    def label(self, instance: Any) -> None:
        """Ask for the related records that the object's name and link read."""
        for relation in label_relations(instance.__class__):
            value = getattr(instance, relation.attname)
            if value is None:
                continue
            target = relation.target_field.attname
            self.want(relation.related_model, [value], target)
            self.waiting.append((instance, relation, (relation.related_model, target)))

    def load(self) -> None:
        """Read what was asked for, level by level, and put each record on its objects."""
        for _level in range(_LEVELS):
            wanted = {key: values for key, values in self.wanted.items() if values}
            self.wanted = {}
            fresh = self._read(wanted) if wanted else []
            waiting, self.waiting = self.waiting, []
            for instance, relation, key in waiting:
                target = self.found.get(key, {}).get(getattr(instance, relation.attname))
                relation.set_cached_value(
                    instance, target if target is not None else _Missing(relation)
                )
            for target in fresh:
                self.label(target)  # the next level: what these records' names read
            if not self.waiting:
                return

    def get(self, model: Any, pk: Any) -> Any:
        return self.found.get((model, model._meta.pk.attname), {}).get(pk)

    def _read(self, wanted: dict[tuple[Any, str], set[Any]]) -> list[Any]:
        keys = list(wanted)
        parts = [
            model._base_manager.filter(**{f"{attname}__in": wanted[(model, attname)]})
            .annotate(part=Value(index, output_field=models.IntegerField()), row=_packed(model))
            .order_by()
            .values_list("part", "row")
            for index, (model, attname) in enumerate(keys)
        ]
        fresh = []
        for index, row in _union(parts):
            model, attname = keys[index]
            target = _unpack(model, row)
            self.found.setdefault((model, attname), {})[getattr(target, attname)] = target
            fresh.append(target)
        for key in keys:
            self.found.setdefault(key, {})
        return fresh


class _Missing:
    """Stands for a related record that no longer exists: reading it fails, as the ORM's would."""

    def __init__(self, relation: Any) -> None:
        self._relation = relation

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        relation = self._relation
        descriptor = getattr(relation.model, relation.name)
        raise descriptor.RelatedObjectDoesNotExist(
            f"{relation.model._meta.object_name} has no {relation.name}."
        )

    def __getattr__(self, name: str) -> Any:
        self._fail()

    __str__ = __format__ = __bool__ = _fail


@cache
def label_relations(model: Any) -> tuple[Any, ...]:
    """Return the forward relations that the model's ``__str__`` and ``get_absolute_url`` read.

    Found by reading both on an instance whose every field is a stand-in that notes when it
    is used; the database is not read (a query there fails the reading, not the page).
    """
    relations = [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]
    instance = model()
    stands: dict[Any, _StandIn] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field in relations:
            stands[model_field] = _StandIn()
            model_field.set_cached_value(instance, stands[model_field])
        else:
            instance.__dict__[model_field.attname] = _StandIn()
    readers: list[Callable[[], Any]] = [lambda: str(instance)]
    if hasattr(instance, "get_absolute_url"):
        readers.append(instance.get_absolute_url)
    with connection.execute_wrapper(_no_queries):
        for read in readers:
            try:
                read()
            except Exception:  # noqa: BLE001 - what was read before the failure counts
                continue
    return tuple(f for f in relations if stands[f].used)


def _no_queries(*args: Any) -> Any:
    raise RuntimeError("names are found without the database")


class _StandIn:
    """Any value: every use gives a stand-in back or an empty value, and is noted."""

    def __init__(self) -> None:
        self.used = False

    def _use(self, *args: Any, **kwargs: Any) -> "_StandIn":
        self.used = True
        return self

    def __getattr__(self, name: str) -> "_StandIn":
        return self._use()

    def __str__(self) -> str:
        self.used = True
        return ""

    def __format__(self, spec: str) -> str:
        self.used = True
        return ""

    def __bool__(self) -> bool:
        self.used = True
        return True

    def __len__(self) -> int:
        self.used = True
        return 0

    def __iter__(self) -> Any:
        self.used = True
        return iter(())

    __call__ = __getitem__ = _use
    __hash__ = object.__hash__
