"""Background work of the auditor register."""

from celery import shared_task

from . import services


@shared_task(name="auditors.tasks.lapse_expired_certifications")
def lapse_expired_certifications() -> int:
    """Lapse the auditor certifications no longer valid today (daily, R-16); return how many."""
    return services.lapse_expired_certifications()
