"""Seed the program's rules: one row in force from 2000-01-01 with DESIGN.md's defaults."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    ProgramRules = apps.get_model("program", "ProgramRules")
    if not ProgramRules.objects.exists():
        ProgramRules.objects.create(
            effective_from=date(2000, 1, 1),
            note="Program defaults (R-1 to R-22)",
        )


def unseed(apps, schema_editor):
    apps.get_model("program", "ProgramRules").objects.filter(
        effective_from=date(2000, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
