from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, Transition, transition
from simple_history.models import HistoricalRecords

from auditors.models import Auditor
from cor_portal.lifecycle import StatusChange
from cor_portal.uploads import PDF_VALIDATORS, RandomUploadPath
from employers.choices import Program
from employers.models import ClassificationUnit, Employer

from .choices import (
    AuditStatus,
    AuditType,
    CertificateStatus,
    ChecklistAnswer,
    CheckStatus,
    Deadline,
    ExtensionStatus,
    NoteKind,
    ReviewOutcome,
)
from .querysets import (
    AuditChildQuerySet,
    AuditQuerySet,
    CertificateQuerySet,
    QaRulesQuerySet,
    ReviewNoteQuerySet,
)
from .scoring import ElementScore as Points
from .scoring import element_percent

S = AuditStatus
# The statuses in which each clock is still running (its piece of work not yet delivered).
OPEN_FOR = {
    Deadline.NOTICE: (S.PLANNED,),
    Deadline.ONSITE: (S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS),
    Deadline.SUBMISSION: (S.ONSITE_COMPLETE,),
    Deadline.FINAL: (S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS, S.ONSITE_COMPLETE, S.RETURNED),
}
CLOSED = (S.APPROVED, S.UNSUCCESSFUL, S.VERIFICATION_REQUIRED, S.CANCELLED)
# Sorts after every real date: an audit with no clock running comes last.
NO_CLOCK = date(9999, 12, 31)


def next_due_expression() -> Least:
    """Return the SQL of an audit's nearest running clock's due date, else ``NO_CLOCK``.

    The audit board sorts by it (``selectors.with_next_due``); the index ``audit_next_due``
    holds the same expression, so the board's first page is read in index order instead of
    sorting every audit. Both are built here so they stay the same expression.
    """
    dues = [
        models.Case(
            models.When(
                Q(status__in=OPEN_FOR[deadline], **{f"{deadline}_due__isnull": False}),
                then=F(f"{deadline}_due"),
            ),
            default=models.Value(NO_CLOCK),
            output_field=models.DateField(),
        )
        for deadline in Deadline
    ]
    return Least(*dues)


EXTENSION_MAX_DAYS = 120  # the most days one extension request may ask for
NOTE_MAX_LENGTH = 2000  # an element's note: a few sentences (the report says the rest)


class AuditTool(models.Model):
    """A program's audit tool: its elements and their points are data (R-10)."""

    name = models.CharField(_("name"), max_length=200)
    program = models.CharField(_("program"), max_length=8, choices=Program.choices)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit tool")
        verbose_name_plural = _("audit tools")
        ordering = ["program", "name"]

    def __str__(self) -> str:
        return self.name


