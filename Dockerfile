# The bot as it runs in production: `timebot serve` from the installed package, as a non-root user, with a
# healthcheck on /healthz. Build: `docker build -t timebot .`; run several behind a proxy: compose.yaml.
# PYTHON_IMAGE may name another slim Python (3.11+) with `python -m venv`, e.g. a mirror's copy.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# Only what the package is built from (see .dockerignore): no tests, no node_modules, no local state.
COPY pyproject.toml README.md ./
COPY adapters adapters
COPY bot bot
COPY cards cards
RUN python3 -m venv /opt/timebot \
 && /opt/timebot/bin/pip install --upgrade pip \
 && /opt/timebot/bin/pip install .

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/timebot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TIMEBOT_HOST=0.0.0.0 \
    TIMEBOT_PORT=3978 \
    TIMEBOT_DATA_DIR=/data \
    TIMEBOT_MANIFEST_DIR=/opt/timebot/manifest
RUN groupadd --system --gid 10001 timebot \
 && useradd --system --uid 10001 --gid timebot --home-dir /data --no-create-home --shell /usr/sbin/nologin timebot \
 && mkdir -p /data \
 && chown timebot:timebot /data
COPY --from=build /opt/timebot /opt/timebot
# `timebot manifest` reads the Teams app template and icons from here.
COPY manifest /opt/timebot/manifest
USER timebot:timebot
WORKDIR /data
VOLUME /data
EXPOSE 3978
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["timebot", "healthcheck"]
CMD ["timebot", "serve"]
