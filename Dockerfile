# OSPO Assess: one image for the web server (deploy/web.sh) and the PDF worker (deploy/worker.sh).
# Build: docker build -t ospo-assess .    Run: docker compose up -d (see docs/deployment.md)
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting) and a fallback font; the document's
# own fonts, Japanese, Arabic and emoji included, ship in static/fonts/ (its README says why not
# Debian's fonts-noto-* packages: 79 MB to download).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fontconfig fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# The app runs as an unprivileged user; /app stays owned by root, so it cannot change its code.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Dependencies first, at the exact versions and hashes of the lock file (`make lock` writes it),
# so a code change does not reinstall them and every build installs the same packages.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project itself, installed in place: settings find templates/ and static/ next to the code.
COPY . .
RUN pip install --no-deps -e . \
    && chmod 0755 deploy/*.sh

# Static files are collected into the image (STATIC_ROOT=/app/staticfiles), served by WhiteNoise,
# and the translations compiled (the .mo files are not committed).
# The key is a throwaway: collectstatic needs settings to load, not a secret.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=false \
    python manage.py collectstatic --no-input --verbosity 0 \
    && SECRET_KEY=compilemessages-only-not-a-secret DEBUG=false \
    python manage.py compilemessages --ignore '.venv' --verbosity 0

USER app
EXPOSE 8000
CMD ["/app/deploy/web.sh"]
