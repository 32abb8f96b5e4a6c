"""Letters survive a worker process killed mid-letter (acks_late + reject_on_worker_lost).

A real Celery worker (prefork, concurrency 2) runs on the local Redis, in a database of its
own, against the pytest database (a transactional test, so the worker sees the records). A
test-only delay (COR_INCENTIVES_TEST_LETTER_DELAY) keeps each letter task busy; once letters
are under way one pool process is killed with SIGKILL. The run must still finish with every
letter issued exactly once.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings

from cor_portal.celery import app as celery_app
from incentives.choices import RunStatus
from incentives.models import Incentive, IncentiveRun, Letter
from incentives.tasks import SLOW_LETTER_ENV, run_incentives
from incentives.tests.factories import certified_employer

REDIS_URL = "redis://127.0.0.1:6379/12"  # a Redis database of this test's own
QUEUES = ("default", "documents")
TIMEOUT = 180
ROOT = Path(settings.BASE_DIR)
LETTERS = 4

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def redis_answers() -> bool:
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
    db = settings.DATABASES["default"]
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"


def _forget_connections() -> None:
    """Drop every broker pool, the app's and kombu's shared ones, so new settings take effect.

    Closing only the app's pool would leave kombu's registry holding a producer pool on the
    closed connections, and the next eager task (which still borrows a producer) would fail.
    """
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def real_broker():
    changes = {"task_always_eager": False, "broker_url": REDIS_URL}
    saved = {key: celery_app.conf[key] for key in changes}
    celery_app.conf.update(changes)
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_connections()


@contextmanager
def celery_worker(log: Path, media: Path):
    celery = ROOT / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    command += [
        "-A",
        "cor_portal",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--prefetch-multiplier=1",
        "-Q",
        ",".join(QUEUES),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--hostname=letters-test@%h",
    ]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": tempfile.gettempdir(),
        "DJANGO_SETTINGS_MODULE": "cor_portal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "COR_TEST_MEDIA_ROOT": str(media),
        SLOW_LETTER_ENV: "2",
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


def pool_children(worker: subprocess.Popen) -> list[int]:
    result = subprocess.run(
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in result.stdout.split()]


def wait_until(condition, worker, log: Path, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped (exit {worker.returncode}):\n{log.read_text()}")
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()}")


def test_letters_survive_a_worker_process_killed_mid_letter(tmp_path, settings):
    if not redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL} (redis-cli ping)")
    for module in (
        "cor_portal.program.migrations.0002_seed_program_rules",
        "audits.migrations.0002_seed_audit_tool",
    ):
        import_module(module).seed(apps, None)
    for n in range(LETTERS):
        certified_employer(2023, {f"72200{n}": ("60000000", "3.83")})
    run = IncentiveRun.objects.create(year=2023)
    media = Path(settings.MEDIA_ROOT)
    log = tmp_path / "worker.log"
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()

    with real_broker(), celery_worker(log, media) as worker:
        run_incentives.apply_async(args=[run.pk])
        # Letters are under way: the run is at its letters step and the pool is busy.
        wait_until(
            lambda: (
                IncentiveRun.objects.get(pk=run.pk).status == RunStatus.LETTERS
                and "incentives.tasks.render_letter" in log.read_text()
            ),
            worker,
            log,
            "the first letter task",
        )
        time.sleep(0.5)  # inside the letter's delay: mid-letter
        victims = pool_children(worker)
        assert victims, log.read_text()
        os.kill(victims[0], signal.SIGKILL)
        wait_until(
            lambda: IncentiveRun.objects.get(pk=run.pk).status == RunStatus.DONE,
            worker,
            log,
            "the run to finish",
        )

    text = log.read_text()
    # The killed process's letter was given back to the queue and done again, once.
    assert "WorkerLostError" in text, text
    assert "SIGKILL" in text
    run.refresh_from_db()
    assert run.letters_expected == LETTERS
    assert Letter.objects.count() == LETTERS
    for incentive in Incentive.objects.all():
        assert list(incentive.letters.values_list("version", "run_id")) == [(1, run.pk)]
        letter = incentive.letters.get()
        assert letter.file.size == letter.size > 0
    assert celery_app.conf.task_always_eager is True
    run_incentives.delay(run.pk)  # eager again, and its producer pool usable
