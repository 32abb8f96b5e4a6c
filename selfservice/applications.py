"""Online applications for COR registration: submit (public), approve or reject (staff)."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cor_portal import lifecycle
from employers import services as employer_services
from employers.choices import EmployerStatus
from employers.models import ClassificationUnit, Contact, Employer

from . import services
from .models import Application, ApplicationState

# Statuses from which R-3 lets an existing employer be registered by an approval.
REGISTRABLE = {EmployerStatus.ENQUIRY, EmployerStatus.WITHDRAWN, EmployerStatus.LAPSED}
APPLICATION_FIELDS = (
    "legal_name",
    "trade_name",
    "account_number",
    "region",
    "sector",
    "employees",
    "payroll_hours",
    "street",
    "city",
    "postal_code",
    "sites",
    "nao_approved_on",
    "nao_reference",
    "contact_first_name",
    "contact_last_name",
    "contact_title",
    "contact_email",
    "contact_phone",
)


def rate_limited(ip: str) -> bool:
    """Count one submission from the address; return True past APPLICATIONS_PER_HOUR an hour."""
    key = f"selfservice:apply:{ip}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > getattr(settings, "APPLICATIONS_PER_HOUR", 5)


def check_application(
    *, classification_units: list[ClassificationUnit], on: Any = None, **fields: Any
) -> None:
    """Refuse (ValidationError by field) what the registry would refuse later (R-1, R-2)."""
    on = on or lifecycle.today()
    errors: dict[str, list[str]] = {}
    try:
        employer_services.validate_account_number(fields.get("account_number") or "", on=on)
    except ValidationError as error:
        errors.update(error.message_dict)
    if fields.get("employees") is None and fields.get("payroll_hours") is None:
        errors.setdefault("employees", []).append(
            _("Give your number of employees in BC or your annual payroll hours.")
        )
    if not classification_units:
        errors.setdefault("classification_units", []).append(
            _("Choose at least one classification unit.")
        )
    if any(not unit.aligned for unit in classification_units):
        if not fields.get("nao_approved_on") or not fields.get("nao_reference"):
            errors.setdefault("nao_approved_on", []).append(
                _(
                    "Some of your classification units are outside the association's: give "
                    "the date and reference of WorkSafeBC's approval to join our program."
                )
            )
        elif fields["nao_approved_on"] > on:
            errors.setdefault("nao_approved_on", []).append(
                _("WorkSafeBC's approval date cannot be in the future.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_application(
    *, classification_units: list[ClassificationUnit], **fields: Any
) -> Application:
    """Record an application; flag an employer already recorded with the account number."""
    lifecycle.check_fields(fields, APPLICATION_FIELDS)
    check_application(classification_units=classification_units, **fields)
    application = Application(**fields)
    application.duplicate_of = Employer.objects.filter(
        account_number=application.account_number
    ).first()
    application.full_clean()
    application.save()
    application.classification_units.set(classification_units)
    return application


def _decide(application: Application, actor: Any, state: str, reason: str) -> None:
    application.state = state
    application.decided_by = lifecycle.actor_or_none(actor)
    application.decided_at = timezone.now()
    application.decision_reason = reason
    lifecycle.stamp(application, actor)
    application.save()


def _lock_waiting(application: Application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != ApplicationState.SUBMITTED:
        raise ValidationError(_("This application was decided already."))
    return application


@transaction.atomic
def approve_application(*, application: Application, actor: Any, reason: str = "") -> Application:
    """Register the applicant and invite its contact.

    A new employer is created as an enquiry and registered (R-1, R-3). An employer already
    recorded with the account number is registered only when R-3 allows it (an enquiry, a
    withdrawn or a lapsed employer); otherwise its status stays. The contact is added (primary
    when the employer has none) and invited to set a password.
    """
    application = _lock_waiting(application)
    units = list(application.classification_units.all())
    reason = reason or _("Online application approved")
    employer = Employer.objects.filter(account_number=application.account_number).first()
    if employer is None:
        employer = employer_services.create_employer(
            actor=actor,
            legal_name=application.legal_name,
            trade_name=application.trade_name,
            account_number=application.account_number,
            region=application.region,
            sector=application.sector,
            classification_units=units,
            street=application.street,
            city=application.city,
            postal_code=application.postal_code,
            employees=application.employees,
            payroll_hours=application.payroll_hours,
            nao_approved_on=application.nao_approved_on,
            nao_reference=application.nao_reference,
            notes=_("Work sites: %(sites)s") % {"sites": application.sites}
            if application.sites
            else "",
        )
    if employer.status in REGISTRABLE:
        employer = employer_services.register_employer(
            employer=employer, actor=actor, reason=reason
        )
    contact = Contact.objects.filter(
        employer=employer, email__iexact=application.contact_email
    ).first()
    if contact is None:
        contact = employer_services.add_contact(
            employer=employer,
            actor=actor,
            first_name=application.contact_first_name,
            last_name=application.contact_last_name,
            title=application.contact_title,
            email=application.contact_email,
            phone=application.contact_phone,
            is_primary=not Contact.objects.filter(employer=employer, is_primary=True).exists(),
        )
    if contact.user_id is None:
        services.invite_contact(contact=contact, actor=actor)
    application.employer = employer
    _decide(application, actor, ApplicationState.APPROVED, reason)
    return application


@transaction.atomic
def reject_application(*, application: Application, actor: Any, reason: str) -> Application:
    """Refuse the application with a reason, and email the reason to the applicant."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason; the applicant receives it.")})
    application = _lock_waiting(application)
    _decide(application, actor, ApplicationState.REJECTED, reason.strip())
    services.email_person(
        address=application.contact_email,
        name=application.contact_first_name,
        subject=_("Your COR registration application"),
        template="application_rejected",
        context={"application": application},
    )
    return application
