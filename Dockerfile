# The BackCare bot as a small, non-root container image.
#   docker build -t backcare-bot .
#   docker run --env-file .env backcare-bot            (long polling, SQLite in /app/data)
# With WEBHOOK_URL and WEBHOOK_SECRET set it serves the webhook, /healthz, /readyz and /metrics
# on PORT (8080); docker-compose.yml runs two replicas and PostgreSQL. See README.md.

# Stage 1: install the bot and its dependencies into a virtualenv. Compilers are here only in
# case a dependency has no wheel for the platform (e.g. pycld2 on some architectures); none of
# this stage but the virtualenv reaches the final image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

# Stage 2: the runtime: Python, the virtualenv, the knowledge base, an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PTB_TIMEDELTA=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    KNOWLEDGE_DIR=/app/knowledge \
    DATABASE_PATH=/app/data/backcare.sqlite3 \
    PORT=8080
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin backcare \
    && mkdir -p /app/data \
    && chown backcare /app/data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Owned by root and read-only for the bot: maintainers change the knowledge base by a new
# image (or a mounted folder), never from inside the running container.
COPY knowledge ./knowledge
USER backcare
EXPOSE 8080
# Alive = /healthz answers, on PORT in webhook mode or on METRICS_PORT when polling; a polling
# bot without METRICS_PORT serves nothing, and then a running process is all there is to check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; port = os.environ.get('METRICS_PORT') or (os.environ.get('WEBHOOK_URL') and os.environ.get('PORT', '8080')); port and u.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
# SIGTERM (docker stop, a rolling deploy) drains the updates received, then exits 0.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
