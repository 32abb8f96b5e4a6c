"""The audits API: scoped like the pages, every change through a service, 400 never 500."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from auditors.tests.factories import AuditorFactory, declared
from audits.choices import AuditStatus, CertificateStatus, ExtensionStatus
from audits.deadlines import audit_deadlines
from audits.models import Audit, AuditElement, Certificate, ChecklistItem, Extension
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    ExtensionFactory,
    SubmissionFactory,
    default_tool,
    score_all,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
LIST_PATHS = [
    "audits/",
    "audit-elements/",
    "extensions/",
    "certificates/",
    "cycles/",
    "deadlines/",
]


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def ids(response) -> list[int]:
    return sorted(item["id"] for item in response.json()["results"])


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "The request has errors; see each field."
    return body["errors"]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def auditor(auditor_user, today):
    """Return the ``auditor_user``'s record: certified, external, declared this year."""
    auditor = AuditorFactory(user=auditor_user)
    declared(auditor, year=today.year)
    return auditor


@pytest.fixture
def other_auditor(other_auditor_user):
    return AuditorFactory(user=other_auditor_user)


@pytest.fixture
def staff_api(staff_user):
    return client_for(staff_user)


@pytest.fixture
def auditor_api(auditor_user, auditor):
    return client_for(auditor_user)


@pytest.fixture
def other_auditor_api(other_auditor_user, other_auditor):
    return client_for(other_auditor_user)


@pytest.fixture
def employer_a_api(employer_a_user):
    return client_for(employer_a_user)


@pytest.fixture
def employer_b_api(employer_b_user):
    return client_for(employer_b_user)


@pytest.fixture
def audit(employer_a, auditor):
    """Return a planned audit of employer A led by the auditor."""
    return AuditFactory(employer=employer_a, lead_auditor=auditor)


def started(employer, auditor, *, today, status=AuditStatus.IN_PROGRESS, **kwargs):
    """Return an audit that started 20 days ago, in the given status."""
    return AuditFactory(
        employer=employer,
        lead_auditor=auditor,
        starts_on=today - timedelta(days=20),
        status=status,
        **kwargs,
    )


# Anonymous and roles --------------------------------------------------------------------------


