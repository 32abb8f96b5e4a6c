from datetime import date
from decimal import Decimal

from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ProgramRulesQuerySet(models.QuerySet["ProgramRules"]):
    def in_force(self, on: date) -> "ProgramRules":
        """Return the rules in force on a date: the latest row effective on or before it.

        A date before the first row falls back to the first row, so a record dated before the
        program's earliest rules is judged by them rather than refused.
        """
        row = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        if row is None:
            row = self.order_by("effective_from").first()
        if row is None:
            raise ProgramRules.DoesNotExist("No program rules are recorded.")
        return row

    def for_year(self, year: int) -> "ProgramRules":
        """Return the rules in force for a yearly rule: those of January 1 of the year."""
        return self.in_force(date(year, 1, 1))


def _percent(default: str) -> models.DecimalField:
    return models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class ProgramRules(models.Model):
    """Every number of the COR program's rules (R-1 to R-22), as in force from a date.

    The row in force for an event is the latest whose ``effective_from`` is on or before the
    event's date (an audit: its start date; a yearly rule: January 1 of that year).
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    # R-1 employers
    account_number_min_digits = models.PositiveSmallIntegerField(
        _("account number: fewest digits"), default=6
    )
    account_number_max_digits = models.PositiveSmallIntegerField(
        _("account number: most digits"), default=10
    )
    # R-2 size class
    large_employer_threshold = models.PositiveSmallIntegerField(
        _("large employer from (employees or FTE)"), default=20
    )
    hours_per_fte = models.PositiveIntegerField(_("payroll hours per FTE"), default=2080)
    # certificates and cycles
    certificate_validity_years = models.PositiveSmallIntegerField(
        _("certificate validity (years)"), default=3
    )
    maintenance_cutoff_month = models.PositiveSmallIntegerField(
        _("maintenance onsite cutoff: month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    maintenance_cutoff_day = models.PositiveSmallIntegerField(
        _("maintenance onsite cutoff: day"),
        default=31,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # R-7 auditor independence
    consulting_cooling_off_months = models.PositiveSmallIntegerField(
        _("consulting cooling-off period (months)"), default=12
    )
    # deadlines
    notice_lead_days = models.PositiveSmallIntegerField(
        _("Notice of Audit lead (days)"), default=14
    )
    onsite_days = models.PositiveSmallIntegerField(
        _("onsite work within (days of start)"), default=45
    )
    submission_days = models.PositiveSmallIntegerField(
        _("report to QA within (days of last onsite day)"), default=30
    )
    final_report_days = models.PositiveSmallIntegerField(
        _("final report within (days of start)"), default=75
    )
    reminder_offsets = models.CharField(
        _("reminders (days before a deadline)"),
        max_length=50,
        default="14,7,1",
        validators=[validate_comma_separated_integer_list],
        help_text=_("Comma-separated whole days, largest first."),
    )
    certificate_warning_offsets = models.CharField(
        _("certificate expiry warnings (days before)"),
        max_length=50,
        default="90,30",
        validators=[validate_comma_separated_integer_list],
    )
    # R-10 scoring
    overall_pass_percent = _percent("80")
    element_pass_percent = _percent("50")
    maintenance_overall_pass_percent = _percent("80")
    maintenance_element_pass_percent = _percent("50")
    # R-13 plagiarism
    plagiarism_threshold_percent = _percent("60")
    # R-15 EAQA
    eaqa_fraction = models.DecimalField(
        _("EAQA share of the external roster"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # R-16 auditors
    auditor_certification_years = models.PositiveSmallIntegerField(
        _("auditor certification validity (years)"), default=3
    )
    student_audit_window_months = models.PositiveSmallIntegerField(
        _("student audit due within (months of training)"), default=12
    )
    requalification_warning_days = models.PositiveSmallIntegerField(
        _("show auditor renewals due within (days)"), default=90
    )
    # incentives
    incentive_percent = _percent("10")
    rtw_incentive_percent = _percent("5")
    rtw_last_assessment_year = models.PositiveSmallIntegerField(
        _("last assessment year with an RTW line"), default=2021
    )
    base_rate_year_offset = models.PositiveSmallIntegerField(
        _("base rate year"),
        default=0,
        choices=[(0, _("the assessment year (Y)")), (1, _("the following year (Y+1)"))],
    )
    # workplan
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    kpi_at_risk_percent = _percent("75")

    history = HistoricalRecords()
    objects = ProgramRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("program rules")
        verbose_name_plural = _("program rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account_number_min_digits__gte=1)
                & Q(account_number_min_digits__lte=F("account_number_max_digits")),
                name="programrules_account_digits_order",
            ),
            models.CheckConstraint(
                condition=Q(submission_days__lte=F("final_report_days"))
                & Q(onsite_days__lte=F("final_report_days")),
                name="programrules_deadline_order",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_fte__gt=0), name="programrules_hours_per_fte_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Program rules from {self.effective_from:%Y-%m-%d}"

    @staticmethod
    def _days(value: str) -> tuple[int, ...]:
        return tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))

    @property
    def reminder_days(self) -> tuple[int, ...]:
        """Return the reminder offsets as whole days, largest first."""
        return self._days(self.reminder_offsets)

    @property
    def certificate_warning_days(self) -> tuple[int, ...]:
        """Return the certificate expiry warning offsets as whole days, largest first."""
        return self._days(self.certificate_warning_offsets)
