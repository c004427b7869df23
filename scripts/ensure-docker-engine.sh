#!/usr/bin/env bash
# Makes sure a Docker engine answers. When none does and this is a Debian-family host where we are root, installs
# docker.io from Debian's packages (if needed) and starts dockerd in the background, then waits for /_ping.
# Anywhere else it says what to do and fails.
set -euo pipefail

log() { printf 'docker-engine: %s\n' "$*" >&2; }

engine_answers() {
  if [[ -n "${DOCKER_HOST:-}" ]] || command -v docker >/dev/null; then
    docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
  else
    curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://docker/_ping >/dev/null 2>&1
  fi
}

if engine_answers; then
  log "engine answers ($(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null || echo ok))"
  exit 0
fi

if [[ -n "${DOCKER_HOST:-}" ]]; then
  log "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
  exit 1
fi

if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  log "no Docker engine answers. Start Docker (Docker Desktop, 'sudo systemctl start docker'), or run this script as root on Debian to install and start one."
  exit 1
fi

if ! command -v dockerd >/dev/null; then
  log "installing docker.io from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

log "starting dockerd in the background (log: /var/log/bb-dockerd.log)"
# Own session and process group: the engine must outlive the shell (or CI step, or job runner) that started it,
# which may end by signalling its whole process group.
setsid nohup dockerd >/var/log/bb-dockerd.log 2>&1 < /dev/null &

for _ in $(seq 1 120); do
  if curl -fsS --max-time 2 --unix-socket /var/run/docker.sock http://docker/_ping >/dev/null 2>&1; then
    log "engine answers ($(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}'))"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 60 s; see /var/log/bb-dockerd.log"
tail -n 20 /var/log/bb-dockerd.log >&2 || true
exit 1