@pytest.mark.parametrize("path", LIST_PATHS)
def test_anonymous_gets_401(path):
    response = client_for(None).get(f"{API}/{path}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("path", LIST_PATHS)
def test_board_gets_403_everywhere(board_user, path):
    assert client_for(board_user).get(f"{API}/{path}").status_code == 403


def test_an_auditor_has_no_certificates_or_cycles(auditor_api):
    assert auditor_api.get(f"{API}/certificates/").status_code == 403
    assert auditor_api.get(f"{API}/cycles/").status_code == 403


def test_an_employer_sees_no_extension_requests(employer_a_api, audit):
    ExtensionFactory(audit=audit)

    assert employer_a_api.get(f"{API}/extensions/").status_code == 403


# Scoping --------------------------------------------------------------------------------------


def test_each_actor_lists_the_audits_in_its_scope(
    staff_api, auditor_api, employer_a_api, employer_b, auditor, other_auditor, audit
):
    theirs = AuditFactory(employer=employer_b, lead_auditor=other_auditor)
    assisted = AuditFactory(employer=employer_b, lead_auditor=other_auditor)
    assisted.student_auditors.add(auditor)

    assert ids(staff_api.get(f"{API}/audits/")) == sorted([audit.pk, theirs.pk, assisted.pk])
    assert ids(auditor_api.get(f"{API}/audits/")) == sorted([audit.pk, assisted.pk])
    assert ids(employer_a_api.get(f"{API}/audits/")) == [audit.pk]


def test_an_audit_out_of_scope_is_404_like_a_missing_one(other_auditor_api, employer_b_api, audit):
    for client in (other_auditor_api, employer_b_api):
        theirs = client.get(f"{API}/audits/{audit.pk}/")
        missing = client.get(f"{API}/audits/999999/")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json() == {"detail": "Not found."}


def test_an_audit_shows_its_four_due_dates_and_live_countdowns(auditor_api, audit, today):
    due = audit_deadlines(audit.starts_on)

    body = auditor_api.get(f"{API}/audits/{audit.pk}/").json()

    assert body["notice_due"] == due.notice_due.isoformat()
    assert body["onsite_due"] == due.onsite_due.isoformat()
    assert body["submission_due"] is None
    assert body["final_due"] == due.final_due.isoformat()
    clocks = {c["deadline"]: c for c in body["countdowns"]}
    assert list(clocks) == ["notice", "onsite", "submission", "final"]
    assert clocks["notice"] == {
        "deadline": "notice",
        "label": "Notice of Audit",
        "due_on": due.notice_due.isoformat(),
        "days_left": (due.notice_due - today).days,
        "state": "green",
    }
    assert clocks["submission"]["state"] == "pending"
    assert clocks["final"]["days_left"] == (due.final_due - today).days
    assert body["employer_name"] == "Alpha Lodge Ltd."
    assert body["scope"] == [audit.employer.classification_units.get().code]
    assert "notes" not in body


def test_staff_see_the_notes(staff_api, audit):
    Audit.objects.filter(pk=audit.pk).update(notes="Call before visiting.")

    assert staff_api.get(f"{API}/audits/{audit.pk}/").json()["notes"] == "Call before visiting."


@pytest.mark.parametrize(
    ("status", "released"),
    [
        (AuditStatus.SUBMITTED, False),
        (AuditStatus.IN_QA, False),
        (AuditStatus.RETURNED, False),
        (AuditStatus.APPROVED, True),
        (AuditStatus.UNSUCCESSFUL, True),
    ],
)
def test_the_employer_sees_the_result_only_once_released(
    employer_a_api, auditor_api, employer_a, auditor, today, status, released
):
    audit = started(
        employer_a,
        auditor,
        today=today,
        status=status,
        last_onsite_on=today - timedelta(days=5),
        overall_percent=Decimal("82.5"),
        passed=True,
    )

    employer = employer_a_api.get(f"{API}/audits/{audit.pk}/").json()
    listed = employer_a_api.get(f"{API}/audits/").json()["results"][0]
    lead = auditor_api.get(f"{API}/audits/{audit.pk}/").json()

    shown = {"overall_percent": "82.50000", "passed": True}
    hidden = {"overall_percent": None, "passed": None}
    for body in (employer, listed):
        assert {k: body[k] for k in shown} == (shown if released else hidden)
    assert {k: lead[k] for k in shown} == shown


def test_audit_elements_are_the_tools_eight(auditor_api):
    body = auditor_api.get(f"{API}/audit-elements/").json()

    assert body["count"] == 8
    assert body["results"][0]["number"] == 1
    assert body["results"][0]["max_points"] == str(AuditElement.objects.get(number=1).max_points)


# Planning ------------------------------------------------------------------------------------


def plan_payload(employer, auditor, starts_on, **overrides):
    data = {
        "employer": employer.pk,
        "audit_type": "certification",
        "starts_on": starts_on.isoformat(),
        "lead_auditor": auditor.pk,
    }
    data.update(overrides)
    return data


def test_staff_plan_an_audit_through_the_service(staff_api, staff_user, employer_a, auditor, today):
    registered(employer_a)
    starts_on = today + timedelta(days=30)
    declared(auditor, year=starts_on.year) if starts_on.year != today.year else None

    response = staff_api.post(
        f"{API}/audits/", plan_payload(employer_a, auditor, starts_on), format="json"
    )

    assert response.status_code == 201, response.content
    audit = Audit.objects.get(pk=response.json()["id"])
    assert audit.status == AuditStatus.PLANNED
    assert audit.final_due == audit_deadlines(starts_on).final_due
    assert audit.history.first().history_user == staff_user
    assert response.json()["final_due"] == audit.final_due.isoformat()


def test_an_auditor_or_employer_may_not_plan(
    auditor_api, employer_a_api, employer_a, auditor, today
):
    payload = plan_payload(employer_a, auditor, today + timedelta(days=30))

    assert auditor_api.post(f"{API}/audits/", payload, format="json").status_code == 403
    assert employer_a_api.post(f"{API}/audits/", payload, format="json").status_code == 403
    assert not Audit.objects.exists()


def test_planning_with_an_auditor_not_in_standing_is_a_400_with_the_reasons(
    staff_api, employer_a, today
):
    registered(employer_a)
    undeclared = AuditorFactory()

    response = staff_api.post(
        f"{API}/audits/",
        plan_payload(employer_a, undeclared, today + timedelta(days=30)),
        format="json",
    )

    assert errors(response)["lead_auditor"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"starts_on": "1999-12-31"}, "starts_on"),
        ({"audit_type": "annual"}, "audit_type"),
        ({"employer": 999999}, "employer"),
        ({"lead_auditor": "x"}, "lead_auditor"),
        ({"scope": ["000000"]}, "scope"),
    ],
)
def test_bad_plans_are_a_400_on_the_field(staff_api, employer_a, auditor, today, overrides, field):
    payload = {**plan_payload(employer_a, auditor, today + timedelta(days=30)), **overrides}

    assert field in errors(staff_api.post(f"{API}/audits/", payload, format="json"))


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b'"a string"', b"null"])
def test_malformed_json_is_a_400_never_a_500(staff_api, body):
    response = staff_api.post(f"{API}/audits/", body, content_type="application/json")

    assert response.status_code == 400


