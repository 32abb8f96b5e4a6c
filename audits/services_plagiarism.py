"""R-13: compare each submitted report with earlier reports of other employers.

``check_report(submission)`` is the one service (the Celery task
``audits.tasks.check_report_similarity`` calls it after a report is submitted):

1. extract the report PDF's text with pypdf (pure Python, pinned, no external binary, and it
   reads the file through Django's storage API, so it works the same on any worker machine
   and with object storage) and store it with its MinHash signature (``ReportText``);
2. estimate its resemblance to every earlier submitted report of another employer from the
   stored signatures alone (no earlier PDF or text is read for this);
3. for the candidates near or above the threshold, compute the exact score and the matching
   passages from the two stored texts and keep one ``SimilarityMatch`` per pair, flagged at or
   above the program rules' ``plagiarism_threshold_percent``.

Running it again for the same submission replaces its rows: one result per pair.
"""

import io
import logging
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import Q

from cor_portal.program.models import ProgramRules

from . import similarity
from .models import ReportText, SimilarityMatch, Submission

logger = logging.getLogger(__name__)
CHUNK = 2000  # earlier signatures compared per pass
T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_text(submission: Submission) -> str:
    """Return the text of the submission's report PDF ("" when it has none or it is unreadable)."""
    if not submission.report:
        return ""
    from pypdf import PdfReader  # imported on use: only the worker pays for it
    from pypdf.errors import PdfReadError

    try:
        with submission.report.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as error:
        logger.warning("Report of submission %s unreadable: %s", submission.pk, error)
        return ""
    except Exception:
        logger.exception("Report of submission %s could not be read", submission.pk)
        return ""
    return "\n".join(pages).strip()


def store_text(submission: Submission) -> ReportText:
    """Extract and store the report's text and MinHash signature (replacing an earlier one)."""
    text = extract_text(submission)
    shingle_set = similarity.shingles(text)
    # A text too short to judge (a title page, a scanned report) keeps no signature: it is
    # neither compared nor compared with.
    row, _ = ReportText.objects.update_or_create(
        submission=submission,
        defaults={
            "text": text,
            "words": len(similarity.words_of(text)),
            "signature": similarity.signature(shingle_set) if similarity.comparable(text) else b"",
        },
    )
    return row


def threshold_on(on: date) -> Decimal:
    """Return the plagiarism threshold (percent) of the program rules in force on the date."""
    return ProgramRules.objects.in_force(on).plagiarism_threshold_percent


def earlier_reports(submission: Submission):
    """Return the stored texts of reports submitted before this one by other employers."""
    on = submission.submitted_on
    assert on is not None
    return (
        ReportText.objects.filter(submission__submitted_on__isnull=False)
        .exclude(submission__audit__employer_id=submission.audit.employer_id)
        .filter(
            Q(submission__submitted_on__lt=on)
            | Q(submission__submitted_on=on, submission__pk__lt=submission.pk)
        )
        .exclude(signature=b"")
    )


@transaction.atomic
def check_report(submission: Submission) -> list[SimilarityMatch]:
    """Compare a submitted report with earlier reports of other employers; return its matches.

    Returns the flagged and unflagged rows kept (those whose estimate came near the threshold),
    highest score first.
    """
    submission = Submission.objects.select_related("audit").get(pk=submission.pk)
    if submission.submitted_on is None:
        return []
    own = store_text(submission)
    SimilarityMatch.objects.filter(submission=submission).delete()
    if not own.signature:
        return []
    threshold = threshold_on(submission.submitted_on)
    # Signatures are read in chunks, so memory stays flat however many reports there are.
    rows_seen, candidates = 0, []
    earlier = earlier_reports(submission).values_list("submission_id", "signature")
    for chunk in _chunks(earlier.iterator(chunk_size=CHUNK), CHUNK):
        rows_seen += len(chunk)
        found = similarity.estimates(bytes(own.signature), [bytes(sig) for _, sig in chunk])
        candidates += [
            (submission_id, estimate)
            for (submission_id, _), estimate in zip(chunk, found, strict=True)
            if similarity.is_candidate(estimate, threshold)
        ]
    own_shingles = similarity.shingles(own.text)
    texts = dict(
        ReportText.objects.filter(submission_id__in=[pk for pk, _ in candidates]).values_list(
            "submission_id", "text"
        )
    )
    rows = []
    for earlier_id, estimate in candidates:
        other = texts[earlier_id]
        score = similarity.resemblance(own_shingles, similarity.shingles(other))
        rows.append(
            SimilarityMatch(
                submission=submission,
                earlier_id=earlier_id,
                score=score,
                estimate=estimate,
                threshold=threshold,
                flagged=similarity.is_flagged(score, threshold),
                passages=[p.as_dict() for p in similarity.passages(own.text, other)],
            )
        )
    SimilarityMatch.objects.bulk_create(rows)
    logger.info(
        "Report of submission %s: %d earlier reports, %d candidates, %d flagged",
        submission.pk,
        rows_seen,
        len(rows),
        sum(row.flagged for row in rows),
    )
    return sorted(rows, key=lambda row: -row.score)
