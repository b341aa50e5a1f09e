#!/usr/bin/env bash
# Build the production image (Dockerfile) when this machine can: a Docker daemon answers and the base image
# can be pulled. Otherwise say why and succeed: the image is not needed by the test suite, and CI machines
# without Docker (or without a registry) must still pass. A build that starts and fails does fail.
set -uo pipefail
cd "$(dirname "$0")/.."
base="${PYTHON_IMAGE:-python:3.12-slim-bookworm}"

if ! command -v docker >/dev/null 2>&1; then
  echo "docker-build: SKIPPED: no docker command on this machine"
  exit 0
fi
if ! timeout 20 docker info >/dev/null 2>&1; then
  echo "docker-build: SKIPPED: no Docker daemon answers (docker info failed)"
  exit 0
fi
if ! docker image inspect "$base" >/dev/null 2>&1 && ! timeout 300 docker pull --quiet "$base" >/dev/null 2>&1; then
  echo "docker-build: SKIPPED: the base image $base cannot be pulled (no registry access); set PYTHON_IMAGE to a reachable one"
  exit 0
fi
echo "docker-build: building timebot:ci from $base"
# BuildKit when the buildx plugin is there, else the classic builder (the Dockerfile needs neither).
buildkit=0
docker buildx version >/dev/null 2>&1 && buildkit=1
if ! DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-$buildkit}" docker build --quiet --build-arg PYTHON_IMAGE="$base" -t timebot:ci . ; then
  echo "docker-build: FAILED: docker build did not succeed"
  exit 1
fi
# The image must run as a non-root user and ship the CLI its HEALTHCHECK calls.
user=$(docker image inspect --format '{{.Config.User}}' timebot:ci)
if [ -z "$user" ] || [ "${user%%:*}" = "root" ] || [ "${user%%:*}" = "0" ]; then
  echo "docker-build: FAILED: the image runs as root ('$user')"
  exit 1
fi
if ! docker run --rm --entrypoint timebot timebot:ci healthcheck --help >/dev/null; then
  echo "docker-build: FAILED: 'timebot healthcheck' does not run in the image"
  exit 1
fi
echo "docker-build: OK: timebot:ci built from $base, runs as $user"
