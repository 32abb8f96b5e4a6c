"""Starting a maintenance or recertification audit from the employer's previous audit.

The service (``audits.services_reuse``), the selector of the previous audit, the auditor's
pages (the score sheet's offer and "last time" lines, the confirmation page), the API action,
and the auditor's note per element that last time shows.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from auditors.tests.factories import AuditorFactory
from audits import selectors_reuse, services, services_reuse
from audits.choices import AuditStatus, AuditType
from audits.models import Audit, AuditElement, AuditTool, ElementReference, ElementScore
from audits.tests.factories import AuditFactory, SubmissionFactory, default_tool
from employers.choices import Program

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
TODAY = date(2026, 6, 15)
S, T = AuditStatus, AuditType


@pytest.fixture(autouse=True)
def clock():
    """Fix "today" at 2026-06-15 in Vancouver."""
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=VANCOUVER), tick=False):
        yield


@pytest.fixture
def auditor(auditor_user):
    return AuditorFactory(user=auditor_user)


@pytest.fixture
def other_auditor(other_auditor_user):
    return AuditorFactory(user=other_auditor_user)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def earned_for(number: int) -> Decimal:
    """Return the points an element earned last time in these tests: 70 + its number."""
    return Decimal(70 + number)


def approved(employer, *, starts_on: date, tool: AuditTool | None = None, **kwargs) -> Audit:
    """Return an approved audit of the employer whose submitted revision scored every element
    of its tool (70 + number out of 100) with a note ("Finding <number>")."""
    audit = AuditFactory(
        employer=employer,
        tool=tool or default_tool(),
        status=kwargs.pop("status", S.APPROVED),
        audit_type=kwargs.pop("audit_type", T.CERTIFICATION),
        starts_on=starts_on,
        last_onsite_on=starts_on + timedelta(days=20),
        decided_on=starts_on + timedelta(days=60),
        passed=True,
        **kwargs,
    )
    submission = SubmissionFactory(audit=audit, submitted_on=starts_on + timedelta(days=40))
    ElementScore.objects.bulk_create(
        ElementScore(
            submission=submission,
            element=element,
            earned=earned_for(element.number),
            applicable=Decimal("100"),
            note=f"Finding {element.number}",
        )
        for element in audit.tool.elements.all()
    )
    return audit


def this_year(employer, auditor, *, audit_type=T.MAINTENANCE, status=S.IN_PROGRESS, **kwargs):
    """Return this year's audit of the employer led by the auditor, started 20 days ago."""
    starts_on = kwargs.pop("starts_on", TODAY - timedelta(days=20))
    last = starts_on + timedelta(days=10) if status != S.IN_PROGRESS else None
    return AuditFactory(
        employer=employer,
        lead_auditor=auditor,
        audit_type=audit_type,
        status=status,
        starts_on=starts_on,
        last_onsite_on=kwargs.pop("last_onsite_on", last),
        **kwargs,
    )


@pytest.fixture
def previous(employer_a):
    """Return employer A's approved audit of last year."""
    return approved(employer_a, starts_on=date(2025, 5, 5))


@pytest.fixture
def audit(employer_a, auditor, previous):
    """Return employer A's maintenance audit in progress, led by the auditor."""
    return this_year(employer_a, auditor)


def tool_like_default(name: str, changes: dict[int, str], extra: dict[int, str]) -> AuditTool:
    """Return a tool with the default tool's elements, some renamed, plus extra elements."""
    tool = AuditTool.objects.create(name=name, program=Program.OHS)
    for element in default_tool().elements.all():
        AuditElement.objects.create(
            tool=tool,
            number=element.number,
            name=changes.get(element.number, element.name),
            max_points=element.max_points,
        )
    for number, element_name in extra.items():
        AuditElement.objects.create(tool=tool, number=number, name=element_name, max_points=100)
    return tool


