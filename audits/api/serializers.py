"""What the audits API reads and accepts; every change is made by a service."""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from auditors.models import Auditor
from cor_portal.accounts.choices import Role
from employers.models import ClassificationUnit, Employer

from ..choices import AuditType, Deadline
from ..documents import verification_url
from ..models import (
    NOTE_MAX_LENGTH,
    Audit,
    AuditElement,
    Certificate,
    ElementReference,
    ElementScore,
    Extension,
    Submission,
)
from ..selectors import RELEASED, certificate_status_on, countdowns, traffic_light

# The traffic lights of a clock (selectors.Countdown.state) and of a cycle year.
COUNTDOWN_STATES = [
    ("done", _("Done")),
    ("green", _("More than 14 days left")),
    ("amber", _("14 days or fewer left")),
    ("red", _("Overdue")),
    ("pending", _("Not started")),
]
CYCLE_YEAR_STATES = [
    ("done", _("Done")),
    ("planned", _("Audit planned")),
    ("due", _("Due this year")),
    ("missed", _("Missed")),
    ("upcoming", _("Upcoming")),
]
CERTIFICATE_STATES_TODAY = [
    ("valid", _("Valid")),
    ("expired", _("Expired")),
    ("lapsed", _("Lapsed")),
    ("superseded", _("Superseded")),
    ("not yet valid", _("Not yet valid")),
]
DECISIONS = [("cancel", _("Cancel the audit"))]
EXTENSION_DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


def _points() -> serializers.DecimalField:
    """Return a field of points: a decimal from 0, two decimals at most (as the model)."""
    return serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0"))


def _plausible(value: date) -> None:
    if not 2000 <= value.year <= 2100:
        raise serializers.ValidationError(_("Give a date between 2000 and 2100."))


def _today(serializer: serializers.Serializer) -> date:
    return serializer.context.get("today") or timezone.localdate()


# Reading audits -----------------------------------------------------------------------------


class CountdownSerializer(serializers.Serializer):
    """One of the audit's four clocks with its traffic light."""

    deadline = serializers.ChoiceField(choices=Deadline.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    due_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text=_("Negative when overdue; null when the clock is not running.")
    )
    state = serializers.ChoiceField(choices=COUNTDOWN_STATES)


class AuditSerializer(serializers.ModelSerializer):
    """An audit as read: its people, dates, four stored due dates and live countdowns.

    An employer contact sees the result (``overall_percent``, ``passed``) only once it is
    released (approved or unsuccessful); before that both are null. Staff notes are shown
    to staff only.
    """

    employer_name = serializers.CharField(source="employer.legal_name", read_only=True)
    lead_auditor_name = serializers.CharField(source="lead_auditor.name", read_only=True)
    scope: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    countdowns = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "employer",
            "employer_name",
            "audit_type",
            "tool",
            "status",
            "status_changed_on",
            "scope",
            "lead_auditor",
            "lead_auditor_name",
            "student_auditors",
            "cycle_certificate",
            "cycle_year",
            "verification_of",
            "starts_on",
            "last_onsite_on",
            "extension_days",
            "notice_due",
            "onsite_due",
            "submission_due",
            "final_due",
            "countdowns",
            "notice_filed_on",
            "no_conflict_declared",
            "sites",
            "submitted_on",
            "decided_on",
            "overall_percent",
            "passed",
            "past_cutoff",
            "notice_late",
            "onsite_overrun",
            "submission_late",
            "notes",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._role() != Role.STAFF:
            self.fields.pop("notes")

    def _role(self) -> str | None:
        request = self.context.get("request")
        return getattr(getattr(request, "user", None), "role", None)

    @extend_schema_field(CountdownSerializer(many=True))
    def get_countdowns(self, audit: Audit) -> list[dict[str, Any]]:
        clocks = countdowns(audit, today=_today(self))
        return cast(list[dict[str, Any]], CountdownSerializer(clocks, many=True).data)

    def to_representation(self, instance: Audit) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self._role() == Role.EMPLOYER and instance.status not in RELEASED:
            data["overall_percent"] = data["passed"] = None
        return data


class AuditElementSerializer(serializers.ModelSerializer):
    tool_name = serializers.CharField(source="tool.name", read_only=True)

    class Meta:
        model = AuditElement
        fields = ["id", "tool", "tool_name", "number", "name", "max_points"]
        read_only_fields = fields


# Writing audits: each body is the input of one service --------------------------------------


