"""Run the daily deadline sweep by hand (the beat task's work), for today or a given day."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from audits import sweep
from cor_portal import lifecycle


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.")


class Command(BaseCommand):
    help = (
        "Send the audit deadline reminders and overdue notices, the certificate expiry warnings, "
        "and lapse certificates and auditor certifications, as the nightly sweep does."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day to sweep for (default: today in the portal's time zone).",
        )

    def handle(self, *args, today: str | None, **options) -> None:
        report = sweep.enforce_deadlines(today=_day(today) if today else lifecycle.today())
        self.stdout.write(str(report))
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{len(report.errors)} lapse(s) refused."))
