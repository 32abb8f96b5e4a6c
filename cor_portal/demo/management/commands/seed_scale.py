"""Build a large, realistic association for benchmarks (see ``cor_portal.demo.scale``)."""

import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import override_settings

from audits import sweep
from cor_portal import lifecycle
from cor_portal.accounts.models import User
from cor_portal.demo import scale
from cor_portal.demo.management.commands.seed_demo import DEFAULT_PASSWORD
from employers.models import Employer
from workplan import demo as workplan_demo

# What --reset empties: every table of these apps, except the rows their migrations seed.
WIPED_APPS = {
    "accounts",
    "employers",
    "auditors",
    "audits",
    "incentives",
    "workplan",
    "selfservice",
    "notifications",
    "sessions",
    "authtoken",
    "axes",
    "admin",
}
KEPT = {  # seeded by migrations (the program rules, the audit tool, the QA checklist)
    "program.programrules",
    "audits.audittool",
    "audits.auditelement",
    "audits.checklistitem",
    "audits.qarules",
}


class Command(BaseCommand):
    help = (
        "Build a large, realistic data set for benchmarks with bulk inserts: N employers across "
        "every status with their contacts, interactions, audits, QA reviews, certificates, "
        "auditors, training and incentives. Refuses a database that has employers unless "
        "--reset is given (which empties it first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employers", type=int, default=10_000, help="default 10,000")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every login it makes (default {DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the portal's tables first (PostgreSQL only; keeps migration-seeded rules)",
        )

    def handle(
        self, *args, employers: int, seed: int, password: str, reset: bool, **options
    ) -> None:
        if employers < 1:
            raise CommandError("--employers must be at least 1.")
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (set DATABASE_URL).")
        if Employer.objects.exists() or User.objects.exists():
            if not reset:
                raise CommandError(
                    "The database already has data. Use an empty database, or --reset to "
                    "empty it and build again."
                )
            self.wipe()
        started = time.monotonic()
        today = lifecycle.today()
        self.say(f"Building {employers:,} employers as of {today.isoformat()} (seed {seed})...")
        counts = scale.build(
            employers=employers, today=today, seed=seed, password=password, say=self.say
        )
        staff = User.objects.get(pk=counts.pop("_staff_id"))
        step = time.monotonic()
        with transaction.atomic():
            summary = workplan_demo.seed(today=today, staff=staff)
        self.say(f"  workplan: {summary} in {time.monotonic() - step:.1f} s")
        step = time.monotonic()
        # Tonight's sweep, as the nightly job would have run it: what is due is on record.
        # The people are fictional: their emails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = sweep.enforce_deadlines(today=today)
        self.say(
            f"  sweep: {report.reminders} reminders, {report.overdue_notices} overdue notices, "
            f"{report.certificate_warnings} certificate warnings, "
            f"{report.maintenance_lapses + report.expiry_lapses} lapses "
            f"in {time.monotonic() - step:.1f} s"
        )
        step = time.monotonic()
        if scale.vacuum():
            self.say(f"  tables vacuumed (VACUUM ANALYZE) in {time.monotonic() - step:.1f} s")
        audits = counts.get("audits.Audit", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready: {employers:,} employers, {audits:,} audits, "
                f"{counts.get('auditors.Auditor', 0):,} auditors, "
                f"{counts.get('audits.Review', 0):,} QA reviews, "
                f"{counts.get('incentives.Incentive', 0):,} incentives "
                f"in {time.monotonic() - started:.1f} s. Logins: staff, employer, auditor, "
                f"board (password as given)."
            )
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def wipe(self) -> None:
        tables = sorted(
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in WIPED_APPS and model._meta.label_lower not in KEPT
        )
        self.say(f"Emptying {len(tables)} tables...")
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        with connection.cursor() as cursor:
            # Check what this transaction wrote so far (TRUNCATE refuses pending checks), then
            # defer the foreign keys again: the bulk load inserts in any order.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
