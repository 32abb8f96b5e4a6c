"""The QA API (R-12): reviews with their checks, checklist and notes; notes and answers;
revisions. Scoped like the pages: staff review everything; an auditor reads the notes of the
decided reviews of the audits they lead and answers them, and reads their audits' revisions;
an employer has no access here (its released result is on the audit itself)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from auditors.models import Auditor
from cor_portal.api.permissions import RulesPermission

from .. import qa
from ..choices import ChecklistAnswer, NoteKind, ReviewOutcome
from ..forms import staff_members
from ..models import (
    AuditElement,
    ChecklistItem,
    ChecklistResponse,
    ElementScore,
    Review,
    ReviewCheck,
    ReviewNote,
    Submission,
)
from .views import validated

# Serializers ----------------------------------------------------------------------------------


class ReviewCheckSerializer(serializers.ModelSerializer):
    """An automatic check's stored result (``audits.qa_checks``)."""

    class Meta:
        model = ReviewCheck
        fields = ["code", "label", "status", "detail"]
        read_only_fields = fields


class ChecklistResponseSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="item.text", read_only=True)
    number = serializers.IntegerField(source="item.number", read_only=True)

    class Meta:
        model = ChecklistResponse
        fields = ["item", "number", "question", "answer", "comment"]
        read_only_fields = fields


class ReviewNoteSerializer(serializers.ModelSerializer):
    audit = serializers.IntegerField(source="review.audit_id", read_only=True)
    revision = serializers.IntegerField(source="review.submission.number", read_only=True)
    element_name = serializers.CharField(source="element.name", read_only=True, default=None)
    answered_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = ReviewNote
        fields = [
            "id",
            "review",
            "audit",
            "revision",
            "element",
            "element_name",
            "kind",
            "text",
            "answer",
            "answered_on",
            "answered_by",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="audit.employer.legal_name", read_only=True)
    audit_status = serializers.CharField(source="audit.status", read_only=True)
    revision = serializers.IntegerField(source="submission.number", read_only=True)
    submitted_on = serializers.DateField(source="submission.submitted_on", read_only=True)
    reviewer: serializers.StringRelatedField = serializers.StringRelatedField()
    checks = ReviewCheckSerializer(many=True, read_only=True)
    checklist = ChecklistResponseSerializer(many=True, read_only=True)
    notes = ReviewNoteSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "audit",
            "employer_name",
            "audit_status",
            "submission",
            "revision",
            "submitted_on",
            "reviewer",
            "assigned_on",
            "started_on",
            "outcome",
            "decided_on",
            "summary",
            "checks",
            "checklist",
            "notes",
        ]
        read_only_fields = fields


class AssignSerializer(serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=staff_members(), allow_null=True, help_text="A staff member's user id, or null."
    )


class ChecklistItemAnswerSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistItem.objects.filter(active=True))
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)


class NoteCreateSerializer(serializers.Serializer):
    element = serializers.PrimaryKeyRelatedField(
        queryset=AuditElement.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    text = serializers.CharField(max_length=5000)


class ReviewDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    on = serializers.DateField(required=False)
    lead_auditor = serializers.PrimaryKeyRelatedField(
        queryset=Auditor.objects.all(),
        required=False,
        allow_null=True,
        help_text="Verification audit required: its lead auditor.",
    )
    starts_on = serializers.DateField(
        required=False, allow_null=True, help_text="Verification audit required: its start."
    )


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class RevisionScoreSerializer(serializers.ModelSerializer):
    element_name = serializers.CharField(source="element.name", read_only=True)
    number = serializers.IntegerField(source="element.number", read_only=True)

    class Meta:
        model = ElementScore
        fields = ["element", "number", "element_name", "earned", "applicable"]
        read_only_fields = fields


class RevisionSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="number", read_only=True)
    scores = RevisionScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "audit",
            "revision",
            "submitted_on",
            "late",
            "report_name",
            "overall_percent",
            "passed",
            "used_documentation",
            "used_observation",
            "used_interviews",
            "headcount",
            "interviewed",
            "scores",
        ]
        read_only_fields = fields