def tool_of(size: int) -> AuditTool:
    tool = AuditTool.objects.create(name=f"Tool of {size}", program=Program.OHS)
    for number in range(1, size + 1):
        AuditElement.objects.create(tool=tool, number=number, name=f"E{number}", max_points=100)
    return tool


# The selector -------------------------------------------------------------------------------


def test_the_previous_audit_is_the_latest_approved_one_before_this_one(
    employer_a, employer_b, auditor
):
    approved(employer_a, starts_on=date(2023, 4, 3))
    latest = approved(employer_a, starts_on=date(2025, 5, 5), audit_type=T.MAINTENANCE)
    approved(employer_a, starts_on=date(2025, 9, 1), status=S.UNSUCCESSFUL)
    approved(employer_b, starts_on=date(2026, 1, 10))  # another employer's
    audit = this_year(employer_a, auditor)
    approved(employer_a, starts_on=TODAY - timedelta(days=5))  # starts after this one

    assert selectors_reuse.previous_approved_audit(audit) == latest


def test_an_audit_starting_the_same_day_is_not_before_it(employer_a, auditor):
    audit = this_year(employer_a, auditor)
    approved(employer_a, starts_on=audit.starts_on)

    assert selectors_reuse.previous_approved_audit(audit) is None


# The service --------------------------------------------------------------------------------


@pytest.mark.parametrize("audit_type", [T.MAINTENANCE, T.RECERTIFICATION])
@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.ONSITE_COMPLETE])
def test_starting_shows_last_times_points_and_notes_and_scores_nothing(
    employer_a, auditor, auditor_user, previous, audit_type, status
):
    audit = this_year(employer_a, auditor, audit_type=audit_type, status=status)

    reuse = services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert reuse.created is True
    assert reuse.source == previous
    assert reuse.not_carried == ()
    elements = list(audit.tool.elements.all())
    assert [r.element for r in reuse.carried] == elements
    stored = {r.element_id: r for r in ElementReference.objects.filter(audit=audit)}
    assert len(stored) == 8
    for element in elements:
        reference = stored[element.pk]
        assert (reference.number, reference.name) == (element.number, element.name)
        assert reference.earned == earned_for(element.number)
        assert reference.applicable == Decimal("100")
        assert reference.note == f"Finding {element.number}"
    audit.refresh_from_db()
    assert audit.started_from == previous
    # Scores reset: nothing of last time is scored for this audit.
    assert not ElementScore.objects.filter(submission__audit=audit).exists()
    assert services.draft_of(audit) is None


def test_the_audits_history_records_who_started_it_from_which_audit(audit, previous, auditor_user):
    before = audit.history.count()

    services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert audit.history.count() == before + 1
    record = audit.history.first()
    assert record.started_from_id == previous.pk
    assert record.history_user == auditor_user


def test_starting_twice_changes_nothing(audit, previous, auditor_user):
    first = services_reuse.start_from_previous(audit=audit, actor=auditor_user)
    ids = sorted(ElementReference.objects.filter(audit=audit).values_list("pk", flat=True))
    history = audit.history.count()

    again = services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert again.created is False
    assert again.source == previous
    assert [r.pk for r in again.carried] == [r.pk for r in first.carried]
    assert sorted(ElementReference.objects.filter(audit=audit).values_list("pk", flat=True)) == ids
    assert audit.history.count() == history


def test_starting_twice_keeps_what_was_scored_in_between(audit, auditor_user):
    services_reuse.start_from_previous(audit=audit, actor=auditor_user)
    element = audit.tool.elements.get(number=1)
    services.save_draft(
        audit=audit,
        actor=auditor_user,
        scores={element.pk: (Decimal("60"), Decimal("100"))},
        notes={element.pk: "Policy not yet signed."},
    )

    services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    score = ElementScore.objects.get(submission__audit=audit)
    assert (score.earned, score.note) == (Decimal("60.00"), "Policy not yet signed.")


