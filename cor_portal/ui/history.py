"""Readable change history from django-simple-history records: who, when, what changed."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: datetime
    who: Any
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record: Any, name: str, value: Any, related: dict | None = None) -> Any:
    model_field = record.instance_type._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return dict(model_field.flatchoices).get(value, value)
    if model_field.many_to_many:
        # Rows of the through table as dicts: {"<model>": pk, "<related>": pk}.
        key = model_field.related_model._meta.model_name
        pks = [row[key] for row in value or [] if isinstance(row, dict) and key in row]
        if related is None:
            related = model_field.related_model._default_manager.in_bulk(pks)
        return ", ".join(str(related.get(pk, pk)) for pk in pks) or "—"
    return "—" if value in (None, "") else value


def _m2m_rows(records: list[Any], field: Any) -> dict[int, list[dict]]:
    """Return each historical record's rows of an M2M field, in one query for all of them."""
    through = getattr(records[0], field.name).model
    names = [
        f.name
        for f in through._meta.fields
        if f.editable and f.name not in ("id", "m2m_history_id", "history")
    ]
    key = field.related_model._meta.model_name
    rows: dict[int, list[dict]] = {record.pk: [] for record in records}
    for row in through._default_manager.filter(history__in=list(rows)).values("history", *names):
        rows[row.pop("history")].append(row)
    for value in rows.values():
        value.sort(key=lambda row: row.get(key) or 0)  # the order simple-history diffs in
    return rows


def history_entries(records: Iterable[Any]) -> list[HistoryEntry]:
    """Return entries for historical records, newest first, each with its field changes.

    Each record is compared with the one before it for the same object: the next record in
    the list when it is that one, else simple-history's ``prev_record`` (one query). Pass a
    page of records, newest first. Many-to-many fields are read in one query per field for
    the whole page, so the number of queries does not grow with the page.
    """
    records = list(records)
    pairs = []
    for index, record in enumerate(records):
        previous = None
        if record.history_type == "~":
            following = records[index + 1] if index + 1 < len(records) else None
            same = following is not None and following.instance.pk == record.instance.pk
            previous = following if same else record.prev_record
        pairs.append((record, previous))

    m2m_fields = list(getattr(records[0], "_history_m2m_fields", [])) if records else []
    compared = [r for pair in pairs for r in pair if r is not None and pair[1] is not None]
    m2m_rows = {field.name: _m2m_rows(compared, field) for field in m2m_fields if compared}

    entries = []
    pending: list[tuple[FieldChange, Any, str, Any, Any]] = []
    for record, previous in pairs:
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=CHANGE_TYPES.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        if previous is not None:
            delta = record.diff_against(
                previous, excluded_fields=[field.name for field in m2m_fields]
            )
            for change in delta.changes:
                entry.changes.append(_change(record, change.field, change.old, change.new))
            for field in m2m_fields:
                old = m2m_rows[field.name][previous.pk]
                new = m2m_rows[field.name][record.pk]
                if old != new:
                    label = str(field.verbose_name)
                    change = FieldChange(label=label, old=old, new=new)
                    entry.changes.append(change)
                    pending.append((change, record, field.name, old, new))
        entries.append(entry)

    # Name the related objects of every M2M change with one query per field.
    for field in m2m_fields:
        key = field.related_model._meta.model_name
        pks = {
            row[key]
            for change, _record, name, old, new in pending
            if name == field.name
            for row in [*old, *new]
        }
        related = field.related_model._default_manager.in_bulk(pks) if pks else {}
        for change, record, name, old, new in pending:
            if name == field.name:
                change.old = _display(record, name, old, related)
                change.new = _display(record, name, new, related)
    return entries


def _change(record: Any, name: str, old: Any, new: Any) -> FieldChange:
    label = record.instance_type._meta.get_field(name).verbose_name
    return FieldChange(
        label=str(label), old=_display(record, name, old), new=_display(record, name, new)
    )
