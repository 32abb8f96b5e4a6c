"""Storing a record and moving it through its status machine, the one way every app's
services do it (``save``, ``check_fields``, ``move``).

A model lists its transitions with django-fsm-2; a service per transition calls ``move``,
which checks the date and the reason, locks the row, refuses a move the machine does not
allow from the current status, applies the move with any dated fields, and records it in the
app's status-change table (a subclass of ``StatusChange``) with who, when and why.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

M = TypeVar("M", bound=models.Model)


class StatusChange(models.Model):
    """One move of a record through its status machine: what, when, who and why.

    Subclasses add the foreign key to their record and ``from_status`` / ``to_status`` with
    their status choices.
    """

    transition = models.CharField(gettext_lazy("action"), max_length=32)
    changed_on = models.DateField(gettext_lazy("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    reason = models.TextField(gettext_lazy("reason"))
    recorded_at = models.DateTimeField(gettext_lazy("recorded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-changed_on", "-pk"]


def today() -> date:
    """Return today's date in the portal's time zone."""
    return timezone.localdate()


def actor_or_none(actor: Any) -> Any:
    """Return the actor when it is a saved user, else None (the system)."""
    return actor if getattr(actor, "pk", None) else None


def stamp(obj: Any, actor: Any) -> None:
    """Name the actor in the history row the next save of ``obj`` writes."""
    obj._history_user = actor_or_none(actor)


def save(
    obj: M, actor: Any, *, exclude: Sequence[str] = (), validate_constraints: bool = True
) -> M:
    """Validate ``obj`` (fields other than ``exclude``, and its constraints unless told not
    to), name the actor in its history row and save it; return it. The one way a service
    stores a plain record."""
    obj.full_clean(exclude=list(exclude), validate_constraints=validate_constraints)
    stamp(obj, actor)
    obj.save()
    return obj


def update(obj: M, actor: Any, fields: Sequence[str]) -> M:
    """Save only ``fields`` of ``obj`` (values the service set itself), naming the actor in
    its history row; return it."""
    stamp(obj, actor)
    obj.save(update_fields=list(fields))
    return obj


def delete(obj: models.Model, actor: Any) -> None:
    """Delete ``obj``, naming the actor in the history row of the deletion."""
    stamp(obj, actor)
    obj.delete()


def check_fields(given: Iterable[str], allowed: Sequence[str]) -> None:
    """Refuse (TypeError) a service call naming fields the service does not set."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def check_allowed(obj: Any, action: str, refusal: str) -> None:
    """Refuse (ValidationError) a move the status machine does not allow from the status.

    ``refusal`` has ``%(status)s`` and ``%(action)s``.
    """
    if not can_proceed(getattr(obj, action)):
        status = obj.get_status_display().lower()
        raise ValidationError(refusal % {"status": status, "action": action})


def move(
    obj: M,
    action: str,
    *,
    actor: Any,
    on: date | None,
    reason: str,
    record: type[StatusChange],
    owner_field: str,
    refusal: str,
    changes: dict[str, Any] | None = None,
    check_order: bool = True,
    exclude: tuple[str, ...] = (),
    validate_constraints: bool = True,
) -> M:
    """Move ``obj`` through the transition method ``action`` and record it; return the row.

    ``refusal`` is the message for a move the status does not allow, with ``%(status)s``
    and ``%(action)s``. With ``check_order`` the date may not come before the record's
    ``status_changed_on``. ``changes`` are set on the row with the move (dates that follow
    from it); a move with changes validates the row without ``exclude`` and the status,
    and its constraints unless ``validate_constraints`` is off (Django checks each with a
    query: an app whose services establish them before the move leaves them to the
    database).
    """
    on = on or today()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the record.")})
    if on > today():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    last = getattr(locked, "status_changed_on", None)
    if check_order and last and on < last:
        raise ValidationError(
            {
                "on": _("The date cannot be before the last change of status (%(last)s).")
                % {"last": last.isoformat()}
            }
        )
    check_allowed(locked, action, refusal)
    method: Callable[[], None] = getattr(locked, action)
    before = locked.status  # type: ignore[attr-defined]
    method()
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.status_changed_on = on  # type: ignore[attr-defined]
    if changes:
        # A bare move changes only the status (the machine allows it) and its date: the row
        # was valid when saved, so only a move with dated fields has anything to validate.
        locked.full_clean(exclude=["status", *exclude], validate_constraints=validate_constraints)
    stamp(locked, actor)
    locked.save()
    values: dict[str, Any] = {
        owner_field: locked,
        "transition": action,
        "from_status": before,
        "to_status": locked.status,  # type: ignore[attr-defined]
        "changed_on": on,
        "actor": actor_or_none(actor),
        "reason": reason,
    }
    record._default_manager.create(**values)
    return locked
