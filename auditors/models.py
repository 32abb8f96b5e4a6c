from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, Transition, transition
from simple_history.models import HistoricalRecords

from cor_portal.lifecycle import StatusChange
from cor_portal.uploads import PDF_VALIDATORS, RandomUploadPath
from employers.choices import Region, Sector
from employers.models import Employer

from .choices import (
    AuditorKind,
    AuditorStatus,
    CompletionSource,
    CourseKind,
    CPDKind,
    EAQAOutcome,
    EngagementSource,
    EnrolmentResult,
)
from .querysets import AuditorChildQuerySet, AuditorQuerySet

S = AuditorStatus


class Auditor(FSMModelMixin, models.Model):
    """A person who audits for the program: internal (of one employer) or external (R-16).

    The status moves only through the transitions listed here, each called by a service.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="auditor",
        verbose_name=_("login"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AuditorKind.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="internal_auditors",
        verbose_name=_("employer (internal auditors)"),
    )
    status = FSMField(
        _("status"), max_length=16, choices=S.choices, default=S.IN_TRAINING, protected=True
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    certification_number = models.CharField(
        _("certification number"), max_length=32, blank=True, db_index=True
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    expires_on = models.DateField(_("certification expires on"), null=True, blank=True)
    trained_on = models.DateField(
        _("auditor training passed on"),
        null=True,
        blank=True,
        help_text=_("Starts the window for the student audit."),
    )
    student_audit_due = models.DateField(_("student audit due"), null=True, blank=True)
    student_audit_completed_on = models.DateField(
        _("student audit completed on"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    listed_in_directory = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_("External auditors listed here appear in the employers' directory."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    if TYPE_CHECKING:  # django-fsm adds these for the status field
        get_available_status_transitions: Callable[[], Iterator[Transition]]
        get_all_status_transitions: Callable[[], Iterator[Transition]]

    history = HistoricalRecords()
    objects = AuditorQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditor")
        verbose_name_plural = _("auditors")
        ordering = ["user__last_name", "user__first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AuditorKind.EXTERNAL, employer__isnull=True)
                | Q(kind=AuditorKind.INTERNAL, employer__isnull=False),
                name="auditor_internal_has_employer",
                violation_error_message=_(
                    "An internal auditor belongs to one employer; an external auditor to none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(certified_on__isnull=True)
                | Q(expires_on__gt=F("certified_on")),
                name="auditor_expiry_after_certification",
                violation_error_message=_("The certification must expire after it is issued."),
            ),
            models.CheckConstraint(condition=Q(status__in=S.values), name="auditor_status_valid"),
            models.UniqueConstraint(
                fields=["certification_number"],
                condition=~Q(certification_number=""),
                name="auditor_certification_number_unique",
                violation_error_message=_("Another auditor has this certification number."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("auditors:detail", args=[self.pk])

    @property
    def name(self) -> str:
        return self.user.display_name

    @property
    def email(self) -> str:
        return self.user.email

    # R-16 standing. Each method only moves the state; services do the rest.

    @transition(field=status, source=S.IN_TRAINING, target=S.STUDENT)
    def pass_training(self) -> None:
        """Pass auditor training; a student audit is now due."""

    @transition(field=status, source=[S.IN_TRAINING, S.STUDENT, S.LAPSED], target=S.CERTIFIED)
    def certify(self) -> None:
        """Hold a certification (after the student audit, or requalifying after a lapse)."""

    @transition(field=status, source=S.CERTIFIED, target=S.CERTIFIED)
    def recertify(self) -> None:
        """Renew the certification for another period."""

    @transition(field=status, source=[S.CERTIFIED, S.STUDENT], target=S.LAPSED)
    def lapse(self) -> None:
        """Lose the certification (expired, or the student audit window passed)."""

    @transition(field=status, source=[S.CERTIFIED, S.STUDENT], target=S.SUSPENDED)
    def suspend(self) -> None:
        """Be suspended by the association."""

    @transition(field=status, source=S.SUSPENDED, target=S.CERTIFIED)
    def reinstate(self) -> None:
        """Return from a suspension."""

    @transition(
        field=status,
        source=[S.IN_TRAINING, S.STUDENT, S.CERTIFIED, S.LAPSED, S.SUSPENDED],
        target=S.RETIRED,
    )
    def retire(self) -> None:
        """Stop auditing."""


class AuditorArea(models.Model):
    """A region an external auditor serves."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)

    class Meta:
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")
        constraints = [
            models.UniqueConstraint(fields=["auditor", "region"], name="auditorarea_unique")
        ]

    def __str__(self) -> str:
        return self.get_region_display()