# Views ----------------------------------------------------------------------------------------


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Desktop QA reviews (staff): automatic checks, checklist, notes; act on a review."""

    serializer_class = ReviewSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.review_audit"
    filterset_fields = ["outcome", "audit", "reviewer"]
    ordering_fields = ["decided_on", "started_on", "created_at"]
    ordering = ["-pk"]

    def get_queryset(self) -> QuerySet[Review]:
        return Review.objects.select_related(
            "audit__employer", "submission", "reviewer"
        ).prefetch_related(
            "checks",
            Prefetch("checklist", queryset=ChecklistResponse.objects.select_related("item")),
            Prefetch(
                "notes",
                queryset=ReviewNote.objects.select_related(
                    "element", "answered_by", "review__submission"
                ),
            ),
        )

    def answer(self, review: Review) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=AssignSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign the reviewer (a staff member), or null to unassign."""
        review = self.get_object()
        fields = validated(AssignSerializer, request)
        return self.answer(qa.assign_reviewer(review=review, actor=request.user, **fields))

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Start the review: the audit moves to "in QA" and the automatic checks run."""
        return self.answer(qa.start_review(review=self.get_object(), actor=request.user))

    @extend_schema(request=ChecklistItemAnswerSerializer(many=True), responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def checklist(self, request: Request, pk: str | None = None) -> Response:
        """Answer checklist questions: a list of ``{item, answer, comment}``."""
        review = self.get_object()
        body = ChecklistItemAnswerSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        answers = {
            row["item"].pk: (row["answer"], row.get("comment", ""))
            for row in body.validated_data  # type: ignore[union-attr]
        }
        qa.save_checklist(review=review, actor=request.user, answers=answers)
        return self.answer(review)

    @extend_schema(request=NoteCreateSerializer, responses={201: ReviewNoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        """Write a note on an element (or the whole report), actionable or informational."""
        review = self.get_object()
        note = qa.add_note(
            review=review, actor=request.user, **validated(NoteCreateSerializer, request)
        )
        return Response(ReviewNoteSerializer(note).data, status=201)

    @extend_schema(request=ReviewDecisionSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Decide: approved, returned (with actionable notes), unsuccessful or verification
        audit required (with the verification audit's lead auditor and start)."""
        review = self.get_object()
        fields: dict[str, Any] = validated(ReviewDecisionSerializer, request)
        return self.answer(qa.decide(review=review, actor=request.user, **fields))


class ReviewNoteViewSet(viewsets.ReadOnlyModelViewSet):
    """QA notes: staff all; an auditor those of decided reviews of the audits they lead."""

    serializer_class = ReviewNoteSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_review_note"
    filterset_fields = ["kind", "review", "review__audit"]
    ordering = ["review", "pk"]

    def get_queryset(self) -> QuerySet[ReviewNote]:
        return ReviewNote.objects.visible_to(self.request.user).select_related(
            "element", "answered_by", "review__submission", "review__audit__lead_auditor"
        )

    @extend_schema(request=AnswerSerializer, responses=ReviewNoteSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The lead auditor answers an actionable note of their returned audit."""
        note = self.get_object()
        if not request.user.has_perm("audits.answer_note", note.review.audit):
            raise PermissionDenied
        fields = validated(AnswerSerializer, request)
        note = qa.answer_note(note=note, actor=request.user, answer=fields["answer"])
        return Response(self.get_serializer(self.get_queryset().get(pk=note.pk)).data)


class RevisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Submitted revisions with their scores and evidence: staff all, an auditor their audits'."""

    serializer_class = RevisionSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_revision"
    filterset_fields = ["audit"]
    ordering = ["audit", "number"]

    def get_queryset(self) -> QuerySet[Submission]:
        return (
            Submission.objects.visible_to(self.request.user)
            .filter(submitted_on__isnull=False)
            .prefetch_related(
                Prefetch("scores", queryset=ElementScore.objects.select_related("element"))
            )
        )
