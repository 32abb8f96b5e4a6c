# The portal's image: one image for web (gunicorn), Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cor_portal.settings.production

# WeasyPrint needs Pango and HarfBuzz (with subsetting, for fast PDFs); pg_isready for waits.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       postgresql-client poppler-utils \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 cor
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collect.sqlite3 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R cor:cor /app/media

USER cor
EXPOSE 8000
CMD ["gunicorn", "cor_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
