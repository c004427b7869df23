#!/usr/bin/env bash
# The main job in one command: makes sure a Docker engine answers and the base image exists (as test.sh does),
# then runs `bot-bottle demo` — a real bottle showing allowed, credential-injected, refused, DLP-blocked and
# operator-approved requests from inside it — and removes it. Arguments go to `bot-bottle demo`
# (--format json, --keep, --verbose).
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-docker-engine.sh
scripts/build-base-image.sh
exec dotnet run --project src/BotBottle.Cli -c Release -- demo "$@"