def test_scores_entered_before_starting_are_kept(audit, auditor_user):
    element = audit.tool.elements.get(number=2)
    services.save_draft(
        audit=audit, actor=auditor_user, scores={element.pk: (Decimal("45"), Decimal("90"))}
    )

    services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    score = ElementScore.objects.get(submission__audit=audit)
    assert (score.element_id, score.earned, score.applicable) == (
        element.pk,
        Decimal("45.00"),
        Decimal("90.00"),
    )
    assert ElementReference.objects.get(audit=audit, element=element).earned == Decimal("72")


def test_elements_this_tool_lacks_are_reported_not_carried(employer_a, auditor, auditor_user):
    old_tool = tool_like_default(
        "Audit tool 2024",
        # Case and spacing do not matter; another name is another element.
        changes={3: "  safe work   PROCEDURES ", 8: "Joint Health and Safety Committee"},
        extra={9: "Return to Work"},
    )
    previous = approved(employer_a, starts_on=date(2025, 5, 5), tool=old_tool)
    audit = this_year(employer_a, auditor)

    reuse = services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert reuse.source == previous
    assert [r.number for r in reuse.carried] == [1, 2, 3, 4, 5, 6, 7]
    assert [(r.number, r.name) for r in reuse.not_carried] == [
        (8, "Joint Health and Safety Committee"),
        (9, "Return to Work"),
    ]
    audit.refresh_from_db()
    last = selectors_reuse.last_time(audit)
    assert last is not None
    eighth = audit.tool.elements.get(number=8)
    assert eighth.pk not in last.by_element
    assert last.by_element[audit.tool.elements.get(number=3).pk].note == "Finding 3"
    for reference in last.not_carried:  # reported by name only: no points, no note
        assert (reference.earned, reference.applicable, reference.note) == (None, None, "")


@pytest.mark.parametrize("audit_type", [T.CERTIFICATION, T.WIVA])
def test_an_audit_that_is_not_maintenance_or_recertification_is_refused(
    employer_a, auditor, auditor_user, previous, audit_type
):
    audit = this_year(employer_a, auditor, audit_type=audit_type)

    with pytest.raises(ValidationError, match="maintenance or recertification"):
        services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert_untouched(audit)


def test_without_an_approved_audit_before_it_is_refused(employer_a, auditor, auditor_user):
    approved(employer_a, starts_on=date(2025, 5, 5), status=S.UNSUCCESSFUL)
    audit = this_year(employer_a, auditor)

    with pytest.raises(ValidationError, match="no approved audit before this one"):
        services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert_untouched(audit)


@pytest.mark.parametrize("who", ["staff", "other_auditor", "employer", "nobody"])
def test_anyone_but_the_lead_auditor_is_refused(
    audit, staff_user, other_auditor_user, other_auditor, employer_a_user, who
):
    actor = {
        "staff": staff_user,
        "other_auditor": other_auditor_user,
        "employer": employer_a_user,
        "nobody": None,
    }[who]

    with pytest.raises(PermissionDenied):
        services_reuse.start_from_previous(audit=audit, actor=actor)

    assert_untouched(audit)


@pytest.mark.parametrize(
    "status",
    [S.PLANNED, S.NOTICE_FILED, S.SUBMITTED, S.IN_QA, S.RETURNED, S.RESUBMITTED, S.APPROVED],
)
def test_outside_the_open_first_draft_it_is_refused(
    employer_a, auditor, auditor_user, previous, status
):
    audit = this_year(employer_a, auditor, status=status)

    with pytest.raises(ValidationError, match="first draft is open"):
        services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    assert_untouched(audit)


def test_a_submitted_draft_is_refused_even_when_started_before(audit, auditor_user):
    services_reuse.start_from_previous(audit=audit, actor=auditor_user)
    Audit.objects.filter(pk=audit.pk).update(status=S.SUBMITTED)

    with pytest.raises(ValidationError, match="This audit is submitted"):
        services_reuse.start_from_previous(audit=audit, actor=auditor_user)


def assert_untouched(audit: Audit) -> None:
    audit.refresh_from_db()
    assert audit.started_from_id is None
    assert not ElementReference.objects.filter(audit=audit).exists()


