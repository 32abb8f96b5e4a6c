"""Benchmark settings (``make bench``): production's, served over plain HTTP on loopback.

Everything production does stays on (DEBUG off, the manifest static files, the pooled
database, secure cookies, HSTS), except what needs TLS in front: the redirect to HTTPS. The
benchmark's client sends the session cookie itself. The URLs add the reference admin the
benchmark compares the staff lists with (``cor_portal.bench.admin``).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .production import *  # noqa: F403

ROOT_URLCONF = "cor_portal.bench.urls"
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
