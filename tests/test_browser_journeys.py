"""Journeys in a real browser (Debian's Chromium through Playwright) against the live server.

Each journey fails on any JavaScript error or Content-Security-Policy violation the browser
reports, and leaves screenshots in /tmp/journey-*.png to look at.

The live server runs in another thread, so the journeys are transactional tests: the data they
make is committed, and pytest-django flushes every table after each. That flush also removes the
rows of the data migrations (the rules, the audit tool), so whichever transactional test runs
second would have none; the ``migrated_data`` fixture seeds them again when they are missing.
(``serialized_rollback`` is no help here: after a plain transactional test, whose flush
re-creates the content types, reloading the serialized ones fails on their unique constraint.)
"""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from auditors.selectors import standing_for
from auditors.tests.factories import AuditorFactory, declared
from audits.models import Certificate
from audits.services import plan_audit
from employers.models import Employer
from employers.services import register_employer
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory, employer_user

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
SCREENSHOTS = Path("/tmp")
STATUS = 'dt:text-is("Status") + dd .status-tag'  # the status tag of a status card

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def page(page):
    """Return the browser page, failing in seconds rather than Playwright's 30."""
    page.set_default_timeout(10_000)
    return page


class BrowserLog:
    """Collect what the browser complains about: console errors and uncaught exceptions."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def on_console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def unexpected(self, *allowed: str) -> list[str]:
        """Return the errors that match none of the allowed patterns."""
        return [e for e in self.errors if not any(re.search(p, e) for p in allowed)]


def shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)


def sign_in(page, base_url: str, username: str, password: str = "password") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Sign out").click()


def test_staff_registers_an_employer_and_its_contact_sees_it(page, live_server, staff_user):
    base = live_server.url
    unit = ClassificationUnitFactory(code="761044", description="Hotel or motel")
    other = EmployerFactory(legal_name="Bravo Tours Inc.")
    log = BrowserLog(page)

    # Staff signs in and stays on "today".
    sign_in(page, base, staff_user.username)
    expect(page).to_have_url(f"{base}/")
    shoot(page, "01-staff-today")

    # Creates an employer through the form.
    page.goto(f"{base}/employers/new/")
    page.get_by_label("Legal name").fill("Cedar Ridge Resort Ltd.")
    page.get_by_label("Account number").fill("7654321")
    page.get_by_label("Region").select_option(label="Thompson Okanagan")
    page.get_by_label("Sector").select_option(index=1)
    page.get_by_label("Employees").fill("42")
    page.get_by_label(f"{unit.code} {unit.description}").check()
    shoot(page, "02-employer-form")
    page.get_by_role("button", name="Save the employer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cedar Ridge Resort Ltd.")
    employer = Employer.objects.get(account_number="7654321")
    assert list(employer.classification_units.all()) == [unit]

    # Finds it by search on the list and opens it.
    page.goto(f"{base}/employers/")
    page.get_by_role("searchbox").fill("Cedar Ridge")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Bravo Tours Inc.")).to_have_count(0)
    shoot(page, "03-employer-search")
    page.get_by_role("link", name="Cedar Ridge Resort Ltd.").click()
    expect(page).to_have_url(f"{base}/employers/{employer.pk}/")
    expect(page.locator("main")).to_have_count(1)  # opened as a page, not inside the list

    # Registers it: the status action, its confirmation page, a reason.
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page).to_have_url(f"{base}/employers/{employer.pk}/status/register/")
    page.get_by_label("Reason").fill("Confirmed CU 761044 and signed the COR agreement.")
    shoot(page, "04-register-confirm")
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(f"{base}/employers/{employer.pk}/")
    expect(page.locator(STATUS)).to_have_text("Registered")
    shoot(page, "05-employer-registered")
    employer.refresh_from_db()
    assert employer.status == "registered"
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    # The employer's contact signs in and sees the status card on the portal.
    contact = employer_user(employer, username="cedar-contact")
    sign_in(page, base, contact.username)
    expect(page).to_have_url(f"{base}/portal/")
    status_card = page.locator("section", has=page.get_by_text("Your COR status"))
    expect(status_card.locator(STATUS)).to_have_text("Registered")
    shoot(page, "06-portal")

    # Another employer's page is a 404, exactly like a missing one.
    response = page.goto(f"{base}/employers/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    shoot(page, "07-other-employer-404")

    assert log.unexpected(rf"status of 404 .*\(({re.escape(base)})?/employers/{other.pk}/\)") == []


def test_api_docs_render_within_the_csp(page, live_server):
    log = BrowserLog(page)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("COR Portal API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    shoot(page, "08-api-docs")
    assert log.unexpected() == []


def test_auditor_logs_cpd_and_declares_and_staff_see_them_eligible(
    page, live_server, staff_user, auditor_user, employer_a
):
    base = live_server.url
    today = timezone.localdate()
    auditor = AuditorFactory(user=auditor_user)  # certified and valid, no declaration yet
    log = BrowserLog(page)
    assert not standing_for(auditor, employer_id=employer_a.pk, starts_on=today).eligible

    # The auditor signs in to the workspace, where the missing declaration is the first thing.
    sign_in(page, base, auditor_user.username)
    expect(page).to_have_url(f"{base}/auditor/")
    expect(page.get_by_text(f"File your annual declaration for {today.year}")).to_be_visible()
    shoot(page, "09-auditor-workspace")

    # Logs a CPD activity.
    page.get_by_role("link", name="Log CPD").first.click()
    page.get_by_label("Activity").fill("COR auditor update webinar")
    page.get_by_label("Kind").select_option(label="Conference or webinar")
    page.get_by_label("Hours").fill("3.5")
    shoot(page, "10-cpd-form")
    page.get_by_role("button", name="Save the activity").click()
    expect(page).to_have_url(f"{base}/auditor/")
    expect(page.get_by_role("cell", name="COR auditor update webinar Conference")).to_be_visible()

    # Files this year's declaration: the CPD hours come from the log; every box is ticked.
    page.get_by_role("region", name="What you need to do").get_by_role(
        "link", name=f"File your {today.year} declaration"
    ).click()
    expect(page.get_by_label("CPD hours in the past year")).to_have_value("3.50")
    page.get_by_role("button", name="File the declaration").click()
    expect(page.get_by_text("Tick this box to file the declaration.").first).to_be_visible()
    for box in page.get_by_role("checkbox").all():
        box.check()
    shoot(page, "11-declaration-form")
    page.get_by_role("button", name="File the declaration").click()
    expect(page).to_have_url(f"{base}/auditor/")
    expect(page.get_by_text(f"File your annual declaration for {today.year}")).to_have_count(0)
    shoot(page, "12-auditor-declared")
    sign_out(page)

    # Staff check the auditor against the employer from today: eligible now.
    sign_in(page, base, staff_user.username)
    page.goto(f"{base}/auditors/{auditor.pk}/")
    page.get_by_label("Employer").select_option(label=str(employer_a))
    page.get_by_label("Audit starts on").fill(today.isoformat())
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.get_by_text(f"{auditor.name} may audit {employer_a}")).to_be_visible()
    shoot(page, "13-staff-sees-eligible")
    assert standing_for(auditor, employer_id=employer_a.pk, starts_on=today).eligible
    assert log.unexpected() == []


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def press(page, name: str) -> None:
    """Press the page's submit control named ``name`` (a crispy input or a button)."""
    main = page.locator("main")
    main.locator(
        f'input[type=submit][value="{name}"], button[type=submit]:has-text("{name}")'
    ).first.click()


