"""WSGI entry point (gunicorn cor_portal.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cor_portal.settings.production")

application = get_wsgi_application()
