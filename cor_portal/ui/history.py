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


def _display(record: Any, name: str, value: Any) -> Any:
    model_field = record.instance_type._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return dict(model_field.flatchoices).get(value, value)
    if model_field.many_to_many:
        # simple-history gives the through rows as dicts: {"<model>": pk, "<related>": pk}.
        key = model_field.related_model._meta.model_name
        pks = [row[key] for row in value or [] if isinstance(row, dict) and key in row]
        related = model_field.related_model._default_manager.in_bulk(pks)
        return ", ".join(str(related.get(pk, pk)) for pk in pks) or "—"
    return "—" if value in (None, "") else value


def history_entries(records: Iterable[Any]) -> list[HistoryEntry]:
    """Return entries for historical records, newest first, each with its field changes.

    Each record is compared with the one before it for the same object: the next record in
    the list when it is that one, else simple-history's ``prev_record`` (one query). Pass a
    page of records, newest first.
    """
    records = list(records)
    entries = []
    for index, record in enumerate(records):
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=CHANGE_TYPES.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        previous = None
        if record.history_type == "~":
            following = records[index + 1] if index + 1 < len(records) else None
            same = following is not None and following.instance.pk == record.instance.pk
            previous = following if same else record.prev_record
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = record.instance_type._meta.get_field(change.field).verbose_name
                entry.changes.append(
                    FieldChange(
                        label=str(label),
                        old=_display(record, change.field, change.old),
                        new=_display(record, change.field, change.new),
                    )
                )
        entries.append(entry)
    return entries
