"""Tell people things: an in-app notification per user, and an email rendered from templates.

Apps call ``notify`` inside their services; the emails go out after the transaction commits,
through a Celery task, so a rolled-back change sends nothing.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification


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

    ``template`` names ``notifications/email/<template>.txt`` (and an optional ``.html``)
    rendered with ``context`` plus ``recipient`` and ``site_url``.
    """
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    body = render_to_string(
        f"notifications/email/{template}.txt",
        {**context, "recipient": None, "site_url": settings.COR_SITE_URL, "url": url},
    )
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body.strip(), url=url)
        for user in recipients.values()
    )
    addresses = sorted({u.email for u in recipients.values() if u.email} | set(extra_emails))
    if addresses:
        payload = {"subject": subject, "template": template, "context": _plain(context), "url": url}
        transaction.on_commit(lambda: _send_later(addresses, payload))
    return notes


def _plain(context: dict[str, Any]) -> dict[str, str]:
    """Return the context as strings, so it can travel to a Celery task as JSON."""
    return {key: str(value) for key, value in context.items()}


def _send_later(addresses: list[str], payload: dict[str, Any]) -> None:
    from .tasks import send_email

    send_email.delay(addresses, payload)


def send_email(addresses: list[str], payload: dict[str, Any]) -> int:
    """Render and send one notification email to each address; return how many were sent."""
    sent = 0
    for address in addresses:
        context = {**payload["context"], "site_url": settings.COR_SITE_URL, "url": payload["url"]}
        text = render_to_string(f"notifications/email/{payload['template']}.txt", context)
        message = EmailMultiAlternatives(
            subject=f"[COR] {payload['subject']}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        sent += message.send()
    return sent


def mark_read(*, notification: Notification) -> Notification:
    """Mark a notification as read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
