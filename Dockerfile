# The CDP Dashboard image: one image for web, worker and beat.

# --- Front-end assets from npm, built once at image build time -----------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

# --- The application ------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media
WORKDIR /app
# Board packs: WeasyPrint needs Pango (and HarfBuzz's subsetter) and fonts; kaleido draws the
# charts in Debian's Chromium (BROWSER_PATH).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-liberation chromium \
    && rm -rf /var/lib/apt/lists/*
ENV BROWSER_PATH=/usr/bin/chromium
# A home of its own that it can write to: Chromium keeps its settings and crash reports there.
RUN useradd --system --uid 10001 --create-home --home-dir /home/cdp cdp \
    && mkdir -p /data/media && chown cdp /data/media
COPY pyproject.toml README.md ./
COPY cdp cdp
COPY partnerships partnerships
COPY outcomes outcomes
COPY actionplans actionplans
# The image runs with PYTHONDONTWRITEBYTECODE: its own modules are compiled here, once, rather
# than by every process that starts.
RUN pip install . && python -m compileall -q cdp partnerships outcomes actionplans
COPY manage.py ./
COPY templates templates
COPY fixtures fixtures
COPY static static
COPY --from=assets /app/static/build static/build
# collectstatic needs production settings to import; these values exist only for this step.
# The files belong to cdp: compose's release collects again, as cdp, into the `static`
# volume that starts as a copy of them.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    PASSWORD_PEPPER=collectstatic-only-not-a-secret-pepper \
    MFA_ENCRYPTION_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXNlY3JldC0= \
    python manage.py collectstatic --no-input \
    && chown -R cdp /app/staticfiles
USER cdp
EXPOSE 8000
CMD ["gunicorn", "cdp.wsgi", "--config", "python:cdp.gunicorn", "--bind", "0.0.0.0:8000"]