# The audit's path, end to end, through the API --------------------------------------------------


def score_body(elements, earned="85", applicable="100"):
    return [{"element": e.pk, "earned": earned, "applicable": applicable} for e in elements]


def test_an_audit_from_plan_to_certificate_through_the_api(
    staff_api, auditor_api, employer_a_api, employer_a_user, employer_a, auditor, today
):
    registered(employer_a)
    starts_on = today - timedelta(days=20)
    declared(auditor, year=starts_on.year) if starts_on.year != today.year else None
    planned = staff_api.post(
        f"{API}/audits/", plan_payload(employer_a, auditor, starts_on), format="json"
    )
    assert planned.status_code == 201, planned.content
    url = f"{API}/audits/{planned.json()['id']}"

    notice = auditor_api.post(
        f"{url}/notice/",
        {"no_conflict_declared": True, "sites": "Main lodge; 6 interviews"},
        format="json",
    )
    assert notice.status_code == 200, notice.content
    assert notice.json()["status"] == "notice_filed"
    assert notice.json()["notice_late"] is True  # filed after start - 14 days

    start = auditor_api.post(f"{url}/start/", {}, format="json")
    assert start.json()["status"] == "in_progress"

    last_onsite = today - timedelta(days=2)
    onsite = auditor_api.post(
        f"{url}/onsite/", {"last_onsite_on": last_onsite.isoformat()}, format="json"
    )
    assert onsite.status_code == 200, onsite.content
    assert onsite.json()["status"] == "onsite_complete"
    assert onsite.json()["submission_due"] == (last_onsite + timedelta(days=30)).isoformat()

    elements = list(default_tool().elements.all())
    scores = auditor_api.put(f"{url}/scores/", score_body(elements[:4]), format="json")
    assert scores.status_code == 200, scores.content
    assert len(scores.json()["scores"]) == 4
    scores = auditor_api.post(f"{url}/scores/", score_body(elements[4:], "90.5"), format="json")
    assert [s["earned"] for s in scores.json()["scores"]][-1] == "90.50"
    assert scores.json()["result"]["passed"] is True
    assert scores.json()["result"]["failing_elements"] == []

    report = auditor_api.post(
        f"{url}/report/",
        {"report": SimpleUploadedFile("report.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert report.status_code == 200, report.content
    assert report.json()["report_uploaded"] is True

    submitted = auditor_api.post(f"{url}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["overall_percent"] == "87.75000"
    assert employer_a_api.get(f"{url}/").json()["overall_percent"] is None  # not released

    # The QA review: start (the checks run), the checklist, the decision.
    reviews = staff_api.get(f"{API}/qa-reviews/", {"audit": planned.json()["id"]}).json()
    review_url = f"{API}/qa-reviews/{reviews['results'][0]['id']}"
    started = staff_api.post(f"{review_url}/start/")
    assert started.json()["audit_status"] == "in_qa"
    assert {c["code"]: c["status"] for c in started.json()["checks"]}["pass_marks"] == "pass"
    items = ChecklistItem.objects.filter(program="ohs")
    checklist = [{"item": item.pk, "answer": "yes"} for item in items]
    assert staff_api.post(f"{review_url}/checklist/", checklist, format="json").status_code == 200
    approved = staff_api.post(f"{review_url}/decide/", {"outcome": "approved"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["audit_status"] == "approved"

    certificates = employer_a_api.get(f"{API}/certificates/").json()["results"]
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate["certified_on"] == last_onsite.isoformat()
    assert certificate["status_on_today"] == "valid"
    assert (
        certificate["classification_units"][0]["code"] == employer_a.classification_units.get().code
    )
    assert certificate["pdf_url"] == f"/audits/certificates/{certificate['id']}/pdf/"
    assert certificate["verification_url"].endswith(f"/verify/{certificate['number']}/")
    assert employer_a_api.get(f"{url}/").json()["overall_percent"] == "87.75000"
    browser = Client()
    browser.force_login(employer_a_user)
    pdf = browser.get(certificate["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


# Who may act: the same as the pages -----------------------------------------------------------

ACTIONS = [
    ("notice", {"no_conflict_declared": True}),
    ("start", {}),
    ("onsite", {"last_onsite_on": "2024-01-01"}),
    ("scores", []),
    ("submit", {}),
    ("extensions", {"days": 10, "reason": "Away"}),
    ("decision", {"decision": "cancel", "reason": "Not needed"}),
]


@pytest.mark.parametrize(("name", "body"), ACTIONS)
def test_the_audits_employer_may_not_act_on_it(employer_a_api, audit, name, body):
    response = employer_a_api.post(f"{API}/audits/{audit.pk}/{name}/", body, format="json")

    assert response.status_code == 403
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.PLANNED


@pytest.mark.parametrize(("name", "body"), ACTIONS)
def test_outsiders_find_no_audit_to_act_on(other_auditor_api, employer_b_api, audit, name, body):
    for client in (other_auditor_api, employer_b_api):
        response = client.post(f"{API}/audits/{audit.pk}/{name}/", body, format="json")
        assert response.status_code == 404


def test_a_student_auditor_sees_the_audit_but_may_not_act(other_auditor_api, other_auditor, audit):
    audit.student_auditors.add(other_auditor)

    assert other_auditor_api.get(f"{API}/audits/{audit.pk}/").status_code == 200
    response = other_auditor_api.post(
        f"{API}/audits/{audit.pk}/notice/", {"no_conflict_declared": True}, format="json"
    )
    assert response.status_code == 403


def test_only_staff_decide(auditor_api, staff_api, audit):
    body = {"decision": "cancel", "reason": "Employer withdrew"}

    assert (
        auditor_api.post(f"{API}/audits/{audit.pk}/decision/", body, format="json").status_code
        == 403
    )
    response = staff_api.post(f"{API}/audits/{audit.pk}/decision/", body, format="json")
    assert response.json()["status"] == "cancelled"


def test_staff_may_act_for_the_auditor(staff_api, audit):
    response = staff_api.post(
        f"{API}/audits/{audit.pk}/notice/", {"no_conflict_declared": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "notice_filed"


# 400s, never 500s -----------------------------------------------------------------------------


@pytest.fixture
def working(employer_a, auditor, today):
    """Return an audit of employer A in progress (scores may be entered)."""
    return started(employer_a, auditor, today=today)


def scores_of(client, audit, body):
    return client.put(f"{API}/audits/{audit.pk}/scores/", body, format="json")


def test_scores_as_strings_or_numbers_are_saved(auditor_api, working):
    element = default_tool().elements.first()

    response = scores_of(
        auditor_api, working, [{"element": element.pk, "earned": 7.5, "applicable": "10"}]
    )

    assert response.status_code == 200
    assert response.json()["scores"] == [
        {
            "element": element.pk,
            "element_name": element.name,
            "earned": "7.50",
            "applicable": "10.00",
            "note": "",
        }
    ]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"earned": "90", "applicable": "80"}, "0.earned"),
        ({"earned": "ten", "applicable": "80"}, "0.earned"),
        ({"earned": "1.005", "applicable": "80"}, "0.earned"),
        ({"earned": "-1", "applicable": "80"}, "0.earned"),
        ({"earned": "NaN", "applicable": "80"}, "0.earned"),
        ({"earned": "1", "applicable": "1e9"}, "0.applicable"),
        ({"earned": "1", "applicable": None}, "0.applicable"),
        ({"earned": "1"}, "0.applicable"),
        ({"earned": "1", "applicable": "100000"}, "0.applicable"),  # above the element's points
        ({"element": 999999, "earned": "1", "applicable": "2"}, "0.element"),
        ({"element": "first", "earned": "1", "applicable": "2"}, "0.element"),
    ],
)
def test_bad_scores_are_a_400_on_the_item_and_field(auditor_api, working, item, field):
    element = default_tool().elements.first()

    response = scores_of(auditor_api, working, [{"element": element.pk, **item}])

    assert field in errors(response)
    assert not working.submissions.filter(scores__isnull=False).exists()


@pytest.mark.parametrize(
    "body",
    [{"element": 1, "earned": "1", "applicable": "2"}, "scores", None, 12],
)
def test_scores_must_be_a_list(auditor_api, working, body):
    assert errors(scores_of(auditor_api, working, body))


def test_each_element_is_scored_once_per_request(auditor_api, working):
    element = default_tool().elements.first()
    item = {"element": element.pk, "earned": "1", "applicable": "2"}

    assert errors(scores_of(auditor_api, working, [item, item]))["non_field_errors"]


def test_an_element_of_another_tool_is_refused(auditor_api, working):
    from audits.models import AuditTool

    tool = AuditTool.objects.create(name="Other tool", program="ohs")
    other = AuditElement.objects.create(tool=tool, number=1, name="Other", max_points=10)

    response = scores_of(
        auditor_api, working, [{"element": other.pk, "earned": "1", "applicable": "2"}]
    )

    assert "0.element" in errors(response)


def test_scores_before_the_audit_starts_are_a_400(auditor_api, audit):
    element = default_tool().elements.first()

    response = scores_of(
        auditor_api, audit, [{"element": element.pk, "earned": "1", "applicable": "2"}]
    )

    assert errors(response)["non_field_errors"]


def test_a_report_that_is_not_a_pdf_is_refused(auditor_api, working):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is a program", "application/pdf")

    response = auditor_api.post(
        f"{API}/audits/{working.pk}/report/", {"report": fake}, format="multipart"
    )

    assert "report" in errors(response)


def test_a_notice_without_the_declaration_is_refused(auditor_api, audit):
    response = auditor_api.post(
        f"{API}/audits/{audit.pk}/notice/", {"no_conflict_declared": False}, format="json"
    )

    assert "no_conflict_declared" in errors(response)
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.PLANNED


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "last_onsite_on"), ({"last_onsite_on": "yesterday"}, "last_onsite_on")],
)
def test_bad_onsite_days_are_refused(auditor_api, working, body, field):
    assert field in errors(
        auditor_api.post(f"{API}/audits/{working.pk}/onsite/", body, format="json")
    )


def test_a_future_last_onsite_day_is_refused(auditor_api, working, today):
    body = {"last_onsite_on": (today + timedelta(days=1)).isoformat()}

    response = auditor_api.post(f"{API}/audits/{working.pk}/onsite/", body, format="json")

    assert "last_onsite_on" in errors(response)


def test_submitting_before_onsite_is_complete_is_refused(auditor_api, working):
    assert errors(auditor_api.post(f"{API}/audits/{working.pk}/submit/"))["non_field_errors"]


def test_starting_a_submitted_audit_is_refused(auditor_api, employer_a, auditor, today):
    submitted = started(employer_a, auditor, today=today, status=AuditStatus.SUBMITTED)

    response = auditor_api.post(f"{API}/audits/{submitted.pk}/start/", {}, format="json")

    assert errors(response)["non_field_errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "reject"}, "decision"),  # QA decisions go through the QA review
        ({"decision": "cancel", "reason": "  "}, "reason"),
        ({"decision": "promote"}, "decision"),
        ({"decision": "cancel", "reason": "x", "on": "tomorrow"}, "on"),
    ],
)
def test_bad_decisions_are_a_400(staff_api, audit, body, field):
    assert field in errors(
        staff_api.post(f"{API}/audits/{audit.pk}/decision/", body, format="json")
    )


def _review_under_way(staff_api, audit, today, earned):
    """Return the URL of the started QA review of a submitted audit, checklist answered."""
    from audits import qa

    submission = SubmissionFactory(audit=audit, submitted_on=today)
    score_all(submission, earned=earned)
    review = qa.open_review(audit=audit)
    url = f"{API}/qa-reviews/{review.pk}"
    assert staff_api.post(f"{url}/start/").status_code == 200
    items = ChecklistItem.objects.filter(program=audit.tool.program)
    body = [{"item": item.pk, "answer": "yes"} for item in items]
    assert staff_api.post(f"{url}/checklist/", body, format="json").status_code == 200
    return url


def test_a_failing_certification_audit_cannot_be_approved(staff_api, employer_a, auditor, today):
    failing = started(
        employer_a,
        auditor,
        today=today,
        status=AuditStatus.SUBMITTED,
        last_onsite_on=today - timedelta(days=3),
        passed=False,
        overall_percent=Decimal("79.995"),
    )
    url = _review_under_way(staff_api, failing, today, "79.99")

    response = staff_api.post(f"{url}/decide/", {"outcome": "approved"}, format="json")

    assert errors(response)["non_field_errors"]
    assert not Certificate.objects.exists()


def test_a_rejection_releases_the_result(staff_api, employer_a_api, employer_a, auditor, today):
    failing = started(
        employer_a,
        auditor,
        today=today,
        status=AuditStatus.SUBMITTED,
        last_onsite_on=today - timedelta(days=3),
        passed=False,
        overall_percent=Decimal("61"),
    )
    url = _review_under_way(staff_api, failing, today, "61")
    assert employer_a_api.get(f"{API}/audits/{failing.pk}/").json()["passed"] is None

    response = staff_api.post(
        f"{url}/decide/", {"outcome": "unsuccessful", "summary": "Below 80%"}, format="json"
    )

    assert response.json()["audit_status"] == "unsuccessful"
    assert employer_a_api.get(f"{API}/audits/{failing.pk}/").json()["passed"] is False


# Extensions -------------------------------------------------------------------------------------


def test_the_lead_auditor_asks_for_an_extension_and_staff_approve_it(
    auditor_api, staff_api, other_auditor_api, working
):
    final_before = working.final_due

    asked = auditor_api.post(
        f"{API}/audits/{working.pk}/extensions/",
        {"days": 14, "reason": "The safety manager was away."},
        format="json",
    )

    assert asked.status_code == 201, asked.content
    extension = asked.json()
    assert extension["status"] == "requested"
    assert [e["id"] for e in auditor_api.get(f"{API}/extensions/").json()["results"]] == [
        extension["id"]
    ]
    assert other_auditor_api.get(f"{API}/extensions/").json()["count"] == 0
    assert (
        auditor_api.post(
            f"{API}/extensions/{extension['id']}/decide/", {"decision": "approve"}, format="json"
        ).status_code
        == 403
    )

    decided = staff_api.post(
        f"{API}/extensions/{extension['id']}/decide/",
        {"decision": "approve", "note": "Fine"},
        format="json",
    )

    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == ExtensionStatus.APPROVED
    assert Audit.objects.get(pk=working.pk).final_due == final_before + timedelta(days=14)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": 0, "reason": "x"}, "days"),
        ({"days": 121, "reason": "x"}, "days"),
        ({"days": "two", "reason": "x"}, "days"),
        ({"days": 5}, "reason"),
    ],
)
def test_bad_extension_requests_are_a_400(auditor_api, working, body, field):
    response = auditor_api.post(f"{API}/audits/{working.pk}/extensions/", body, format="json")

    assert field in errors(response)
    assert not Extension.objects.exists()


