"""QA pages and API (R-12) on the real database: the queue, a review through to its decision,
the auditor's answers, revisions compared, metrics, and the release of results to employers."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits import qa, services
from audits.choices import AuditStatus, NoteKind, ReviewOutcome
from audits.models import Audit, Certificate, ChecklistItem, Review, ReviewNote
from audits.tests.factories import AuditFactory, SubmissionFactory
from audits.tests.test_qa import EVIDENCE, answer_checklist, started
from audits.tests.test_services import auditor, employer, onsite_complete, pdf, plan, scores
from employers.tests.factories import employer_user

pytestmark = pytest.mark.django_db

S = AuditStatus
API = "/api/v1"
BUDGET = 12


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


def waiting(count: int, today: date) -> list[Review]:
    """Return ``count`` open reviews of submitted audits, submitted 1..count days ago."""
    reviews = []
    for n in range(count):
        audit = AuditFactory(
            status=S.SUBMITTED,
            starts_on=today - timedelta(days=90),
            last_onsite_on=today - timedelta(days=60),
        )
        submission = SubmissionFactory(audit=audit, submitted_on=today - timedelta(days=n + 1))
        reviews.append(Review.objects.create(audit=audit, submission=submission))
    return reviews


def own_audit(actor, lead_user, **points):
    """Return a certification audit led by ``lead_user``, submitted to QA with full evidence."""
    found = employer()
    audit = onsite_complete(plan(found, auditor(user=lead_user), actor), actor)
    services.save_draft(
        audit=audit, actor=actor, scores=scores(audit, **points), report=pdf(), evidence=EVIDENCE
    )
    services.submit_report(audit=audit, actor=actor, on=audit.submission_due)
    return Audit.objects.get(pk=audit.pk)


# The queue ------------------------------------------------------------------------------------


def test_the_queue_lists_waiting_revisions_oldest_first(staff):
    today = timezone.localdate()
    newest, older, oldest = waiting(3, today)
    decided = waiting(1, today)[0]
    Review.objects.filter(pk=decided.pk).update(outcome="approved", decided_on=today)
    Audit.objects.filter(pk=decided.audit_id).update(status=S.APPROVED)

    response = staff.get(reverse("qa:queue"))

    assert response.status_code == 200
    rows = list(response.context["table"].page.object_list)
    assert [row.record.pk for row in rows] == [oldest.pk, older.pk, newest.pk]
    html = response.content.decode()
    assert "3 days" in html
    assert oldest.audit.final_due.isoformat() in html
    assert response.context["unassigned"] == 3
    assert reverse("qa:review", args=[decided.pk]) not in html


def test_the_queue_filters_by_reviewer_and_shows_the_workload(staff, staff_user):
    today = timezone.localdate()
    first, second = waiting(2, today)
    qa.assign_reviewer(review=first, actor=staff_user, reviewer=staff_user)

    response = staff.get(reverse("qa:queue"), {"reviewer": "none"})
    assert [r.record.pk for r in response.context["table"].page.object_list] == [second.pk]
    mine = staff.get(reverse("qa:queue"), {"reviewer": str(staff_user.pk)})
    assert [r.record.pk for r in mine.context["table"].page.object_list] == [first.pk]
    assert [row["open"] for row in mine.context["workload"]] == [1]


@pytest.mark.parametrize("export", [None, "csv"])
def test_the_queue_makes_the_same_few_queries_for_3_and_30_reviews(staff, export):
    today = timezone.localdate()
    params = {"_export": export} if export else {}
    counts = []
    for size in (3, 30):
        waiting(size - Review.objects.count(), today)
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(reverse("qa:queue"), params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_the_review_api_list_makes_the_same_queries_for_3_and_30(staff):
    today = timezone.localdate()
    counts = []
    for size in (3, 30):
        for review in waiting(size - Review.objects.count(), today):
            ReviewNote.objects.create(review=review, kind=NoteKind.ACTIONABLE, text="Fix it.")
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(f"{API}/qa-reviews/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


# A review through its pages ---------------------------------------------------------------------


def checklist_post(review) -> dict[str, str]:
    items = ChecklistItem.objects.filter(program=review.audit.tool.program)
    return {f"answer_{item.pk}": "yes" for item in items}


def test_the_revision_loop_through_the_pages(staff, staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user, e2="60")
    review = Review.objects.get(audit=audit)
    url = reverse("qa:review", args=[review.pk])

    page = staff.get(url).content.decode()
    assert "Start the review" in page
    assert 'id="checks-heading"' in page
    assert staff.post(reverse("qa:start", args=[review.pk])).status_code == 302
    page = staff.get(url).content.decode()
    assert "Pass marks" in page
    assert "Interview sample" in page
    # A refused decision: the checklist is not answered yet.
    refused = staff.post(
        reverse("qa:decide", args=[review.pk]),
        {"outcome": "approved", "on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 200
    assert "Answer every checklist question first" in refused.content.decode()
    # A "no" needs a comment; then the checklist is saved.
    body = checklist_post(review)
    first = ChecklistItem.objects.filter(program="ohs").first()
    body[f"answer_{first.pk}"] = "no"
    assert "Say what is wrong" in staff.post(url, body).content.decode()
    body[f"comment_{first.pk}"] = "Element 2 adds up to 59, not 60."
    assert staff.post(url, body).status_code == 302
    element = audit.tool.elements.get(number=2)
    staff.post(
        reverse("qa:note-add", args=[review.pk]),
        {"element": element.pk, "kind": "actionable", "text": "Recheck element 2's arithmetic."},
    )
    response = staff.post(
        reverse("qa:decide", args=[review.pk]),
        {"outcome": "returned", "on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == S.RETURNED

    # The auditor answers the note, revises element 2 and resubmits.
    lead = client_for(auditor_user)
    answers_url = reverse("audits:answers", args=[audit.pk])
    page = lead.get(answers_url).content.decode()
    assert "Recheck element 2&#x27;s arithmetic." in page
    note = ReviewNote.objects.get(review=review, kind=NoteKind.ACTIONABLE)
    response = lead.post(answers_url, {f"answer_{note.pk}": "Corrected to 59."})
    assert response["Location"] == reverse("audits:submit", args=[audit.pk])
    work = lead.get(reverse("audits:work", args=[audit.pk]))
    assert work.context["form"].initial[f"earned_{element.pk}"] == Decimal("60")
    form = {
        **{k: str(v) for k, v in work.context["form"].initial.items() if v is not None},
        f"earned_{element.pk}": "59",
        "used_documentation": "on",
        "used_observation": "on",
        "used_interviews": "on",
    }
    assert lead.post(reverse("audits:work", args=[audit.pk]), form).status_code == 302
    assert lead.post(reverse("audits:submit", args=[audit.pk]), {}).status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == S.RESUBMITTED

    # The compare view: revision 2 beside 1, the change marked, the note with its answer.
    compare = staff.get(reverse("qa:compare", args=[audit.pk]))
    assert compare.context["changed"] == 1
    changed = [line for line in compare.context["lines"] if line.changed]
    assert [(line.number, line.before.earned, line.after.earned) for line in changed] == [
        (2, Decimal("60.00"), Decimal("59.00"))
    ]
    html = compare.content.decode()
    assert "table-warning" in html
    assert "Corrected to 59." in html
    first_revision = staff.get(reverse("qa:compare", args=[audit.pk]), {"revision": "1"})
    assert first_revision.context["before"] is None

    # The review resumes on revision 2 and approves it.
    second = Review.objects.get(audit=audit, submission__number=2)
    assert second.reviewer == staff_user
    staff.post(reverse("qa:start", args=[second.pk]))
    response = staff.post(
        reverse("qa:decide", args=[second.pk]),
        {"outcome": "approved", "on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == S.APPROVED
    assert Certificate.objects.filter(audit=audit).exists()
    assert audit.submissions.count() == 2


def test_verification_required_through_the_page(staff, staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user)
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    verifier = auditor()
    url = reverse("qa:decide", args=[review.pk])
    missing = staff.post(url, {"outcome": "verification_required", "on": "2025-05-10"})
    html = missing.content.decode()
    assert "Give the reason." in html
    assert "Choose the verification audit" in html
    response = staff.post(
        url,
        {
            "outcome": "verification_required",
            "on": "2025-05-10",
            "summary": "Interview records look copied.",
            "lead_auditor": verifier.pk,
            "starts_on": "2025-06-02",
        },
    )
    assert response.status_code == 302
    verification = Audit.objects.get(verification_of=audit)
    assert verification.starts_on == date(2025, 6, 2)
    assert verification.get_absolute_url() in staff.get(response["Location"]).content.decode()


def test_deleting_a_note_confirms_first(staff, staff_user):
    review = waiting(1, timezone.localdate())[0]
    note = ReviewNote.objects.create(review=review, kind=NoteKind.INFORMATIONAL, text="Fine.")
    url = reverse("qa:note-delete", args=[note.pk])
    assert "Check before you confirm" in staff.get(url).content.decode()
    assert staff.post(url).status_code == 302
    assert not ReviewNote.objects.filter(pk=note.pk).exists()


def test_metrics_page_shows_turnaround_and_coverage(staff, staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user)
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.APPROVED, on=date(2025, 5, 9))
    response = staff.get(reverse("qa:metrics"), {"start": "2025-05-01", "end": "2025-05-31"})
    assert response.context["metrics"].total.decided == 1
    assert response.context["metrics"].total.average_days == Decimal("7")  # 2025-05-02 to 09
    assert response.context["coverage"] == Decimal("100")
    assert "100.0%" in response.content.decode()
    bad = staff.get(reverse("qa:metrics"), {"start": "2025-05-31", "end": "2025-05-01"})
    assert bad.status_code == 200
    assert "The end is before the start." in bad.content.decode()


# Release gating and scoping -------------------------------------------------------------------


def test_the_employer_sees_no_result_until_approval_page_and_api(staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user)
    contact = client_for(employer_user(audit.employer))
    page_url, api_url = audit.get_absolute_url(), f"{API}/audits/{audit.pk}/"

    def shown() -> tuple[bool, object]:
        html = contact.get(page_url).content.decode()
        return "85.00%" in html, contact.get(api_url).json()["overall_percent"]

    assert shown() == (False, None)  # submitted
    review = started(audit, staff_user)
    assert shown() == (False, None)  # in QA
    answer_checklist(review, staff_user)
    qa.add_note(review=review, actor=staff_user, kind=NoteKind.ACTIONABLE, text="Fix e1.")
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.RETURNED)
    assert shown() == (False, None)  # returned
    assert contact.get(f"{API}/qa-notes/").status_code == 403
    assert contact.get(f"{API}/revisions/").status_code == 403
    assert contact.get(f"{API}/qa-reviews/").status_code == 403
    for note in qa.notes_to_answer(audit):
        qa.answer_note(note=note, actor=staff_user, answer="Fixed.")
    services.submit_report(audit=Audit.objects.get(pk=audit.pk), actor=staff_user)
    assert shown() == (False, None)  # resubmitted
    second = started(Audit.objects.get(pk=audit.pk), staff_user)
    qa.decide(review=second, actor=staff_user, outcome=ReviewOutcome.APPROVED)
    assert shown() == (True, "85.00000")


def test_auditors_see_only_decided_notes_of_their_own_audits(
    staff_user, auditor_user, other_auditor_user
):
    audit = own_audit(staff_user, auditor_user)
    review = started(audit, staff_user)
    note = qa.add_note(review=review, actor=staff_user, kind=NoteKind.ACTIONABLE, text="Fix.")
    lead, other = api_for(auditor_user), api_for(other_auditor_user)
    assert lead.get(f"{API}/qa-notes/{note.pk}/").status_code == 404  # still a draft
    answer_checklist(review, staff_user)
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.RETURNED)
    assert lead.get(f"{API}/qa-notes/").json()["count"] == 1
    assert other.get(f"{API}/qa-notes/").json()["count"] == 0
    assert other.get(f"{API}/qa-notes/{note.pk}/").status_code == 404
    refused = lead.post(f"{API}/qa-notes/{note.pk}/answer/", {"answer": " "}, format="json")
    assert refused.status_code == 400
    answered = lead.post(
        f"{API}/qa-notes/{note.pk}/answer/", {"answer": "Records attached."}, format="json"
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == "Records attached."
    revisions = lead.get(f"{API}/revisions/", {"audit": audit.pk}).json()["results"]
    assert [r["revision"] for r in revisions] == [1]
    assert other.get(f"{API}/revisions/{revisions[0]['id']}/").status_code == 404


def test_the_review_api_runs_a_review_to_its_decision(staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user, e1="49")
    api = api_for(staff_user)
    review = Review.objects.get(audit=audit)
    url = f"{API}/qa-reviews/{review.pk}"
    assert api.post(f"{url}/assign/", {"reviewer": auditor_user.pk}, format="json").status_code == (
        400
    )
    started_body = api.post(f"{url}/start/").json()
    checks = {c["code"]: c["status"] for c in started_body["checks"]}
    assert checks == {
        "pass_marks": "fail",
        "techniques": "pass",
        "sample": "pass",
        "timing": "pass",
    }
    bad = api.post(f"{url}/checklist/", [{"item": 0, "answer": "maybe"}], format="json")
    assert bad.status_code == 400
    note = api.post(
        f"{url}/notes/", {"kind": "informational", "text": "Element 1 is weak."}, format="json"
    )
    assert note.status_code == 201
    items = ChecklistItem.objects.filter(program="ohs")
    api.post(f"{url}/checklist/", [{"item": i.pk, "answer": "yes"} for i in items], format="json")
    approve = api.post(f"{url}/decide/", {"outcome": "approved"}, format="json")
    assert approve.status_code == 400
    assert "did not pass" in str(approve.json()["errors"])
    failed = api.post(
        f"{url}/decide/", {"outcome": "unsuccessful", "summary": "Element 1 at 49%."}, format="json"
    )
    assert failed.json()["outcome"] == "unsuccessful"
    assert failed.json()["audit_status"] == "unsuccessful"
    assert api.post(f"{url}/decide/", {"outcome": "approved"}, format="json").status_code == 400


def test_a_submission_with_a_late_report_shows_in_the_checks(staff, staff_user, auditor_user):
    audit = own_audit(staff_user, auditor_user)
    Audit.objects.filter(pk=audit.pk).update(submission_due=audit.submission_due - timedelta(1))
    review = started(Audit.objects.get(pk=audit.pk), staff_user)
    html = staff.get(reverse("qa:review", args=[review.pk])).content.decode()
    assert "1 day after" in html


@pytest.mark.parametrize("endpoint", ["qa-notes", "revisions"])
def test_the_notes_and_revisions_lists_make_the_same_queries_for_3_and_30(staff, endpoint):
    today = timezone.localdate()
    counts = []
    for size in (3, 30):
        for review in waiting(size - Review.objects.count(), today):
            ReviewNote.objects.create(
                review=review, kind=NoteKind.ACTIONABLE, text="Fix it.", answer="Done."
            )
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(f"{API}/{endpoint}/")
        assert response.status_code == 200
        assert response.json()["count"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_the_auditor_workspace_points_to_the_notes_to_answer(staff_user, auditor_user):
    from audits import selectors

    audit = own_audit(staff_user, auditor_user)
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    note = qa.add_note(review=review, actor=staff_user, kind=NoteKind.ACTIONABLE, text="Fix.")
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.RETURNED)
    row = selectors.audits_to_work_on(audit.lead_auditor_id).get(pk=audit.pk)
    assert selectors.next_action(row).url_name == "audits:answers"
    qa.answer_note(note=note, actor=auditor_user, answer="Fixed.")
    row = selectors.audits_to_work_on(audit.lead_auditor_id).get(pk=audit.pk)
    assert selectors.next_action(row).url_name in ("audits:work", "audits:submit")
    html = client_for(auditor_user).get(reverse("homes:auditor")).content.decode()
    assert audit.employer.legal_name in html
