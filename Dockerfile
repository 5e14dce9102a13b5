# Hibi in one container: `docker compose up -d` (see docker-compose.yml and README.md).
#
# The build stage has the tools (uv, gettext); the runtime stage gets only the
# virtualenv, the code, the compiled translations and the compressed static
# files. At run time the code belongs to root and is read-only for the app's
# user; /data (database, secret key, backups) is the one writable place.

FROM python:3.13-slim AS build

# Debian stable keeps only the current, patched version of a package, so a
# pinned version would stop building at its next security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
# Django ships each translation twice, as source (.po) and compiled (.mo);
# only the compiled one is read at run time.
RUN uv sync --frozen --no-dev --no-install-project \
    && find .venv -name '*.po' -delete

COPY . .
# Translations and static files are built once here, never at start-up. The
# key and data folder exist only so that the settings load for these commands;
# compilemessages refuses to run while there is no catalogue at all.
RUN SECRET_KEY=build-only DATA_DIR=/tmp/build-data \
    && export SECRET_KEY DATA_DIR \
    && if [ -n "$(find locale schedule -name '*.po' 2>/dev/null)" ]; then \
        .venv/bin/python manage.py compilemessages --ignore=.venv -v0; fi \
    && .venv/bin/python manage.py collectstatic --no-input -v0 \
    && .venv/bin/python -m compileall -q config schedule docker \
    && rm -rf /tmp/build-data


FROM python:3.13-slim

# POSTGRES_TOOLS=true adds pg_dump/psql for `manage.py backup` and `restore`
# on PostgreSQL; SQLite (the default) needs nothing more.
ARG POSTGRES_TOOLS=false
# hadolint ignore=DL3008
RUN if [ "$POSTGRES_TOOLS" = true ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends postgresql-client \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 hibi \
    && useradd --system --uid 10001 --gid hibi --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin hibi \
    && mkdir /data \
    && chown hibi:hibi /data \
    && chmod 0700 /data

# Owned by root: the app can read its code but never change it.
COPY --from=build /app /app

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    DEBUG=0 \
    PORT=8000

WORKDIR /app
USER 10001:10001
VOLUME /data
EXPOSE 8000

# Every 15 s: a few milliseconds of a Python without Django, cheap even on a Pi.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["python", "/app/docker/entrypoint.py"]
CMD ["gunicorn", "--config", "/app/config/gunicorn.conf.py", "config.wsgi"]
