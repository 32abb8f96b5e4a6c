"""Seed the desktop QA checklist of each program (R-12, domain.md R27-R28) and the QA rules."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# domain.md R28: a desktop review checks facts, arithmetic, consistency between elements,
# level of detail and protocol; R-12: all three evidence techniques, the interview sample.
QUESTIONS = [
    "Facts and arithmetic are correct (points add up, percentages match the scores).",
    "The elements are consistent with one another.",
    "The report gives enough detail to support each score.",
    "The audit protocol was followed.",
    "All three evidence techniques are present: documentation, observation and interviews.",
    "The interview sample is adequate for the employer's headcount.",
]
PROGRAMS = ("ohs", "rtw")


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("audits", "ChecklistItem")
    QaRules = apps.get_model("audits", "QaRules")
    for program in PROGRAMS:
        if ChecklistItem.objects.filter(program=program).exists():
            continue
        ChecklistItem.objects.bulk_create(
            ChecklistItem(program=program, number=n, text=text)
            for n, text in enumerate(QUESTIONS, start=1)
        )
    if not QaRules.objects.exists():
        QaRules.objects.create(
            effective_from=date(2000, 1, 1),
            interview_all_up_to=10,
            sample_percent=Decimal("10"),
            sample_cap=50,
        )


def unseed(apps, schema_editor):
    apps.get_model("audits", "ChecklistItem").objects.filter(text__in=QUESTIONS).delete()
    apps.get_model("audits", "QaRules").objects.filter(effective_from=date(2000, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_qa_reviews")]
    operations = [migrations.RunPython(seed, unseed)]
