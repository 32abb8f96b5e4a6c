"""Lapse the auditor certifications no longer valid on a day (the daily beat task, by hand)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from auditors import services


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.")


class Command(BaseCommand):
    help = "Lapse every certified auditor whose certification is no longer valid on the day."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day to judge by (default: today in the portal's time zone).",
        )

    def handle(self, *args, today: str | None, **options) -> None:
        day = _day(today) if today else timezone.localdate()
        lapsed = services.lapse_expired_certifications(today=day)
        self.stdout.write(
            self.style.SUCCESS(f"{lapsed} auditor certification(s) lapsed on {day.isoformat()}.")
        )
