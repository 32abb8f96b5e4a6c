"""The workplan of a fiscal year (R-21) and its KPIs, measurements and snapshots (R-22).

A workplan follows WorkSafeBC's template: mandates (the five of the template plus optional
ones), each with an objective, an action plan, activities and outcome indicators. KPIs belong
to a mandate; a computed KPI names one source of ``workplan.sources``, an entered one is
measured per quarter. A snapshot freezes the actuals of a quarter with the team's commentary.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cor_portal.program.periods import add_months

from .sources import SOURCE_CHOICES


class KPIKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the portal's records")
    ENTERED = "entered", _("Entered each quarter")


class KPIUnit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")


class Aggregation(models.TextChoices):
    """How an entered KPI's quarterly values make the year's actual."""

    SUM = "sum", _("Sum of the quarters")
    LATEST = "latest", _("Latest quarter's value")


QUARTERS = [
    (1, _("Q1 (Apr-Jun)")),
    (2, _("Q2 (Jul-Sep)")),
    (3, _("Q3 (Oct-Dec)")),
    (4, _("Q4 (Jan-Mar)")),
]


class Workplan(models.Model):
    """The association's COR workplan for one fiscal year (April 1 - March 31)."""

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("fiscal year starts"), unique=True)
    approved_by = models.CharField(_("approved by (board chair)"), max_length=200, blank=True)
    approved_on = models.DateField(_("date approved"), null=True, blank=True)
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cloned from"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workplan")
        verbose_name_plural = _("workplans")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_on__isnull=True) | ~models.Q(approved_by=""),
                name="workplan_approval_names_chair",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workplans:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.starts_on and (self.starts_on.month, self.starts_on.day) != (4, 1):
            raise ValidationError({"starts_on": _("A fiscal year starts on April 1.")})
        if self.approved_on and not self.approved_by.strip():
            raise ValidationError({"approved_by": _("Name the board chair who approved it.")})

    @property
    def ends_on(self) -> date:
        return date(self.starts_on.year + 1, 3, 31)

    @property
    def fiscal_year_label(self) -> str:
        return f"{self.starts_on.year % 100:02d}/{(self.starts_on.year + 1) % 100:02d}"

    def quarter_bounds(self, quarter: int) -> tuple[date, date]:
        """Return the first and last day of a quarter (1-4) of the fiscal year."""
        first = add_months(self.starts_on, 3 * (quarter - 1))
        last = date.fromordinal(add_months(first, 3).toordinal() - 1)
        return first, last


class Mandate(models.Model):
    """One mandate of the template: what the S&G and the Agreement ask, and the plan for it."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="mandates")
    number = models.PositiveSmallIntegerField(_("number"))
    optional = models.BooleanField(_("optional mandate"), default=False)
    title = models.CharField(_("mandate"), max_length=300)
    reference = models.CharField(_("S&G and Agreement references"), max_length=200, blank=True)
    objective = models.TextField(_("objective"))
    action_plan = models.TextField(_("action plan"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["workplan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workplan", "number"], name="mandate_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("workplans:detail", kwargs={"pk": self.workplan_id}) + f"#mandate-{self.pk}"

    @property
    def label(self) -> str:
        return str(_("Optional mandate")) if self.optional else f"{_('Mandate')} #{self.number}"


class Activity(models.Model):
    """A row of a mandate's action plan table."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("activity"))
    inputs = models.TextField(_("inputs"), blank=True)
    budget = models.DecimalField(
        _("budget ($)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    time_frame = models.CharField(_("time frame"), max_length=200, blank=True)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    anticipated_outputs = models.TextField(_("anticipated outputs (KPIs)"), blank=True)
    progress_reporting = models.TextField(_("progress reporting"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["mandate", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="activity_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]


class KPI(models.Model):
    """A key performance indicator: a target in a unit, computed from records or entered."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="kpis")
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("activity"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("KPI"), max_length=300)
    target = models.DecimalField(
        _("target"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty to track a KPI without a target."),
    )
    unit = models.CharField(
        _("unit"), max_length=16, choices=KPIUnit.choices, default=KPIUnit.COUNT
    )
    kind = models.CharField(_("kind"), max_length=16, choices=KPIKind.choices)
    source = models.CharField(_("source"), max_length=48, choices=SOURCE_CHOICES, blank=True)
    aggregation = models.CharField(
        _("quarters add up as"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["mandate", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="computed") & ~models.Q(source=""))
                | (models.Q(kind="entered") & models.Q(source="")),
                name="kpi_source_iff_computed",
            ),
            models.CheckConstraint(
                condition=models.Q(target__isnull=True) | models.Q(target__gte=0),
                name="kpi_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.kind == KPIKind.COMPUTED and not self.source:
            raise ValidationError({"source": _("Choose the records a computed KPI counts.")})
        if self.kind == KPIKind.ENTERED and self.source:
            raise ValidationError({"source": _("An entered KPI has no source; leave it empty.")})
        if self.unit == KPIUnit.PERCENT and self.target is not None and self.target > 100:
            raise ValidationError({"target": _("A percent is between 0 and 100.")})

    @property
    def is_computed(self) -> bool:
        return self.kind == KPIKind.COMPUTED


class OutcomeIndicator(models.Model):
    """A row of a mandate's measurement (evaluation) table."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    indicator = models.TextField(_("outcome indicator"))
    data_collection = models.TextField(_("data collection"), blank=True)
    time_line = models.CharField(_("time line"), max_length=200, blank=True)
    evaluation_result = models.TextField(_("evaluation result"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        ordering = ["mandate", "position", "pk"]

    def __str__(self) -> str:
        return self.indicator[:80]


class Measurement(models.Model):
    """An entered KPI's value for one quarter of the fiscal year."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=QUARTERS, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "quarter"], name="measurement_once_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="measurement_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: Q{self.quarter} {self.value}"


class Snapshot(models.Model):
    """The actuals of every KPI frozen at the end of a quarter, with commentary; never changes."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="snapshots")
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTERS)
    as_of = models.DateField(_("actuals as of"))
    commentary = models.TextField(_("commentary"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    frozen_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["workplan", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "quarter"], name="snapshot_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workplan} Q{self.quarter}"


class SnapshotValue(models.Model):
    """One KPI's actual and status in a frozen snapshot (copied: later changes leave it alone)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(KPI, on_delete=models.SET_NULL, null=True, related_name="+")
    mandate_label = models.CharField(_("mandate"), max_length=64)
    description = models.CharField(_("KPI"), max_length=300)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True)
    unit = models.CharField(_("unit"), max_length=16, choices=KPIUnit.choices)
    actual = models.DecimalField(_("actual"), max_digits=12, decimal_places=2, null=True)
    status = models.CharField(_("status"), max_length=16)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("snapshot value")
        verbose_name_plural = _("snapshot values")
        ordering = ["snapshot", "position"]

    def __str__(self) -> str:
        return f"{self.description}: {self.actual}"