# The auditor's note per element (what last time shows) -------------------------------------


def test_notes_are_saved_with_the_points_and_a_note_alone_is_refused(audit, auditor_user):
    first, second = audit.tool.elements.all()[:2]
    services.save_draft(
        audit=audit,
        actor=auditor_user,
        scores={first.pk: (Decimal("8"), Decimal("10"))},
        notes={first.pk: "  Policy signed and posted.  "},
    )

    with pytest.raises(ValidationError) as refused:
        services.save_draft(audit=audit, actor=auditor_user, notes={second.pk: "Not scored."})

    assert refused.value.message_dict == {
        f"note_{second.pk}": ["Enter the points too: a note is kept with the element's score."]
    }
    # A note alone updates an element scored before.
    services.save_draft(audit=audit, actor=auditor_user, notes={first.pk: "Policy signed."})
    score = ElementScore.objects.get(submission__audit=audit)
    assert (score.element_id, score.note) == (first.pk, "Policy signed.")


def test_a_revision_starts_with_the_notes_of_the_last_one(employer_a, auditor, auditor_user):
    audit = this_year(employer_a, auditor, status=S.RETURNED)
    submitted = SubmissionFactory(audit=audit, submitted_on=TODAY - timedelta(days=3))
    element = audit.tool.elements.get(number=4)
    ElementScore.objects.create(
        submission=submitted, element=element, earned=5, applicable=10, note="Monthly."
    )

    draft = services.save_draft(audit=audit, actor=auditor_user, evidence={"headcount": 9})

    assert draft.number == 2
    assert list(draft.scores.values_list("element_id", "note")) == [(element.pk, "Monthly.")]


def test_the_score_page_saves_notes_and_refuses_one_without_points(audit, auditor_user):
    client = login(auditor_user)
    first, second = audit.tool.elements.all()[:2]
    url = reverse("audits:work", args=[audit.pk])

    refused = client.post(url, {f"note_{second.pk}": "Seen the binder."})
    saved = client.post(
        url,
        {
            f"earned_{first.pk}": "9",
            f"applicable_{first.pk}": "10",
            f"note_{first.pk}": "Policy signed.",
        },
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors[f"note_{second.pk}"] == [
        "Enter the points too: a note is kept with the element's score."
    ]
    assert 'aria-invalid="true"' in refused.content.decode()
    assert saved.status_code == 302
    score = ElementScore.objects.get(submission__audit=audit)
    assert (score.element_id, score.earned, score.note) == (
        first.pk,
        Decimal("9.00"),
        "Policy signed.",
    )
    page = client.get(url).content.decode()
    assert "Policy signed.</textarea>" in page


# The pages ----------------------------------------------------------------------------------


def test_the_lead_is_offered_last_years_audit_on_the_score_page(audit, previous, auditor_user):
    response = login(auditor_user).get(reverse("audits:work", args=[audit.pk]))

    page = response.content.decode()
    assert response.context["reuse_offer"] == previous
    assert "Start from last year's audit (2025-05-05)" in page
    assert reverse("audits:reuse", args=[audit.pk]) in page
    assert "Last time:" not in page


@pytest.mark.parametrize(
    "case", ["certification", "no previous", "already started", "submitted", "staff"]
)
def test_the_offer_is_shown_only_when_starting_is_allowed(
    employer_a, auditor, auditor_user, staff_user, case
):
    if case != "no previous":
        approved(employer_a, starts_on=date(2025, 5, 5))
    kinds = {"certification": T.CERTIFICATION}
    statuses = {"submitted": S.SUBMITTED}
    audit = this_year(
        employer_a,
        auditor,
        audit_type=kinds.get(case, T.MAINTENANCE),
        status=statuses.get(case, S.IN_PROGRESS),
    )
    if case == "already started":
        services_reuse.start_from_previous(audit=audit, actor=auditor_user)
    user = staff_user if case == "staff" else auditor_user

    response = login(user).get(reverse("audits:work", args=[audit.pk]))

    assert response.status_code == 200
    assert response.context["reuse_offer"] is None
    assert "Start from last year" not in response.content.decode()


def test_confirming_starts_from_last_year_and_the_sheet_shows_last_time(
    employer_a, auditor, auditor_user
):
    old_tool = tool_like_default("Audit tool 2024", changes={}, extra={9: "Return to Work"})
    previous = approved(employer_a, starts_on=date(2025, 5, 5), tool=old_tool)
    audit = this_year(employer_a, auditor)
    client = login(auditor_user)
    url = reverse("audits:reuse", args=[audit.pk])

    confirm = client.get(url)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Last time: certification audit from 2025-05-05" in page
    assert "Finding 1" in page
    assert "71/100" in page
    assert "9. Return to Work" in page
    assert "Start from the audit of 2025-05-05" in page
    assert not ElementReference.objects.filter(audit=audit).exists()  # a GET saves nothing

    response = client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("audits:work", args=[audit.pk]), 302)]
    sheet = response.content.decode()
    assert (
        "Started from the audit of 2025-05-05: 8 elements show last time. Not in this audit&#x27;s"
        " tool, so not carried: 9. Return to Work." in sheet
    )
    assert "Started from the certification audit from" in sheet
    for number in range(1, 9):
        assert f"{70 + number}/100" in sheet
        assert f"Finding {number}</span>" in sheet
    assert sheet.count("Last time:") == 8
    assert "(78.00%)" in sheet  # element 8: 78 of 100
    assert response.context["reuse_offer"] is None
    audit.refresh_from_db()
    assert audit.started_from == previous
    assert not ElementScore.objects.filter(submission__audit=audit).exists()


