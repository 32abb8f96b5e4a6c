from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditorKind(models.TextChoices):
    """R-6: an internal auditor works for the employer it audits; an external one does not."""

    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class AuditorStatus(models.TextChoices):
    """R-16: where an auditor stands."""

    IN_TRAINING = "in_training", _("In training")
    STUDENT = "student", _("Student")
    CERTIFIED = "certified", _("Certified")
    LAPSED = "lapsed", _("Lapsed")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class CourseKind(models.TextChoices):
    """The association's courses: auditor training and the employer courses behind KPIs."""

    INTERNAL_AUDITOR = "internal_auditor", _("COR internal auditor training")
    EXTERNAL_AUDITOR = "external_auditor", _("COR external auditor training")
    UPDATE_SESSION = "update_session", _("Auditor update session")
    PREREQUISITE = "prerequisite", _("Prerequisite online course")
    EMPLOYER_COURSE = "employer_course", _("Employer course")


class EnrolmentResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    ABSENT = "absent", _("Did not attend")


class CompletionSource(models.TextChoices):
    SESSION = "session", _("Training session")
    LMS = "lms", _("Learning management system")
    MANUAL = "manual", _("Entered by staff")


class CPDKind(models.TextChoices):
    COURSE = "course", _("Course or workshop")
    CONFERENCE = "conference", _("Conference or webinar")
    AUDIT = "audit", _("Audit conducted")
    SELF_STUDY = "self_study", _("Self-directed study")
    OTHER = "other", _("Other")


class EngagementSource(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    DECLARED = "declared", _("Declared by the auditor")


class EAQAOutcome(models.TextChoices):
    """The result of an external-auditor QA audit (R-15)."""

    SATISFACTORY = "satisfactory", _("Satisfactory")
    IMPROVEMENT = "improvement", _("Improvement needed")
    UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")
