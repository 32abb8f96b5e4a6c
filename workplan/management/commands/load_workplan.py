"""Load a workplan from its JSON file (idempotent): ``manage.py load_workplan <file>``."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workplan import services


class Command(BaseCommand):
    help = (
        "Load (or refresh) a workplan from a JSON file, e.g. workplan/fixtures/go2hr-2023-24.json."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}")
        try:
            workplan, created = services.load_workplan(actor=None, data=data)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        verb = "Loaded" if created else "Refreshed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {workplan}: {workplan.mandates.count()} mandates, "
                f"{sum(m.kpis.count() for m in workplan.mandates.all())} KPIs."
            )
        )
