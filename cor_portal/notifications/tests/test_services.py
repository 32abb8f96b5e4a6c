"""notify and notify_many: in-app notifications in bulk, emails after commit, once each."""

from datetime import date
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.notifications import services
from cor_portal.notifications.models import Notification
from cor_portal.notifications.services import Message, notify, notify_many

pytestmark = pytest.mark.django_db

TEMPLATE = "audit_returned"


class FakeAudit:
    """What the template reads of an audit, without the database."""

    final_due = None
    lead_auditor = "Pat Doe"

    def __str__(self) -> str:
        return "Certification audit of Smith & Sons (2026-03-02)"


def context(**extra):
    return {"audit": FakeAudit(), "reason": "Add the interview sample.", **extra}


def test_notify_tells_each_active_user_once_and_emails_after_the_commit(
    django_capture_on_commit_callbacks,
):
    jane = UserFactory(username="jane", first_name="Jane")
    gone = UserFactory(username="gone", is_active=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notes = notify(
            [jane, jane, gone, None],
            subject="Audit returned for revision",
            template=TEMPLATE,
            context=context(),
            url="/audits/1/",
            extra_emails=[settings.COR_STAFF_EMAIL],
        )
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert [n.recipient for n in notes] == [jane]
    assert Notification.objects.get().subject == "Audit returned for revision"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([jane.email, settings.COR_STAFF_EMAIL])
    to_jane = next(m for m in mail.outbox if m.to == [jane.email])
    to_staff = next(m for m in mail.outbox if m.to == [settings.COR_STAFF_EMAIL])
    assert to_jane.subject == "[COR] Audit returned for revision"
    assert to_jane.body.startswith("Hello Jane,")
    assert to_staff.body.startswith("Hello COR team,")
    assert f"{settings.COR_SITE_URL}/audits/1/" in to_jane.body
    assert Notification.objects.get().emailed_at is not None


def test_plain_text_is_not_html_escaped():
    user = UserFactory()

    note = notify([user], subject="s", template=TEMPLATE, context=context())[0]

    assert "Smith & Sons" in note.body
    assert "&amp;" not in note.body


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()

    def change_then_fail():
        with transaction.atomic():
            notify([user], subject="s", template=TEMPLATE, context=context())
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_user_without_an_address_is_told_in_the_portal_only(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        notify([user], subject="s", template=TEMPLATE, context=context())

    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []


def test_an_extra_address_that_is_also_a_users_gets_one_email(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="team@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            subject="s",
            template=TEMPLATE,
            context=context(),
            extra_emails=["TEAM@example.org"],
        )

    assert [m.to for m in mail.outbox] == [["team@example.org"]]


def test_context_values_keep_their_types_in_the_email(django_capture_on_commit_callbacks):
    """A False flag stays False (not the string "False", which a template would find true)."""
    user = UserFactory()
    audit = FakeAudit()
    audit.starts_on = audit.notice_filed_on = audit.notice_due = date(2026, 2, 10)
    audit.onsite_due = date(2026, 4, 10)

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user], subject="s", template="notice_filed", context={"audit": audit, "late": False}
        )

    assert "late" not in mail.outbox[0].body


@pytest.mark.parametrize("count", [2, 40])
def test_notify_many_makes_one_insert_and_one_email_task_per_message(
    django_assert_num_queries, django_capture_on_commit_callbacks, count
):
    users = [UserFactory() for _n in range(3)]
    messages = [
        Message(users=users, subject=f"Message {n}", template=TEMPLATE, context=context())
        for n in range(count)
    ]

    with (
        mock.patch("cor_portal.notifications.tasks.send_email.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        # One INSERT, and staff's edited message templates read once for the batch.
        django_assert_num_queries(2),
    ):
        notes = notify_many(messages)

    assert len(notes) == 3 * count
    assert delay.call_count == count
    payload = delay.call_args.args[0]
    assert payload["subject"] == f"Message {count - 1}"
    assert len(payload["emails"]) == 3
    assert len(payload["notification_ids"]) == 3


def test_notify_many_with_nothing_to_send_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify_many([]) == []


def test_mark_read_and_mark_all_read_touch_only_the_users_own():
    user, other = UserFactory(), UserFactory()
    mine = [Notification.objects.create(recipient=user, subject=f"n{n}", body="") for n in range(3)]
    theirs = Notification.objects.create(recipient=other, subject="o", body="")

    services.mark_read(notification=mine[0])
    first_read = Notification.objects.get(pk=mine[0].pk).read_at
    services.mark_read(notification=mine[0])
    count = services.mark_all_read(user=user)

    assert first_read is not None
    assert Notification.objects.get(pk=mine[0].pk).read_at == first_read
    assert count == 2
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