def test_auditor_submits_staff_approve_and_employer_downloads_the_certificate(
    page, live_server, staff_user, auditor_user, employer_a, employer_a_user, tmp_path
):
    base = live_server.url
    today = timezone.localdate()
    auditor = AuditorFactory(user=auditor_user)
    declared(auditor)
    register_employer(employer=employer_a, actor=staff_user, reason="Registration received")
    audit = plan_audit(
        actor=staff_user,
        employer=employer_a,
        audit_type="certification",
        starts_on=today - timedelta(days=10),
        lead_auditor=auditor,
    )
    log = BrowserLog(page)
    report = tmp_path / "audit-report.pdf"
    report.write_bytes(PDF)

    # The auditor files the Notice of Audit (the declaration is required), starts the audit
    # and records the last onsite day.
    sign_in(page, base, auditor_user.username)
    expect(page).to_have_url(f"{base}/auditor/")
    expect(page.get_by_text(str(employer_a)).first).to_be_visible()
    page.goto(f"{base}/audits/{audit.pk}/notice/")
    page.get_by_label("Sites and interview sample").fill("Main lodge; 12 interviews")
    press(page, "File the notice")
    expect(page.get_by_text("Tick the declaration to file the notice").first).to_be_visible()
    page.get_by_role("checkbox").check()
    press(page, "File the notice")
    page.goto(f"{base}/audits/{audit.pk}/start/")
    page.get_by_label("Work began on").fill((today - timedelta(days=10)).isoformat())
    press(page, "Start the audit")
    page.goto(f"{base}/audits/{audit.pk}/onsite/")
    page.locator("#id_last_onsite_on").fill((today - timedelta(days=3)).isoformat())
    page.locator(
        "main form[method=post] input[type=submit], main form[method=post] button[type=submit]"
    ).first.click()
    audit.refresh_from_db()
    assert audit.status == "onsite_complete"

    # Enters the element scores and uploads the report; the result is computed on the page.
    page.goto(f"{base}/audits/{audit.pk}/work/")
    for element in audit.tool.elements.all():
        page.get_by_label(f"Earned, {element.name}", exact=True).fill("86")
        page.get_by_label(f"Applicable, {element.name}", exact=True).fill("100")
    page.get_by_label("Report (PDF)").set_input_files(str(report))
    shoot(page, "14-audit-scores")
    press(page, "Save")
    expect(page.get_by_text("86.00%").first).to_be_visible()
    page.goto(f"{base}/audits/{audit.pk}/submit/")
    shoot(page, "15-audit-submit")
    press(page, "Submit the report to QA")
    audit.refresh_from_db()
    assert audit.status == "submitted"
    assert audit.passed is True
    sign_out(page)

    # Staff approve it in the QA review: the certificate is issued.
    sign_in(page, base, staff_user.username)
    page.goto(f"{base}/audits/{audit.pk}/")
    page.get_by_role("link", name="Open the QA review").click()
    qa_start_and_answer_checklist(page)
    qa_decide(page, "Approve and release the result")
    shoot(page, "16-audit-approved")
    certificate = Certificate.objects.get(audit=audit)
    assert certificate.certified_on == today - timedelta(days=3)
    sign_out(page)

    # The employer sees the certificate and downloads its PDF.
    sign_in(page, base, employer_a_user.username)
    expect(page).to_have_url(f"{base}/portal/")
    expect(page.get_by_role("link", name=certificate.number).first).to_be_visible()
    shoot(page, "17-portal-certificate")
    page.get_by_role("link", name=certificate.number).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(certificate.number)
    pdf = page.request.get(f"{base}/audits/certificates/{certificate.pk}/pdf/")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    employer_a.refresh_from_db()
    assert employer_a.status == "certified"
    assert log.unexpected() == []


