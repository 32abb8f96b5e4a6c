"""Seed the default audit tool: go2HR's eight elements (R-10), 100 points each until edited."""

from decimal import Decimal

from django.db import migrations

ELEMENTS = [
    "Management & Leadership Commitment",
    "Hazard Identification & Control",
    "Safe Work Procedures",
    "Inspections",
    "Investigation of Incidents",
    "Training",
    "Program Administration",
    "Joint OHS Committee",
]


def seed(apps, schema_editor):
    AuditTool = apps.get_model("audits", "AuditTool")
    AuditElement = apps.get_model("audits", "AuditElement")
    if AuditTool.objects.exists():
        return
    tool = AuditTool.objects.create(name="COR OHS audit tool (8 elements)", program="ohs")
    AuditElement.objects.bulk_create(
        AuditElement(tool=tool, number=n, name=name, max_points=Decimal("100"))
        for n, name in enumerate(ELEMENTS, start=1)
    )


def unseed(apps, schema_editor):
    apps.get_model("audits", "AuditTool").objects.filter(
        name="COR OHS audit tool (8 elements)"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
