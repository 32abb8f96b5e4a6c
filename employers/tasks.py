"""Background work of the employer registry."""

from celery import shared_task

from . import services


@shared_task(name="employers.tasks.recompute_size_classes")
def recompute_size_classes() -> int:
    """Reassess every employer's size class at the start of the year (R-2)."""
    return services.recompute_size_classes()
