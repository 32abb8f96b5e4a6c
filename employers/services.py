"""Every change to employers and their records: validated, atomic, with who and when."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from cor_portal import lifecycle
from cor_portal.accounts.choices import Role
from cor_portal.program.models import ProgramRules

from . import sizing
from .choices import InteractionKind, InteractionSource, Program
from .models import (
    CONTACT_DETAIL_FIELDS,
    EMPLOYER_DETAIL_FIELDS,
    ClassificationUnit,
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
    Interaction,
    Registration,
)

User = get_user_model()


REFUSAL = gettext_lazy("An employer that is %(status)s cannot be moved this way (%(action)s).")


def validate_account_number(number: str, *, on: date) -> None:
    """Refuse an account number that is not digits only within the rules' length (R-1)."""
    rules = ProgramRules.objects.in_force(on)
    low, high = rules.account_number_min_digits, rules.account_number_max_digits
    # str.isdigit() also accepts "²" and full-width digits; WorkSafeBC numbers are ASCII.
    if not (number.isascii() and number.isdigit()) or not low <= len(number) <= high:
        raise ValidationError(
            {
                "account_number": _(
                    "A WorkSafeBC account number is %(low)s to %(high)s digits, with no "
                    "spaces or letters."
                )
                % {"low": low, "high": high}
            }
        )


def assess_size(employer: Employer, *, on: date, rules: ProgramRules | None = None) -> None:
    """Set the employer's size class from its payroll hours or headcount (R-2), unsaved.

    ``rules`` are those in force on the date; pass them when assessing many employers.
    """
    if employer.employees is None and employer.payroll_hours is None:
        employer.size_class = ""
    else:
        rules = rules or ProgramRules.objects.in_force(on)
        employer.size_class = sizing.size_class(
            employees=employer.employees,
            payroll_hours=(
                Decimal(employer.payroll_hours) if employer.payroll_hours is not None else None
            ),
            threshold=rules.large_employer_threshold,
            hours_per_fte=rules.hours_per_fte,
        )
    employer.size_assessed_on = on


def _check_unique_account(number: str, *, exclude_pk: int | None = None) -> None:
    clash = Employer.objects.filter(account_number=number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"account_number": _("Another employer already has this account number.")}
        )


@transaction.atomic
def create_employer(
    *,
    actor: Any,
    legal_name: str,
    account_number: str,
    region: str,
    sector: str,
    classification_units: list[ClassificationUnit],
    on: date | None = None,
    **details: Any,
) -> Employer:
    """Record a new employer as an enquiry, with its size class assessed."""
    on = on or lifecycle.today()
    lifecycle.check_fields(details, EMPLOYER_DETAIL_FIELDS)
    validate_account_number(account_number, on=on)
    _check_unique_account(account_number)
    employer = Employer(
        legal_name=legal_name,
        account_number=account_number,
        region=region,
        sector=sector,
        status_changed_on=on,
        **details,
    )
    if not classification_units:
        raise ValidationError(
            {"classification_units": _("Choose at least one classification unit.")}
        )
    assess_size(employer, on=on)
    lifecycle.save(employer, actor, exclude=["classification_units", "status"])
    employer.classification_units.set(classification_units)
    return employer


@transaction.atomic
def update_employer(
    *,
    employer: Employer,
    actor: Any,
    classification_units: list[ClassificationUnit] | None = None,
    on: date | None = None,
    **changes: Any,
) -> Employer:
    """Change an employer's details and reassess its size class; the status is not touched."""
    on = on or lifecycle.today()
    lifecycle.check_fields(changes, EMPLOYER_DETAIL_FIELDS)
    number = changes.get("account_number", employer.account_number)
    if number != employer.account_number:
        validate_account_number(number, on=on)
        _check_unique_account(number, exclude_pk=employer.pk)
    for name, value in changes.items():
        setattr(employer, name, value)
    if classification_units is not None and not classification_units:
        raise ValidationError(
            {"classification_units": _("Choose at least one classification unit.")}
        )
    assess_size(employer, on=on)
    lifecycle.save(employer, actor, exclude=["classification_units", "status"])
    if classification_units is not None:
        employer.classification_units.set(classification_units)
    return employer