# QA: a review returns the audit with an actionable note; the auditor answers and
# resubmits; the review resumes and approves; the employer then sees the result.


def qa_start_and_answer_checklist(page) -> None:
    """On a review page: start the review (the checks run), answer every question "yes"."""
    page.get_by_role("link", name="Start the review").click()
    press(page, "Start the review")
    expect(page.get_by_text("Pass marks").first).to_be_visible()
    for radio in page.locator("main input[type=radio][value=yes]").all():
        radio.check()
    press(page, "Save the checklist")
    expect(page.get_by_text("The checklist is saved.")).to_be_visible()


def qa_decide(page, outcome: str) -> None:
    """On a started review's page: decide it with the outcome's label."""
    page.get_by_role("link", name="Decide…").click()
    page.get_by_label(outcome).check()
    press(page, "Record the decision")
    expect(page.get_by_text("Decided:").first).to_be_visible()


def test_qa_returns_the_auditor_answers_and_resubmits_staff_approve_the_employer_sees_it(
    page, live_server, staff_user, auditor_user, employer_a, employer_a_user
):
    from django.core.files.base import ContentFile

    from audits import services
    from audits.models import Audit, Review

    base = live_server.url
    today = timezone.localdate()
    auditor = AuditorFactory(user=auditor_user)
    declared(auditor)
    register_employer(employer=employer_a, actor=staff_user, reason="Registration received")
    audit = plan_audit(
        actor=staff_user,
        employer=employer_a,
        audit_type="certification",
        starts_on=today - timedelta(days=20),
        lead_auditor=auditor,
    )
    audit = services.file_notice(audit=audit, actor=auditor_user, no_conflict_declared=True)
    audit = services.start_audit(audit=audit, actor=auditor_user, on=audit.starts_on)
    audit = services.complete_onsite(
        audit=audit, actor=auditor_user, last_onsite_on=today - timedelta(days=5)
    )
    elements = list(audit.tool.elements.all())
    services.save_draft(
        audit=audit,
        actor=auditor_user,
        scores={e.pk: (Decimal("84"), Decimal("100")) for e in elements},
        report=ContentFile(PDF, name="report.pdf"),
        evidence={
            "used_documentation": True,
            "used_observation": True,
            "used_interviews": True,
            "headcount": 40,
            "interviewed": 10,
        },
    )
    services.submit_report(audit=audit, actor=auditor_user)
    log = BrowserLog(page)

    # Staff: the queue, the review; the checks ran; an actionable note; returned.
    sign_in(page, base, staff_user.username)
    page.goto(f"{base}/qa/")
    shoot(page, "qa-01-queue")
    page.get_by_role("link", name=str(employer_a.legal_name)).click()
    qa_start_and_answer_checklist(page)
    page.get_by_label("Element", exact=True).select_option(label=f"2. {elements[1].name}")
    page.get_by_label("Actionable: the auditor must answer").check()
    page.locator("main #id_text").fill("Attach the hazard register the score relies on.")
    press(page, "Add the note")
    expect(page.get_by_text("Attach the hazard register").first).to_be_visible()
    shoot(page, "qa-02-review")
    qa_decide(page, "Return to the auditor for revision (with the actionable notes)")
    assert Audit.objects.get(pk=audit.pk).status == "returned"
    sign_out(page)

    # The auditor answers the note and resubmits.
    sign_in(page, base, auditor_user.username)
    page.goto(f"{base}/audits/{audit.pk}/")
    page.get_by_role("link", name="Answer the QA notes").first.click()
    expect(page.get_by_text("Attach the hazard register").first).to_be_visible()
    page.get_by_label("Your answer").fill("Hazard register attached as appendix D.")
    shoot(page, "qa-03-answers")
    press(page, "Save the answers")
    expect(page.get_by_text("Every note is answered").first).to_be_visible()
    press(page, "Submit the report to QA")
    assert Audit.objects.get(pk=audit.pk).status == "resubmitted"
    sign_out(page)

    # Staff: the review resumes on revision 2; the revisions compared; approved.
    sign_in(page, base, staff_user.username)
    second = Review.objects.get(audit=audit, submission__number=2)
    page.goto(f"{base}/qa/reviews/{second.pk}/")
    page.get_by_role("link", name="Compare with revision 1").first.click()
    expect(page.get_by_text("Hazard register attached as appendix D.")).to_be_visible()
    shoot(page, "qa-04-compare")
    page.goto(f"{base}/qa/reviews/{second.pk}/")
    qa_start_and_answer_checklist(page)
    qa_decide(page, "Approve and release the result")
    assert Audit.objects.get(pk=audit.pk).status == "approved"
    certificate = Certificate.objects.get(audit=audit)
    sign_out(page)

    # The employer sees the released result and the certificate.
    sign_in(page, base, employer_a_user.username)
    page.goto(f"{base}/audits/{audit.pk}/")
    expect(page.get_by_text("84.00%").first).to_be_visible()
    page.goto(f"{base}/portal/")
    expect(page.get_by_role("link", name=certificate.number).first).to_be_visible()
    shoot(page, "qa-05-employer")
    assert log.unexpected() == []