def test_a_decided_extension_cannot_be_decided_again(staff_api, working):
    extension = ExtensionFactory(audit=working, status=ExtensionStatus.REFUSED)

    response = staff_api.post(
        f"{API}/extensions/{extension.pk}/decide/", {"decision": "approve"}, format="json"
    )

    assert errors(response)["non_field_errors"]


# Certificates and cycles ------------------------------------------------------------------------


@pytest.fixture
def certificate(employer_a, auditor, today):
    audit = AuditFactory(
        employer=employer_a,
        lead_auditor=auditor,
        status=AuditStatus.APPROVED,
        starts_on=today - timedelta(days=400),
        last_onsite_on=today - timedelta(days=365),
        passed=True,
    )
    return CertificateFactory(audit=audit)


def test_certificates_are_scoped_to_staff_and_their_employer(
    staff_api, employer_a_api, employer_b_api, certificate
):
    assert ids(staff_api.get(f"{API}/certificates/")) == [certificate.pk]
    assert ids(employer_a_api.get(f"{API}/certificates/")) == [certificate.pk]
    assert employer_b_api.get(f"{API}/certificates/").json()["count"] == 0
    assert employer_b_api.get(f"{API}/certificates/{certificate.pk}/").status_code == 404


def test_a_lapsed_certificate_says_so_today(staff_api, certificate, today):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.LAPSED, ended_on=today
    )

    body = staff_api.get(f"{API}/certificates/{certificate.pk}/").json()

    assert body["status"] == body["status_on_today"] == "lapsed"


