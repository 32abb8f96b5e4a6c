"""The role matrix: every named URL of the portal, and what each actor gets on a GET.

DESIGN.md section 1, "Access answers": an anonymous visitor is sent to the login page (the API
answers 401); a signed-in user outside a section gets 403; an object outside the user's scope
is 404, exactly like a missing one. ``CASES`` below states, URL by URL, what each of the seven
actors gets; ``tests/test_role_matrix.py`` requests every one of them and fails when a URL name
of the URLconf has no row here, so a new page or endpoint cannot ship without its access rules.

How to add a URL (or a whole app):

1. Add a ``Case`` to ``CASES``, in the block of its app::

       Case(
           "audits:detail",
           lambda w: {"pk": w.audit_a.pk},
           page(staff=200, employer_a=200, employer_b=404, auditor=200, other_auditor=404),
       ),

   ``page()`` starts from "every role 403, anonymous to the login page"; ``api()`` from "every
   role 403, anonymous 401"; ``public()`` from "200 for everyone". Name only the actors who
   differ. An answer is a status code, or ``Redirect("/portal/")`` for a 302 to that address.
   ``employers=`` and ``auditors=`` set both actors of the pair at once, ``signed_in=`` all
   six roles, ``everyone=`` all seven actors.
2. URL arguments come from the ``World``: records owned by employer A (and employer B for
   contrast), made on first use. Build the URL from employer A's record, so ``employer_a``
   is the owner and ``employer_b`` the outsider who must get 404. Auditor-scoped records
   belong to ``auditor``, so ``other_auditor`` is the outsider. Add a ``cached_property`` to
   ``World`` for a new kind of record.
3. Every integer URL argument is also tried as pk 999999: each actor who gets 200 or 404 on
   the real record must get 404 on the missing one, so "not yours" looks like "not there".
4. Only when a URL cannot be requested by a plain GET with recorded data (a token made for one
   user), add it to ``SKIPPED`` with the reason, and test it elsewhere.
5. A list (a page or an API list) also needs a ``ListCase`` in ``tests/test_list_queries.py``,
   which counts its queries; ``tests/test_security_pages.py`` checks every HTML page found here.

The actors are the fixtures of the root ``conftest.py``: ``staff_user``, ``employer_a_user``
(a contact of employer A), ``employer_b_user``, ``auditor_user``, ``other_auditor_user``,
``board_user``, and no user at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from importlib import import_module
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CourseFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
    declared,
)
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    ExtensionFactory,
    SubmissionFactory,
)
from cor_portal.notifications.models import Notification
from employers.tests.factories import ContactFactory, GapAnalysisFactory, InteractionFactory

ACTORS = ("staff", "employer_a", "employer_b", "auditor", "other_auditor", "board", "anonymous")
SIGNED_IN = ACTORS[:-1]
GROUPS = {
    "employers": ("employer_a", "employer_b"),
    "auditors": ("auditor", "other_auditor"),
    "signed_in": SIGNED_IN,
    "everyone": ACTORS,
}
MISSING_PK = 999999
NOTIFICATION_LINK = "/auditor/"
LOGIN_PATH = "/accounts/login/"

# URL names the matrix does not request, and why. Everything else must have a Case.
SKIPPED: dict[str, str] = {
    "password_reset_confirm": (
        "needs a uidb64 and a token made for one user; tests/test_accounts.py follows the "
        "link of the reset email instead"
    ),
}
# Whole namespaces left out, and why.
SKIPPED_NAMESPACES: dict[str, str] = {
    "admin": (
        "Django's admin guards itself with the is_staff flag and its own login page; the "
        "portal's roles do not apply there"
    ),
}
# Views that serve files and are only mounted in development.
SKIPPED_VIEWS: dict[str, str] = {
    "django.views.static.serve": "static or media files, served by WhiteNoise or not at all",
    "django.contrib.staticfiles.views.serve": "static files in development only",
}
# DRF's format-suffix routes (employers.json, employers/1.json) are the same views as the
# plain routes; the walk leaves out every pattern with a ``format`` group.
FORMAT_SUFFIX_GROUP = "format"


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``; ``to=None`` means the login page with ``?next=`` the requested URL."""

    to: str | None = None

    def __str__(self) -> str:
        return f"302 to {self.to or 'the login page'}"


TO_LOGIN = Redirect()
Answer = int | Redirect


def _answers(base: dict[str, Answer], answers: dict[str, Answer]) -> dict[str, Answer]:
    expected = dict(base)
    for key, answer in answers.items():
        actors = GROUPS.get(key, (key,))
        for actor in actors:
            if actor not in ACTORS:
                raise ValueError(f"Unknown actor {actor!r}; use one of {ACTORS}")
            expected[actor] = answer
    return expected


def page(**answers: Answer) -> dict[str, Answer]:
    """Return a page's answers: every role 403 and anonymous to the login page, unless named."""
    return _answers({**dict.fromkeys(SIGNED_IN, 403), "anonymous": TO_LOGIN}, answers)


def api(**answers: Answer) -> dict[str, Answer]:
    """Return an API endpoint's answers: every role 403 and anonymous 401, unless named."""
    return _answers({**dict.fromkeys(SIGNED_IN, 403), "anonymous": 401}, answers)


def public(**answers: Answer) -> dict[str, Answer]:
    """Return a public URL's answers: 200 for everyone, unless named."""
    return _answers(dict.fromkeys(ACTORS, 200), answers)


