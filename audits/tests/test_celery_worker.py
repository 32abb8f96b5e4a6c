"""A real Celery worker, on the local Redis, runs the daily sweep task once.

The worker is a subprocess (``celery -A cor_portal worker --pool=solo``) with the test settings
and the pytest database, so the test is transactional: what it makes is committed and the
worker sees it. Only this test talks to a broker; the rest of the suite runs tasks eagerly.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import TimeoutError as ResultTimeout
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from audits.models import DeadlineReminder
from audits.tasks import enforce_deadlines
from audits.tests.factories import AuditFactory
from cor_portal.celery import app as celery_app
from cor_portal.notifications.models import Notification
from employers.tests.factories import employer_user

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own on the local Redis
QUEUES = ("default", "documents")
WORKER_TIMEOUT = 120  # seconds for the worker to start and run the task
ROOT = Path(settings.BASE_DIR)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def redis_answers() -> bool:
    """Return whether ``redis-cli ping`` gets PONG from the Redis the test uses."""
    redis_cli = shutil.which("redis-cli")
    if redis_cli is None:
        return False
    try:
        result = subprocess.run(
            [redis_cli, "-u", REDIS_URL, "ping"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.stdout.strip() == "PONG"


def database_url() -> str:
    """Return the address of the database pytest made for this test run (or xdist worker)."""
    db = settings.DATABASES["default"]
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def seed_rules_and_tool() -> None:
    """Seed what the migrations seed: a flush by an earlier transactional test emptied it."""
    for module in (
        "cor_portal.program.migrations.0002_seed_program_rules",
        "audits.migrations.0002_seed_audit_tool",
    ):
        import_module(module).seed(apps, None)


def _forget_connections() -> None:
    """Drop the app's cached broker pools and result backend, so new settings take effect."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@contextmanager
def real_broker() -> Iterator[None]:
    """Send tasks through Redis (not eagerly) with a Redis result backend, then restore."""
    changes = {"task_always_eager": False, "broker_url": REDIS_URL, "result_backend": REDIS_URL}
    saved = {key: celery_app.conf[key] for key in changes}
    celery_app.conf.update(changes)
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_connections()


@contextmanager
def celery_worker(log: Path) -> Iterator[subprocess.Popen]:
    """Run a worker on the test database and Redis; always stop it."""
    celery = ROOT / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command += [
        "-A",
        "cor_portal",
        "worker",
        "--pool=solo",
        "-Q",
        ",".join(QUEUES),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--hostname=sweep-test@%h",
    ]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": tempfile.gettempdir(),
        "DJANGO_SETTINGS_MODULE": "cor_portal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "COR_TEST_MEDIA_ROOT": str(log.parent / "media"),
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)


def clear_queues() -> None:
    """Drop messages a crashed earlier run may have left in this test's Redis database."""
    import redis

    redis.Redis.from_url(REDIS_URL).delete(*QUEUES)


def wait_for(result, worker: subprocess.Popen, log: Path) -> dict:
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped (exit {worker.returncode}):\n{log.read_text()}")
        try:
            return result.get(timeout=2)
        except ResultTimeout:
            continue
    pytest.fail(f"No result within {WORKER_TIMEOUT} s. Worker log:\n{log.read_text()}")


def test_a_real_worker_runs_the_sweep_task_once(tmp_path):
    if not redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL} (redis-cli ping)")
    seed_rules_and_tool()
    audit = AuditFactory(starts_on=timezone.localdate() + timedelta(days=60))
    contact = employer_user(audit.employer, username="worker-contact")
    day = audit.notice_due - timedelta(days=7)
    log = tmp_path / "worker.log"
    clear_queues()

    with real_broker(), celery_worker(log) as worker:
        result = enforce_deadlines.apply_async(args=[day.isoformat()], ignore_result=False)
        report = wait_for(result, worker, log)

    assert report["today"] == day.isoformat()
    assert report["reminders"] == 1
    assert report["notifications"] == 2
    assert list(
        DeadlineReminder.objects.values_list("audit_id", "deadline", "due_on", "days_before")
    ) == [(audit.pk, "notice", audit.notice_due, 7)]
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        audit.lead_auditor.user_id,
        contact.pk,
    }
    assert celery_app.conf.task_always_eager is True  # restored for the rest of the suite