def test_the_employer_reads_its_cycle(employer_a_api, certificate, today):
    body = employer_a_api.get(f"{API}/cycles/").json()

    assert body["employer"] == certificate.employer_id
    assert body["certificate"]["number"] == certificate.number
    years = body["years"]
    assert next(y["audit_type"] for y in years) == "certification"
    assert years[0]["state"] == "done"
    assert years[-1]["audit_type"] == "recertification"
    assert {y["state"] for y in years} <= {"done", "planned", "due", "missed", "upcoming"}


def test_staff_name_the_employer_of_the_cycle(staff_api, certificate, employer_b):
    assert "employer" in errors(staff_api.get(f"{API}/cycles/"))
    assert (
        staff_api.get(f"{API}/cycles/", {"employer": certificate.employer_id}).json()[
            "certificate"
        ]["id"]
        == certificate.pk
    )
    uncertified = staff_api.get(f"{API}/cycles/", {"employer": employer_b.pk}).json()
    assert uncertified == {"employer": employer_b.pk, "certificate": None, "years": []}
    assert "employer" in errors(staff_api.get(f"{API}/cycles/", {"employer": "x"}))


def test_an_employer_cannot_read_another_employers_cycle(employer_a_api, employer_b):
    response = employer_a_api.get(f"{API}/cycles/", {"employer": employer_b.pk})

    assert "employer" in errors(response)


