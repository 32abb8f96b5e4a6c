"""Editable notification messages: staff's wording is used, the file is the fallback."""

import logging

from django.core import mail
from django.urls import reverse

from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.notifications.models import Notification
from cor_portal.notifications.services import notify, render
from selfservice.admin import sample_context
from selfservice.models import MessageTemplate, message_template_names


def send(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            subject="Portal subject",
            template="deadline_reminder",
            context={"what": "Report to QA", "audit": "Alpha audit", "due_on": None, "days": 7},
            url="/audits/1/",
        )


def test_every_file_template_can_be_edited():
    names = [name for name, _label in message_template_names()]
    assert "certificate_issued" in names
    assert "invitation" in names
    assert "_footer" not in names


def test_an_edited_template_is_used(db, django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Dana")
    MessageTemplate.objects.create(
        name="deadline_reminder",
        subject="Heads up: {{ what }}",
        body="Edited: {{ what }} for {{ audit }} at {{ site_url }}{{ url }}",
    )
    send(user, django_capture_on_commit_callbacks)
    note = Notification.objects.get()
    assert note.subject == "Heads up: Report to QA"
    assert note.body.endswith(
        "Edited: Report to QA for Alpha audit at http://127.0.0.1:8000/audits/1/"
    )
    assert mail.outbox[0].subject == "[COR] Heads up: Report to QA"
    assert mail.outbox[0].body.startswith("Hello Dana,\n\nEdited: Report to QA")


def test_an_inactive_edit_is_ignored(db, django_capture_on_commit_callbacks):
    user = UserFactory()
    MessageTemplate.objects.create(name="deadline_reminder", body="Edited", active=False)
    send(user, django_capture_on_commit_callbacks)
    assert Notification.objects.get().subject == "Portal subject"
    assert "Edited" not in mail.outbox[0].body


def test_a_broken_template_falls_back_to_the_file_and_logs(
    db, django_capture_on_commit_callbacks, caplog
):
    user = UserFactory()
    # Saved around the admin's check: a tag that fails when rendered.
    MessageTemplate.objects.create(
        name="deadline_reminder", subject="Broken", body="{% include 'no/such/file.txt' %}"
    )
    with caplog.at_level(logging.ERROR, logger="selfservice.messages"):
        send(user, django_capture_on_commit_callbacks)
    assert "failed; the file template is used" in caplog.text
    note = Notification.objects.get()
    assert note.subject == "Portal subject"
    assert note.body == mail.outbox[0].body
    file_text = render(
        "deadline_reminder",
        {
            "what": "Report to QA",
            "audit": "Alpha audit",
            "due_on": None,
            "days": 7,
            "site_url": "x",
            "url": "/audits/1/",
            "association_name": "y",
        },
    )
    assert file_text.splitlines()[0] in note.body


def test_the_admin_refuses_bad_syntax_and_previews(client, db):
    admin_user = UserFactory(username="admin-staff", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    admin_client = client
    url = reverse("admin:selfservice_messagetemplate_add")
    response = admin_client.post(
        url, {"name": "certificate_issued", "subject": "x", "body": "{% if %}", "active": "on"}
    )
    assert response.status_code == 200
    assert not MessageTemplate.objects.exists()
    response = admin_client.post(
        url,
        {
            "name": "certificate_issued",
            "subject": "Certificate {{ certificate.number }}",
            "body": "Well done, {{ certificate.employer }}.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    page = admin_client.get(reverse("admin:selfservice_messagetemplate_change", args=[template.pk]))
    assert page.status_code == 200
    assert "Well done, [certificate.employer]." in page.text
    assert "Certificate [certificate.number]" in page.text


def test_sample_context_names_every_variable():
    context = sample_context("{{ audit.employer }} {% if certificate.number %}x{% endif %}")
    assert str(context["audit"].employer) == "[audit.employer]"
    assert "certificate" in context
