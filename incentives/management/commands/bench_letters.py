"""Benchmark: issue N incentive letters on a real Celery worker (Redis) and time them.

Run through ``make bench-letters``, which points DATABASE_URL at a PostgreSQL database of the
benchmark's own (made if missing) and CELERY_BROKER_URL at a Redis database of its own. The
command migrates that database, replaces its benchmark employers with N eligible incentives,
starts ``celery worker --concurrency C`` on the ``documents`` queue, queues one
``incentives.tasks.render_letter`` task per letter, and waits until the run is done. It
prints the total time (first task queued to last letter stored) and the median time per
letter as the worker reports it.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

SUCCEEDED = re.compile(r"incentives\.tasks\.render_letter\[[^\]]+\] succeeded in ([0-9.]+)s")
YEAR = 2023


class Command(BaseCommand):
    help = "Issue N incentive letters on a real Celery worker and print the time they took."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--letters", type=int, default=1000)
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=900, help="seconds to wait at most")

    def handle(self, *args: Any, letters: int, concurrency: int, timeout: int, **options) -> None:
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if not broker.startswith("redis://"):
            raise CommandError("Set CELERY_BROKER_URL to a Redis database (make bench-letters).")
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            raise CommandError("Use PostgreSQL: two worker processes write at once.")
        call_command("migrate", verbosity=0, interactive=False)
        run = self.prepare(letters)
        import redis

        redis.Redis.from_url(broker).flushdb()
        log = Path(tempfile.mkdtemp(prefix="bench-letters-")) / "worker.log"
        worker = self.start_worker(log, concurrency)
        try:
            self.wait_ready(log, worker)
            from cor_portal.celery import app
            from incentives.models import Incentive, IncentiveRun, Letter

            started = time.monotonic()
            for incentive_id in Incentive.objects.filter(year=YEAR).values_list("pk", flat=True):
                app.send_task("incentives.tasks.render_letter", args=[run.pk, incentive_id])
            deadline = started + timeout
            done = 0
            while time.monotonic() < deadline:
                if worker.poll() is not None:
                    raise CommandError(f"The worker stopped:\n{log.read_text()[-3000:]}")
                status = IncentiveRun.objects.get(pk=run.pk).status
                done = Letter.objects.filter(run=run).count()
                if status == "done":
                    break
                time.sleep(0.5)
            else:
                raise CommandError(f"Only {done} of {letters} letters within {timeout} s.")
            total = time.monotonic() - started
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        times = [float(t) for t in SUCCEEDED.findall(log.read_text())]
        median = statistics.median(times) if times else float("nan")
        count = Letter.objects.filter(run=run).count()
        self.stdout.write(
            f"{count} letters on {concurrency} worker processes in {total:.1f} s "
            f"({count / total:.1f} letters/s); median {median * 1000:.0f} ms per letter "
            f"(worker-reported, {len(times)} tasks); load average {os.getloadavg()[0]:.2f}"
        )

    def prepare(self, count: int) -> Any:
        """Replace the benchmark's employers with ``count`` eligible incentives; return a run."""
        from employers.models import ClassificationUnit, Employer
        from incentives.choices import IncentiveStatus, LineKind, RunStatus
        from incentives.models import Incentive, IncentiveLine, IncentiveRun, Letter

        Letter.objects.all().delete()
        IncentiveLine.objects.all().delete()
        Incentive.objects.all().delete()
        IncentiveRun.objects.all().delete()
        Employer.objects.filter(account_number__startswith="99").delete()
        unit, _ = ClassificationUnit.objects.get_or_create(
            code="761003", defaults={"description": "Hotel, motel or resort"}
        )
        employers = Employer.objects.bulk_create(
            Employer(
                legal_name=f"Benchmark Lodge {n:04d} Ltd.",
                account_number=f"99{n:06d}",
                street=f"{100 + n} Harbour Road",
                city="Victoria",
                postal_code="V8W 1A1",
                region="vancouver_island",
                sector="accommodation",
            )
            for n in range(count)
        )
        now = timezone.now()
        payroll, rate = Decimal("60000000.00"), Decimal("3.83")
        amount = Decimal("229800.00")
        incentives = Incentive.objects.bulk_create(
            Incentive(
                employer=employer,
                year=YEAR,
                status=IncentiveStatus.ELIGIBLE,
                base_rate_year=YEAR,
                total_amount=amount,
                certificate_number=f"COR-2022-{n:06d}",
                certificate_expires_on=date(2025, 6, 30),
                figures_hash=f"bench-{n}",
                computed_at=now,
            )
            for n, employer in enumerate(employers)
        )
        IncentiveLine.objects.bulk_create(
            IncentiveLine(
                incentive=incentive,
                unit=unit,
                unit_code=unit.code,
                unit_description=unit.description,
                kind=LineKind.STANDARD,
                assessable_payroll=payroll,
                base_rate=rate,
                percent=Decimal("10.00"),
                amount=amount,
            )
            for incentive in incentives
        )
        return IncentiveRun.objects.create(
            year=YEAR, status=RunStatus.LETTERS, letters_expected=count, started_at=now
        )

    def start_worker(self, log: Path, concurrency: int) -> subprocess.Popen:
        celery = Path(settings.BASE_DIR) / ".venv" / "bin" / "celery"
        command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
        command += [
            "-A",
            "cor_portal",
            "worker",
            f"--concurrency={concurrency}",
            "-Q",
            "documents,default",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "--hostname=bench-letters@%h",
        ]
        env = {**os.environ, "COR_MEDIA_ROOT": str(log.parent / "media")}
        with log.open("w") as output:
            return subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_ready(self, log: Path, worker: subprocess.Popen) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise CommandError(f"The worker did not start:\n{log.read_text()[-3000:]}")
            if "ready." in log.read_text():
                return
            time.sleep(0.3)
        raise CommandError("The worker did not start within 120 s.")
