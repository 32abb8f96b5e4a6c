"""The similarity panel (R-13) as a tag, for pages that have only the submission.

``{% load similarity %}{% similarity_panel submission %}`` renders
``audits/qa/_similarity.html`` with ``selectors_plagiarism.similarity_summary(submission)``
(three queries); a view that already has the summary may include the template directly,
passing ``submission``, ``checked``, ``words`` and ``similar``.
"""

from typing import Any

from django import template

from ..models import Submission
from ..selectors_plagiarism import similarity_summary

register = template.Library()


@register.inclusion_tag("audits/qa/_similarity.html")
def similarity_panel(submission: Submission, full: bool = False) -> dict[str, Any]:
    """Return the panel's context: whether the report was read, and its flagged pairs."""
    return {**similarity_summary(submission), "full": full}
