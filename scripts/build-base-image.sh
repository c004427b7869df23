#!/usr/bin/env bash
# Makes the base image every BotBottle recipe starts from (default debian:bookworm-slim) available to the engine.
#
#   scripts/build-base-image.sh [image]          pull it; if no registry answers, build it locally
#   BB_BASE_IMAGE_NO_PULL=1 scripts/build-base-image.sh   never try a registry (air-gapped hosts)
#   BB_BASE_IMAGE_FORCE=1   scripts/build-base-image.sh   rebuild even if the image is present
#   DEBIAN_MIRROR=http://mirror.example/debian           mirror to bootstrap from (default: the host's apt mirror)
#
# The local build is what Debian's own images are made of: debootstrap --variant=minbase of bookworm, imported
# with 'docker import'. It needs root and debootstrap (installed from Debian's packages when missing).
set -euo pipefail

IMAGE="${1:-debian:bookworm-slim}"
SUITE="${BB_BASE_SUITE:-bookworm}"

log() { printf 'base-image: %s\n' "$*" >&2; }

if [[ -z "${BB_BASE_IMAGE_FORCE:-}" ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE is present"
  exit 0
fi

if [[ -z "${BB_BASE_IMAGE_NO_PULL:-}" && -z "${BB_BASE_IMAGE_FORCE:-}" ]]; then
  log "trying 'docker pull $IMAGE'"
  if timeout 120 docker pull "$IMAGE" >/dev/null 2>&1; then
    log "pulled $IMAGE"
    exit 0
  fi
  log "no registry serves $IMAGE; building it from Debian's packages instead"
fi

detect_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

if [[ "$(id -u)" != 0 ]]; then
  log "building the base image needs root (debootstrap); run: sudo $0 $IMAGE"
  exit 1
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

MIRROR="$(detect_mirror)"
ROOTFS="$(mktemp -d /tmp/bb-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT

log "debootstrap --variant=minbase $SUITE from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 || { tail -n 30 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; exit 1; }
rm -f "$ROOTFS.log"

# Match the official slim image: the suite and its updates, apt caches and docs removed.
cat >"$ROOTFS/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
SOURCES
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/log/*.log

log "importing as $IMAGE"
tar -C "$ROOTFS" --numeric-owner -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL dev.botbottle.base-image=debootstrap dev.botbottle.mirror=$MIRROR" \
  - "$IMAGE" >/dev/null
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
