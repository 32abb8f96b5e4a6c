"""Starting a maintenance or recertification audit from the employer's previous audit.

The lead auditor of a maintenance or recertification audit (R-5) may start its score sheet
from the employer's latest approved audit before it: each element of this audit's tool then
shows last time's points and note, read-only, while its own score starts empty (nothing of
last time is scored for this audit). An element of the previous audit's tool that this tool
does not have is reported, not carried. Elements match by number and name (the same element
of the same tool always does).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cor_portal import lifecycle

from . import selectors_reuse
from .choices import AuditStatus, AuditType
from .models import Audit, AuditElement, ElementReference, ElementScore
from .services import latest_submission

S = AuditStatus
# the audits of a running cycle; a certification audit has no previous cycle to reuse.
REUSABLE_TYPES = (AuditType.MAINTENANCE, AuditType.RECERTIFICATION)
# The first draft is open from the start of the audit until its report goes to QA.
OPEN_DRAFT = (S.IN_PROGRESS, S.ONSITE_COMPLETE)


@dataclass(frozen=True)
class Reuse:
    """What starting from the previous audit gives (or, for a plan, would give).

    ``carried``: last time's points and note, one per element this audit's tool has;
    ``not_carried``: the previous elements this tool does not have (number and name only);
    ``created``: False when the audit had already been started from it (nothing new).
    """

    source: Audit
    carried: tuple[ElementReference, ...]
    not_carried: tuple[ElementReference, ...]
    created: bool


def _key(number: int, name: str) -> tuple[int, str]:
    return number, " ".join(name.split()).casefold()


def _leads(audit: Audit, actor: Any) -> bool:
    pk = getattr(actor, "pk", None)
    return pk is not None and audit.lead_auditor.user_id == pk


def refusal(audit: Audit, *, actor: Any) -> str:
    """Return why the actor may not start this audit from the previous one ("" if they may).

    Checks everything but the previous audit itself (``plan_reuse`` finds it).
    """
    if not _leads(audit, actor):
        return _("Only the audit's lead auditor can start it from the previous audit.")
    if audit.audit_type not in REUSABLE_TYPES:
        return _(
            "Only a maintenance or recertification audit starts from the previous audit; "
            "this is a %(type)s audit."
        ) % {"type": audit.get_audit_type_display().lower()}
    if audit.status not in OPEN_DRAFT:
        return _(
            "An audit starts from the previous one while its first draft is open: from the "
            "start of the audit until the report is submitted. This audit is %(status)s."
        ) % {"status": audit.get_status_display().lower()}
    return ""


def plan_reuse(audit: Audit) -> Reuse | None:
    """Return what starting from the previous approved audit would give, without saving.

    None when the employer has no approved audit before this one.
    """
    source = selectors_reuse.previous_approved_audit(audit)
    if source is None:
        return None
    submission = latest_submission(source)
    scores = (
        ElementScore.objects.filter(submission=submission).select_related("element")
        if submission is not None
        else ElementScore.objects.none()
    )
    elements: dict[tuple[int, str], AuditElement] = {
        _key(e.number, e.name): e for e in audit.tool.elements.all()
    }
    carried, not_carried = [], []
    for score in sorted(scores, key=lambda s: s.element.number):
        previous = score.element
        element = elements.get(_key(previous.number, previous.name))
        reference = ElementReference(
            audit=audit, element=element, number=previous.number, name=previous.name
        )
        if element is None:
            not_carried.append(reference)
            continue
        reference.earned, reference.applicable, reference.note = (
            score.earned,
            score.applicable,
            score.note,
        )
        carried.append(reference)
    return Reuse(source, tuple(carried), tuple(not_carried), created=True)


@transaction.atomic
def start_from_previous(*, audit: Audit, actor: Any) -> Reuse:
    """Start the audit from the employer's previous approved audit ("last time").

    Only the lead auditor, only for a maintenance or recertification audit, only while its
    first draft is open. Each element of this audit's tool that the previous audit scored
    gets last time's points and note as a read-only reference; this audit's own scores are
    left as they are (a new sheet starts empty). Starting again returns what the first time
    gave and changes nothing. The audit's history records who started it from which audit.
    """
    # The row locked until commit: a second start waits, then finds the first one's work.
    audit = Audit.objects.select_for_update().select_related("lead_auditor").get(pk=audit.pk)
    reason = refusal(audit, actor=actor)
    if reason and not _leads(audit, actor):
        raise PermissionDenied(reason)
    if reason:
        raise ValidationError(reason)
    if audit.started_from_id is not None:
        references = list(ElementReference.objects.filter(audit=audit).select_related("element"))
        return Reuse(
            source=Audit.objects.get(pk=audit.started_from_id),
            carried=tuple(r for r in references if r.carried),
            not_carried=tuple(r for r in references if not r.carried),
            created=False,
        )
    plan = plan_reuse(audit)
    if plan is None:
        raise ValidationError(
            _("The employer has no approved audit before this one to start from.")
        )
    ElementReference.objects.bulk_create([*plan.carried, *plan.not_carried])
    audit.started_from = plan.source
    lifecycle.update(audit, actor, ["started_from", "updated_at"])
    return plan
