"""Tell people things: an in-app notification per user, and an email rendered from templates.

Apps call ``notify`` inside their services (or ``notify_many`` for a batch, as the daily sweep
does). Each message is rendered here, in the request or task that sends it, once
(``notifications/email/<template>.txt`` with the real objects of the context, so the templates
may use ``audit.employer`` or ``certificate.expires_on|date:"Y-m-d"``), and each recipient's
copy starts with their own greeting. The in-app notifications
are written with one INSERT for the whole batch; the emails go out after the transaction
commits, through one Celery task per message carrying the rendered text, so a rolled-back
change sends nothing and the worker needs no database to write an email.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification


@dataclass(frozen=True)
class Message:
    """One thing to tell some people: who, the subject, the template and its context, a link.

    ``users`` get an in-app notification and an email (when they have an address);
    ``extra_emails`` (the COR team's address) get the email only.
    """

    users: Sequence[Any]
    subject: str
    template: str
    context: dict[str, Any]
    url: str = ""
    extra_emails: Sequence[str] = field(default_factory=tuple)


def notify(
    users: Iterable[Any],
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
    url: str = "",
    extra_emails: Iterable[str] = (),
) -> list[Notification]:
    """Notify each active user (once) and email them, plus any extra addresses.

    ``template`` names ``notifications/email/<template>.txt``, rendered with ``context`` plus
    ``site_url``, ``url`` and ``association_name``; each copy starts with a greeting of its
    recipient.
    """
    message = Message(
        users=tuple(users),
        subject=str(subject),
        template=template,
        context=context,
        url=url,
        extra_emails=tuple(extra_emails),
    )
    return notify_many([message])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Send a batch of messages: one INSERT for every notification, one email task per message.

    A constant number of queries whatever the size of the batch (the users must be loaded
    already); the email tasks are enqueued when the transaction commits.
    """
    notes: list[Notification] = []
    letters: list[tuple[str, list[tuple[str, str]], list[Notification]]] = []
    edited: dict[str, Any] | None = None  # staff's own wording, read once for the batch
    for message in messages:
        recipients = {u.pk: u for u in message.users if u is not None and u.is_active}
        extra = list(dict.fromkeys(a for a in message.extra_emails if a))
        if not recipients and not extra:
            continue
        if edited is None:
            edited = edited_templates()
        # Rendered once per message; only the greeting differs between recipients.
        subject, body = render_message(
            message.template,
            {
                **message.context,
                "site_url": settings.COR_SITE_URL,
                "url": message.url,
                "association_name": settings.COR_ASSOCIATION_NAME,
            },
            subject=message.subject,
            edited=edited,
        )
        message = replace(message, subject=subject)
        emails: list[tuple[str, str]] = []
        mine: list[Notification] = []
        for user in recipients.values():
            text = f"{greeting(user)}\n\n{body}"
            mine.append(
                Notification(recipient=user, subject=message.subject, body=text, url=message.url)
            )
            if user.email:
                emails.append((user.email, text))
        addressed = {address.lower() for address, _text in emails}
        emails += [
            (address, f"{greeting(None)}\n\n{body}")
            for address in extra
            if address.lower() not in addressed
        ]
        notes += mine
        if emails:
            letters.append((message.subject, emails, mine))
    if notes:
        Notification.objects.bulk_create(notes)
    if letters:
        payloads = [
            {
                "subject": subject,
                "emails": [list(pair) for pair in emails],
                "notification_ids": [n.pk for n in mine if n.pk],
            }
            for subject, emails, mine in letters
        ]
        transaction.on_commit(lambda: _send_later(payloads))
    return notes


def render(template: str, context: dict[str, Any]) -> str:
    """Return the text of a notification template, without surrounding blank lines."""
    return render_message(template, context, subject="")[1]


def edited_templates(names: list[str] | None = None) -> dict[str, Any]:
    """Return staff's edited message templates by name (one query; see selfservice)."""
    if not apps.is_installed("selfservice"):
        return {}
    return apps.get_model("selfservice", "MessageTemplate").objects.edited(names)


def render_message(
    template: str, context: dict[str, Any], *, subject: str, edited: dict[str, Any] | None = None
) -> tuple[str, str]:
    """Return (subject, body): staff's edited template when there is one and it renders.

    The file ``notifications/email/<template>.txt`` is the fallback, also when the edited one
    fails (the failure is logged).
    """
    if edited is None:
        edited = edited_templates([template])
    custom = edited.get(template)
    if custom is not None:
        rendered = custom.render(context)
        if rendered is not None:
            return rendered[0] or subject, rendered[1]
    return subject, render_to_string(f"notifications/email/{template}.txt", context).strip()


def greeting(user: Any) -> str:
    """Return the first line of a message to the user (None: the COR team's address)."""
    if user is None:
        return _("Hello COR team,")
    return _("Hello %(name)s,") % {"name": user.first_name or user.username}


def _send_later(payloads: list[dict[str, Any]]) -> None:
    from .tasks import send_email

    for payload in payloads:
        send_email.delay(payload)


def send_email(payload: dict[str, Any]) -> int:
    """Send one message's emails (each address its own text); return how many were sent.

    ``payload``: ``subject``, ``emails`` (pairs of address and text) and the
    ``notification_ids`` to mark as emailed.
    """
    messages = [
        EmailMessage(
            subject=f"[COR] {payload['subject']}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        for address, text in payload["emails"]
    ]
    with get_connection() as connection:
        sent = connection.send_messages(messages) or 0
    ids = payload.get("notification_ids") or []
    if ids:
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    return sent


def mark_read(*, notification: Notification) -> Notification:
    """Mark a notification as read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the user as read; return how many."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
