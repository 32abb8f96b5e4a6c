from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, Transition, transition
from simple_history.models import HistoricalRecords

from cor_portal.lifecycle import StatusChange
from cor_portal.uploads import PDF_VALIDATORS, RandomUploadPath

from .choices import (
    EmployerStatus,
    InteractionKind,
    InteractionSource,
    Program,
    Region,
    Sector,
    SizeClass,
)
from .querysets import (
    EmployerChildQuerySet,
    EmployerQuerySet,
    GapAnalysisQuerySet,
    InteractionQuerySet,
)

S = EmployerStatus
digits_only = RegexValidator(r"^[0-9]+$", _("Use digits only."), code="digits_only")
six_digits = RegexValidator(
    r"^[0-9]{6}$", _("A classification unit is six digits."), code="cu_format"
)


# The details staff edit (the status and size class change only through services).
EMPLOYER_DETAIL_FIELDS = (
    "legal_name",
    "trade_name",
    "account_number",
    "street",
    "city",
    "postal_code",
    "region",
    "sector",
    "employees",
    "payroll_hours",
    "nao_approved_on",
    "nao_reference",
    "notes",
)
CONTACT_DETAIL_FIELDS = ("first_name", "last_name", "title", "email", "phone", "is_primary")


class ClassificationUnit(models.Model):
    """A WorkSafeBC classification unit (CU): six digits and what it covers (R-1)."""

    code = models.CharField(_("code"), max_length=6, unique=True, validators=[six_digits])
    description = models.CharField(_("description"), max_length=200)
    aligned = models.BooleanField(
        _("association's own CU"),
        default=True,
        help_text=_(
            "Employers in the association's own CUs may register directly; others are "
            "naturally aligned organizations and need WorkSafeBC approval first."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification unit")
        verbose_name_plural = _("classification units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="cu_code_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("employers:cu-update", args=[self.pk])


class Employer(FSMModelMixin, models.Model):
    """An organization in (or considering) the COR program, with its lifecycle (R-1 to R-3).

    The status moves only through the transitions listed here, each called by one service in
    ``employers.services`` that checks its rule and records who, when and why.
    """

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    account_number = models.CharField(
        _("WorkSafeBC account number"),
        max_length=20,
        unique=True,
        validators=[digits_only],
        error_messages={"unique": _("Another employer already has this account number.")},
    )
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    employees = models.PositiveIntegerField(_("employees in BC"), null=True, blank=True)
    payroll_hours = models.DecimalField(
        _("annual payroll hours"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("When known, FTE = hours / 2,080 decides the size class."),
    )
    size_class = models.CharField(
        _("size class"), max_length=8, choices=SizeClass.choices, blank=True
    )
    size_assessed_on = models.DateField(_("size assessed on"), null=True, blank=True)
    status = FSMField(
        _("status"), max_length=32, choices=S.choices, default=S.ENQUIRY, protected=True
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    nao_approved_on = models.DateField(_("WorkSafeBC NAO approval date"), null=True, blank=True)
    nao_reference = models.CharField(_("WorkSafeBC approval reference"), max_length=64, blank=True)
    classification_units = models.ManyToManyField(
        ClassificationUnit, related_name="employers", verbose_name=_("classification units")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    if TYPE_CHECKING:  # django-fsm adds these for the status field
        get_available_status_transitions: Callable[[], Iterator[Transition]]
        get_all_status_transitions: Callable[[], Iterator[Transition]]

    history = HistoricalRecords(m2m_fields=[classification_units])
    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["legal_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account_number__regex=r"^[0-9]+$"), name="employer_account_digits"
            ),
            models.CheckConstraint(
                condition=Q(payroll_hours__isnull=True) | Q(payroll_hours__gte=0),
                name="employer_payroll_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(nao_reference="") | Q(nao_approved_on__isnull=False),
                name="employer_nao_reference_has_date",
            ),
            models.CheckConstraint(condition=Q(status__in=S.values), name="employer_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "legal_name"]),
            models.Index(fields=["region", "legal_name"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", args=[self.pk])

    def clean(self) -> None:
        """Refuse an NAO reference without its approval date, beside the date field.

        The database constraint ``employer_nao_reference_has_date`` holds the same rule; this
        gives forms and services a message on the field instead of the constraint's name.
        """
        if self.nao_reference and not self.nao_approved_on:
            raise ValidationError(
                {"nao_approved_on": _("Record the date WorkSafeBC approved the reference.")}
            )

    @property
    def display_name(self) -> str:
        """Return the trade name with the legal name, or the legal name alone."""
        if self.trade_name and self.trade_name != self.legal_name:
            return f"{self.trade_name} ({self.legal_name})"
        return self.legal_name

    # R-3 lifecycle. Each method only moves the state; services do the rest.

    @transition(field=status, source=[S.ENQUIRY, S.WITHDRAWN, S.LAPSED], target=S.REGISTERED)
    def register(self) -> None:
        """Register for the program."""

    @transition(field=status, source=[S.REGISTERED, S.LAPSED], target=S.CERTIFICATION_IN_PROGRESS)
    def start_certification(self) -> None:
        """Start the certification (or recertification after a lapse) audit."""

    @transition(field=status, source=S.CERTIFICATION_IN_PROGRESS, target=S.CERTIFIED)
    def certify(self) -> None:
        """Hold a certificate."""

    @transition(field=status, source=S.CERTIFICATION_IN_PROGRESS, target=S.REGISTERED)
    def fail_certification(self) -> None:
        """Return to registered after an unsuccessful certification audit."""

    @transition(field=status, source=S.CERTIFIED, target=S.LAPSED)
    def lapse(self) -> None:
        """Lose the certificate (missed maintenance audit, failed recertification)."""

    @transition(
        field=status,
        source=[S.ENQUIRY, S.REGISTERED, S.CERTIFICATION_IN_PROGRESS, S.CERTIFIED, S.LAPSED],
        target=S.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """Leave the program by the employer's choice."""

    @transition(
        field=status,
        source=[S.REGISTERED, S.CERTIFICATION_IN_PROGRESS, S.CERTIFIED, S.LAPSED],
        target=S.REMOVED,
    )
    def remove(self) -> None:
        """Be removed from the program by the association."""

    @transition(field=status, source=S.WITHDRAWN, target=S.ENQUIRY)
    def reopen(self) -> None:
        """Come back as an enquiry after withdrawing."""


class EmployerStatusChange(StatusChange):
    """One move through the lifecycle: from, to, when, who and why (R-3)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=32, choices=S.choices)
    to_status = models.CharField(_("to"), max_length=32, choices=S.choices)

    objects = EmployerChildQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # An employer's latest change before a date (its status then: the retention KPI
            # asks it of every employer), read from the index without sorting.
            models.Index(fields=["employer", "-changed_on", "-id"], name="statuschange_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.employer}: {self.from_status} → {self.to_status} on {self.changed_on}"


class Contact(models.Model):
    """A person at an employer; with a portal login, the employer's user (role employer)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employer_contact",
        verbose_name=_("portal login"),
    )

    history = HistoricalRecords()
    objects = EmployerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_employer",
                violation_error_message=_("This employer already has a primary contact."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", args=[self.employer_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Registration(models.Model):
    """An employer's registration in a COR program on a date."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="registrations")
    program = models.CharField(_("program"), max_length=8, choices=Program.choices)
    registered_on = models.DateField(_("registered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = EmployerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "program", "registered_on"], name="registration_unique_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} - {self.get_program_display()} ({self.registered_on})"


class GapAnalysis(models.Model):
    """A COR readiness gap analysis, offered to every new registrant (R-4)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="gap_analyses")
    offered_on = models.DateField(_("offered on"))
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    scheduled_on = models.DateField(_("scheduled for"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    declined_on = models.DateField(_("declined on"), null=True, blank=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultant"),
    )
    findings = models.TextField(_("findings"), blank=True)
    report = models.FileField(
        _("report (PDF)"),
        upload_to=RandomUploadPath("gap-analyses"),
        blank=True,
        validators=PDF_VALIDATORS,
    )

    history = HistoricalRecords()
    objects = GapAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("gap analysis")
        verbose_name_plural = _("gap analyses")
        ordering = ["-offered_on", "-pk"]
        indexes = [models.Index(fields=["offered_on", "id"], name="gapanalysis_offered_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_on__isnull=True) | Q(requested_on__gte=F("offered_on")),
                name="gapanalysis_requested_after_offer",
                violation_error_message=_(
                    "A gap analysis cannot be requested before it is offered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(scheduled_on__isnull=True) | Q(scheduled_on__gte=F("offered_on")),
                name="gapanalysis_scheduled_after_offer",
                violation_error_message=_(
                    "A gap analysis cannot be scheduled before it is offered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("offered_on")),
                name="gapanalysis_completed_after_offer",
                violation_error_message=_(
                    "A gap analysis cannot be completed before it is offered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(declined_on__isnull=True),
                name="gapanalysis_completed_or_declined",
                violation_error_message=_(
                    "A gap analysis is either completed or declined, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Gap analysis for {self.employer} (offered {self.offered_on})"

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", args=[self.employer_id])

    @property
    def stage(self) -> str:
        """Return where the analysis stands: offered, requested, scheduled, completed, declined."""
        if self.completed_on:
            return "completed"
        if self.declined_on:
            return "declined"
        if self.scheduled_on:
            return "scheduled"
        if self.requested_on:
            return "requested"
        return "offered"


class Interaction(models.Model):
    """An enquiry, consultation or outreach contact with an employer, with its source (R-4)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=32, choices=InteractionKind.choices)
    source = models.CharField(_("source"), max_length=32, choices=InteractionSource.choices)
    occurred_on = models.DateField(_("date"))
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    summary = models.CharField(_("summary"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["follow_up_due"], name="interaction_follow_up_due"),
            # The newest first (the list's order): read in index order, not sorted.
            models.Index(fields=["-occurred_on", "-id"], name="interaction_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=F("occurred_on")),
                name="interaction_follow_up_after_date",
                violation_error_message=_("A follow-up cannot be due before the interaction."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", args=[self.employer_id])