class World:
    """The records the matrix builds URLs from: employer A's, and employer B.

    Each record is made on first use, so a case pays only for the records it names.
    """

    def __init__(
        self,
        *,
        employer_a: Any,
        employer_b: Any,
        auditor_user: Any = None,
        other_auditor_user: Any = None,
    ) -> None:
        self.employer_a = employer_a
        self.employer_b = employer_b
        self.auditor_user = auditor_user
        self.other_auditor_user = other_auditor_user

    @cached_property
    def contact_a(self) -> Any:
        """Return a contact of employer A without a login."""
        return ContactFactory(employer=self.employer_a, user=None)

    @cached_property
    def interaction_a(self) -> Any:
        """Return an interaction with employer A."""
        return InteractionFactory(employer=self.employer_a)

    @cached_property
    def gap_analysis_a(self) -> Any:
        """Return a gap analysis of employer A with its PDF report."""
        report = ContentFile(b"%PDF-1.4\n% matrix\n", name="report.pdf")
        return GapAnalysisFactory(employer=self.employer_a, report=report)

    @cached_property
    def cu_a(self) -> Any:
        """Return one of employer A's classification units."""
        return self.employer_a.classification_units.first()

    # Auditors: records of the ``auditor`` actor, so ``other_auditor`` is the outsider.

    @cached_property
    def auditor_a(self) -> Any:
        """Return the auditor record of the ``auditor`` actor: certified, external."""
        return AuditorFactory(user=self.auditor_user)

    @cached_property
    def other_auditor_record(self) -> Any:
        """Return the auditor record of the ``other_auditor`` actor."""
        return AuditorFactory(user=self.other_auditor_user)

    @cached_property
    def cpd_a(self) -> Any:
        """Return a CPD log entry of the auditor, with its PDF evidence."""
        evidence = ContentFile(b"%PDF-1.4\n% matrix\n", name="evidence.pdf")
        return CPDActivityFactory(auditor=self.auditor_a, evidence=evidence)

    @cached_property
    def engagement_a(self) -> Any:
        """Return a consulting engagement of the auditor with employer A."""
        return ConsultingEngagementFactory(auditor=self.auditor_a, employer=self.employer_a)

    @cached_property
    def declaration_a(self) -> Any:
        """Return the auditor's declaration for this year."""
        return declared(self.auditor_a)

    @cached_property
    def eaqa_a(self) -> Any:
        """Return this year's EAQA of the auditor, with its PDF report."""
        report = ContentFile(b"%PDF-1.4\n% matrix\n", name="eaqa.pdf")
        return EAQAFactory(auditor=self.auditor_a, report=report)

    @cached_property
    def course_a(self) -> Any:
        """Return an internal auditor training course."""
        return CourseFactory()

    @cached_property
    def session_a(self) -> Any:
        """Return a training session of the course."""
        return TrainingSessionFactory(course=self.course_a)

    # Audits: employer A's, led by the ``auditor`` actor.

    @cached_property
    def audit_a(self) -> Any:
        """Return a planned certification audit of employer A led by the auditor."""
        return AuditFactory(employer=self.employer_a, lead_auditor=self.auditor_a)

    @cached_property
    def submission_a(self) -> Any:
        """Return the audit's first submission, with its PDF report."""
        report = ContentFile(b"%PDF-1.4\n% matrix\n", name="report.pdf")
        return SubmissionFactory(audit=self.audit_a, report=report)

    @cached_property
    def extension_a(self) -> Any:
        """Return an extension request on the audit."""
        return ExtensionFactory(audit=self.audit_a)

    @cached_property
    def certificate_a(self) -> Any:
        """Return a valid certificate of employer A, audited by the auditor."""
        audit = AuditFactory(
            employer=self.employer_a,
            lead_auditor=self.auditor_a,
            status="approved",
            starts_on=timezone.localdate() - timedelta(days=400),
            last_onsite_on=timezone.localdate() - timedelta(days=365),
            passed=True,
        )
        return CertificateFactory(audit=audit)

    @cached_property
    def enrolment_a(self) -> Any:
        """Return the auditor's enrolment in the session."""
        return EnrolmentFactory(session=self.session_a, auditor=self.auditor_a)

    # --- qa world ---

    @cached_property
    def review_a(self) -> Any:
        """Return the open QA review of a submitted audit of employer A led by the auditor."""
        from audits.models import Review

        audit = AuditFactory(
            employer=self.employer_a,
            lead_auditor=self.auditor_a,
            status="submitted",
            starts_on=timezone.localdate() - timedelta(days=60),
            last_onsite_on=timezone.localdate() - timedelta(days=30),
        )
        report = ContentFile(b"%PDF-1.4\n% matrix qa\n", name="report.pdf")
        submission = SubmissionFactory(
            audit=audit, report=report, submitted_on=timezone.localdate()
        )
        return Review.objects.create(audit=audit, submission=submission)

    @cached_property
    def qa_note_a(self) -> Any:
        """Return an actionable note of a decided (returned) review of the auditor's audit."""
        from audits.models import ReviewNote

        review = self.review_a
        review.outcome, review.decided_on = "returned", timezone.localdate()
        review.save()
        return ReviewNote.objects.create(review=review, kind="actionable", text="Add records.")

    # WIVA and plagiarism (R-13, R-14): staff-only records about employer A.

    @cached_property
    def submitted_a(self) -> Any:
        """Return a submitted revision of employer A's audit, for the similarity page."""
        report = ContentFile(b"%PDF-1.4\n% matrix\n", name="report.pdf")
        return SubmissionFactory(
            audit=self.audit_a, number=2, report=report, submitted_on=timezone.localdate()
        )

    @cached_property
    def similarity_match_a(self) -> Any:
        """Return a flagged match of employer A's report with an earlier one of employer B."""
        from audits.models import SimilarityMatch

        earlier = SubmissionFactory(
            audit=AuditFactory(employer=self.employer_b),
            submitted_on=timezone.localdate() - timedelta(days=30),
        )
        return SimilarityMatch.objects.create(
            submission=self.submitted_a,
            earlier=earlier,
            score=90,
            estimate=88,
            threshold=60,
            flagged=True,
        )

    @cached_property
    def wiva_case_a(self) -> Any:
        """Return an open WIVA case of employer A."""
        from audits.models import WivaCase

        return WivaCase.objects.create(
            number="WIVA-2025-901", employer=self.employer_a, budget=7500
        )

    # --- incentives world ---

    @cached_property
    def incentive_a(self) -> Any:
        """Return employer A's eligible 2023 incentive, with one CU line."""
        from incentives.tests.factories import incentive_for

        return incentive_for(self.employer_a)

    @cached_property
    def letter_a(self) -> Any:
        """Return the letter of employer A's incentive (a rendered PDF)."""
        from incentives import services as incentive_services

        return incentive_services.issue_letter(
            incentive=self.incentive_a, actor=None, reason="First issue"
        )

    @cached_property
    def base_rate_a(self) -> Any:
        """Return a base rate of employer A's CU."""
        from incentives.tests.factories import BaseRateFactory

        return BaseRateFactory(unit=self.cu_a, year=2023)

    @cached_property
    def payroll_a(self) -> Any:
        """Return employer A's payroll in its CU."""
        from incentives.tests.factories import PayrollFactory

        return PayrollFactory(employer=self.employer_a, unit=self.cu_a, year=2023)

    @cached_property
    def exclusion_a(self) -> Any:
        """Return an exclusion recorded for employer A's incentive year."""
        from incentives.tests.factories import ExclusionFactory

        return ExclusionFactory(employer=self.employer_a, year=self.incentive_a.year)

    @cached_property
    def appeal_a(self) -> Any:
        """Return a pending appeal of employer A for its incentive year."""
        from datetime import date

        from incentives.models import Appeal

        return Appeal.objects.create(
            employer=self.employer_a, year=self.incentive_a.year, filed_on=date(2024, 1, 5)
        )

    @cached_property
    def incentive_run_a(self) -> Any:
        """Return a finished run of 2023."""
        from incentives.models import IncentiveRun

        return IncentiveRun.objects.create(year=2023, status="done")

    # --- workplan world ---
    # --- self-service world ---

    @cached_property
    def invitation_and_token(self) -> tuple[Any, str]:
        """Return an open invitation of employer A's contact, and its token."""
        from selfservice.services import invite_contact

        return invite_contact(contact=self.contact_a, actor=None)

    @cached_property
    def invitation_a(self) -> Any:
        return self.invitation_and_token[0]

    @cached_property
    def application_a(self) -> Any:
        """Return an online application waiting for review."""
        from selfservice.applications import submit_application

        return submit_application(
            classification_units=[self.cu_a],
            legal_name="Applicant Ltd.",
            account_number="7777777",
            region="vancouver_island",
            sector="accommodation",
            employees=5,
            city="Victoria",
            contact_first_name="Ann",
            contact_last_name="Applicant",
            contact_email="ann@applicant.example",
        )

    @cached_property
    def spare_login(self) -> Any:
        """Return a login none of the actors uses, for the deactivate/reactivate pages."""
        from cor_portal.accounts.tests.factories import UserFactory

        return UserFactory(username="spare-login")

    @cached_property
    def workplan_mandate(self) -> Any:
        """Return a mandate of a workplan, with an activity, a KPI and an outcome indicator."""
        from workplan.tests.factories import MandateFactory, WorkplanFactory

        return MandateFactory(workplan=WorkplanFactory(), number=1)

    @cached_property
    def workplan_plan(self) -> Any:
        return self.workplan_mandate.workplan

    @cached_property
    def workplan_activity(self) -> Any:
        from workplan.tests.factories import ActivityFactory

        return ActivityFactory(mandate=self.workplan_mandate)

    @cached_property
    def workplan_kpi(self) -> Any:
        from workplan.tests.factories import KPIFactory

        return KPIFactory(mandate=self.workplan_mandate)

    @cached_property
    def workplan_indicator(self) -> Any:
        from workplan.tests.factories import IndicatorFactory

        return IndicatorFactory(mandate=self.workplan_mandate)

    @cached_property
    def workplan_snapshot(self) -> Any:
        from workplan.models import Snapshot

        return Snapshot.objects.create(
            workplan=self.workplan_plan,
            quarter=1,
            as_of=self.workplan_plan.starts_on,
            commentary="Q1",
        )

    @cached_property
    def notification_a(self) -> Any:
        """Return a notification of the ``auditor`` actor, linking to their workspace."""
        return Notification.objects.create(
            recipient=self.auditor_user,
            subject="Report to QA due in 7 days",
            body="A deadline is coming up.",
            url=NOTIFICATION_LINK,
        )