# Deadlines --------------------------------------------------------------------------------------


def test_deadlines_list_the_running_clocks_of_the_users_audits(
    staff_api, auditor_api, employer_b_api, employer_a, employer_b, auditor, other_auditor, today
):
    mine = started(
        employer_a,
        auditor,
        today=today,
        status=AuditStatus.ONSITE_COMPLETE,
        last_onsite_on=today - timedelta(days=5),
    )
    AuditFactory(employer=employer_b, lead_auditor=other_auditor)  # planned: notice, onsite, final
    AuditFactory(employer=employer_b, lead_auditor=other_auditor, status=AuditStatus.APPROVED)

    rows = auditor_api.get(f"{API}/deadlines/").json()["results"]

    assert [(r["audit"], r["deadline"]) for r in rows] == [
        (mine.pk, "submission"),
        (mine.pk, "final"),
    ]
    submission = rows[0]
    assert submission["employer_name"] == "Alpha Lodge Ltd."
    assert submission["due_on"] == mine.submission_due.isoformat()
    assert submission["days_left"] == (mine.submission_due - today).days
    assert submission["state"] == "green"
    assert staff_api.get(f"{API}/deadlines/").json()["count"] == 5
    assert employer_b_api.get(f"{API}/deadlines/").json()["count"] == 3


