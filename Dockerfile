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
RUN useradd --system --uid 10001 --home-dir /app cdp \
    && mkdir -p /data/media && chown cdp /data/media
COPY pyproject.toml README.md ./
COPY cdp cdp
COPY partnerships partnerships
COPY outcomes outcomes
COPY actionplans actionplans
RUN pip install .
COPY manage.py ./
COPY templates templates
COPY fixtures fixtures
COPY static static
COPY --from=assets /app/static/build static/build
# collectstatic needs production settings to import; these values exist only for this step.
# The files belong to cdp: compose's release collects again, as cdp, into the `static`
# volume that starts as a copy of them.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && chown -R cdp /app/staticfiles
USER cdp
EXPOSE 8000
CMD ["gunicorn", "cdp.wsgi", "--config", "python:cdp.gunicorn", "--bind", "0.0.0.0:8000"]