class AuditPlanSerializer(serializers.Serializer):
    """Plan an audit (``services.plan_audit``): who may audit is checked by the service."""

    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    audit_type = serializers.ChoiceField(choices=AuditType.choices)
    starts_on = serializers.DateField(validators=[_plausible])
    lead_auditor = serializers.PrimaryKeyRelatedField(queryset=Auditor.objects.all())
    scope = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=ClassificationUnit.objects.all(),
        required=False,
        help_text=_("CU codes audited; by default all of the employer's CUs."),
    )
    student_auditors = serializers.PrimaryKeyRelatedField(
        queryset=Auditor.objects.all(), many=True, required=False
    )
    verification_of = serializers.PrimaryKeyRelatedField(
        queryset=Audit.objects.all(), required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class NoticeSerializer(serializers.Serializer):
    """The Notice of Audit (R-8), with the declaration of no consulting (R-7)."""

    no_conflict_declared = serializers.BooleanField(
        help_text=_("True: the auditor did no consulting for this employer recently.")
    )
    sites = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class StartSerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        validators=[_plausible],
        help_text=_("The day work began; today if left out."),
    )


class OnsiteSerializer(serializers.Serializer):
    last_onsite_on = serializers.DateField(validators=[_plausible])


class ScoreSerializer(serializers.Serializer):
    """An element's points (R-10): earned out of applicable; applicable 0 leaves it out."""

    element = serializers.PrimaryKeyRelatedField(queryset=AuditElement.objects.all())
    earned = _points()
    applicable = _points()
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("What the auditor found; left out: the saved note is kept."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audit = self.context.get("audit")
        if audit is not None:
            element = cast(serializers.PrimaryKeyRelatedField, self.fields["element"])
            element.queryset = audit.tool.elements.all()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["earned"] > attrs["applicable"]:
            raise serializers.ValidationError(
                {"earned": _("Earned points are between 0 and the applicable points.")}
            )
        maximum = attrs["element"].max_points
        if attrs["applicable"] > maximum:
            raise serializers.ValidationError(
                {
                    "applicable": _("At most %(max)s points apply to this element.")
                    % {"max": maximum}
                }
            )
        return attrs


class ScoreListSerializer(serializers.ListSerializer):
    """The scores of several elements, each element once."""

    def validate(self, attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        elements = [score["element"].pk for score in attrs]
        if len(set(elements)) != len(elements):
            raise serializers.ValidationError(_("Give each element once."))
        return attrs


class ScoreItemSerializer(ScoreSerializer):
    class Meta:
        list_serializer_class = ScoreListSerializer


class ReportSerializer(serializers.Serializer):
    report = serializers.FileField(help_text=_("The report as a PDF (checked by its content)."))


class SavedScoreSerializer(serializers.ModelSerializer):
    element_name = serializers.CharField(source="element.name", read_only=True)

    class Meta:
        model = ElementScore
        fields = ["element", "element_name", "earned", "applicable", "note"]
        read_only_fields = fields


class ResultSerializer(serializers.Serializer):
    """The result of the scores (R-10): exact percent, pass or fail, failing elements."""

    overall_percent = serializers.DecimalField(max_digits=9, decimal_places=5)
    passed = serializers.BooleanField()
    failing_elements = serializers.ListField(child=serializers.CharField())


class DraftSerializer(serializers.ModelSerializer):
    """The submission being prepared: its report and scores, and their result so far."""

    revision = serializers.IntegerField(source="number", read_only=True)
    report_uploaded = serializers.SerializerMethodField()
    scores = SavedScoreSerializer(many=True, read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["revision", "report_uploaded", "report_name", "scores", "result"]
        read_only_fields = fields

    def get_report_uploaded(self, submission: Submission) -> bool:
        return bool(submission.report)

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, submission: Submission) -> dict[str, Any] | None:
        result = self.context.get("result")
        return None if result is None else cast(dict[str, Any], ResultSerializer(result).data)


class LastTimeElementSerializer(serializers.ModelSerializer):
    """An element of the previous audit: its points and note under this audit's element, or
    (``element`` null) not in this audit's tool and not carried."""

    class Meta:
        model = ElementReference
        fields = ["element", "number", "name", "earned", "applicable", "note"]
        read_only_fields = fields


class ReuseSerializer(serializers.Serializer):
    """What starting from the previous audit gave: the audit it started from, last time's
    elements carried and those not carried; ``created`` is false when it had already been
    started from it (nothing new)."""

    started_from = serializers.IntegerField(source="source.pk")
    started_from_type = serializers.CharField(source="source.audit_type")
    started_from_starts_on = serializers.DateField(source="source.starts_on")
    carried = LastTimeElementSerializer(many=True)
    not_carried = LastTimeElementSerializer(many=True)
    created = serializers.BooleanField()


class DecisionSerializer(serializers.Serializer):
    """A staff decision on an audit; a rejection or cancellation says why."""

    decision = serializers.ChoiceField(choices=DECISIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    on = serializers.DateField(
        required=False,
        validators=[_plausible],
        help_text=_("The decision's date; today if left out."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] in ("reject", "cancel") and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": _("Say why.")})
        return attrs


# Extensions ---------------------------------------------------------------------------------


class ExtensionRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=120)
    reason = serializers.CharField(max_length=5000)


class ExtensionSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="audit.employer.legal_name", read_only=True)
    requested_by: serializers.StringRelatedField = serializers.StringRelatedField()
    decided_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = Extension
        fields = [
            "id",
            "audit",
            "employer_name",
            "days",
            "reason",
            "requested_on",
            "requested_by",
            "status",
            "decided_on",
            "decided_by",
            "decision_note",
        ]
        read_only_fields = fields


class ExtensionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=EXTENSION_DECISIONS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# Certificates and cycles --------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationUnit
        fields = ["code", "description"]
        read_only_fields = fields


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate (R-11) with its status today, its PDF and its public verification page."""

    employer_name = serializers.CharField(source="employer.legal_name", read_only=True)
    audit_type = serializers.ChoiceField(
        source="audit.audit_type", choices=AuditType.choices, read_only=True
    )
    classification_units = UnitSerializer(many=True, read_only=True)
    status_on_today = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "employer",
            "employer_name",
            "audit",
            "audit_type",
            "certified_on",
            "expires_on",
            "status",
            "status_on_today",
            "ended_on",
            "end_reason",
            "classification_units",
            "pdf_url",
            "verification_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=CERTIFICATE_STATES_TODAY))
    def get_status_on_today(self, certificate: Certificate) -> str:
        return certificate_status_on(certificate, _today(self))

    def get_pdf_url(self, certificate: Certificate) -> str:
        return reverse("audits:certificate-pdf", args=[certificate.pk])

    def get_verification_url(self, certificate: Certificate) -> str:
        return verification_url(certificate)


class CycleQuerySerializer(serializers.Serializer):
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(),
        required=False,
        help_text=_("The employer's id (staff); an employer contact gets its own."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = cast(serializers.PrimaryKeyRelatedField, self.fields["employer"])
            field.queryset = Employer.objects.visible_to(request.user)


class CycleAuditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audit
        fields = ["id", "audit_type", "status", "starts_on", "last_onsite_on"]
        read_only_fields = fields


class CycleYearSerializer(serializers.Serializer):
    """A year of the 3-year cycle (R-5): the audit it needs, by when, and how it stands."""

    number = serializers.IntegerField(source="year.number")
    audit_type = serializers.ChoiceField(source="year.audit_type", choices=AuditType.choices)
    calendar_year = serializers.IntegerField(source="year.calendar_year")
    due_by = serializers.DateField(source="year.due_by")
    state = serializers.ChoiceField(choices=CYCLE_YEAR_STATES)
    audits = CycleAuditSerializer(many=True)


class CycleCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "number", "certified_on", "expires_on", "status"]
        read_only_fields = fields


class CycleSerializer(serializers.Serializer):
    """An employer's current cycle, from its latest certificate; none before certification."""

    employer = serializers.IntegerField()
    certificate = CycleCertificateSerializer(allow_null=True)
    years = CycleYearSerializer(many=True)


# Deadlines ----------------------------------------------------------------------------------


class DeadlineQuerySerializer(serializers.Serializer):
    deadline = serializers.ChoiceField(choices=Deadline.choices, required=False)
    state = serializers.ChoiceField(
        choices=[c for c in COUNTDOWN_STATES if c[0] in ("green", "amber", "red")], required=False
    )
    employer = serializers.IntegerField(required=False, min_value=1)


class DeadlineSerializer(serializers.Serializer):
    """A running clock: which audit, which deadline, when, and its traffic light."""

    audit = serializers.IntegerField(source="audit_id")
    employer = serializers.IntegerField(source="employer_id")
    employer_name = serializers.CharField()
    deadline = serializers.ChoiceField(choices=Deadline.choices)
    due_on = serializers.DateField()
    days_left = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    def get_days_left(self, row: dict[str, Any]) -> int:
        return (row["due_on"] - _today(self)).days

    @extend_schema_field(serializers.ChoiceField(choices=COUNTDOWN_STATES[1:4]))
    def get_state(self, row: dict[str, Any]) -> str:
        return traffic_light(self.get_days_left(row))