def test_an_element_new_in_this_tool_says_so(employer_a, auditor, auditor_user):
    seven = tool_like_default("Seven elements", changes={}, extra={})
    seven.elements.filter(number=8).delete()
    approved(employer_a, starts_on=date(2025, 5, 5), tool=seven)
    audit = this_year(employer_a, auditor)
    services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    sheet = login(auditor_user).get(reverse("audits:work", args=[audit.pk])).content.decode()

    assert sheet.count("Last time: not in that audit's tool.") == 1
    assert sheet.count("Last time:") == 8


def test_the_confirmation_page_says_why_when_starting_is_not_allowed(
    employer_a, auditor, auditor_user, previous
):
    audit = this_year(employer_a, auditor, audit_type=T.CERTIFICATION)
    client = login(auditor_user)

    page = client.get(reverse("audits:reuse", args=[audit.pk]))
    posted = client.post(reverse("audits:reuse", args=[audit.pk]))

    assert page.status_code == 200
    assert "this is a certification audit" in page.content.decode()
    assert "Start from the audit of" not in page.content.decode()
    assert posted.status_code == 200
    assert "this is a certification audit" in posted.content.decode()
    assert_untouched(audit)


def test_the_confirmation_page_says_when_there_is_no_previous_audit(
    employer_a, auditor, auditor_user
):
    audit = this_year(employer_a, auditor)

    page = login(auditor_user).get(reverse("audits:reuse", args=[audit.pk]))

    assert "The employer has no approved audit before this one" in page.content.decode()


def test_only_the_lead_may_start_from_the_page(
    audit, staff_user, other_auditor_user, other_auditor, employer_a_user
):
    url = reverse("audits:reuse", args=[audit.pk])

    assert login(staff_user).post(url).status_code == 403
    assert login(employer_a_user).post(url).status_code == 403
    assert login(other_auditor_user).post(url).status_code == 404
    assert_untouched(audit)


def score_page_queries(client: Client, audit: Audit) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audits:work", args=[audit.pk]))
    assert response.status_code == 200
    return len(queries)


SCORE_PAGE_QUERIES = 15  # session, user, audit, draft, scores, elements, rules, last time, ...