# --- workplan journey ---
CANVAS_PAINTED = """(canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted += 1; } }
    return painted;
}"""


def test_board_member_sees_the_dashboard_charts_and_downloads_the_board_pack(
    page, live_server, board_user, staff_user, tmp_path
):
    import json
    import subprocess
    from datetime import date

    from employers.models import Registration
    from workplan import services as workplan_services

    fixture = Path(__file__).resolve().parents[1] / "workplan" / "fixtures" / "go2hr-2023-24.json"
    workplan, _ = workplan_services.load_workplan(
        actor=staff_user, data=json.loads(fixture.read_text(encoding="utf-8"))
    )
    for day in (date(2023, 5, 2), date(2023, 9, 14), date(2024, 1, 20)):
        Registration.objects.create(employer=EmployerFactory(), program="ohs", registered_on=day)
    workplan_services.freeze_snapshot(
        actor=staff_user,
        workplan=workplan,
        quarter=4,
        commentary="Registrations came in steadily all year.",
        as_of=date(2024, 3, 31),
    )
    base = live_server.url
    log = BrowserLog(page)

    sign_in(page, base, board_user.username)
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Board dashboard")).to_be_visible()
    expect(page.get_by_text("Registrations came in steadily all year.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Mandate #5:"))).to_be_visible()
    # Every chart is drawn: the canvases have painted pixels.
    canvases = page.locator("canvas")
    expect(canvases).to_have_count(7)  # trend, budget and the five mandates with targets
    for index in range(7):
        canvas = canvases.nth(index)
        canvas.scroll_into_view_if_needed()
        assert canvas.evaluate(CANVAS_PAINTED) > 500, f"canvas {index} is blank"
    assert page.locator("a.nav-link", has_text="Workplan").count() == 0  # staff only
    shoot(page, "workplan-01-dashboard")

    # The whole year's pack is some thirty pages: give WeasyPrint time on a busy machine.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="Download the board pack (PDF)").click(timeout=90_000)
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == "board-pack-2023.pdf"
    text = subprocess.run(
        ["pdftotext", "-raw", str(saved), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Year-end report" in text
    for number in range(1, 6):
        assert f"Mandate #{number}" in text
    assert "3 of 15 (20%)" in " ".join(text.split())
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#chart-trend")).to_be_visible()
    shoot(page, "workplan-02-dashboard-mobile")
    assert log.unexpected() == []


# --- incentives journey ---
def test_staff_run_the_incentive_year_and_the_employer_downloads_the_letter(
    page, live_server, staff_user, employer_a, employer_a_user, tmp_path
):
    import subprocess

    from incentives.models import Letter
    from incentives.tests.factories import BaseRateFactory, PayrollFactory, certify

    unit = employer_a.classification_units.get()
    certify(employer_a, 2023, [unit])
    PayrollFactory(
        employer=employer_a, unit=unit, year=2023, assessable_payroll=Decimal("60000000")
    )
    BaseRateFactory(unit=unit, year=2023, rate=Decimal("3.83"))
    base = live_server.url
    log = BrowserLog(page)

    # Staff run 2023 from the Incentives menu; tasks run in-process here, so it ends at once.
    sign_in(page, base, staff_user.username)
    page.get_by_role("button", name="Incentives").click()
    page.get_by_role("link", name="Runs", exact=True).click()
    expect(page.get_by_role("heading", name="Incentive runs")).to_be_visible()
    page.get_by_label("Assessment year").fill("2023")
    press(page, "Run the year")
    expect(page.get_by_role("heading", name="Incentive run 2023")).to_be_visible()
    progress = page.locator("#run-progress")
    expect(progress.get_by_text("Progress: Done")).to_be_visible()
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "100")
    expect(progress.locator('dt:text-is("Eligible") + dd')).to_have_text("1")
    expect(progress.locator('dt:text-is("Total payable") + dd')).to_have_text("$229,800.00")
    expect(progress.locator('dt:text-is("Letters issued") + dd')).to_have_text("1 of 1")
    shoot(page, "incentives-01-run")
    page.get_by_role("link", name="The 2023 incentives").click()
    expect(page.get_by_role("cell", name="$229,800.00")).to_be_visible()
    shoot(page, "incentives-02-year")
    sign_out(page)

    # The employer finds the letter in its menu and downloads it.
    letter = Letter.objects.get()
    sign_in(page, base, employer_a_user.username)
    page.get_by_role("link", name="Incentive letters", exact=True).click()
    expect(page.get_by_role("link", name=letter.number)).to_be_visible()
    shoot(page, "incentives-03-employer-letters")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=letter.number).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename == letter.filename
    text = subprocess.run(
        ["pdftotext", "-layout", str(saved), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "$229,800.00" in text
    assert employer_a.legal_name in text
    assert log.unexpected() == []


def test_staff_open_a_wiva_case_record_its_steps_and_download_the_form(
    page, live_server, staff_user
):
    """R-14: open a WIVA case, notify the employer, select the auditor (the WIVA audit is
    planned), see the next step, and download the WorkSafeBC reporting form."""
    from audits.models import WivaCase

    base = live_server.url
    today = timezone.localdate()
    firm = EmployerFactory(
        legal_name="Glacier Heli Tours Ltd.", size_class="large", employees=140, status="registered"
    )
    starts = today + timedelta(days=30)
    lead = AuditorFactory()
    # The lead needs the declaration of the audit's year (in December, next year's too).
    for year in sorted({today.year, starts.year}):
        declared(lead, year)
    log = BrowserLog(page)

    sign_in(page, base, staff_user.username)
    page.goto(f"{base}/audits/wiva/")
    expect(page.get_by_text("No WIVA cases yet")).to_be_visible()
    page.get_by_role("link", name="Open a WIVA case").click()
    page.get_by_label("Employer").select_option(label=f"{firm.legal_name} ({firm.account_number})")
    page.get_by_label("Budget ($)").fill("7500")
    press(page, "Open the case")
    case = WivaCase.objects.get()
    expect(page).to_have_url(f"{base}{case.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Next step: Notify the employer")).to_be_visible()

    page.get_by_label("Done on").fill(today.isoformat())
    page.get_by_label("Note").fill("Letter sent")
    press(page, "Record: Notify the employer")
    expect(
        page.get_by_role("heading", name=re.compile("Next step: Request estimates"))
    ).to_be_visible()
    page.get_by_label("Selected auditor").select_option(index=1)
    page.get_by_label("Selected estimate ($)").fill("6800")
    page.get_by_label("Audit start date").fill(starts.isoformat())
    press(page, "Record: Request estimates and select an auditor")
    expect(page.get_by_role("heading", name="Next step: Arrange the audit")).to_be_visible()
    shoot(page, "20-wiva-case")
    case.refresh_from_db()
    assert case.audit is not None
    assert case.audit.audit_type == "wiva"
    assert case.audit.lead_auditor == lead

    pdf = page.request.get(f"{base}/audits/wiva/{case.pk}/form.pdf")
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
    page.goto(f"{base}/audits/wiva/")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    assert log.unexpected() == []


# --- self-service journey ---


def test_employer_applies_online_staff_approve_and_the_contact_signs_in(
    page, live_server, staff_user
):
    """Keyboard only for the applicant: focus, Tab, type and Enter; no mouse clicks."""
    from django.core import mail

    from selfservice.models import Application

    base = live_server.url
    unit = ClassificationUnitFactory(code="761044", description="Hotel or motel", aligned=True)
    log = BrowserLog(page)
    keys = page.keyboard

    page.goto(f"{base}/apply/")
    page.get_by_label("Legal name").focus()
    keys.type("Juniper Bay Lodge Ltd.")
    keys.press("Tab")  # trade name
    keys.type("Juniper Bay")
    keys.press("Tab")  # account number
    keys.type("7612345")
    keys.press("Tab")  # region: typing picks the option
    keys.type("Thompson")
    keys.press("Tab")  # sector
    keys.type("Accommodation")
    keys.press("Tab")  # the first classification unit
    keys.press("Space")
    page.get_by_label("Employees in BC").focus()
    keys.type("18")
    page.get_by_label("City").focus()
    keys.type("Kamloops")
    page.get_by_label("First name").focus()
    keys.type("Morgan")
    keys.press("Tab")
    keys.type("Reyes")
    page.get_by_label("Email").focus()
    keys.type("morgan@juniperbay.example")
    shoot(page, "30-apply-form")
    keys.press("Enter")
    expect(page).to_have_url(f"{base}/apply/thanks/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("your application is in")
    shoot(page, "31-apply-thanks")
    application = Application.objects.get()
    assert application.region == "thompson_okanagan"
    assert application.sector == "accommodation"
    assert list(application.classification_units.all()) == [unit]

    # Staff find it in the queue and approve it.
    sign_in(page, base, staff_user.username)
    page.goto(f"{base}/employers/applications/")
    page.get_by_role("link", name="Juniper Bay Lodge Ltd.").click()
    shoot(page, "32-application")
    page.get_by_role("link", name="Approve", exact=True).click()
    press(page, "Approve")
    expect(page).to_have_url(f"{base}/employers/applications/{application.pk}/")
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.employer.status == "registered"
    sign_out(page)

    # The contact follows the invitation link from the email and chooses a password.
    link = re.search(r"http\S+/accounts/invitation/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    path = link.group(0).split("/accounts/", 1)[1]
    page.goto(f"{base}/accounts/{path}")
    page.locator("#id_password").focus()
    keys.type("juniper-harbour-lantern-42")
    keys.press("Tab")
    keys.type("juniper-harbour-lantern-42")
    keys.press("Enter")
    expect(page).to_have_url(f"{base}/portal/")
    expect(page.get_by_role("heading", level=1).first).to_contain_text("Juniper Bay")
    shoot(page, "33-portal-after-invitation")
    assert log.unexpected() == []