Kwargs = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One URL name, how to build its URL from the world, and each actor's answer to a GET."""

    name: str
    kwargs: Kwargs | None = None
    expected: Mapping[str, Answer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(ACTORS) - set(self.expected)
        if missing:
            raise ValueError(f"{self.name}: no answer for {sorted(missing)}")

    def url(self, world: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else None)

    def missing_url(self, world: World) -> str | None:
        """Return the URL with every integer argument set to a pk that does not exist."""
        if not self.kwargs:
            return None
        kwargs = self.kwargs(world)
        if not any(isinstance(value, int) for value in kwargs.values()):
            return None
        kwargs = {k: MISSING_PK if isinstance(v, int) else v for k, v in kwargs.items()}
        return reverse(self.name, kwargs=kwargs)


def _a(attr: str) -> Kwargs:
    """Return kwargs ``{"pk": world.<attr>.pk}``."""
    return lambda w: {"pk": getattr(w, attr).pk}


def _child(attr: str) -> Kwargs:
    """Return kwargs ``{"child_pk": world.<attr>.pk}``."""
    return lambda w: {"child_pk": getattr(w, attr).pk}


CASES: list[Case] = [
    # Public -----------------------------------------------------------------------------------
    Case("healthz", None, public()),
    # redirect_authenticated_user: a signed-in visitor goes on to "/", and from there home.
    Case("login", None, public(signed_in=Redirect("/"))),
    Case("password_reset", None, public()),
    Case("password_reset_done", None, public()),
    Case("password_reset_complete", None, public()),
    Case("api-schema", None, public()),
    Case("api-docs", None, public()),
    # Signing out is a POST (Django 5); a GET is refused for everyone.
    Case("logout", None, public(everyone=405)),
    # Accounts ---------------------------------------------------------------------------------
    Case("password_change", None, page(signed_in=200)),
    Case("password_change_done", None, page(signed_in=200)),
    # Role homes (cor_portal/homes) ------------------------------------------------------------
    Case(
        "home",
        None,
        page(
            staff=200,
            employers=Redirect("/portal/"),
            auditors=Redirect("/auditor/"),
            board=Redirect("/dashboard/"),
        ),
    ),
    Case("homes:portal", None, page(employers=200)),
    Case("homes:auditor", None, page(auditors=200)),
    # Workplan ---------------------------------------------------------------------------------
    Case("workplan:dashboard", None, page(staff=200, board=200)),
    # Employers: pages -------------------------------------------------------------------------
    Case("employers:list", None, page(staff=200)),
    Case("employers:create", None, page(staff=200)),
    Case("employers:detail", _a("employer_a"), page(staff=200, employer_a=200, employer_b=404)),
    Case("employers:update", _a("employer_a"), page(staff=200)),
    Case("employers:history", _a("employer_a"), page(staff=200)),
    Case(
        "employers:transition",
        lambda w: {"pk": w.employer_a.pk, "action": "register"},
        page(staff=200),
    ),
    Case(
        "employers:contact-create",
        _a("employer_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case(
        "employers:contact-update",
        _child("contact_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case(
        "employers:contact-delete",
        _child("contact_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case("employers:interaction-create", _a("employer_a"), page(staff=200)),
    Case("employers:interaction-list", None, page(staff=200)),
    Case("employers:interaction-update", _child("interaction_a"), page(staff=200)),
    # Marking a follow-up done is a POST; the section check comes before the method check.
    Case("employers:follow-up-done", _a("interaction_a"), page(staff=405)),
    # Employer A may see its gap analyses but not record one (403 once in scope); B sees none.
    Case(
        "employers:gap-analysis-create",
        _a("employer_a"),
        page(staff=200, employer_a=403, employer_b=404),
    ),
    Case("employers:gap-analysis-list", None, page(staff=200)),
    Case(
        "employers:gap-analysis-update",
        _child("gap_analysis_a"),
        page(staff=200, employer_a=403, employer_b=404),
    ),
    Case(
        "employers:gap-analysis-report",
        _a("gap_analysis_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case("employers:cu-list", None, page(staff=200)),
    Case("employers:cu-create", None, page(staff=200)),
    Case("employers:cu-update", _a("cu_a"), page(staff=200)),
    Case("employers:cu-delete", _a("cu_a"), page(staff=200)),
    Case("employers:import", None, page(staff=200)),
    # Confirming an import is a POST; the section check comes before the method check.
    Case("employers:import-confirm", None, page(staff=405)),
    Case("employers:import-template", lambda w: {"fmt": "csv"}, page(staff=200)),
    # Employers: API ---------------------------------------------------------------------------
    Case("api:employer-list", None, api(staff=200, employers=200)),
    Case("api:employer-detail", _a("employer_a"), api(staff=200, employer_a=200, employer_b=404)),
    # POST only: the section is checked first, then the method (before any object lookup).
    Case("api:employer-transition", _a("employer_a"), api(staff=405, employers=405)),
    Case("api:contact-list", None, api(staff=200, employers=200)),
    Case("api:contact-detail", _a("contact_a"), api(staff=200, employer_a=200, employer_b=404)),
    # Classification units are reference data: every employer contact may read all of them.
    Case("api:cu-list", None, api(staff=200, employers=200)),
    Case("api:cu-detail", _a("cu_a"), api(staff=200, employers=200)),
    Case("api:interaction-list", None, api(staff=200)),
    Case("api:interaction-detail", _a("interaction_a"), api(staff=200)),
    Case("api:gap-analysis-list", None, api(staff=200, employers=200)),
    Case(
        "api:gap-analysis-detail",
        _a("gap_analysis_a"),
        api(staff=200, employer_a=200, employer_b=404),
    ),
    # Obtaining a token is a public POST.
    Case("api:api-token", None, public(everyone=405)),
    # Auditors: roster pages ---------------------------------------------------------------------
    # --- auditors roster cases ---
    Case("auditors:list", None, page(staff=200)),
    Case("auditors:create", None, page(staff=200)),
    # An auditor opens their own record; the other auditor finds nothing there.
    Case("auditors:detail", _a("auditor_a"), page(staff=200, auditor=200, other_auditor=404)),
    Case("auditors:update", _a("auditor_a"), page(staff=200)),
    Case(
        "auditors:transition",
        lambda w: {"pk": w.auditor_a.pk, "action": "suspend"},
        page(staff=200),
    ),
    Case("auditors:student-audit", _a("auditor_a"), page(staff=200)),
    Case("auditors:cpd-create", _a("auditor_a"), page(staff=200, auditor=200, other_auditor=404)),
    Case("auditors:cpd-update", _child("cpd_a"), page(staff=200, auditor=200, other_auditor=404)),
    Case("auditors:cpd-delete", _child("cpd_a"), page(staff=200, auditor=200, other_auditor=404)),
    Case("auditors:cpd-evidence", _a("cpd_a"), page(staff=200, auditor=200, other_auditor=404)),
    Case(
        "auditors:declaration-create",
        _a("auditor_a"),
        page(staff=200, auditor=200, other_auditor=404),
    ),
    Case(
        "auditors:engagement-create",
        _a("auditor_a"),
        page(staff=200, auditor=200, other_auditor=404),
    ),
    # Staff correct an engagement; an auditor declares new ones but does not edit them.
    Case("auditors:engagement-update", _child("engagement_a"), page(staff=200)),
    # Auditors: training pages -------------------------------------------------------------------
    # --- auditors training cases ---
    Case("auditors:course-list", None, page(staff=200)),
    Case("auditors:course-create", None, page(staff=200)),
    Case("auditors:course-update", _a("course_a"), page(staff=200)),
    Case("auditors:session-list", None, page(staff=200)),
    Case("auditors:session-create", None, page(staff=200)),
    Case("auditors:session-detail", _a("session_a"), page(staff=200)),
    Case("auditors:session-update", _a("session_a"), page(staff=200)),
    # Enrolling is a POST; the section check comes before the method check.
    Case("auditors:session-enrol", _a("session_a"), page(staff=405)),
    # A GET shows the result form on its own page (the fallback of the in-place form).
    Case("auditors:enrolment-result", _a("enrolment_a"), page(staff=200)),
    Case("auditors:completion-list", None, page(staff=200)),
    Case("auditors:completion-import", None, page(staff=200)),
    Case("auditors:completion-import-confirm", None, page(staff=405)),
    Case("auditors:completion-import-template", lambda w: {"fmt": "csv"}, page(staff=200)),
    # Auditors: EAQA pages -----------------------------------------------------------------------
    # --- auditors eaqa cases ---
    Case("auditors:eaqa", None, page(staff=200)),
    # Planning is a POST; the section check comes before the method check.
    Case("auditors:eaqa-plan", None, page(staff=405)),
    Case("auditors:eaqa-record", _a("eaqa_a"), page(staff=200)),
    Case("auditors:eaqa-report", _a("eaqa_a"), page(staff=200)),
    # Auditors: directory and API ----------------------------------------------------------------
    # --- auditors api cases ---
    # Audits: staff pages ------------------------------------------------------------------------
    # --- audits staff cases ---
    Case("audits:board", None, page(staff=200)),
    Case("audits:plan", None, page(staff=200)),
    # Staff see every audit, the lead auditor theirs, the employer its own.
    Case(
        "audits:detail",
        _a("audit_a"),
        page(staff=200, employer_a=200, employer_b=404, auditor=200, other_auditor=404),
    ),
    Case(
        "audits:decide",
        lambda w: {"pk": w.audit_a.pk, "action": "cancel"},
        page(staff=200),
    ),
    Case("audits:extension-decide", _a("extension_a"), page(staff=200)),
    Case("audits:certificate-list", None, page(staff=200)),
    Case(
        "audits:certificate-detail",
        _a("certificate_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    # Fragments: the employer's cycle (staff and the employer), an auditor's audits (staff
    # and that auditor). Asked for without htmx, each answers a whole page.
    Case(
        "audits:employer-cycle",
        _a("employer_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case(
        "audits:auditor-audits",
        _a("auditor_a"),
        page(staff=200, auditor=200, other_auditor=404),
    ),
    # Audits: the auditor's work -----------------------------------------------------------------
    # --- audits auditor cases ---
    # The lead auditor (and staff) open each step of a planned audit. Steps its status does not
    # allow yet (onsite, scores, submit) answer 200 with the reason in words, not 403: the
    # page is theirs, only the action waits. Employer A sees the audit but may not act (403);
    # outsiders find nothing (404).
    *[
        Case(
            name,
            _a("audit_a"),
            page(staff=200, auditor=200, other_auditor=404, employer_a=403, employer_b=404),
        )
        for name in (
            "audits:notice",
            "audits:start",
            "audits:onsite",
            "audits:work",
            "audits:submit",
            "audits:extension-request",
        )
    ],
    # The report goes to staff and the audit's lead auditor only; never to the employer.
    Case(
        "audits:report",
        _a("submission_a"),
        page(staff=200, auditor=200, other_auditor=404, employer_a=403, employer_b=404),
    ),
    # Audits: fragments, certificates, verify, calendar, notifications ---------------------------
    # --- audits public cases ---
    # The certificate PDF: staff and the certificate's employer (an auditor has no certificates).
    Case(
        "audits:certificate-pdf",
        _a("certificate_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    # Verifying a COR is public: the search, the directory and one certificate's page (the
    # QR code's target; audits/tests/test_verify.py asks for a wrong number: 404).
    Case("verify", None, public()),
    Case("verify-directory", None, public()),
    Case("verify-certificate", lambda w: {"number": w.certificate_a.number}, public()),
    # Notifications: each user's own; another's is 404 like a missing one. Opening marks it
    # read and goes to its link.
    Case("notifications:list", None, page(signed_in=200)),
    Case("notifications:badge", None, page(signed_in=200)),
    Case(
        "notifications:detail",
        _a("notification_a"),
        page(signed_in=404, auditor=Redirect(NOTIFICATION_LINK)),
    ),
    # POST only; a signed-in GET is refused, an anonymous one goes to the login page.
    Case("notifications:mark-all-read", None, page(signed_in=405)),
    # The calendar feed: the token in the address is the key (calendar apps have no session),
    # so anyone holding it gets the feed; tests of audits/calendar.py try a wrong token (404).
    Case("calendar", lambda w: {"token": w.audit_a.lead_auditor.user.calendar_token}, public()),
    Case("calendar-help", None, page(signed_in=200)),
    Case("calendar-reset", None, page(signed_in=405)),
    # Audits: API --------------------------------------------------------------------------------
    # --- audits api cases ---
    # Audits: staff all, an auditor theirs, an employer its own. The actions are POST only:
    # the section is checked first, then the method (405); who may act on which audit is
    # tested in audits/tests/test_api.py.
    Case("api:audit-list", None, api(staff=200, employers=200, auditors=200)),
    Case(
        "api:audit-detail",
        _a("audit_a"),
        api(staff=200, employer_a=200, employer_b=404, auditor=200, other_auditor=404),
    ),
    *[
        Case(name, _a("audit_a"), api(staff=405, employers=405, auditors=405))
        for name in (
            "api:audit-notice",
            "api:audit-start",
            "api:audit-onsite",
            "api:audit-scores",
            "api:audit-report",
            "api:audit-submit",
            "api:audit-extensions",
            "api:audit-decision",
        )
    ],
    Case("api:audit-element-list", None, api(staff=200, employers=200, auditors=200)),
    Case(
        "api:audit-element-detail",
        lambda w: {"pk": w.audit_a.tool.elements.order_by("number").first().pk},
        api(staff=200, employers=200, auditors=200),
    ),
    # Extension requests: staff and auditors (of their own audits); staff decide (POST).
    Case("api:extension-list", None, api(staff=200, auditors=200)),
    Case(
        "api:extension-detail",
        _a("extension_a"),
        api(staff=200, auditor=200, other_auditor=404),
    ),
    Case("api:extension-decide", _a("extension_a"), api(staff=405, auditors=405)),
    Case("api:certificate-list", None, api(staff=200, employers=200)),
    Case(
        "api:certificate-detail",
        _a("certificate_a"),
        api(staff=200, employer_a=200, employer_b=404),
    ),
    # Staff name the employer (?employer=<id>; without it the question is incomplete: 400);
    # an employer contact gets its own cycle (none yet for employer B: an empty one).
    Case("api:cycle-list", None, api(staff=400, employers=200)),
    Case("api:deadline-list", None, api(staff=200, employers=200, auditors=200)),
    # The external-auditor directory: staff and employer contacts (an employer sees every
    # listed auditor, not only those of its region).
    Case("auditor-directory", None, page(staff=200, employers=200)),
    Case("api:auditor-directory-list", None, api(staff=200, employers=200)),
    Case("api:auditor-directory-detail", _a("auditor_a"), api(staff=200, employers=200)),
    Case("api:auditor-list", None, api(staff=200, auditors=200)),
    Case("api:auditor-detail", _a("auditor_a"), api(staff=200, auditor=200, other_auditor=404)),
    # Staff only; without ?employer=&starts_on= the question is incomplete (400). The auditor
    # sees their own record but may not ask (403); the other auditor does not see it (404).
    Case(
        "api:auditor-standing",
        _a("auditor_a"),
        api(staff=400, auditor=403, other_auditor=404),
    ),
    Case("api:training-session-list", None, api(staff=200)),
    Case("api:training-session-detail", _a("session_a"), api(staff=200)),
    Case("api:enrolment-list", None, api(staff=200)),
    Case("api:enrolment-detail", _a("enrolment_a"), api(staff=200)),
    # POST only: the section is checked first, then the method.
    Case("api:enrolment-result", _a("enrolment_a"), api(staff=405)),
    Case("api:cpd-activity-list", None, api(staff=200, auditors=200)),
    Case(
        "api:cpd-activity-detail",
        _a("cpd_a"),
        api(staff=200, auditor=200, other_auditor=404),
    ),
    Case("api:declaration-list", None, api(staff=200, auditors=200)),
    Case(
        "api:declaration-detail",
        _a("declaration_a"),
        api(staff=200, auditor=200, other_auditor=404),
    ),
    Case("api:consulting-engagement-list", None, api(staff=200, auditors=200)),
    Case(
        "api:consulting-engagement-detail",
        _a("engagement_a"),
        api(staff=200, auditor=200, other_auditor=404),
    ),
    Case("api:eaqa-list", None, api(staff=200)),
    Case("api:eaqa-detail", _a("eaqa_a"), api(staff=200)),
    Case("api:eaqa-record", _a("eaqa_a"), api(staff=405)),
    # --- qa cases ---
    # QA reviews (R-12): staff only. The auditor answers the notes of their returned audit
    # (an audits work page: employer A sees the audit but may not act, 403).
    Case("qa:queue", None, page(staff=200)),
    Case("qa:metrics", None, page(staff=200)),
    *[
        Case(name, _a("review_a"), page(staff=200))
        for name in (
            "qa:review",
            "qa:assign",
            "qa:start",
            "qa:run-checks",
            "qa:note-add",
            "qa:decide",
        )
    ],
    Case("qa:note-delete", _a("qa_note_a"), page(staff=200)),
    Case("qa:compare", lambda w: {"pk": w.review_a.audit_id}, page(staff=200)),
    Case(
        "audits:answers",
        _a("audit_a"),
        page(staff=200, auditor=200, other_auditor=404, employer_a=403, employer_b=404),
    ),
    # API: reviews are staff only; notes staff and the auditors of their audits (decided
    # reviews only); revisions staff and auditors (their audits). Actions are POST only.
    Case("api:qa-review-list", None, api(staff=200)),
    Case("api:qa-review-detail", _a("review_a"), api(staff=200)),
    *[
        Case(name, _a("review_a"), api(staff=405))
        for name in (
            "api:qa-review-assign",
            "api:qa-review-start",
            "api:qa-review-checklist",
            "api:qa-review-notes",
            "api:qa-review-decide",
        )
    ],
    Case("api:qa-note-list", None, api(staff=200, auditors=200)),
    Case("api:qa-note-detail", _a("qa_note_a"), api(staff=200, auditor=200, other_auditor=404)),
    Case("api:qa-note-answer", _a("qa_note_a"), api(staff=405, auditors=405)),
    Case("api:revision-list", None, api(staff=200, auditors=200)),
    Case(
        "api:revision-detail",
        lambda w: {"pk": w.review_a.submission_id},
        api(staff=200, auditor=200, other_auditor=404),
    ),
    # Plagiarism and WIVA cases (R-13, R-14): staff only.
    Case("audits:similarity", _a("submitted_a"), page(staff=200)),
    Case("audits:wiva-list", None, page(staff=200)),
    Case("audits:wiva-create", None, page(staff=200)),
    Case("audits:wiva-detail", _a("wiva_case_a"), page(staff=200)),
    Case("audits:wiva-step", _a("wiva_case_a"), page(staff=200)),
    Case("audits:wiva-cancel", _a("wiva_case_a"), page(staff=200)),
    Case("audits:wiva-pdf", _a("wiva_case_a"), page(staff=200)),
    Case("api:similarity-match-list", None, api(staff=200)),
    Case("api:similarity-match-detail", _a("similarity_match_a"), api(staff=200)),
    Case("api:wiva-case-list", None, api(staff=200)),
    Case("api:wiva-case-detail", _a("wiva_case_a"), api(staff=200)),
    # POST only: the section is checked first, then the method.
    Case("api:wiva-case-step", _a("wiva_case_a"), api(staff=405)),
    Case("api:wiva-case-cancel", _a("wiva_case_a"), api(staff=405)),
    # --- incentives cases ---
    # Staff pages: the year's incentives, one incentive, eligibility facts, figures, runs.
    Case("incentives:index", None, page(staff=200)),
    Case("incentives:incentive-detail", _a("incentive_a"), page(staff=200)),
    *[
        Case(name, _a("incentive_a"), page(staff=200))
        for name in (
            "incentives:incentive-reissue",
            "incentives:exclusion-create",
            "incentives:appeal-create",
            "incentives:decision-create",
        )
    ],
    # POST only: the section first, then the method.
    Case("incentives:incentive-recalculate", _a("incentive_a"), page(staff=405)),
    Case("incentives:appeal-resolve", lambda w: {"appeal_pk": w.appeal_a.pk}, page(staff=200)),
    Case("incentives:exclusion-delete", _a("exclusion_a"), page(staff=200)),
    Case("incentives:base-rate-list", None, page(staff=200)),
    Case("incentives:base-rate-create", None, page(staff=200)),
    Case("incentives:base-rate-update", _a("base_rate_a"), page(staff=200)),
    Case("incentives:base-rate-delete", _a("base_rate_a"), page(staff=200)),
    Case("incentives:payroll-list", None, page(staff=200)),
    Case("incentives:payroll-create", None, page(staff=200)),
    Case("incentives:payroll-update", _a("payroll_a"), page(staff=200)),
    Case("incentives:payroll-delete", _a("payroll_a"), page(staff=200)),
    Case("incentives:import", None, page(staff=200)),
    Case("incentives:import-confirm", None, page(staff=405)),
    Case("incentives:import-template", lambda w: {"fmt": "csv"}, page(staff=200)),
    # Without ?year= the question is incomplete (400); tests ask with a year.
    Case("incentives:handoff", lambda w: {"fmt": "csv"}, page(staff=400)),
    Case("incentives:letter-zip", None, page(staff=400)),
    Case("incentives:run-list", None, page(staff=200)),
    Case("incentives:run-detail", _a("incentive_run_a"), page(staff=200)),
    Case("incentives:run-progress", _a("incentive_run_a"), page(staff=200)),
    # Letters: staff all, an employer contact its own (another's is 404 like a missing one).
    Case("incentives:letter-list", None, page(staff=200, employers=200)),
    Case(
        "incentives:letter-download",
        _a("letter_a"),
        page(staff=200, employer_a=200, employer_b=404),
    ),
    Case("incentives:portal-letters", None, page(staff=200, employers=200)),
    # --- incentives api cases ---
    Case("api:base-rate-list", None, api(staff=200)),
    Case("api:base-rate-detail", _a("base_rate_a"), api(staff=200)),
    Case("api:payroll-list", None, api(staff=200)),
    Case("api:payroll-detail", _a("payroll_a"), api(staff=200)),
    Case("api:incentive-list", None, api(staff=200, employers=200)),
    Case(
        "api:incentive-detail",
        _a("incentive_a"),
        api(staff=200, employer_a=200, employer_b=404),
    ),
    Case("api:incentive-letter-list", None, api(staff=200, employers=200)),
    *[
        Case(name, _a("letter_a"), api(staff=200, employer_a=200, employer_b=404))
        for name in ("api:incentive-letter-detail", "api:incentive-letter-download")
    ],
    # --- workplan cases ---
    # The board and staff read the dashboard, the board pack and the API; staff alone edit.
    Case("workplan:board-pack", _a("workplan_plan"), page(staff=200, board=200)),
    Case("workplans:list", None, page(staff=200)),
    Case("workplans:detail", _a("workplan_plan"), page(staff=200)),
    Case("workplans:approve", _a("workplan_plan"), page(staff=200)),
    Case("workplans:clone", _a("workplan_plan"), page(staff=200)),
    Case("workplans:measurements", _a("workplan_plan"), page(staff=200)),
    Case("workplans:snapshot-create", _a("workplan_plan"), page(staff=200)),
    Case("workplans:snapshot-detail", _a("workplan_snapshot"), page(staff=200)),
    Case("workplans:mandate-create", _a("workplan_plan"), page(staff=200)),
    Case(
        "workplans:mandate-update",
        lambda w: {"part": w.workplan_mandate.pk},
        page(staff=200),
    ),
    Case("workplans:activity-create", _a("workplan_mandate"), page(staff=200)),
    Case(
        "workplans:activity-update",
        lambda w: {"part": w.workplan_activity.pk},
        page(staff=200),
    ),
    Case("workplans:kpi-create", _a("workplan_mandate"), page(staff=200)),
    Case("workplans:kpi-update", lambda w: {"part": w.workplan_kpi.pk}, page(staff=200)),
    Case("workplans:indicator-create", _a("workplan_mandate"), page(staff=200)),
    Case(
        "workplans:indicator-update",
        lambda w: {"part": w.workplan_indicator.pk},
        page(staff=200),
    ),
    Case("api:workplan-list", None, api(staff=200, board=200)),
    Case("api:workplan-detail", _a("workplan_plan"), api(staff=200, board=200)),
    Case("api:workplan-mandate-list", None, api(staff=200, board=200)),
    Case("api:workplan-mandate-detail", _a("workplan_mandate"), api(staff=200, board=200)),
    Case("api:workplan-activity-list", None, api(staff=200, board=200)),
    Case("api:workplan-activity-detail", _a("workplan_activity"), api(staff=200, board=200)),
    Case("api:workplan-kpi-list", None, api(staff=200, board=200)),
    Case("api:workplan-kpi-detail", _a("workplan_kpi"), api(staff=200, board=200)),
    # --- self-service cases ---
    Case("selfservice:invitation-list", None, page(staff=200)),
    Case("selfservice:invitation-create", None, page(staff=200)),
    Case("selfservice:invitation-resend", lambda w: {"pk": w.invitation_a.pk}, page(staff=200)),
    Case("selfservice:invitation-revoke", lambda w: {"pk": w.invitation_a.pk}, page(staff=200)),
    Case("selfservice:login-list", None, page(staff=200)),
    Case(
        "selfservice:login-deactivate",
        lambda w: {"pk": w.spare_login.pk},
        page(staff=200),
    ),
    Case(
        "selfservice:login-reactivate",
        lambda w: {"pk": w.spare_login.pk},
        page(staff=200),
    ),
    # Only an employer's primary contact may invite; the matrix's contacts are not primary
    # (selfservice/tests/test_invitations.py signs in as one who is).
    Case("selfservice:colleague-invite", None, page()),
    Case("selfservice:changelog", None, page(staff=200)),
    Case("selfservice:apply", None, public()),
    Case("selfservice:apply-thanks", None, public()),
    Case("selfservice:application-list", None, page(staff=200)),
    Case(
        "selfservice:application-detail",
        lambda w: {"pk": w.application_a.pk},
        page(staff=200),
    ),
    Case(
        "selfservice:application-approve",
        lambda w: {"pk": w.application_a.pk},
        page(staff=200),
    ),
    Case(
        "selfservice:application-reject",
        lambda w: {"pk": w.application_a.pk},
        page(staff=200),
    ),
    Case(
        "selfservice:accept",
        lambda w: {"token": w.invitation_and_token[1]},
        public(),
    ),
    # --- nextsteps ---
    # Each employer's contact asks the COR team for its own employer (no object in the URL).
    Case("employers:request-create", None, page(employers=200)),
    # --- end nextsteps ---
    # --- reuse ---
    # Starting an audit from the employer's previous audit: the lead auditor alone (staff
    # may not, 403). Employer A's planned certification audit answers the lead 200 with the
    # reason in words; outsiders find nothing (404). The API action is POST only.
    Case(
        "audits:reuse",
        _a("audit_a"),
        page(auditor=200, other_auditor=404, employer_a=403, employer_b=404),
    ),
    Case("api:audit-reuse", _a("audit_a"), api(staff=405, employers=405, auditors=405)),
    # --- end reuse ---
]


# Walking the URLconf ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A URL pattern found in the URLconf, with its full name and route."""

    name: str | None
    route: str
    view: str
    namespace: str | None


def iter_routes(resolver: URLResolver | None = None) -> Iterator[Route]:
    """Yield every URL pattern of the URLconf, recursively, with namespaced names."""

    def walk(res: URLResolver, prefix: str, namespace: str | None) -> Iterator[Route]:
        for pattern in res.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                yield Route(name, prefix + str(pattern.pattern), pattern.lookup_str, namespace)

    yield from walk(resolver or get_resolver(), "", None)


def is_format_suffix(route: Route) -> bool:
    """Return whether the route is a DRF format-suffix variant (``.json``) of another route."""
    return f"(?P<{FORMAT_SUFFIX_GROUP}>" in route.route


def skip_reason(route: Route) -> str | None:
    """Return why the matrix leaves a route out, or None when it must have a Case."""
    top = (route.namespace or "").split(":")[0]
    if top in SKIPPED_NAMESPACES:
        return SKIPPED_NAMESPACES[top]
    if route.view in SKIPPED_VIEWS:
        return SKIPPED_VIEWS[route.view]
    if is_format_suffix(route):
        return "DRF format-suffix variant of a plain route"
    if route.name in SKIPPED:
        return SKIPPED[route.name]
    return None


def routes_needing_cases() -> list[Route]:
    """Return every route the matrix must cover."""
    return [route for route in iter_routes() if skip_reason(route) is None]


# Checking one case -----------------------------------------------------------------------------

CSP_STRICT_DIRECTIVES = ("script-src", "style-src")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=", re.I)


def describe(response: Any) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} to {response.get('Location')}"
    return str(response.status_code)


def answer_matches(answer: Answer, response: Any, url: str) -> bool:
    """Return whether the response is the expected answer to a GET of the URL."""
    if isinstance(answer, Redirect):
        if response.status_code != 302:
            return False
        to = answer.to or f"{LOGIN_PATH}?next={quote(url)}"
        return response.get("Location") == to
    return response.status_code == answer


def page_problems(response: Any) -> list[str]:
    """Return what breaks the Content-Security-Policy promise on an HTML page."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy header"]
    problems = []
    directives = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        directives[name] = sources
    for name in CSP_STRICT_DIRECTIVES:
        if name not in directives and "default-src" not in directives:
            problems.append(f"CSP has no {name}")
        if "'unsafe-inline'" in directives.get(name, ""):
            problems.append(f"CSP {name} allows 'unsafe-inline'")
    html = response.content.decode()
    if INLINE_SCRIPT.search(html):
        problems.append("inline <script> on the page")
    if INLINE_STYLE.search(html):
        problems.append("inline style on the page")
    return problems


def signed_in_session(user: Any) -> str:
    """Return the key of a new session signed in as the user.

    What ``Client.force_login`` stores, without the login signals (last login, axes' access
    log): a third of the queries, which adds up over hundreds of requests.
    """
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


class ActorClient:
    """One test client that switches between the actors' sessions.

    Each signed-in actor gets one session; a request then only swaps the session cookie.
    (A new ``Client`` per actor would load the middleware again each time.)
    """

    def __init__(self, users: Mapping[str, Any]) -> None:
        self.client = Client()
        self.sessions = {
            actor: signed_in_session(user) for actor, user in users.items() if user is not None
        }

    def get(self, actor: str, url: str, **headers: Any) -> Any:
        """Return the response to a GET of the URL by the actor (with these headers)."""
        self.client.cookies.clear()
        if actor in self.sessions:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[actor]
        return self.client.get(url, headers=headers or None)


def check_case(case: Case, users: Mapping[str, Any], world: World) -> list[str]:
    """Request the case's URL as every actor; return each answer that differs from the table."""
    client = ActorClient(users)
    url = case.url(world)
    problems = []
    for actor in ACTORS:
        response = client.get(actor, url)
        expected = case.expected[actor]
        if not answer_matches(expected, response, url):
            problems.append(f"{actor:<14} GET {url}: expected {expected}, got {describe(response)}")
        problems.extend(f"{actor:<14} GET {url}: {p}" for p in page_problems(response))
    missing_url = case.missing_url(world)
    if missing_url is not None:
        for actor in ACTORS:
            if case.expected[actor] not in (200, 404):
                continue
            response = client.get(actor, missing_url)
            if response.status_code != 404:
                problems.append(
                    f"{actor:<14} GET {missing_url} (missing): expected 404, "
                    f"got {describe(response)}"
                )
    return problems
