"""The audits API: scoped like the pages, every change made by a service.

Staff see every audit; an auditor the audits they lead or assist; an employer contact its
own employer's. Each action checks the same permission as its page (``action_permissions``):
an audit outside the user's scope is a 404, an action the user may not take on it a 403.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError as RefusedError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cor_portal.accounts.choices import Role
from cor_portal.api.parsers import UPLOAD_PARSERS
from cor_portal.api.permissions import RulesPermission
from cor_portal.api.schema import PortalAutoSchema
from employers.models import ClassificationUnit, Employer

from .. import selectors, services, services_reuse
from ..models import Audit, AuditElement, Certificate, Extension
from .serializers import (
    AuditElementSerializer,
    AuditPlanSerializer,
    AuditSerializer,
    CertificateSerializer,
    CycleQuerySerializer,
    CycleSerializer,
    DeadlineQuerySerializer,
    DeadlineSerializer,
    DecisionSerializer,
    DraftSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestSerializer,
    ExtensionSerializer,
    NoticeSerializer,
    OnsiteSerializer,
    ReportSerializer,
    ReuseSerializer,
    ScoreItemSerializer,
    StartSerializer,
)

# A staff decision: its service and the permission it needs (the same as its page).
# QA decisions (start the review, approve, return, reject) go through the QA review
# (/api/v1/qa-reviews/<id>/start/ and .../decide/), which runs the checks first.
DECISION_SERVICES: dict[str, tuple[Callable[..., Audit], str]] = {
    "cancel": (services.cancel_audit, "audits.cancel_audit"),
}


def validated(serializer_class: type, request: Request, **context: Any) -> dict[str, Any]:
    """Return the request body checked by the serializer (a 400 with field errors if not)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def score_errors(errors: Any) -> dict[str, Any]:
    """Return a list body's errors keyed ``<index>.<field>`` (the API's one error shape).

    DRF gives the errors of a list by item index (a dict or a list); errors of the list as a
    whole stay under their own key (``non_field_errors``).
    """
    items = errors.items() if isinstance(errors, dict) else enumerate(errors)
    flat: dict[str, Any] = {}
    for index, item in items:
        if isinstance(item, dict):
            flat.update({f"{index}.{field}": messages for field, messages in item.items()})
        elif item:
            flat[str(index)] = item
    return flat


class AuditViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Audits with their due dates and countdowns; staff plan them, auditors work them."""

    serializer_class = AuditSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_audit"
    action_permissions = {
        "create": "audits.plan_audit",
        "notice": "audits.file_notice",
        "start": "audits.record_onsite",
        "onsite": "audits.record_onsite",
        "scores": "audits.submit_report",
        "report": "audits.submit_report",
        "submit": "audits.submit_report",
        "reuse": "audits.start_from_previous",
        "extensions": "audits.request_extension",
        "decision": "audits.decide_audit",
    }
    filterset_fields = ["status", "audit_type", "employer", "lead_auditor"]
    search_fields = ["employer__legal_name", "employer__trade_name"]
    ordering_fields = [
        "starts_on",
        "notice_due",
        "onsite_due",
        "submission_due",
        "final_due",
        "status",
    ]
    ordering = ["-starts_on", "-pk"]

    def get_queryset(self) -> QuerySet[Audit]:
        return (
            Audit.objects.visible_to(self.request.user)
            .select_related("employer", "lead_auditor__user")
            .prefetch_related(
                Prefetch("scope", queryset=ClassificationUnit.objects.only("code")),
                "student_auditors",
            )
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def answer(self, audit: Audit, code: int = status.HTTP_200_OK) -> Response:
        """Return the audit as it now is."""
        fresh = self.get_queryset().get(pk=audit.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=AuditPlanSerializer, responses={201: AuditSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plan an audit: the lead auditor's standing is checked (R-6, R-7)."""
        audit = services.plan_audit(actor=request.user, **validated(AuditPlanSerializer, request))
        return self.answer(audit, status.HTTP_201_CREATED)

    @extend_schema(request=NoticeSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str | None = None) -> Response:
        """File the Notice of Audit (R-8) with the declaration of no consulting (R-7)."""
        audit = self.get_object()
        fields = validated(NoticeSerializer, request)
        return self.answer(services.file_notice(audit=audit, actor=request.user, **fields))

    @extend_schema(request=StartSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Record that the audit's work has begun (on or after its start date)."""
        audit = self.get_object()
        fields = validated(StartSerializer, request)
        return self.answer(services.start_audit(audit=audit, actor=request.user, **fields))

    @extend_schema(request=OnsiteSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def onsite(self, request: Request, pk: str | None = None) -> Response:
        """Record the last onsite day: the report-to-QA clock starts (R-9)."""
        audit = self.get_object()
        fields = validated(OnsiteSerializer, request)
        return self.answer(services.complete_onsite(audit=audit, actor=request.user, **fields))

    @extend_schema(request=ScoreItemSerializer(many=True), responses=DraftSerializer)
    @action(detail=True, methods=["put", "post"])
    def scores(self, request: Request, pk: str | None = None) -> Response:
        """Save element scores of the submission being prepared (R-10), each element once.

        The body is a list of ``{element, earned, applicable}``; points are decimals (as
        strings or numbers, two decimals at most). Scores of elements not listed are kept.
        """
        audit = self.get_object()
        scores = ScoreItemSerializer(data=request.data, many=True, context={"audit": audit})
        if not scores.is_valid():
            raise ValidationError(score_errors(scores.errors))
        items = cast(list[dict[str, Any]], scores.validated_data)
        points = {s["element"].pk: (s["earned"], s["applicable"]) for s in items}
        notes = {s["element"].pk: s["note"] for s in items if "note" in s}
        draft = services.save_draft(audit=audit, actor=request.user, scores=points, notes=notes)
        return self.draft_answer(draft)

    @extend_schema(request={"multipart/form-data": ReportSerializer}, responses=DraftSerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def report(self, request: Request, pk: str | None = None) -> Response:
        """Upload the report (a PDF, checked by its content) of the submission being prepared."""
        audit = self.get_object()
        fields = validated(ReportSerializer, request)
        draft = services.save_draft(audit=audit, actor=request.user, report=fields["report"])
        return self.draft_answer(draft)

    @extend_schema(request=None, responses={200: ReuseSerializer, 201: ReuseSerializer})
    @action(detail=True, methods=["post"])
    def reuse(self, request: Request, pk: str | None = None) -> Response:
        """Start a maintenance or recertification audit from the employer's previous approved
        audit: each element shows last time's points and note; its own scores start empty.

        The lead auditor only, while the first draft is open. Again: nothing new
        (``created`` false).
        """
        audit = self.get_object()
        reuse = services_reuse.start_from_previous(audit=audit, actor=request.user)
        code = status.HTTP_201_CREATED if reuse.created else status.HTTP_200_OK
        return Response(ReuseSerializer(reuse).data, status=code)

    def draft_answer(self, draft: Any) -> Response:
        """Return the draft with its scores and, when they give one, its result so far."""
        try:
            result = services.result_of(draft) if draft.scores.exists() else None
        except RefusedError:
            result = None
        return Response(DraftSerializer(draft, context={"result": result}).data)

    @extend_schema(request=None, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit the report and scores to QA: onsite complete, report uploaded, all scored."""
        audit = self.get_object()
        services.submit_report(audit=audit, actor=request.user)
        return self.answer(audit)

    @extend_schema(request=ExtensionRequestSerializer, responses={201: ExtensionSerializer})
    @action(detail=True, methods=["post"])
    def extensions(self, request: Request, pk: str | None = None) -> Response:
        """Ask for more days to submit the report (R-9); staff decide."""
        audit = self.get_object()
        fields = validated(ExtensionRequestSerializer, request)
        extension = services.request_extension(audit=audit, actor=request.user, **fields)
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Staff: cancel an audit before it is submitted (QA decisions: ``qa-reviews``)."""
        audit = self.get_object()
        fields = validated(DecisionSerializer, request)
        decision = fields.pop("decision")
        service, perm = DECISION_SERVICES[decision]
        if not request.user.has_perm(perm, audit):
            raise PermissionDenied
        return self.answer(service(audit=audit, actor=request.user, **fields))


class AuditElementViewSet(viewsets.ReadOnlyModelViewSet):
    """The elements of the audit tools (R-10) and their points."""

    serializer_class = AuditElementSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_audit"
    queryset = AuditElement.objects.select_related("tool")
    filterset_fields = ["tool"]
    ordering = ["tool", "number"]


class ExtensionViewSet(viewsets.ReadOnlyModelViewSet):
    """Extension requests: staff see and decide all; an auditor sees those of their audits."""

    serializer_class = ExtensionSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_extension"
    action_permissions = {"decide": "audits.decide_extension"}
    filterset_fields = ["status", "audit"]
    ordering_fields = ["requested_on", "decided_on"]
    ordering = ["-requested_on", "-pk"]

    def get_queryset(self) -> QuerySet[Extension]:
        return Extension.objects.visible_to(self.request.user).select_related(
            "audit__employer", "requested_by", "decided_by"
        )

    @extend_schema(request=ExtensionDecisionSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve (moving the submission and final dates) or refuse the request."""
        extension = self.get_object()
        fields = validated(ExtensionDecisionSerializer, request)
        services.decide_extension(
            extension=extension,
            actor=request.user,
            approve=fields["decision"] == "approve",
            note=fields.get("note", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=extension.pk)).data)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """Certificates (R-11): staff see all; an employer contact its own employer's."""

    serializer_class = CertificateSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_certificate"
    filterset_fields = ["employer", "status"]
    search_fields = ["number", "employer__legal_name"]
    ordering_fields = ["certified_on", "expires_on", "number"]
    ordering = ["-certified_on", "-pk"]

    def get_queryset(self) -> QuerySet[Certificate]:
        return (
            Certificate.objects.visible_to(self.request.user)
            .select_related("employer", "audit")
            .prefetch_related(
                Prefetch(
                    "classification_units", queryset=ClassificationUnit.objects.order_by("code")
                )
            )
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class OneObjectSchema(PortalAutoSchema):
    """The schema of a ``list`` route that answers one object (not an array, not paged)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class CycleViewSet(viewsets.GenericViewSet):
    """An employer's 3-year cycle (R-5): staff name the employer, a contact gets its own."""

    schema = OneObjectSchema()
    serializer_class = CycleSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_certificate"
    pagination_class = None
    filter_backends: list = []

    @extend_schema(parameters=[CycleQuerySerializer], responses=CycleSerializer)
    def list(self, request: Request) -> Response:
        """Return the cycle years of the employer's latest certificate with their states."""
        query = CycleQuerySerializer(data=request.query_params.dict(), context={"request": request})
        query.is_valid(raise_exception=True)
        employer = query.validated_data.get("employer")
        if employer is None and getattr(request.user, "role", None) == Role.EMPLOYER:
            employer = Employer.objects.visible_to(request.user).first()
        if employer is None:
            raise ValidationError({"employer": ["Give the employer's id."]})
        cycle = selectors.cycle_for(employer, today=timezone.localdate())
        data = {
            "employer": employer.pk,
            "certificate": cycle.certificate if cycle else None,
            "years": cycle.rows if cycle else [],
        }
        return Response(CycleSerializer(data).data)


class DeadlineViewSet(viewsets.GenericViewSet):
    """The running clocks of the audits the user may see, soonest first (overdue at the top)."""

    serializer_class = DeadlineSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_audit"
    filter_backends: list = []

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineSerializer(many=True))
    def list(self, request: Request) -> Response:
        """List running deadlines: ``?deadline=``, ``?state=green|amber|red``, ``?employer=``."""
        query = DeadlineQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params, today = query.validated_data, timezone.localdate()
        audits = Audit.objects.visible_to(request.user)
        if "employer" in params:
            audits = audits.filter(employer_id=params["employer"])
        window = self.due_window(params.get("state"), today)
        if "deadline" in params:
            window["deadlines"] = (params["deadline"],)
        rows = selectors.running_deadlines(audits, **window)
        page = self.paginate_queryset(rows)
        context = {"today": today}
        return self.get_paginated_response(
            DeadlineSerializer(page, many=True, context=context).data
        )

    @staticmethod
    def due_window(state: str | None, today: Any) -> dict[str, Any]:
        """Return the due dates of a traffic light: red overdue, amber 0-14 days, green later."""
        amber_end = today + timedelta(days=selectors.AMBER_DAYS)
        windows = {
            "red": {"due_to": today - timedelta(days=1)},
            "amber": {"due_from": today, "due_to": amber_end},
            "green": {"due_from": amber_end + timedelta(days=1)},
        }
        return dict(windows.get(state or "", {}))
