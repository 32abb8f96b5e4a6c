"""Background sending of notification emails."""

from typing import Any

from celery import shared_task

from . import services


@shared_task(
    name="notifications.tasks.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_email(payload: dict[str, Any]) -> int:
    """Send one notification's emails, already rendered (see ``services.notify_many``)."""
    return services.send_email(payload)