class AuditElement(models.Model):
    """One element of an audit tool (e.g. Hazard Identification & Control)."""

    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(
        _("points available"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("audit element")
        verbose_name_plural = _("audit elements")
        ordering = ["tool", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="auditelement_unique_number"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="auditelement_points"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Certificate(models.Model):
    """A COR certificate (R-11): dated the last onsite day of a passed, approved audit."""

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="certificates")
    audit = models.OneToOneField(
        "Audit", on_delete=models.PROTECT, related_name="certificate", verbose_name=_("audit")
    )
    certified_on = models.DateField(_("certified on"))
    expires_on = models.DateField(_("expires on"))
    classification_units = models.ManyToManyField(
        ClassificationUnit, related_name="certificates", verbose_name=_("classification units")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    ended_on = models.DateField(_("lapsed or superseded on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-certified_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("certified_on")), name="certificate_expiry_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            # The lists' orders: by expiry (staff), newest first (the model's, the API's).
            models.Index(fields=["expires_on", "id"], name="certificate_expires_on"),
            models.Index(fields=["-certified_on", "-id"], name="certificate_newest"),
        ]

    def __str__(self) -> str:
        return f"COR {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("audits:certificate-detail", args=[self.pk])


class Audit(FSMModelMixin, models.Model):
    """A COR audit of an employer: its type, people, dates, clocks and status (R-5 to R-11).

    The four due dates are stored from ``audits.deadlines.audit_deadlines`` whenever the
    dates or approved extensions change, so lists and the daily sweep query columns.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="audits")
    audit_type = models.CharField(_("type"), max_length=16, choices=AuditType.choices)
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="audits")
    cycle_certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_audits",
        verbose_name=_("cycle of certificate"),
        help_text=_("The certificate whose cycle this maintenance or recertification serves."),
    )
    cycle_year = models.PositiveSmallIntegerField(_("cycle year"), null=True, blank=True)
    scope = models.ManyToManyField(
        ClassificationUnit, related_name="audits", verbose_name=_("scope (CUs audited)")
    )
    lead_auditor = models.ForeignKey(
        Auditor, on_delete=models.PROTECT, related_name="led_audits", verbose_name=_("lead auditor")
    )
    student_auditors = models.ManyToManyField(
        Auditor, blank=True, related_name="student_audits", verbose_name=_("student auditors")
    )
    verification_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        verbose_name=_("verification of"),
    )
    started_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started from the audit"),
        help_text=_("The employer's previous approved audit, shown as last time."),
    )
    status = FSMField(
        _("status"), max_length=24, choices=S.choices, default=S.PLANNED, protected=True
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    starts_on = models.DateField(_("start date"))
    last_onsite_on = models.DateField(_("last onsite day"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension days approved"), default=0)
    # Stored from audit_deadlines(); recomputed by the services.
    notice_due = models.DateField(_("Notice of Audit due"))
    onsite_due = models.DateField(_("onsite work due"))
    submission_due = models.DateField(_("report to QA due"), null=True, blank=True)
    final_due = models.DateField(_("final report due"))
    # Notice of Audit (R-8, R-7's declaration).
    notice_filed_on = models.DateField(_("Notice of Audit filed on"), null=True, blank=True)
    no_conflict_declared = models.BooleanField(
        _("the auditor declared no consulting for this employer"), default=False
    )
    sites = models.TextField(_("sites and interview sample"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Result of the latest submission, kept for lists and the employer's released view.
    overall_percent = models.DecimalField(
        _("overall score (%)"), max_digits=9, decimal_places=5, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    # Flags for staff (set by the services).
    past_cutoff = models.BooleanField(
        _("onsite deadline after the cycle year's cutoff"), default=False
    )
    notice_late = models.BooleanField(_("notice filed late"), default=False)
    onsite_overrun = models.BooleanField(_("onsite work overran"), default=False)
    submission_late = models.BooleanField(_("submitted late"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    if TYPE_CHECKING:  # django-fsm adds these for the status field
        get_available_status_transitions: Callable[[], Iterator[Transition]]
        get_all_status_transitions: Callable[[], Iterator[Transition]]

    history = HistoricalRecords(m2m_fields=[scope])
    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_onsite_on__isnull=True) | Q(last_onsite_on__gte=F("starts_on")),
                name="audit_onsite_after_start",
                violation_error_message=_("The last onsite day cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(notice_due__lt=F("starts_on"))
                & Q(onsite_due__gt=F("starts_on"))
                & Q(final_due__gte=F("onsite_due")),
                name="audit_deadline_order",
            ),
            models.CheckConstraint(
                condition=Q(submission_due__isnull=True) | Q(submission_due__lte=F("final_due")),
                name="audit_submission_before_final",
            ),
            models.CheckConstraint(
                condition=Q(overall_percent__isnull=True)
                | (Q(overall_percent__gte=0) & Q(overall_percent__lte=100)),
                name="audit_score_range",
            ),
            models.CheckConstraint(condition=Q(status__in=S.values), name="audit_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "notice_due"]),
            models.Index(fields=["status", "onsite_due"]),
            models.Index(fields=["status", "submission_due"]),
            models.Index(fields=["status", "final_due"]),
            models.Index(fields=["employer", "-starts_on"]),
            models.Index(next_due_expression(), F("id"), name="audit_next_due"),
            models.Index(fields=["-starts_on", "-id"], name="audit_newest"),
            # The workplan's "reports submitted in a period" KPIs.
            models.Index(fields=["submitted_on"], name="audit_submitted_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_audit_type_display()} audit of {self.employer} ({self.starts_on})"

    def get_absolute_url(self) -> str:
        return reverse("audits:detail", args=[self.pk])

    def due(self, deadline: str):
        """Return the due date of one of the four clocks."""
        return getattr(self, f"{deadline}_due")

    def is_open(self, deadline: str) -> bool:
        """Return whether the clock is still running in the audit's status."""
        return self.status in OPEN_FOR[Deadline(deadline)]

    # The status machine. Each method only moves the state; services do the rest.

    @transition(field=status, source=S.PLANNED, target=S.NOTICE_FILED)
    def file_notice(self) -> None:
        """File the Notice of Audit."""

    @transition(field=status, source=[S.PLANNED, S.NOTICE_FILED], target=S.IN_PROGRESS)
    def start(self) -> None:
        """Begin the audit's onsite work."""

    @transition(field=status, source=S.IN_PROGRESS, target=S.ONSITE_COMPLETE)
    def complete_onsite(self) -> None:
        """Finish onsite work (the last onsite day is known)."""

    @transition(field=status, source=S.ONSITE_COMPLETE, target=S.SUBMITTED)
    def submit(self) -> None:
        """Submit the report and scores to QA."""

    @transition(field=status, source=[S.SUBMITTED, S.RESUBMITTED], target=S.IN_QA)
    def start_review(self) -> None:
        """Begin the desktop QA review."""

    @transition(field=status, source=S.IN_QA, target=S.RETURNED)
    def return_for_revision(self) -> None:
        """Send the audit back to the auditor with notes."""

    @transition(field=status, source=S.RETURNED, target=S.RESUBMITTED)
    def resubmit(self) -> None:
        """Send a revised report back to QA."""

    @transition(field=status, source=[S.SUBMITTED, S.RESUBMITTED, S.IN_QA], target=S.APPROVED)
    def approve(self) -> None:
        """Release the result: approved."""

    @transition(field=status, source=[S.SUBMITTED, S.RESUBMITTED, S.IN_QA], target=S.UNSUCCESSFUL)
    def reject(self) -> None:
        """Release the result: unsuccessful."""

    @transition(field=status, source=S.IN_QA, target=S.VERIFICATION_REQUIRED)
    def require_verification(self) -> None:
        """Decide that a verification audit is required."""

    @transition(
        field=status,
        source=[S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS, S.ONSITE_COMPLETE],
        target=S.CANCELLED,
    )
    def cancel(self) -> None:
        """Cancel the audit before it is submitted."""


class AuditStatusChange(StatusChange):
    """One move of an audit through its status machine."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=24, choices=S.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=S.choices)

    objects = AuditChildQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = _("audit status change")
        verbose_name_plural = _("audit status changes")

    def __str__(self) -> str:
        return f"{self.audit}: {self.from_status} → {self.to_status} on {self.changed_on}"


class Submission(models.Model):
    """A revision of an audit's report and scores: a draft until submitted; every one is kept."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("revision"))
    report = models.FileField(
        _("report (PDF)"),
        upload_to=RandomUploadPath("audit-reports"),
        blank=True,
        validators=PDF_VALIDATORS,
    )
    report_name = models.CharField(_("file name"), max_length=200, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overall_percent = models.DecimalField(
        _("overall score (%)"), max_digits=9, decimal_places=5, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    # How the evidence was gathered (R16, checked by QA, R-12): the three techniques, the BC
    # headcount at the audit and how many people were interviewed.
    used_documentation = models.BooleanField(_("documentation reviewed"), default=False)
    used_observation = models.BooleanField(_("observation tours done"), default=False)
    used_interviews = models.BooleanField(_("interviews done"), default=False)
    headcount = models.PositiveIntegerField(_("BC headcount"), null=True, blank=True)
    interviewed = models.PositiveIntegerField(_("people interviewed"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AuditChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["audit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="submission_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.audit}: revision {self.number}"


class ElementScore(models.Model):
    """An element's points in one submission: earned out of applicable (R-10)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    element = models.ForeignKey(AuditElement, on_delete=models.PROTECT, related_name="scores")
    earned = models.DecimalField(
        _("earned"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    applicable = models.DecimalField(
        _("applicable"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the auditor found, kept with the points.")
    )

    class Meta:
        verbose_name = _("element score")
        verbose_name_plural = _("element scores")
        ordering = ["submission", "element__number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "element"], name="elementscore_unique"),
            models.CheckConstraint(
                condition=Q(earned__gte=0) & Q(earned__lte=F("applicable")),
                name="elementscore_earned_within_applicable",
                violation_error_message=_(
                    "Earned points must be between 0 and the applicable points."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.earned}/{self.applicable}"


class ElementReference(models.Model):
    """An element of the employer's previous approved audit, shown as "last time" (read-only).

    Written once when the lead auditor starts this audit from the previous one
    (``audits.services_reuse``): the previous points and note under the matching element of
    this audit's tool, whose own score starts empty. A previous element that this tool does not
    have is listed with ``element`` empty, its number and name only: reported, not carried.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="element_references")
    element = models.ForeignKey(
        AuditElement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("element of this audit"),
        help_text=_("Empty when this audit's tool has no such element."),
    )
    number = models.PositiveSmallIntegerField(_("number last time"))
    name = models.CharField(_("element last time"), max_length=200)
    earned = models.DecimalField(
        _("earned last time"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    applicable = models.DecimalField(
        _("applicable last time"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note last time"), blank=True)

    objects = AuditChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("last time's element")
        verbose_name_plural = _("last time's elements")
        ordering = ["audit", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "element"],
                condition=Q(element__isnull=False),
                name="elementreference_once_per_element",
            ),
            models.UniqueConstraint(
                fields=["audit", "number", "name"], name="elementreference_once_per_name"
            ),
            models.CheckConstraint(
                condition=(
                    Q(element__isnull=False, earned__isnull=False, applicable__isnull=False)
                    & Q(earned__gte=0)
                    & Q(earned__lte=F("applicable"))
                )
                | Q(element__isnull=True, earned__isnull=True, applicable__isnull=True, note=""),
                name="elementreference_points_carried_with_element",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit}: last time {self.number}. {self.name}"

    @property
    def carried(self) -> bool:
        """Return whether the element was carried over (this audit's tool has it)."""
        return self.element_id is not None

    @property
    def percent(self) -> Decimal | None:
        """Return last time's exact element percent (None: not carried, or nothing applied)."""
        if self.earned is None or not self.applicable:
            return None
        return element_percent(Points(self.name, self.earned, self.applicable))


class Extension(models.Model):
    """A request for more days to submit the report (R-9), decided by staff."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)

    history = HistoricalRecords()
    objects = AuditChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=EXTENSION_MAX_DAYS),
                name="extension_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days} days for {self.audit}"


class DeadlineReminder(models.Model):
    """A reminder or overdue notice sent for an audit's deadline: once per deadline and offset.

    ``days_before`` is 14, 7 or 1 for reminders and 0 for the overdue notice.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField(_("deadline"), max_length=16, choices=Deadline.choices)
    due_on = models.DateField(_("due on"))
    days_before = models.SmallIntegerField(_("days before"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "deadline", "due_on", "days_before"],
                name="deadlinereminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit}: {self.deadline} {self.days_before} days before {self.due_on}"


class CertificateReminder(models.Model):
    """An expiry warning sent for a certificate: once per offset (90 and 30 days)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.SmallIntegerField(_("days before"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("certificate reminder")
        verbose_name_plural = _("certificate reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="certificatereminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate}: {self.days_before} days before expiry"


# --- QA reviews (R-12) ---------------------------------------------------------------------


class QaRules(models.Model):
    """The QA review's numbers (the interview sample rule), in force from a date.

    Like ``ProgramRules``: the row in force for an audit is the latest whose
    ``effective_from`` is on or before the audit's start. See ``audits.qa_checks``.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    interview_all_up_to = models.PositiveIntegerField(
        _("interview everyone up to this headcount"), default=10
    )
    sample_percent = models.DecimalField(
        _("interview sample above that (% of headcount, rounded up)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    sample_cap = models.PositiveIntegerField(_("interview sample: at most"), default=50)

    history = HistoricalRecords()
    objects = QaRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("QA rules")
        verbose_name_plural = _("QA rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"QA rules from {self.effective_from}"


class ChecklistItem(models.Model):
    """One question of a program's desktop QA checklist (R-12), answered in every review."""

    program = models.CharField(_("program"), max_length=8, choices=Program.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("QA checklist item")
        verbose_name_plural = _("QA checklist items")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"], name="checklistitem_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class Review(models.Model):
    """The desktop QA review of one submitted revision of an audit (R-12).

    A returned audit comes back as a new revision with a new review; every one is kept. The
    reviewer assigned to the audit carries over to the next round.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="reviews")
    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="review", verbose_name=_("revision")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qa_reviews",
        verbose_name=_("reviewer"),
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    checks_run_at = models.DateTimeField(_("checks run"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=ReviewOutcome.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(_("summary for the auditor"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AuditChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("QA review")
        verbose_name_plural = _("QA reviews")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=ReviewOutcome.values),
                name="review_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_on__isnull=True)
                | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="review_decided_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "decided_on"])]

    def __str__(self) -> str:
        return f"QA review of {self.audit}, revision {self.submission.number}"

    def get_absolute_url(self) -> str:
        return reverse("qa:review", args=[self.pk])


class ReviewCheck(models.Model):
    """The stored result of one automatic check of a review (``audits.qa_checks``)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="checks")
    code = models.CharField(_("check"), max_length=24)
    label = models.CharField(_("label"), max_length=100)
    status = models.CharField(_("result"), max_length=8, choices=CheckStatus.choices)
    detail = models.CharField(_("detail"), max_length=500)

    class Meta:
        verbose_name = _("automatic check")
        verbose_name_plural = _("automatic checks")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "code"], name="reviewcheck_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.status}"


class ChecklistResponse(models.Model):
    """The reviewer's answer to one checklist question in one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="checklist")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="responses")
    answer = models.CharField(_("answer"), max_length=8, choices=ChecklistAnswer.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["review", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="checklistresponse_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.answer}"


class ReviewNote(models.Model):
    """A reviewer's note on an element (or the whole report); an actionable one is answered
    by the auditor in the next revision."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="notes")
    element = models.ForeignKey(
        AuditElement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("element"),
        help_text=_("Leave empty for a note on the whole report."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoteKind.choices)
    text = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    answer = models.TextField(_("auditor's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")
        ordering = ["review", "element__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoteKind.values), name="reviewnote_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note on {self.element or 'the report'}"

    @property
    def actionable(self) -> bool:
        return self.kind == NoteKind.ACTIONABLE


# R-13 plagiarism: each submitted report's text and its similarity to earlier reports ---------


class ReportText(models.Model):
    """The text extracted from a submission's report PDF, and its MinHash signature.

    Kept so a new report is compared with earlier ones without re-reading their PDFs
    (``audits.similarity`` explains the method).
    """

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="report_text"
    )
    text = models.TextField(_("text"), blank=True)
    words = models.PositiveIntegerField(_("words"), default=0)
    signature = models.BinaryField(_("MinHash signature"), blank=True, default=b"")
    extracted_at = models.DateTimeField(_("extracted"), auto_now=True)

    class Meta:
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")

    def __str__(self) -> str:
        return f"{self.submission}: {self.words} words"


class SimilarityMatch(models.Model):
    """A submitted report compared with an earlier report of another employer (R-13).

    One row per pair (the later submission, the earlier one); a new check replaces it.
    ``passages`` holds word ranges ``{"a": [start, end], "b": [start, end]}`` into the
    two reports' extracted texts (a: ``submission``, b: ``earlier``).
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="similarity_matches"
    )
    earlier = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="later_similarity_matches",
        verbose_name=_("earlier report"),
    )
    score = models.DecimalField(_("similarity (%)"), max_digits=5, decimal_places=2)
    estimate = models.DecimalField(_("MinHash estimate (%)"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    flagged = models.BooleanField(_("flagged"), default=False)
    passages = models.JSONField(_("matching passages"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked"), auto_now=True)

    class Meta:
        verbose_name = _("similarity match")
        verbose_name_plural = _("similarity matches")
        ordering = ["-score", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "earlier"], name="similarity_one_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(submission=F("earlier")), name="similarity_not_itself"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="similarity_score_range"
            ),
        ]
        indexes = [models.Index(fields=["flagged", "-score"])]

    def __str__(self) -> str:
        return f"{self.submission} ~ {self.earlier}: {self.score}%"

    def get_absolute_url(self) -> str:
        return reverse("audits:similarity", args=[self.submission_id])


# R-14 WIVA: a WorkSafeBC-initiated verification audit, as a case of six dated steps ---------

# Imported here to keep this block self-contained at the end of the module.
from .choices import WivaStatus, WivaStep  # noqa: E402


class WivaCase(models.Model):
    """A WIVA case: the employer, its verification audit once an auditor is selected, budget,
    cost, status and notes; its steps are ``WivaStepRecord`` rows, done in order (R-14)."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="wiva_cases")
    audit = models.OneToOneField(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wiva_case",
        verbose_name=_("verification audit"),
    )
    reason = models.TextField(_("why WorkSafeBC asked for it"), blank=True)
    budget = models.DecimalField(
        _("budget ($)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    estimate = models.DecimalField(
        _("selected estimate ($)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost = models.DecimalField(
        _("final cost ($)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=WivaStatus.choices, default=WivaStatus.OPEN
    )
    result = models.TextField(_("result of the QA of the documents"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("WIVA case")
        verbose_name_plural = _("WIVA cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0)
                & (Q(cost__isnull=True) | Q(cost__gte=0))
                & (Q(estimate__isnull=True) | Q(estimate__gte=0)),
                name="wivacase_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WivaStatus.values), name="wivacase_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("audits:wiva-detail", args=[self.pk])


class WivaStepRecord(models.Model):
    """One done step of a WIVA case: which, when, by whom, with a note (R-14)."""

    case = models.ForeignKey(WivaCase, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField(_("step"), choices=WivaStep.choices)
    done_on = models.DateField(_("done on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("WIVA step")
        verbose_name_plural = _("WIVA steps")
        ordering = ["case", "step"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="wivastep_once_per_case"),
            models.CheckConstraint(
                condition=Q(step__gte=1) & Q(step__lte=6), name="wivastep_step_range"
            ),
        ]
        indexes = [models.Index(fields=["step", "done_on"])]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_step_display()} on {self.done_on}"
