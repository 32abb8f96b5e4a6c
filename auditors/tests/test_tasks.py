"""The daily lapse of expired auditor certifications: the beat task and its command."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from auditors import tasks
from auditors.choices import AuditorStatus
from auditors.models import Auditor
from auditors.tests.factories import AuditorFactory

pytestmark = pytest.mark.django_db


def test_task_lapses_certifications_expiring_today_or_before():
    today = timezone.localdate()
    expired = AuditorFactory(certified_on=date(2020, 1, 1), expires_on=today)
    valid = AuditorFactory(certified_on=date(2020, 1, 1), expires_on=today + timedelta(days=1))

    assert tasks.lapse_expired_certifications.delay().get() == 1

    assert Auditor.objects.get(pk=expired.pk).status == AuditorStatus.LAPSED
    assert Auditor.objects.get(pk=valid.pk).status == AuditorStatus.CERTIFIED


def test_task_runs_daily_from_the_beat_schedule():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "auditors.tasks.lapse_expired_certifications"
    ]

    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert len(schedule.day_of_month) == 31
    assert len(schedule.month_of_year) == 12


def test_command_judges_by_the_given_day():
    auditor = AuditorFactory(certified_on=date(2023, 3, 10), expires_on=date(2026, 3, 10))
    out = StringIO()

    call_command("lapse_auditor_certifications", "--today", "2026-03-09", stdout=out)
    assert Auditor.objects.get(pk=auditor.pk).status == AuditorStatus.CERTIFIED
    assert "0 auditor certification(s) lapsed on 2026-03-09" in out.getvalue()

    call_command("lapse_auditor_certifications", "--today", "2026-03-10", stdout=out)
    auditor.refresh_from_db()
    assert (auditor.status, auditor.status_changed_on) == (AuditorStatus.LAPSED, date(2026, 3, 10))
    assert "1 auditor certification(s) lapsed on 2026-03-10" in out.getvalue()


def test_command_defaults_to_today():
    AuditorFactory(certified_on=date(2020, 1, 1), expires_on=timezone.localdate())

    call_command("lapse_auditor_certifications", stdout=StringIO())

    assert Auditor.objects.get().status == AuditorStatus.LAPSED


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "10/03/2026"])
def test_command_refuses_a_bad_date(value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("lapse_auditor_certifications", "--today", value, stdout=StringIO())