def test_deadlines_filter_by_deadline_state_and_employer(
    staff_api, employer_a, employer_b, auditor, today
):
    overdue = started(
        employer_a, auditor, today=today - timedelta(days=30)
    )  # onsite due 5 days ago
    AuditFactory(employer=employer_b, lead_auditor=auditor)

    red = staff_api.get(f"{API}/deadlines/", {"state": "red"}).json()["results"]
    notices = staff_api.get(f"{API}/deadlines/", {"deadline": "notice"}).json()["results"]
    of_a = staff_api.get(f"{API}/deadlines/", {"employer": employer_a.pk}).json()["results"]

    assert [(r["audit"], r["deadline"], r["state"]) for r in red] == [(overdue.pk, "onsite", "red")]
    assert [r["deadline"] for r in notices] == ["notice"]
    assert {r["audit"] for r in of_a} == {overdue.pk}
    assert "state" in errors(staff_api.get(f"{API}/deadlines/", {"state": "purple"}))


# Query counts -------------------------------------------------------------------------------------

AUDIT_LIST_QUERIES = 4  # count, page, scope, student auditors
DEADLINE_LIST_QUERIES = 2  # count, page (one union of the four clocks)
EMPLOYER_LOOKUP = 1  # which employer a contact belongs to


def make_audits(count: int, employer, auditor) -> None:
    """Create ``count`` planned audits of the employer in bulk, each with its scope."""
    tool = default_tool()
    unit = employer.classification_units.get()
    audits = Audit.objects.bulk_create(
        AuditFactory.build(employer=employer, lead_auditor=auditor, tool=tool) for _ in range(count)
    )
    Audit.scope.through.objects.bulk_create(
        Audit.scope.through(audit_id=audit.pk, classificationunit_id=unit.pk) for audit in audits
    )


