"""Reads for starting an audit from the employer's previous one ("last time")."""

from dataclasses import dataclass

from .choices import AuditStatus
from .models import Audit, ElementReference


def previous_approved_audit(audit: Audit) -> Audit | None:
    """Return the employer's latest approved audit that started before this one, if any."""
    return (
        Audit.objects.filter(
            employer_id=audit.employer_id,
            status=AuditStatus.APPROVED,
            starts_on__lt=audit.starts_on,
        )
        .exclude(pk=audit.pk)
        .order_by("-starts_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class LastTime:
    """What an audit shows of the previous audit it was started from.

    ``by_element`` maps each element of this audit's tool that the previous audit had to
    last time's points and note; ``not_carried`` lists the previous audit's elements that
    this tool does not have.
    """

    source: Audit
    by_element: dict[int, ElementReference]
    not_carried: tuple[ElementReference, ...]


def last_time(audit: Audit) -> LastTime | None:
    """Return last time's elements of an audit started from a previous one (two queries)."""
    if audit.started_from_id is None:
        return None
    source = Audit.objects.only("pk", "audit_type", "starts_on", "last_onsite_on", "decided_on")
    references = list(ElementReference.objects.filter(audit=audit))
    return LastTime(
        source=source.get(pk=audit.started_from_id),
        by_element={r.element_id: r for r in references if r.element_id is not None},
        not_carried=tuple(r for r in references if r.element_id is None),
    )
