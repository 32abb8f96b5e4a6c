"""The project's wiring: settings that refuse bad configuration, Celery, health."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cor_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _django_check(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _django_check(
        "cor_portal.settings.production",
        DJANGO_ALLOWED_HOSTS="cor.example.org",
        DATABASE_URL="sqlite:////tmp/never-used.sqlite3",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _django_check(
        "cor_portal.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="sqlite:////tmp/never-used.sqlite3",
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_its_configuration():
    result = _django_check(
        "cor_portal.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="cor.example.org",
        DATABASE_URL="postgres://cor:cor@127.0.0.1:5432/cor",
    )
    assert result.returncode == 0, result.stderr


def test_tests_refuse_anything_but_postgresql_when_required():
    result = _django_check(
        "cor_portal.settings.test",
        COR_REQUIRE_POSTGRES="1",
        DATABASE_URL="sqlite:////tmp/never-used.sqlite3",
    )
    assert result.returncode != 0
    assert "COR_REQUIRE_POSTGRES" in result.stderr


def test_the_test_run_uses_postgresql_when_required():
    if os.environ.get("COR_REQUIRE_POSTGRES"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_every_scheduled_task_is_a_registered_task():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "section", "page"),
    [
        ("/", "Today", None),
        ("/employers/", "Employers", "Employers"),
        ("/employers/interactions/", "Employers", "Interactions"),
        ("/auditors/", "Auditors", "Roster"),
        ("/auditors/courses/", "Auditors", "Courses"),
        ("/auditors/sessions/", "Auditors", "Training sessions"),
    ],
)
def test_navigation_marks_only_the_current_section_and_page(
    client, staff_user, path, section, page
):
    client.force_login(staff_user)

    items = client.get(path).context["nav_links"]

    assert [str(item["label"]) for item in items if item["active"]] == [section]
    children = [c for item in items for c in item["children"]]
    assert [str(c["label"]) for c in children if c["active"]] == ([page] if page else [])


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    """Every choice set has one name, every view documents itself: no warning to hide."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "ReviewOutcomeEnum" in target.read_text()
