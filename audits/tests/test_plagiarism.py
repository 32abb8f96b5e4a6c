"""R-13 plagiarism: real report PDFs, extracted, signed, compared through the Celery task."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from audits import similarity
from audits.choices import AuditStatus
from audits.models import ReportText, SimilarityMatch, Submission
from audits.sample_reports import HOTEL_COPY, HOTEL_REPORT, TOURS_REPORT, report_pdf
from audits.selectors_plagiarism import similar_reports
from audits.services_plagiarism import check_report, extract_text
from audits.tasks import check_report_similarity
from audits.tests.factories import AuditFactory, SubmissionFactory
from cor_portal.program.models import ProgramRules
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
ON = date(2025, 6, 2)


@pytest.fixture(scope="module")
def pdfs():
    """The three sample reports as PDFs (rendered once: WeasyPrint takes a moment)."""
    return {
        "hotel": report_pdf(HOTEL_REPORT, title="Audit report: Harbour Hotel"),
        "copy": report_pdf(HOTEL_COPY, title="Audit report: Summit Lodge"),
        "tours": report_pdf(TOURS_REPORT, title="Audit report: Rapid River Tours"),
    }


def submitted(pdf: bytes, *, employer=None, on: date = ON, number: int = 1) -> Submission:
    audit = AuditFactory(employer=employer or EmployerFactory(), status=AuditStatus.SUBMITTED)
    return SubmissionFactory(
        audit=audit,
        number=number,
        report=ContentFile(pdf, name="report.pdf"),
        submitted_on=on,
    )


def run_task(submission: Submission) -> dict:
    """Run the Celery task the way submit_report enqueues it (eager in tests)."""
    return check_report_similarity.delay(submission.pk).get()


def test_text_is_extracted_from_a_real_pdf(pdfs):
    submission = submitted(pdfs["hotel"])
    text = extract_text(submission)
    assert "Audit report: Harbour Hotel" in text
    assert "two person rule for turning" in " ".join(text.split())


def test_a_near_copy_of_another_employers_report_is_flagged_with_its_passages(pdfs):
    original = submitted(pdfs["hotel"], on=ON - DAY)
    run_task(original)
    copy = submitted(pdfs["copy"], on=ON)

    result = run_task(copy)

    assert result == {"submission": copy.pk, "matches": 1, "flagged": 1}
    match = SimilarityMatch.objects.get(submission=copy)
    assert match.earlier == original
    assert match.flagged is True
    assert match.score >= Decimal("80")
    assert match.threshold == Decimal("60.00")
    # The MinHash estimate is close to the exact resemblance.
    assert abs(match.estimate - match.score) < Decimal("15")
    assert match.passages, "the reviewer sees the matching passages"
    found = similar_reports(copy)
    assert [item.other for item in found] == [original]
    longest = found[0].passages[0]
    assert longest.words >= similarity.MIN_PASSAGE_WORDS
    assert longest.this.match == longest.other.match  # the same words in both reports
    assert "two person rule" in " ".join(p.this.match for p in found[0].passages)
    # The earlier report's reviewer sees the pair too, the other way round.
    assert [item.other for item in similar_reports(original)] == [copy]


def test_an_unrelated_report_is_not_flagged(pdfs):
    run_task(submitted(pdfs["hotel"], on=ON - DAY))
    tours = submitted(pdfs["tours"], on=ON)

    result = run_task(tours)

    assert result["flagged"] == 0
    assert not SimilarityMatch.objects.filter(submission=tours, flagged=True).exists()
    assert similar_reports(tours) == []
    assert ReportText.objects.get(submission=tours).words > 150


def test_the_same_employers_earlier_reports_are_not_compared(pdfs):
    employer = EmployerFactory()
    run_task(submitted(pdfs["hotel"], employer=employer, on=ON - DAY))
    again = submitted(pdfs["copy"], employer=employer, on=ON)

    assert run_task(again) == {"submission": again.pk, "matches": 0, "flagged": 0}
    assert not SimilarityMatch.objects.exists()


def test_only_earlier_reports_are_compared(pdfs):
    later = submitted(pdfs["hotel"], on=ON + DAY)
    run_task(later)
    first = submitted(pdfs["copy"], on=ON)

    assert run_task(first)["matches"] == 0


def test_rerunning_keeps_one_result_per_pair(pdfs):
    run_task(submitted(pdfs["hotel"], on=ON - DAY))
    copy = submitted(pdfs["copy"], on=ON)
    run_task(copy)
    first = SimilarityMatch.objects.get(submission=copy)

    run_task(copy)
    run_task(copy)

    again = SimilarityMatch.objects.get(submission=copy)
    assert again.score == first.score
    assert again.passages == first.passages
    assert ReportText.objects.filter(submission=copy).count() == 1


def test_the_threshold_is_inclusive_and_read_from_the_program_rules(pdfs):
    run_task(submitted(pdfs["hotel"], on=ON - DAY))
    copy = submitted(pdfs["copy"], on=ON)
    score = check_report(copy)[0].score
    rules = ProgramRules.objects.in_force(ON)

    rules.plagiarism_threshold_percent = score  # exactly at the threshold: flagged
    rules.save()
    assert check_report(copy)[0].flagged is True

    rules.plagiarism_threshold_percent = score + Decimal("0.01")  # just above: not flagged
    rules.save()
    [match] = check_report(copy)
    assert match.flagged is False
    assert match.threshold == score + Decimal("0.01")
    assert similar_reports(copy) == []
    assert len(similar_reports(copy, flagged_only=False)) == 1


def test_a_report_without_text_is_not_compared(pdfs):
    run_task(submitted(pdfs["hotel"], on=ON - DAY))
    blank = submitted(report_pdf("Cover page only", title="Scan"), on=ON)

    assert run_task(blank)["matches"] == 0
    assert ReportText.objects.get(submission=blank).signature in (b"", memoryview(b""))


def test_an_unreadable_file_is_not_an_error():
    broken = submitted(b"%PDF-1.4\nnot really a pdf")
    assert run_task(broken)["matches"] == 0
    assert ReportText.objects.get(submission=broken).text == ""


def test_a_draft_is_not_checked(pdfs):
    draft = SubmissionFactory(report=ContentFile(pdfs["hotel"], name="r.pdf"))
    assert run_task(draft)["matches"] == 0
    assert not ReportText.objects.filter(submission=draft).exists()


def test_submitting_a_report_enqueues_the_check(django_capture_on_commit_callbacks, monkeypatch):
    from audits import services, tasks

    calls = []
    monkeypatch.setattr(tasks.check_report_similarity, "delay", calls.append)
    audit = AuditFactory(
        status=AuditStatus.ONSITE_COMPLETE,
        starts_on=date(2025, 3, 3),
        last_onsite_on=date(2025, 4, 2),
        submission_due=date(2025, 5, 2),
    )
    draft = SubmissionFactory(audit=audit, report=ContentFile(b"%PDF-1.4\n", name="r.pdf"))
    from audits.tests.factories import score_all

    score_all(draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(audit=audit, actor=None, on=date(2025, 4, 20))
    assert calls == [draft.pk]


# The pure rules -------------------------------------------------------------------------------


def test_resemblance_and_flagging_rules():
    a = similarity.shingles("one two three four five six")
    b = similarity.shingles("one two three four five seven")
    assert a == {"one two three four five", "two three four five six"}
    assert similarity.resemblance(a, b) == Decimal("33.33")  # 1 shared of 3 distinct
    assert similarity.resemblance(a, set()) == Decimal("0.00")
    assert similarity.is_flagged(Decimal("60.00"), Decimal("60.00")) is True
    assert similarity.is_flagged(Decimal("59.99"), Decimal("60.00")) is False
    with pytest.raises(TypeError):
        similarity.is_flagged(60.0, Decimal("60"))  # type: ignore[arg-type]


def test_signatures_estimate_resemblance():
    a = similarity.shingles(HOTEL_REPORT)
    sig_a = similarity.signature(a)
    assert len(sig_a) == similarity.NUM_PERM * 8
    [same, other] = similarity.estimates(
        sig_a,
        [
            similarity.signature(similarity.shingles(HOTEL_COPY)),
            similarity.signature(similarity.shingles(TOURS_REPORT)),
        ],
    )
    exact = similarity.resemblance(a, similarity.shingles(HOTEL_COPY))
    assert abs(same - exact) < Decimal("15")
    assert other < Decimal("10")


def test_passages_are_shared_runs_in_the_words_as_written():
    text_a = "Intro words here. " + HOTEL_REPORT
    found = similarity.passages(text_a, HOTEL_COPY)
    words_a, words_b = similarity.words_of(text_a), similarity.words_of(HOTEL_COPY)
    for passage in found:
        assert similarity.normalise(
            words_a[passage.a_start : passage.a_end]
        ) == similarity.normalise(words_b[passage.b_start : passage.b_end])
    assert found[0].words >= found[-1].words
    assert similarity.passages(HOTEL_REPORT, TOURS_REPORT) == []


def earlier_texts(count: int) -> None:
    """Store ``count`` earlier reports of other employers by their text and signature only
    (no PDF at all): the check must find them from the stored signatures."""
    import random

    words = TOURS_REPORT.split()
    for index in range(count - ReportText.objects.count()):
        rng = random.Random(index)
        text = " ".join(rng.choice(words) for _ in range(200))
        submission = SubmissionFactory(submitted_on=ON - DAY * (index + 1))
        ReportText.objects.create(
            submission=submission,
            text=text,
            words=200,
            signature=similarity.signature(similarity.shingles(text)),
        )


def test_a_new_report_is_compared_from_stored_signatures_in_constant_queries(pdfs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 30):
        earlier_texts(size)
        copy = submitted(pdfs["copy"], on=ON)
        with CaptureQueriesContext(connection) as queries:
            matches = check_report(copy)
        counts.append(len(queries))
        assert matches == []  # shuffled words share no five-word run worth flagging
        copy.delete()
    assert counts[0] == counts[1]


def test_a_copy_found_among_many_reports_without_their_pdfs(pdfs):
    earlier_texts(40)
    original = SubmissionFactory(submitted_on=ON - DAY)
    ReportText.objects.create(
        submission=original,
        text=HOTEL_REPORT,
        words=len(HOTEL_REPORT.split()),
        signature=similarity.signature(similarity.shingles(HOTEL_REPORT)),
    )
    assert not original.report  # nothing to re-read: the stored text and signature suffice

    [match] = check_report(submitted(pdfs["copy"], on=ON))

    assert match.earlier == original
    assert match.flagged is True
