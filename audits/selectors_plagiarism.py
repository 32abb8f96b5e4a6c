"""Reads of R-13: a report's similar earlier (or later) reports, with their passages."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from . import similarity
from .models import ReportText, SimilarityMatch, Submission


@dataclass(frozen=True)
class PassagePair:
    """One matching passage, in this report and in the other, with the words around it."""

    words: int
    this: similarity.Excerpt
    other: similarity.Excerpt


@dataclass(frozen=True)
class SimilarReport:
    """Another employer's report like this one: the score and the passages side by side."""

    match: SimilarityMatch
    other: Submission
    other_is_earlier: bool
    score: Decimal
    threshold: Decimal
    flagged: bool
    passages: tuple[PassagePair, ...]


def matches_of(submission: Submission) -> QuerySet[SimilarityMatch]:
    """Return the rows that compare the submission with another report, either way round."""
    return SimilarityMatch.objects.filter(
        Q(submission=submission) | Q(earlier=submission)
    ).select_related(
        "submission__audit__employer",
        "submission__audit__lead_auditor__user",
        "earlier__audit__employer",
        "earlier__audit__lead_auditor__user",
    )


def similar_reports(submission: Submission, *, flagged_only: bool = True) -> list[SimilarReport]:
    """Return the reports of other employers found similar to this one, highest score first.

    A row counts whichever report came first: the reviewer of the later report and the one of
    the earlier report both see the pair. The passages come from the stored texts (two reads).
    """
    matches = matches_of(submission)
    if flagged_only:
        matches = matches.filter(flagged=True)
    rows = list(matches.order_by("-score", "-pk"))
    ids = {row.submission_id for row in rows} | {row.earlier_id for row in rows}
    words = {
        pk: similarity.words_of(text)
        for pk, text in ReportText.objects.filter(submission_id__in=ids).values_list(
            "submission_id", "text"
        )
    }
    found = []
    for row in rows:
        forward = row.submission_id == submission.pk
        other = row.earlier if forward else row.submission
        this_words = words.get(submission.pk, [])
        other_words = words.get(other.pk, [])
        pairs = []
        for item in row.passages:
            (a0, a1), (b0, b1) = item["a"], item["b"]
            mine, theirs = ((a0, a1), (b0, b1)) if forward else ((b0, b1), (a0, a1))
            pairs.append(
                PassagePair(
                    words=a1 - a0,
                    this=similarity.excerpt(this_words, *mine),
                    other=similarity.excerpt(other_words, *theirs),
                )
            )
        found.append(
            SimilarReport(
                match=row,
                other=other,
                other_is_earlier=forward,
                score=row.score,
                threshold=row.threshold,
                flagged=row.flagged,
                passages=tuple(pairs),
            )
        )
    return found


def similarity_summary(submission: Submission) -> dict[str, Any]:
    """Return what the similarity panel shows: whether the text was read, and the pairs."""
    text = ReportText.objects.filter(submission=submission).only("words").first()
    return {
        "submission": submission,
        "checked": text is not None,
        "words": text.words if text else 0,
        "similar": similar_reports(submission),
    }