def test_the_score_page_makes_as_many_queries_with_2_or_12_elements_of_last_time(
    employer_a, auditor, auditor_user, django_assert_max_num_queries
):
    client = login(auditor_user)
    counts = []
    for size, year in ((2, 2024), (12, 2025)):
        tool = tool_of(size)
        approved(employer_a, starts_on=date(year, 5, 5), tool=tool)
        audit = this_year(employer_a, auditor, tool=tool, starts_on=date(year + 1, 5, 5))
        reuse = services_reuse.start_from_previous(audit=audit, actor=auditor_user)
        assert len(reuse.carried) == size
        element = tool.elements.get(number=1)
        services.save_draft(
            audit=audit,
            actor=auditor_user,
            scores={element.pk: (Decimal("50"), Decimal("100"))},
            notes={element.pk: "Scored."},
        )
        with django_assert_max_num_queries(SCORE_PAGE_QUERIES):
            counts.append(score_page_queries(client, audit))

    assert counts[0] == counts[1]


def test_last_time_costs_the_score_page_one_query_more_than_the_offer(
    employer_a, auditor, auditor_user
):
    client = login(auditor_user)
    approved(employer_a, starts_on=date(2025, 5, 5))
    audit = this_year(employer_a, auditor)
    offered = score_page_queries(client, audit)
    services_reuse.start_from_previous(audit=audit, actor=auditor_user)

    started = score_page_queries(client, audit)

    # The offer's read of the previous audit (1) gives way to last time's two reads.
    assert started == offered + 1


# The API ------------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_starts_from_last_year_once(audit, previous, auditor_user):
    url = f"/api/v1/audits/{audit.pk}/reuse/"
    element = audit.tool.elements.get(number=1)

    first = api_for(auditor_user).post(url)
    again = api_for(auditor_user).post(url)

    assert first.status_code == 201
    body = first.json()
    assert body["started_from"] == previous.pk
    assert body["started_from_type"] == "certification"
    assert body["started_from_starts_on"] == "2025-05-05"
    assert body["created"] is True
    assert body["not_carried"] == []
    assert len(body["carried"]) == 8
    assert body["carried"][0] == {
        "element": element.pk,
        "number": 1,
        "name": element.name,
        "earned": "71.00",
        "applicable": "100.00",
        "note": "Finding 1",
    }
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["carried"] == body["carried"]
    assert ElementReference.objects.filter(audit=audit).count() == 8


def test_the_api_refuses_like_the_service(
    employer_a, auditor, auditor_user, staff_user, other_auditor_user, other_auditor, previous
):
    certification = this_year(employer_a, auditor, audit_type=T.CERTIFICATION)
    audit = this_year(employer_a, auditor, starts_on=TODAY - timedelta(days=10))

    refused = api_for(auditor_user).post(f"/api/v1/audits/{certification.pk}/reuse/")

    assert refused.status_code == 400
    assert "this is a certification audit" in refused.json()["errors"]["non_field_errors"][0]
    assert api_for(staff_user).post(f"/api/v1/audits/{audit.pk}/reuse/").status_code == 403
    other = api_for(other_auditor_user).post(f"/api/v1/audits/{audit.pk}/reuse/")
    assert other.status_code == 404
    assert_untouched(audit)


def test_the_api_saves_an_elements_note_and_keeps_it_when_left_out(audit, auditor_user):
    element = audit.tool.elements.get(number=1)
    url = f"/api/v1/audits/{audit.pk}/scores/"
    client = api_for(auditor_user)

    noted = client.put(
        url,
        [{"element": element.pk, "earned": "8", "applicable": "10", "note": "Signed."}],
        format="json",
    )
    kept = client.put(
        url, [{"element": element.pk, "earned": "9", "applicable": "10"}], format="json"
    )

    assert noted.status_code == 200
    assert noted.json()["scores"][0]["note"] == "Signed."
    assert kept.json()["scores"][0] == {
        "element": element.pk,
        "element_name": element.name,
        "earned": "9.00",
        "applicable": "10.00",
        "note": "Signed.",
    }