@transaction.atomic
def recompute_size_classes(*, on: date | None = None, actor: Any = None) -> int:
    """Reassess every employer's size class for a new year (R-2); return how many changed."""
    on = on or lifecycle.today()
    rules = ProgramRules.objects.in_force(on)
    changed = []
    # Whole rows: the history rows bulk_update_with_history writes read every field, and a
    # deferred field would cost one query per employer.
    for employer in Employer.objects.order_by("pk").iterator(chunk_size=2000):
        before = employer.size_class
        assess_size(employer, on=on, rules=rules)
        if employer.size_class != before:
            changed.append(employer)
    bulk_update_with_history(
        changed, Employer, ["size_class", "size_assessed_on"], batch_size=500, default_user=actor
    )
    Employer.objects.update(size_assessed_on=on)
    return len(changed)


# R-3 lifecycle ------------------------------------------------------------------------------


def _move(employer: Employer, action: str, *, actor: Any, on: date | None, reason: str) -> Employer:
    """Move the employer through one lifecycle transition (R-3) and record it."""
    return lifecycle.move(
        employer,
        action,
        actor=actor,
        on=on,
        reason=reason,
        record=EmployerStatusChange,
        owner_field="employer",
        refusal=str(REFUSAL),
        exclude=("classification_units",),
    )


@transaction.atomic
def register_employer(
    *,
    employer: Employer,
    actor: Any,
    reason: str,
    on: date | None = None,
    program: str = Program.OHS,
) -> Employer:
    """Register the employer (R-1): its CUs must be the association's, or NAO-approved.

    Records the registration and offers a gap analysis (R-4) if none is open.
    """
    on = on or lifecycle.today()
    # Judge R-1 on the row as it is now (locked until commit), not on the caller's copy.
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    # Before R-1: a certified NAO is refused for its status, not for its approval.
    lifecycle.check_allowed(employer, "register", str(REFUSAL))
    units = list(employer.classification_units.all())
    if not units:
        raise ValidationError(_("Record the employer's classification units before registering."))
    if any(not unit.aligned for unit in units):
        if not employer.nao_approved_on:
            raise ValidationError(
                _(
                    "This employer has classification units outside the association's "
                    "(a naturally aligned organization): record WorkSafeBC's approval date "
                    "and reference before registering."
                )
            )
        if employer.nao_approved_on > on:
            raise ValidationError(
                _("WorkSafeBC's approval (%(approved)s) must come before registration.")
                % {"approved": employer.nao_approved_on.isoformat()}
            )
    employer = _move(employer, "register", actor=actor, on=on, reason=reason)
    Registration.objects.get_or_create(
        employer=employer,
        program=program,
        registered_on=on,
        defaults={"recorded_by": lifecycle.actor_or_none(actor)},
    )
    if not employer.gap_analyses.waiting().exists():
        GapAnalysis.objects.create(employer=employer, offered_on=on)
    return employer


