"""The Django admin of the auditor register: every model opens; the standing stays read-only."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from auditors import models
from auditors.choices import AuditorStatus, EAQAOutcome
from auditors.models import Auditor, AuditorStatusChange, CourseCompletion
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    declared,
)
from cor_portal.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    models.Auditor,
    models.AuditorArea,
    models.AuditorSector,
    models.AuditorStatusChange,
    models.Course,
    models.TrainingSession,
    models.Enrolment,
    models.CourseCompletion,
    models.CPDActivity,
    models.AnnualDeclaration,
    models.ConsultingEngagement,
    models.EAQA,
]
WITH_HISTORY = {m for m in MODELS if hasattr(m, "history")}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records(db):
    auditor = AuditorFactory()
    auditor.regions.create(region="northern_bc")
    auditor.sectors.create(sector="ski")
    AuditorStatusChange.objects.create(
        auditor=auditor,
        transition="certify",
        from_status=AuditorStatus.STUDENT,
        to_status=AuditorStatus.CERTIFIED,
        changed_on=date(2025, 1, 1),
        reason="Passed",
    )
    enrolment = EnrolmentFactory(auditor=auditor)
    CourseCompletion.objects.create(
        course=enrolment.session.course,
        name=enrolment.name,
        email=enrolment.email,
        completed_on=date(2025, 1, 1),
        source="manual",
    )
    CPDActivityFactory(auditor=auditor)
    declared(auditor, 2026)
    ConsultingEngagementFactory(auditor=auditor)
    EAQAFactory(auditor=auditor, conducted_on=date(2026, 2, 1), outcome=EAQAOutcome.SATISFACTORY)
    return auditor


def test_every_model_of_the_app_is_registered():
    app_models = {m for m in admin.site._registry if m._meta.app_label == "auditors"}

    assert app_models == set(MODELS)
    for model in WITH_HISTORY:
        assert "history_view" in dir(admin.site._registry[model]), model.__name__


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_page_open(admin_client, records, model):
    info = (model._meta.app_label, model._meta.model_name)
    obj = model.objects.first()

    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    change = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert change.status_code == 200
    if model in WITH_HISTORY:
        history = admin_client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        assert history.status_code == 200


def test_auditor_status_is_read_only_in_the_admin(admin_client, records):
    page = admin_client.get(reverse("admin:auditors_auditor_change", args=[records.pk]))

    form = page.context["adminform"].form
    assert "status" not in form.fields
    assert "status_changed_on" not in form.fields


def test_status_changes_cannot_be_added_or_edited_in_the_admin(admin_client, records):
    assert admin_client.get(reverse("admin:auditors_auditorstatuschange_add")).status_code == 403
    change = AuditorStatusChange.objects.get()
    page = admin_client.get(reverse("admin:auditors_auditorstatuschange_change", args=[change.pk]))
    assert b'name="reason"' not in page.content


def test_auditor_add_page_opens(admin_client):
    assert admin_client.get(reverse("admin:auditors_auditor_add")).status_code == 200
    assert not Auditor.objects.exists()
