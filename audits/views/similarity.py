"""Staff page of R-13: a submitted report's similar reports of other employers, side by side."""

from functools import cached_property
from typing import Any

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from cor_portal.accounts.access import SectionRequiredMixin

from ..models import Submission
from ..selectors_plagiarism import similarity_summary


class SubmissionSimilarityView(SectionRequiredMixin, TemplateView):
    """The score and matching passages of every flagged pair the report is part of."""

    permission_required = "audits.view_similarity"
    template_name = "audits/similarity.html"

    @cached_property
    def submission(self) -> Submission:
        submissions = Submission.objects.select_related(
            "audit__employer", "audit__lead_auditor__user"
        )
        return get_object_or_404(submissions, pk=self.kwargs["pk"], submitted_on__isnull=False)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            audit=self.submission.audit, **similarity_summary(self.submission), **kwargs
        )