@transaction.atomic
def start_certification(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Begin certification (or recertification after a lapse)."""
    return _move(employer, "start_certification", actor=actor, on=on, reason=reason)


@transaction.atomic
def certify_employer(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Record that the employer holds a certificate."""
    return _move(employer, "certify", actor=actor, on=on, reason=reason)


@transaction.atomic
def fail_certification(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Return the employer to registered after an unsuccessful certification audit."""
    return _move(employer, "fail_certification", actor=actor, on=on, reason=reason)


@transaction.atomic
def lapse_employer(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Record that the employer's certificate lapsed."""
    return _move(employer, "lapse", actor=actor, on=on, reason=reason)


@transaction.atomic
def withdraw_employer(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Record that the employer left the program."""
    return _move(employer, "withdraw", actor=actor, on=on, reason=reason)


@transaction.atomic
def remove_employer(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Remove the employer from the program."""
    return _move(employer, "remove", actor=actor, on=on, reason=reason)


@transaction.atomic
def reopen_employer(
    *, employer: Employer, actor: Any, reason: str, on: date | None = None
) -> Employer:
    """Bring a withdrawn employer back as an enquiry."""
    return _move(employer, "reopen", actor=actor, on=on, reason=reason)


@dataclass(frozen=True)
class LifecycleAction:
    """A lifecycle transition as staff see it: its service and how it is presented."""

    name: str
    label: Any
    service: Callable[..., Employer]
    destructive: bool = False


LIFECYCLE_ACTIONS: dict[str, LifecycleAction] = {
    action.name: action
    for action in (
        LifecycleAction("register", gettext_lazy("Register"), register_employer),
        LifecycleAction(
            "start_certification", gettext_lazy("Start certification"), start_certification
        ),
        LifecycleAction("certify", gettext_lazy("Mark certified"), certify_employer),
        LifecycleAction(
            "fail_certification",
            gettext_lazy("Certification audit unsuccessful"),
            fail_certification,
            destructive=True,
        ),
        LifecycleAction("lapse", gettext_lazy("Mark lapsed"), lapse_employer, destructive=True),
        LifecycleAction("withdraw", gettext_lazy("Withdraw"), withdraw_employer, destructive=True),
        LifecycleAction(
            "remove", gettext_lazy("Remove from program"), remove_employer, destructive=True
        ),
        LifecycleAction("reopen", gettext_lazy("Reopen as enquiry"), reopen_employer),
    )
}


def available_actions(employer: Employer) -> list[LifecycleAction]:
    """Return the lifecycle actions the employer's current status allows."""
    allowed = {t.name for t in employer.get_available_status_transitions()}
    return [action for name, action in LIFECYCLE_ACTIONS.items() if name in allowed]


def status_after(employer: Employer, action: str) -> str:
    """Return the status the action would lead to."""
    for t in employer.get_all_status_transitions():
        if t.name == action:
            return str(t.target)
    raise KeyError(action)


# Contacts -----------------------------------------------------------------------------------


def _clear_other_primary(contact: Contact, actor: Any) -> None:
    """Take the primary flag from the employer's other contact (at most one), with history."""
    if not contact.is_primary:
        return
    others = Contact.objects.filter(employer_id=contact.employer_id, is_primary=True)
    for other in others.exclude(pk=contact.pk).select_for_update():
        other.is_primary = False
        lifecycle.update(other, actor, ["is_primary"])


@transaction.atomic
def add_contact(*, employer: Employer, actor: Any, **fields: Any) -> Contact:
    """Add a contact; a new primary contact replaces the previous one."""
    lifecycle.check_fields(fields, CONTACT_DETAIL_FIELDS)
    contact = Contact(employer=employer, **fields)
    _clear_other_primary(contact, actor)
    lifecycle.save(contact, actor, exclude=["user"], validate_constraints=False)
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, actor: Any, **changes: Any) -> Contact:
    """Change a contact's details; a new primary contact replaces the previous one."""
    lifecycle.check_fields(changes, CONTACT_DETAIL_FIELDS)
    for name, value in changes.items():
        setattr(contact, name, value)
    _clear_other_primary(contact, actor)
    lifecycle.save(contact, actor, exclude=["user"], validate_constraints=False)
    if contact.user is not None and "email" in changes and contact.user.email != contact.email:
        User.objects.filter(pk=contact.user.pk).update(email=contact.email)
    return contact


@transaction.atomic
def remove_contact(*, contact: Contact, actor: Any) -> None:
    """Remove a contact; a portal login it held is deactivated, keeping its history."""
    if actor is not None and contact.user_id and contact.user_id == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot remove your own contact record."))
    if contact.user_id:
        User.objects.filter(pk=contact.user_id).update(is_active=False)
    lifecycle.delete(contact, actor)


@transaction.atomic
def grant_portal_access(
    *, contact: Contact, actor: Any, username: str, password: str | None = None
) -> Any:
    """Give a contact a portal login with the employer role."""
    if contact.user_id:
        raise ValidationError(_("This contact already has a portal login."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(
        username=username,
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        role=Role.EMPLOYER,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    contact.user = user
    lifecycle.update(contact, actor, ["user"])
    return user


# Interactions and gap analyses --------------------------------------------------------------

INTERACTION_FIELDS = (
    "kind",
    "source",
    "occurred_on",
    "staff_member",
    "summary",
    "notes",
    "follow_up_due",
    "follow_up_done_on",
)
GAP_ANALYSIS_FIELDS = (
    "offered_on",
    "requested_on",
    "scheduled_on",
    "completed_on",
    "declined_on",
    "consultant",
    "findings",
    "report",
)


def _save_child(obj: Any, actor: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> Any:
    lifecycle.check_fields(fields, allowed)
    for name, value in fields.items():
        setattr(obj, name, value)
    return lifecycle.save(obj, actor)


@transaction.atomic
def log_interaction(*, employer: Employer, actor: Any, **fields: Any) -> Interaction:
    """Log an enquiry, consultation or outreach contact with its source (R-4)."""
    fields.setdefault("staff_member", lifecycle.actor_or_none(actor))
    return _save_child(Interaction(employer=employer), actor, fields, INTERACTION_FIELDS)


@transaction.atomic
def update_interaction(*, interaction: Interaction, actor: Any, **changes: Any) -> Interaction:
    """Change an interaction's details or record its follow-up as done."""
    return _save_child(interaction, actor, changes, INTERACTION_FIELDS)


@transaction.atomic
def complete_follow_up(
    *, interaction: Interaction, actor: Any, on: date | None = None
) -> Interaction:
    """Record that an interaction's follow-up was done."""
    if interaction.follow_up_due is None:
        raise ValidationError(_("This interaction has no follow-up to complete."))
    return _save_child(
        interaction, actor, {"follow_up_done_on": on or lifecycle.today()}, INTERACTION_FIELDS
    )


# What the employer's contacts ask for from the portal: each request is an interaction
# for staff, with its follow-up due the day it is made so it shows on the staff home at once.
REQUEST_SUMMARIES: dict[str, Any] = {
    InteractionKind.GAP_ANALYSIS_REQUEST: gettext_lazy("Asked for a gap analysis (%(name)s)"),
    InteractionKind.CONSULTATION_REQUEST: gettext_lazy("Asked for a consultation (%(name)s)"),
}
REQUEST_PENDING: dict[str, Any] = {
    InteractionKind.GAP_ANALYSIS_REQUEST: gettext_lazy(
        "You asked for a gap analysis on %(date)s and the COR team has not answered yet. "
        "They will contact you; you can ask again once they have."
    ),
    InteractionKind.CONSULTATION_REQUEST: gettext_lazy(
        "You asked for a consultation on %(date)s and the COR team has not answered yet. "
        "They will contact you; you can ask again once they have."
    ),
}


@transaction.atomic
def request_from_portal(
    *, employer: Employer, actor: Any, kind: str, message: str = "", on: date | None = None
) -> Interaction:
    """Record a contact's request for a gap analysis or a consultation, for staff to follow up.

    Only a portal login of the employer's own contacts may ask. One request of a kind stays
    open at a time: until staff mark its follow-up done, another is refused. A gap analysis
    request also marks the employer's open offer as requested (or records one, offered and
    requested that day); one already requested or scheduled is refused.
    """
    if kind not in REQUEST_SUMMARIES:
        raise ValidationError({"kind": _("Choose what you would like to ask for.")})
    contact = (
        Contact.objects.filter(
            employer=employer, user=actor, user__role=Role.EMPLOYER, user__is_active=True
        )
        .only("first_name", "last_name")
        .first()
        if getattr(actor, "pk", None)
        else None
    )
    if contact is None:
        raise PermissionDenied(_("Only the employer's own contacts can ask on its behalf."))
    on = on or lifecycle.today()
    # One request at a time per employer: a second click waits here, then finds the first.
    Employer.objects.select_for_update().filter(pk=employer.pk).values_list("pk").get()
    pending = (
        Interaction.objects.filter(employer=employer, kind=kind)
        .requests_open()
        .order_by("occurred_on", "pk")
        .first()
    )
    if pending is not None:
        raise ValidationError(REQUEST_PENDING[kind] % {"date": pending.occurred_on.isoformat()})
    if kind == InteractionKind.GAP_ANALYSIS_REQUEST:
        _request_gap_analysis(employer, actor=actor, on=on)
    fields = {
        "kind": kind,
        "source": InteractionSource.PORTAL,
        "occurred_on": on,
        "staff_member": None,
        "summary": str(REQUEST_SUMMARIES[kind] % {"name": contact.full_name}),
        "notes": message.strip(),
        "follow_up_due": on,
    }
    return _save_child(Interaction(employer=employer), actor, fields, INTERACTION_FIELDS)


def _request_gap_analysis(employer: Employer, *, actor: Any, on: date) -> GapAnalysis:
    """Mark the employer's open gap analysis offer as requested, or record a new one."""
    offer = (
        GapAnalysis.objects.filter(employer=employer)
        .waiting()
        .select_for_update()
        .order_by("-offered_on", "-pk")
        .first()
    )
    if offer is None:
        return _save_child(
            GapAnalysis(employer=employer),
            actor,
            {"offered_on": on, "requested_on": on},
            GAP_ANALYSIS_FIELDS,
        )
    if offer.scheduled_on:
        raise ValidationError(
            _("Your gap analysis is scheduled for %(date)s: the COR team will be in touch.")
            % {"date": offer.scheduled_on.isoformat()}
        )
    if offer.requested_on:
        raise ValidationError(
            _(
                "Your gap analysis was requested on %(date)s: the COR team will contact you "
                "to schedule it."
            )
            % {"date": offer.requested_on.isoformat()}
        )
    return _save_child(offer, actor, {"requested_on": on}, GAP_ANALYSIS_FIELDS)


@transaction.atomic
def record_gap_analysis(*, employer: Employer, actor: Any, **fields: Any) -> GapAnalysis:
    """Record a gap analysis offered to (or requested by) the employer."""
    fields.setdefault("offered_on", lifecycle.today())
    _no_report_is_none(fields)
    return _save_child(GapAnalysis(employer=employer), actor, fields, GAP_ANALYSIS_FIELDS)


@transaction.atomic
def update_gap_analysis(*, gap_analysis: GapAnalysis, actor: Any, **changes: Any) -> GapAnalysis:
    """Change a gap analysis: request, schedule, complete or decline it, or add findings.

    ``report=None`` (or ``False``, a form's "clear" box) removes the report from the record;
    the stored file stays, as the history still names it.
    """
    _no_report_is_none(changes)
    return _save_child(gap_analysis, actor, changes, GAP_ANALYSIS_FIELDS)


def _no_report_is_none(fields: dict[str, Any]) -> None:
    # A form's cleared file is False, which the model would try to validate as a file.
    if "report" in fields and not fields["report"]:
        fields["report"] = None


@transaction.atomic
def save_classification_unit(
    *, actor: Any, unit: ClassificationUnit | None = None, **fields: Any
) -> ClassificationUnit:
    """Create or change a classification unit."""
    return _save_child(
        unit or ClassificationUnit(), actor, fields, ("code", "description", "aligned")
    )


@transaction.atomic
def delete_classification_unit(*, unit: ClassificationUnit, actor: Any) -> None:
    """Delete a classification unit no employer holds."""
    if unit.employers.exists():
        raise ValidationError(
            _("%(count)s employers hold this classification unit; it cannot be deleted.")
            % {"count": unit.employers.count()}
        )
    lifecycle.delete(unit, actor)
