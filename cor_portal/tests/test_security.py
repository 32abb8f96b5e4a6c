"""Hardening that holds for the whole project: deploy checks, uploads, private media, secrets."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

from cor_portal.uploads import PDF_VALIDATORS, RandomUploadPath

ROOT = Path(__file__).resolve().parents[2]

# File fields the portal writes itself (never a user's upload), with the reason.
GENERATED_FILES = {
    ("incentives", "letter", "file"): "the PDF the letter task renders; no upload form exists",
}


def test_check_deploy_is_clean_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cor_portal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "cor.example.org",
            "DATABASE_URL": "postgres://cor:cor@127.0.0.1:5432/cor",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _file_fields() -> list[tuple[tuple[str, str, str], models.FileField]]:
    return [
        ((model._meta.app_label, model._meta.model_name or "", field.name), field)
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def test_the_project_has_file_fields_to_check():
    assert len(_file_fields()) >= 5


@pytest.mark.parametrize(
    ("key", "field"), _file_fields(), ids=lambda v: ".".join(v) if isinstance(v, tuple) else ""
)
def test_every_uploaded_file_is_checked_and_stored_under_a_random_name(key, field):
    if key in GENERATED_FILES:
        return
    assert all(check in field.validators for check in PDF_VALIDATORS), (
        f"{'.'.join(key)} accepts uploads without the content and size checks"
    )
    assert isinstance(field.upload_to, RandomUploadPath), (
        f"{'.'.join(key)} stores uploads under the name the user gave"
    )


def test_generated_files_named_here_still_exist():
    keys = {key for key, _ in _file_fields()}
    assert set(GENERATED_FILES) <= keys


def test_private_media_has_no_route_and_is_outside_the_static_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    static_roots = [
        Path(root).resolve() for root in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS] if root
    ]
    assert all(media != root and root not in media.parents for root in static_roots)
    assert not getattr(settings, "WHITENOISE_ROOT", None)
    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "audit-reports/0123456789abcdef.pdf")


def test_a_stored_upload_is_not_served_by_its_path(client, staff_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "audit-reports").mkdir()
    (tmp_path / "audit-reports" / "report.pdf").write_bytes(b"%PDF-1.7 private-report-7f3a")
    client.force_login(staff_user)
    for path in (
        "/media/audit-reports/report.pdf",
        settings.MEDIA_URL + "audit-reports/report.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert b"private-report-7f3a" not in b"".join(
            getattr(response, "streaming_content", [response.content])
        )


# What a committed secret looks like; the examples and test values are named below.
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"AKIA[0-9A-Z]{16}"),
    # A literal key that does not say it is for tests or benchmarks only.
    "Django secret key": re.compile(
        r"SECRET_KEY['\"]?\s*[=,]\s*['\"](?![^'\"]*(?:test-only|bench-only))[^'\"]{30,}['\"]"
    ),
    "password in a URL": re.compile(r"://[^/\s:@{}$]+:(?!change-me)[^/\s@{}$]{12,}@"),
}


def test_no_secret_is_committed():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False, timeout=30
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in listed.stdout.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.suffix in {".png", ".pdf", ".xlsx", ".woff2"}:
            continue
        text = path.read_text(errors="ignore")
        found += [
            f"{name}: {kind}" for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)
        ]
    assert found == []
