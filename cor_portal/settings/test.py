"""Test settings: PostgreSQL by default; with COR_REQUIRE_POSTGRES=1 nothing else is accepted."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, database, env

DATABASES["default"] = database(
    env.db("DATABASE_URL", default="postgres://cor:cor@127.0.0.1:5432/cor")
)
if env.bool("COR_REQUIRE_POSTGRES", default=False) and (
    DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
):
    raise ImproperlyConfigured(
        "COR_REQUIRE_POSTGRES is set but DATABASE_URL is not a PostgreSQL database: "
        f"{DATABASES['default']['ENGINE']}"
    )

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The live server serves files from the finders; hashed manifest names would 404 there.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("COR_TEST_MEDIA_ROOT", default="/tmp/cor-portal-test-media")
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = "cache+memory://"
AXES_ENABLED = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
STATIC_ROOT = None  # tests serve static files from the finders
WHITENOISE_USE_FINDERS = True
# Look each static file up when it is asked for, instead of scanning all of them (~1,200 with
# the admin's and the API docs') every time a test client loads the middleware: ~0.1 s a client.
WHITENOISE_AUTOREFRESH = True