class AuditorSector(models.Model):
    """A sector an external auditor serves."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)

    class Meta:
        verbose_name = _("sector served")
        verbose_name_plural = _("sectors served")
        constraints = [
            models.UniqueConstraint(fields=["auditor", "sector"], name="auditorsector_unique")
        ]

    def __str__(self) -> str:
        return self.get_sector_display()


class AuditorStatusChange(StatusChange):
    """One move of an auditor's standing: from, to, when, who and why."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=S.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=S.choices)

    objects = AuditorChildQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = _("auditor status change")
        verbose_name_plural = _("auditor status changes")

    def __str__(self) -> str:
        return f"{self.auditor}: {self.from_status} → {self.to_status} on {self.changed_on}"


class Course(models.Model):
    """A course the association runs or tracks: auditor training or an employer course."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CourseKind.choices)
    online = models.BooleanField(_("online"), default=False)
    active = models.BooleanField(_("offered"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """A scheduled run of a course: date, place or online, capacity and enrolments."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    instructor = models.CharField(_("instructor"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="trainingsession_ends_after_start",
                violation_error_message=_("A session cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="trainingsession_capacity"),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(location=""),
                name="trainingsession_has_place",
                violation_error_message=_("Give the place, or mark the session online."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.starts_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("auditors:session-detail", args=[self.pk])


class Enrolment(models.Model):
    """A person enrolled in a training session, with attendance and result."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments"
    )
    auditor = models.ForeignKey(
        Auditor, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    attended = models.BooleanField(_("attended"), default=False)
    result = models.CharField(
        _("result"), max_length=16, choices=EnrolmentResult.choices, default=EnrolmentResult.PENDING
    )
    enrolled_on = models.DateField(_("enrolled on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                name="enrolment_once_per_session",
                violation_error_message=_("This person is already enrolled in the session."),
            ),
            models.CheckConstraint(
                condition=~Q(result=EnrolmentResult.PASSED) | Q(attended=True),
                name="enrolment_pass_needs_attendance",
                violation_error_message=_("Only someone who attended can pass."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} in {self.session}"


class CourseCompletion(models.Model):
    """A person's completion of a course (from a session, the LMS, or entered by staff)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="completions"
    )
    auditor = models.ForeignKey(
        Auditor, on_delete=models.SET_NULL, null=True, blank=True, related_name="completions"
    )
    completed_on = models.DateField(_("completed on"))
    source = models.CharField(_("source"), max_length=16, choices=CompletionSource.choices)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="completion"
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "email", "completed_on"],
                name="completion_once_per_day",
                violation_error_message=_("This completion is already recorded."),
            ),
        ]
        indexes = [
            models.Index(fields=["course", "completed_on"]),
            models.Index(fields=["-completed_on", "id"], name="completion_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.course} ({self.completed_on})"


class CPDActivity(models.Model):
    """One entry of an auditor's continuing professional development log."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="cpd_activities")
    activity = models.CharField(_("activity"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CPDKind.choices)
    done_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    evidence = models.FileField(
        _("evidence (PDF)"),
        upload_to=RandomUploadPath("cpd-evidence"),
        blank=True,
        validators=PDF_VALIDATORS,
    )

    history = HistoricalRecords()
    objects = AuditorChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPD activity")
        verbose_name_plural = _("CPD activities")
        ordering = ["-done_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=200),
                name="cpdactivity_hours_range",
                violation_error_message=_("Hours are more than 0 and at most 200."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.hours} h, {self.done_on})"


class AnnualDeclaration(models.Model):
    """An auditor's declaration for a year: filed before they may start an audit in it (R-16)."""

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="declarations")
    year = models.PositiveSmallIntegerField(_("year"))
    cpd_hours = models.DecimalField(
        _("CPD hours in the past year"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    follows_code_of_ethics = models.BooleanField(_("I follow the auditor Code of Ethics"))
    independent = models.BooleanField(
        _("I have declared every consulting engagement with employers I may audit")
    )
    information_accurate = models.BooleanField(_("The information I give is accurate"))
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = AuditorChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual declaration")
        verbose_name_plural = _("annual declarations")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "year"],
                name="declaration_one_per_year",
                violation_error_message=_("The declaration for this year is already filed."),
            ),
            models.CheckConstraint(
                condition=Q(follows_code_of_ethics=True)
                & Q(independent=True)
                & Q(information_accurate=True),
                name="declaration_attested",
                violation_error_message=_("Every attestation must be confirmed."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="declaration_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auditor}: declaration {self.year}"


class ConsultingEngagement(models.Model):
    """Consulting work an auditor did for an employer: the facts behind R-7's cooling-off."""

    auditor = models.ForeignKey(
        Auditor, on_delete=models.CASCADE, related_name="consulting_engagements"
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="consulting_engagements"
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    description = models.CharField(_("what the work was"), max_length=300)
    source = models.CharField(_("recorded"), max_length=16, choices=EngagementSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = AuditorChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("consulting engagement")
        verbose_name_plural = _("consulting engagements")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="engagement_ends_after_start",
                violation_error_message=_("An engagement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} for {self.employer} from {self.started_on}"


class EAQA(models.Model):
    """An external-auditor QA audit (R-15): planned for a year, then recorded with its outcome."""

    auditor = models.ForeignKey(Auditor, on_delete=models.PROTECT, related_name="eaqas")
    year = models.PositiveSmallIntegerField(_("plan year"))
    planned_on = models.DateField(_("planned on"))
    conducted_on = models.DateField(_("conducted on"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    findings = models.TextField(_("findings"), blank=True)
    report = models.FileField(
        _("report (PDF)"),
        upload_to=RandomUploadPath("eaqa-reports"),
        blank=True,
        validators=PDF_VALIDATORS,
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=EAQAOutcome.choices, blank=True)

    history = HistoricalRecords()
    objects = AuditorChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("EAQA")
        verbose_name_plural = _("EAQAs")
        ordering = ["-year", "auditor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "year"],
                name="eaqa_one_per_auditor_year",
                violation_error_message=_("This auditor already has an EAQA in this year's plan."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(conducted_on__isnull=False),
                name="eaqa_outcome_needs_date",
                violation_error_message=_("Record when the EAQA was conducted with its outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"EAQA {self.year}: {self.auditor}"

    def get_absolute_url(self) -> str:
        return reverse("auditors:detail", args=[self.auditor_id])


class StandingReminder(models.Model):
    """A reminder about an auditor's standing sent by the daily sweep: once per date and offset.

    ``kind`` is what it is about: the certification's expiry (``due_on`` = the expiry date) or
    the annual declaration still missing before an audit (``due_on`` = the audit's start).
    """

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", _("Certification expiry")
        DECLARATION = "declaration", _("Annual declaration")

    auditor = models.ForeignKey(Auditor, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("about"), max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("standing reminder")
        verbose_name_plural = _("standing reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["auditor", "kind", "due_on", "days_before"],
                name="standing_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}: {self.auditor} ({self.days_before} d)"
