#!/usr/bin/env bash
# The main job in one command, on a fresh clone: makes sure a Docker engine answers and the base image exists (as
# test.sh does), restores the pinned PowerShell (.config/dotnet-tools.json), builds the module (with the sidecar and
# the image recipes), then runs demo.ps1 — a real bottle driven through the BotBottle PowerShell module: allowed,
# credential-injected, refused, DLP-blocked and operator-approved requests from inside it — and removes it.
# Arguments go to demo.ps1: -Keep, -Format Json (the CLI spellings --keep and --format json work too).
# The same scenario through the CLI: dotnet run --project src/BotBottle.Cli -c Release -- demo
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '== %s\n' "$*" >&2; }

args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) args+=(-Keep) ;;
    --format) shift; args+=(-Format "${1:-Text}") ;;
    --format=*) args+=(-Format "${1#--format=}") ;;
    --verbose|-v) args+=(-Verbose) ;;
    *) args+=("$1") ;;
  esac
  shift
done

say "Docker engine"
scripts/ensure-docker-engine.sh
say "Base image"
scripts/build-base-image.sh
say "PowerShell (pinned in .config/dotnet-tools.json)"
dotnet tool restore >/dev/null
say "Build the module (out/BotBottle/<version>/, with the sidecar and image recipes; about a minute on a fresh clone)"
dotnet build src/BotBottle.PowerShell -c Release -nologo -v:q -clp:NoSummary >&2
say "Demo (demo.ps1; the first run also builds the agent and sidecar images)"
exec dotnet tool run pwsh -NoLogo -NoProfile -File ./demo.ps1 "${args[@]}"
