from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditType(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    MAINTENANCE = "maintenance", _("Maintenance")
    RECERTIFICATION = "recertification", _("Recertification")
    WIVA = "wiva", _("WIVA (WorkSafeBC-initiated verification)")


class AuditStatus(models.TextChoices):
    """The audit's path from planning to a QA decision (R-9, R-12)."""

    PLANNED = "planned", _("Planned")
    NOTICE_FILED = "notice_filed", _("Notice filed")
    IN_PROGRESS = "in_progress", _("In progress")
    ONSITE_COMPLETE = "onsite_complete", _("Onsite complete")
    SUBMITTED = "submitted", _("Submitted")
    IN_QA = "in_qa", _("In QA")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    VERIFICATION_REQUIRED = "verification_required", _("Verification audit required")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(models.TextChoices):
    """The four clocks of an audit."""

    NOTICE = "notice", _("Notice of Audit")
    ONSITE = "onsite", _("Onsite work")
    SUBMISSION = "submission", _("Report to QA")
    FINAL = "final", _("Final report")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewOutcome(models.TextChoices):
    """The outcome of one round of desktop QA review (R-12)."""

    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    VERIFICATION_REQUIRED = "verification_required", _("Verification audit required")


class NoteKind(models.TextChoices):
    ACTIONABLE = "actionable", _("Actionable (the auditor must answer)")
    INFORMATIONAL = "informational", _("Informational")


class ChecklistAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "n_a", _("Not applicable")


class CheckStatus(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class WivaStatus(models.TextChoices):
    """A WIVA case: open until its result is confirmed to the employer, or cancelled (R-14)."""

    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class WivaStep(models.IntegerChoices):
    """The six steps of a WIVA, in their order (R-14)."""

    NOTIFY_EMPLOYER = 1, _("Notify the employer")
    SELECT_AUDITOR = 2, _("Request estimates and select an auditor")
    ARRANGE_AUDIT = 3, _("Arrange the audit")
    QA_DOCUMENTS = 4, _("QA all documents")
    REPORTING_FORM = 5, _("File the WIVA reporting form with WorkSafeBC")
    CONFIRM_RESULT = 6, _("Confirm the result to the employer")
