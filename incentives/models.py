"""Incentives (R-17 to R-20): base rates, payroll, eligibility facts, incentives and letters.

An ``Incentive`` freezes the figures it was computed from in its ``IncentiveLine`` rows, and a
``Letter`` keeps its own copy of them with its PDF: editing a payroll or a base rate later
changes neither until a run recomputes the incentive, and a letter already sent never changes
(a re-issue is a new version).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models import Certificate
from employers.models import ClassificationUnit, Employer

from .choices import (
    TONES,
    DecisionOutcome,
    ExclusionKind,
    IncentiveStatus,
    LineKind,
    RunStatus,
)
from .querysets import EmployerScopedQuerySet, PayrollQuerySet, StaffOnlyQuerySet

FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def _year(verbose: str = "year") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(_(verbose), validators=YEAR_VALIDATORS)


def _year_range(name: str, field: str = "year") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": FIRST_YEAR}) & Q(**{f"{field}__lte": LAST_YEAR}),
        name=name,
    )


class BaseRate(models.Model):
    """A CU's base assessment rate for a year: dollars per $100 of assessable payroll."""

    unit = models.ForeignKey(
        ClassificationUnit,
        on_delete=models.PROTECT,
        related_name="base_rates",
        verbose_name=_("classification unit"),
    )
    year = _year()
    rate = models.DecimalField(
        _("base rate ($ per $100 of payroll)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("base rate")
        verbose_name_plural = _("base rates")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="baserate_unique_unit_year",
                violation_error_message=_("This CU already has a base rate for the year."),
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="baserate_not_negative"),
            _year_range("baserate_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}: ${self.rate}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:base-rate-update", args=[self.pk])


class Payroll(models.Model):
    """An employer's assessable payroll in a CU for a year, as WorkSafeBC reports it."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="payrolls", verbose_name=_("employer")
    )
    unit = models.ForeignKey(
        ClassificationUnit,
        on_delete=models.PROTECT,
        related_name="payrolls",
        verbose_name=_("classification unit"),
    )
    year = _year()
    assessable_payroll = models.DecimalField(
        _("assessable payroll ($)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = PayrollQuerySet.as_manager()

    class Meta:
        verbose_name = _("payroll")
        verbose_name_plural = _("payrolls")
        ordering = ["-year", "employer__legal_name", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "unit", "year"],
                name="payroll_unique_employer_unit_year",
                violation_error_message=_(
                    "This employer already has a payroll for the CU and year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(assessable_payroll__gte=0), name="payroll_not_negative"
            ),
            _year_range("payroll_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.unit.code} {self.year}: ${self.assessable_payroll}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:payroll-update", args=[self.pk])


class Exclusion(models.Model):
    """R-18: something in the assessment year that takes the incentive away, and its source."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    year = _year("assessment year")
    kind = models.CharField(_("exclusion"), max_length=32, choices=ExclusionKind.choices)
    occurred_on = models.DateField(_("date"))
    source = models.CharField(
        _("source"), max_length=200, help_text=_("Where it is recorded, e.g. a WorkSafeBC notice.")
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()
    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        ordering = ["-year", "-occurred_on", "-pk"]
        constraints = [_year_range("exclusion_year_range")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on}, {self.source})"


class Appeal(models.Model):
    """R-18: an appeal for the year; the incentive is deferred while it is pending."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    year = _year("assessment year")
    filed_on = models.DateField(_("filed on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-year", "-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("filed_on")),
                name="appeal_resolved_after_filed",
                violation_error_message=_("An appeal cannot be resolved before it is filed."),
            ),
            _year_range("appeal_year_range"),
        ]

    def __str__(self) -> str:
        state = f"resolved {self.resolved_on}" if self.resolved_on else "pending"
        return f"Appeal filed {self.filed_on} ({state})"

    @property
    def pending(self) -> bool:
        return self.resolved_on is None


class Decision(models.Model):
    """A staff decision on the year's eligibility, with its reason; the latest one stands."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    year = _year("assessment year")
    outcome = models.CharField(_("decision"), max_length=16, choices=DecisionOutcome.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-year", "-decided_on", "-pk"]
        constraints = [_year_range("decision_year_range")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.decided_on}): {self.reason}"


class IncentiveRun(models.Model):
    """A run for an assessment year: compute every employer's incentive, then the letters."""

    year = _year("assessment year")
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    reissue_all = models.BooleanField(
        _("re-issue every letter"),
        default=False,
        help_text=_("Otherwise a letter is issued only when it is new or its figures changed."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    employers_total = models.PositiveIntegerField(_("employers"), default=0)
    employers_done = models.PositiveIntegerField(_("employers computed"), default=0)
    eligible_count = models.PositiveIntegerField(_("eligible"), default=0)
    ineligible_count = models.PositiveIntegerField(_("ineligible"), default=0)
    deferred_count = models.PositiveIntegerField(_("deferred"), default=0)
    total_amount = models.DecimalField(
        _("total incentive ($)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    letters_expected = models.PositiveIntegerField(_("letters to issue"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("incentive run")
        verbose_name_plural = _("incentive runs")
        ordering = ["-created_at", "-pk"]
        constraints = [_year_range("incentiverun_year_range")]

    def __str__(self) -> str:
        return f"Incentive run {self.year} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:run-detail", args=[self.pk])

    @property
    def status_tone(self) -> str:
        return TONES.get(self.status, "secondary")


class Incentive(models.Model):
    """An employer's incentive for an assessment year, with the figures it was computed from."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="incentives", verbose_name=_("employer")
    )
    year = _year("assessment year")
    status = models.CharField(_("status"), max_length=16, choices=IncentiveStatus.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    base_rate_year = _year("base rate year")
    total_amount = models.DecimalField(
        _("incentive ($)"), max_digits=16, decimal_places=2, default=Decimal("0")
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    certificate_number = models.CharField(_("certificate number"), max_length=32, blank=True)
    certificate_expires_on = models.DateField(_("certificate expires on"), null=True, blank=True)
    figures_hash = models.CharField(_("figures fingerprint"), max_length=64)
    computed_at = models.DateTimeField(_("computed"))
    run = models.ForeignKey(
        IncentiveRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incentive")
        verbose_name_plural = _("incentives")
        ordering = ["-year", "employer__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="incentive_unique_year"),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0), name="incentive_amount_not_negative"
            ),
            _year_range("incentive_year_range"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:incentive-detail", args=[self.pk])

    @property
    def status_tone(self) -> str:
        return TONES.get(self.status, "secondary")

    @property
    def reason_list(self) -> list[str]:
        return [line for line in self.reasons.splitlines() if line]

    @property
    def payable_amount(self) -> Decimal:
        """Return the amount paid: the computed incentive when eligible, else nothing."""
        return self.total_amount if self.status == IncentiveStatus.ELIGIBLE else Decimal("0.00")


class IncentiveLine(models.Model):
    """One certified CU's line of an incentive: the figures used, frozen when computed."""

    incentive = models.ForeignKey(Incentive, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(
        ClassificationUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_code = models.CharField(_("CU"), max_length=6)
    unit_description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("line"), max_length=16, choices=LineKind.choices)
    assessable_payroll = models.DecimalField(
        _("assessable payroll ($)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    base_rate = models.DecimalField(
        _("base rate"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount ($)"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("incentive line")
        verbose_name_plural = _("incentive lines")
        ordering = ["incentive", "unit_code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["incentive", "unit_code", "kind"], name="incentiveline_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.kind}: ${self.amount}"


def letter_path(letter: "Letter", filename: str) -> str:
    return f"incentive-letters/{letter.year}/{letter.number}.pdf"


class Letter(models.Model):
    """R-20: a version of an incentive's letter: its PDF, SHA-256 and frozen figures."""

    incentive = models.ForeignKey(Incentive, on_delete=models.PROTECT, related_name="letters")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    year = _year("assessment year")
    version = models.PositiveSmallIntegerField(_("version"))
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    reason = models.CharField(_("why issued"), max_length=200)
    total_amount = models.DecimalField(_("incentive ($)"), max_digits=16, decimal_places=2)
    figures = models.JSONField(_("figures"), default=dict)
    figures_hash = models.CharField(_("figures fingerprint"), max_length=64)
    file = models.FileField(_("PDF"), upload_to=letter_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    run = models.ForeignKey(
        IncentiveRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incentive letter")
        verbose_name_plural = _("incentive letters")
        ordering = ["-year", "employer__legal_name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incentive", "version"], name="letter_unique_version"),
            models.UniqueConstraint(
                fields=["run", "incentive"],
                condition=Q(run__isnull=False),
                name="letter_once_per_run",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="letter_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Letter {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:letter-download", args=[self.pk])

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"