@pytest.mark.parametrize("count", [10, 200])
def test_audit_list_queries_do_not_grow_with_the_rows(
    staff_api, employer_a_api, employer_a, auditor, django_assert_num_queries, count
):
    make_audits(count, employer_a, auditor)

    with django_assert_num_queries(AUDIT_LIST_QUERIES):
        response = staff_api.get(f"{API}/audits/", {"page_size": 200})
    assert len(response.json()["results"]) == count

    with django_assert_num_queries(AUDIT_LIST_QUERIES + EMPLOYER_LOOKUP):
        response = employer_a_api.get(f"{API}/audits/", {"page_size": 200})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [10, 200])
def test_deadline_list_queries_do_not_grow_with_the_rows(
    staff_api, auditor_api, employer_a, auditor, django_assert_num_queries, count
):
    make_audits(count, employer_a, auditor)

    with django_assert_num_queries(DEADLINE_LIST_QUERIES):
        response = staff_api.get(f"{API}/deadlines/", {"page_size": 200})
    assert response.json()["count"] == 3 * count  # notice, onsite and final of each
    assert len(response.json()["results"]) == min(3 * count, 200)

    with django_assert_num_queries(DEADLINE_LIST_QUERIES):
        response = auditor_api.get(f"{API}/deadlines/", {"page_size": 200})
    assert response.json()["count"] == 3 * count


@pytest.mark.parametrize("count", [10, 40])
def test_certificate_list_queries_do_not_grow_with_the_rows(
    staff_api, auditor, django_assert_num_queries, count
):
    for _ in range(count // 10):
        CertificateFactory.create_batch(10, audit__lead_auditor=auditor)

    with django_assert_num_queries(3):  # count, page, CUs
        response = staff_api.get(f"{API}/certificates/", {"page_size": 200})

    assert len(response.json()["results"]) == count


def registered(employer):
    """Register an employer made as an enquiry: only a registered employer is audited."""
    type(employer).objects.filter(pk=employer.pk).update(status="registered")
