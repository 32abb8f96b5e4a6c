from django.db import models
from django.utils.translation import gettext_lazy as _


class IncentiveStatus(models.TextChoices):
    """R-17, R-18: whether the incentive of a year is paid."""

    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    DEFERRED = "deferred", _("Deferred")


class ExclusionKind(models.TextChoices):
    """R-18: what in the assessment year takes the incentive away."""

    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty")
    CLAIMS_SUPPRESSION = "claims_suppression", _("Claims suppression")
    OUTSTANDING_BALANCE = "outstanding_balance", _("Outstanding balance")
    FAILED_TO_REGISTER = "failed_to_register", _("Failed to register")
    PAYROLL_NOT_REPORTED = "payroll_not_reported", _("Payroll not reported")


class DecisionOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")


class LineKind(models.TextChoices):
    """R-19: the standard line, and the legacy return-to-work line (years up to 2021)."""

    STANDARD = "standard", _("COR incentive")
    RTW = "rtw", _("Return-to-work COR")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    COMPUTING = "computing", _("Computing incentives")
    LETTERS = "letters", _("Generating letters")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUNNING = (RunStatus.QUEUED, RunStatus.COMPUTING, RunStatus.LETTERS)


# Bootstrap tones of the statuses' badges (the shared TONES do not know them).
TONES: dict[str, str] = {
    IncentiveStatus.ELIGIBLE: "success",
    IncentiveStatus.INELIGIBLE: "danger",
    IncentiveStatus.DEFERRED: "warning",
    RunStatus.QUEUED: "secondary",
    RunStatus.COMPUTING: "info",
    RunStatus.LETTERS: "info",
    RunStatus.DONE: "success",
    RunStatus.FAILED: "danger",
}
