"""Settings shared by every environment; the environment is read here and nowhere else."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "import_export",
    "axes",
    "rules",
    "csp",
    # project
    "cor_portal.accounts",
    "cor_portal.program",
    "cor_portal.homes",
    "cor_portal.ui",
    "cor_portal.demo",
    "cor_portal.notifications",
    "cor_portal.api",
    "employers",
    "auditors",
    "audits",
    "incentives",
    "workplan",
    "selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cor_portal.urls"
WSGI_APPLICATION = "cor_portal.wsgi.application"
ASGI_APPLICATION = "cor_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cor_portal.context_processors.portal",
            ],
        },
    },
]


def database(config: dict) -> dict:
    """Return a DATABASES entry, pooled through psycopg 3 when it is PostgreSQL."""
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's native pool needs psycopg 3 and no persistent connections.
        config["CONN_MAX_AGE"] = 0
        options = config.setdefault("OPTIONS", {})
        options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=1),
            "max_size": env.int("DATABASE_POOL_MAX", default=8),
        }
        # No JIT compilation: the pages' queries are short, and PostgreSQL's cost estimate
        # of a count over a large table (the dashboard's KPIs) made it compile for seconds
        # to save milliseconds. DATABASE_JIT=on gives it back.
        if not env.bool("DATABASE_JIT", default=False):
            options["options"] = "-c jit=off"
    return config


DATABASES = {
    "default": database(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-ca"
LANGUAGES = [("en-ca", _("English"))]
TIME_ZONE = "America/Vancouver"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["cor_portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("COR_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded files are private: they are served only through permission-checked views,
# so there is deliberately no MEDIA_URL route.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env.int("COR_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://cor-portal"),
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: no inline scripts or styles anywhere in the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="COR Portal <cor@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
COR_STAFF_EMAIL = env("COR_STAFF_EMAIL", default="cor-team@example.org")
COR_ASSOCIATION_NAME = env("COR_ASSOCIATION_NAME", default="Tourism Safety Association of BC")
COR_SITE_URL = env("COR_SITE_URL", default="http://127.0.0.1:8000")

# django-axes: lock an account from one address after repeated failed logins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle"}

REST_FRAMEWORK = {
    # Token first, so an anonymous API call is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only; the endpoints that take a file accept multipart form data too
    # (cor_portal.api.parsers.UPLOAD_PARSERS).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # JSON answers only, to browsers too: people read the API at /api/docs/. (DRF's browsable
    # API would be one more set of HTML pages, with inline styles the CSP blocks.)
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "cor_portal.api.filters.PortalFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "cor_portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "cor_portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "cor_portal.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "COR Portal API",
    "DESCRIPTION": (
        "Records of a WorkSafeBC COR certifying partner. Every endpoint is scoped like the "
        "pages: an object outside your scope answers 404, exactly like a missing one."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tag operations by resource, not by "v1"
    # One name per choice set, where a set is shared by several fields (region and regions).
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "employers.choices.Region",
        "SectorEnum": "employers.choices.Sector",
        "AuditStatusEnum": "audits.choices.AuditStatus",
        "CertificateStatusEnum": "audits.choices.CertificateStatus",
        "AuditDecisionEnum": "audits.api.serializers.DECISIONS",
        "ExtensionDecisionEnum": "audits.api.serializers.EXTENSION_DECISIONS",
        "IncentiveLineKindEnum": "incentives.choices.LineKind",
        "IncentiveStatusEnum": "incentives.choices.IncentiveStatus",
        "ReviewOutcomeEnum": "audits.choices.ReviewOutcome",
        "NoteKindEnum": "audits.choices.NoteKind",
        "EAQAOutcomeEnum": "auditors.choices.EAQAOutcome",
    },
}

# Celery: Redis broker when configured; tasks run eagerly (in process) without one.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"*.tasks.render_*": {"queue": "documents"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat schedule, in one place. Times are America/Vancouver.
CELERY_BEAT_SCHEDULE = {
    "recompute-size-classes": {
        "task": "employers.tasks.recompute_size_classes",
        "schedule": crontab(minute=15, hour=1, day_of_month=1, month_of_year=1),
    },
    "lapse-expired-auditor-certifications": {
        "task": "auditors.tasks.lapse_expired_certifications",
        "schedule": crontab(minute=5, hour=0),
    },
    "enforce-audit-deadlines": {
        "task": "audits.tasks.enforce_deadlines",
        "schedule": crontab(minute=30, hour=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "cor_portal.logs.JSONFormatter"},
    },
    # LOG_FORMAT=json writes one JSON object per line (docker-compose's deploy.env does).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Self-service: how long an invitation link works, and online applications an hour per address.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
APPLICATIONS_PER_HOUR = env.int("APPLICATIONS_PER_HOUR", default=5)
