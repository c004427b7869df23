#!/usr/bin/env bash
# Runs every BotBottle test: the xUnit suites (unit tests, and integration tests against a real Docker engine,
# real git and real processes), then the Pester suite in the repository's pinned pwsh (.config/dotnet-tools.json)
# with Pester 5.9.1 from NuGet. Ends with one summary line that counts both:
#   N passed, N failed, N skipped
#
# Needs a Docker engine and the base image; both are arranged first (scripts/ensure-docker-engine.sh starts one on
# Debian when run as root; scripts/build-base-image.sh pulls or builds debian:bookworm-slim).
set -uo pipefail
cd "$(dirname "$0")"

CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="artifacts/test-results"

step() { printf '\n== %s\n' "$*"; }

step "Docker engine"
scripts/ensure-docker-engine.sh || exit 1
step "Test tools"
# The sandbox-escape suite watches DNS on the host with tcpdump; install it where we can (Debian, root).
if ! command -v tcpdump >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump >/dev/null; }
  fi
fi
command -v tcpdump >/dev/null && echo "tcpdump: $(command -v tcpdump)" || echo "tcpdump: missing (the DNS-leak test will fail and say how to install it)"
# The sidecar ships as NativeAOT where the build host has clang (build/SidecarPublish.targets); without it the build
# falls back to a self-contained ReadyToRun publish. Install clang where we can, so the tests run the binary users get.
if ! command -v clang >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null; }
  fi
fi
command -v clang >/dev/null && echo "clang: $(command -v clang) (the sidecar is built NativeAOT)" || echo "clang: missing (the sidecar is built self-contained ReadyToRun instead of NativeAOT; install clang to test the NativeAOT binary)"

step "Base image"
scripts/build-base-image.sh || exit 1

step "PowerShell (pinned in .config/dotnet-tools.json)"
dotnet tool restore || { echo "dotnet tool restore failed: the pinned PowerShell could not be installed"; echo "0 passed, 1 failed"; exit 1; }

step "Build ($CONFIGURATION)"
dotnet build BotBottle.sln -c "$CONFIGURATION" -nologo -clp:NoSummary || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

step "xUnit"
rm -rf "$RESULTS"
dotnet test BotBottle.sln -c "$CONFIGURATION" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
  | grep -vE '^\s*(Passed|Skipped) ' ; xunit_status=${PIPESTATUS[0]}

# The DLP engine has 512-, 256- and 128-bit paths (RunScanner); the JIT takes the widest the CPU has, while the sidecar
# runs the x86-64-v3 flavour (256-bit) or the baseline (128-bit) NativeAOT build. Run the DLP tests again with the
# wider instruction sets switched off (.NET runtime knobs DOTNET_EnableAVX512 / DOTNET_EnableAVX2), so every path the
# shipped sidecar can take is tested on this machine.
for isa in EnableAVX512 EnableAVX2; do
  step "xUnit: DLP with DOTNET_$isa=0"
  env "DOTNET_$isa=0" dotnet test tests/BotBottle.Core.Tests/BotBottle.Core.Tests.csproj -c "$CONFIGURATION" --no-build -nologo \
    --filter "FullyQualifiedName~Dlp" --logger "trx;LogFileName=dlp-without-$isa.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
    | grep -vE '^\s*(Passed|Skipped) ' ; [[ ${PIPESTATUS[0]} -eq 0 ]] || xunit_status=1
done

passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  total=$(get total); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${p:-0} - ${f:-0} - ${e:-0} - ${t:-0} - ${a:-0}))
done
# Skipped tests print their reason: surface them.
# (name, then the reason from the result's message)
for trx in "$RESULTS"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk '/outcome="NotExecuted"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1; next }
       want && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); printf "skipped: %s — %s\n", name, $0; want = 0 }' "$trx"
done
if [[ $xunit_status -ne 0 && $failed -eq 0 ]]; then failed=1; fi

step "Pester"
# Never skipped: pwsh comes from the tool manifest and Pester from the solution's NuGet restore.
pester_counts="0 1 0"
if dotnet tool run pwsh -NoLogo -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1 -ResultsDirectory "$RESULTS"; then
  pester_counts=$(cat "$RESULTS/pester-counts.txt" 2>/dev/null || echo "0 1 0")
elif [[ -f "$RESULTS/pester-counts.txt" ]]; then
  pester_counts=$(cat "$RESULTS/pester-counts.txt")
fi
read -r pp pf ps <<<"$pester_counts"
[[ "$pf" -eq 0 && "$pp" -eq 0 ]] && pf=1   # a suite that ran nothing is a failure
echo "Pester: $pp passed, $pf failed, $ps skipped"
passed=$((passed + pp)); failed=$((failed + pf)); skipped=$((skipped + ps))

# Failed tests again, last, so a log's tail names them (name, then the message's first 40 lines of up to 400
# characters: an assertion's message often carries the output that explains it).
for trx in "$RESULTS"/*.trx; do
  [[ -f "$trx" ]] || continue
  awk '/<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); printf "failed: %s\n", name; want = 1; next }
       want && /<Message>/ { sub(/.*<Message>/, ""); inmsg = 1; lines = 0 }
       inmsg { done = sub(/<\/Message>.*/, ""); if (lines++ < 40) printf "  %s\n", substr($0, 1, 400); if (done) { inmsg = 0; want = 0 } }' "$trx"
done
echo
if [[ $skipped -gt 0 ]]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
