"""Background work of incentives: a year's run, and its letters on the ``documents`` queue.

Letters are rendered by ``render_letter`` (routed to ``documents`` by CELERY_TASK_ROUTES), one
task per letter, acknowledged only when done (``acks_late``) and given back to the queue when
the worker process dies (``reject_on_worker_lost``): a letter is issued once per run whatever
happens, because ``services.issue_letter`` finds the one a killed attempt may have committed.
"""

import logging
import os
import time
from typing import Any

from celery import shared_task
from django.db import DatabaseError

from . import services
from .models import IncentiveRun

logger = logging.getLogger(__name__)

# Test-only: seconds each letter waits before rendering, so a test can kill a worker mid-letter.
SLOW_LETTER_ENV = "COR_INCENTIVES_TEST_LETTER_DELAY"


@shared_task(
    bind=True,
    name="incentives.tasks.run_incentives",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def run_incentives(self: Any, run_id: int) -> int:
    """Compute every incentive of the run's year, then queue one letter task per letter.

    In a worker the letters go to the broker (the ``documents`` queue, by CELERY_TASK_ROUTES),
    whatever ``task_always_eager`` says; run eagerly (no broker), they are rendered in-process.
    """
    run = IncentiveRun.objects.get(pk=run_id)
    try:
        incentive_ids = services.execute_run(run)
    except DatabaseError:
        raise
    except Exception as error:
        logger.exception("Incentive run %s failed", run_id)
        services.fail_run(run_id, f"{type(error).__name__}: {error}")
        raise
    for incentive_id in incentive_ids:
        if self.request.is_eager:
            render_letter.delay(run_id, incentive_id)
        else:
            self.app.send_task(render_letter.name, args=[run_id, incentive_id])
    return len(incentive_ids)


@shared_task(
    name="incentives.tasks.render_letter",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def render_letter(run_id: int, incentive_id: int) -> int | None:
    """Issue one letter of a run (once); return its id."""
    delay = float(os.environ.get(SLOW_LETTER_ENV) or 0)
    if delay:
        time.sleep(delay)
    letter = services.issue_run_letter(run_id=run_id, incentive_id=incentive_id)
    return letter.pk if letter else None
