#!/usr/bin/env bash
# Bottle start-up benchmark, one run on one machine:
#   warm start-to-ready of a `shell` bottle (bot-bottle start --detach: networks, sidecar, agent, firewall,
#   provisioning), broken down by the steps its progress records name, vs the engine doing the minimum equivalent
#   work, measured in the same run; prints medians, the ratio, and the sidecar image's size.
# The engine minimum (docker CLI): create an --internal and a bridge network; run the sidecar image's real proxy
#   (egress, CA made once beforehand) and wait until it accepts a connection (readiness); run the agent image
#   (sleep); one exec into the agent (provisioning). It has no firewall helper, no state files, no CA install.
# The CLI is measured in both of README's published forms, made by this script from src/BotBottle.Cli: framework-
#   dependent (`dotnet publish -r <host runtime> --self-contained false`, ReadyToRun per assembly) and standalone
#   (`--self-contained`: runtime, framework and BotBottle in one composite ReadyToRun image). Each iteration runs
#   both and the engine minimum, one after the other.
# Usage: bench/start/run.sh [iterations=5]      (needs a Docker engine and a Release build)
#   BOT_BOTTLE_BENCH_CLI=<path to a published bot-bottle> measures that CLI alone instead of publishing this tree's
#   (e.g. a baseline published from another commit, to alternate before/after runs in one window).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-5}"
VERSION=$(sed -nE 's:.*<VersionPrefix>([^<]+)</VersionPrefix>.*:\1:p' Directory.Build.props)
SIDECAR="out/BotBottle/$VERSION/sidecar/linux-x64/bot-bottle-sidecar"
[[ -x "$SIDECAR" ]] || dotnet build BotBottle.sln -c Release -nologo -v:q
# The CLI as it is installed: published for this host's runtime, so precompiled (ReadyToRun, see BotBottle.Cli.csproj);
# the sidecar and image recipes come from the module build in out/ (BOT_BOTTLE_ASSETS_DIR).
case "$(uname -m)" in x86_64) RID=linux-x64 ;; aarch64) RID=linux-arm64 ;; *) echo "unsupported machine $(uname -m)" >&2; exit 1 ;; esac
if [[ -n "${BOT_BOTTLE_BENCH_CLI:-}" ]]; then
  FORMS=(given); CLIS=("$BOT_BOTTLE_BENCH_CLI")
else
  FORMS=(framework-dependent standalone)
  CLIS=("artifacts/bench/cli-$RID/bot-bottle" "artifacts/bench/cli-$RID-standalone/bot-bottle")
  echo "publishing the CLI (framework-dependent, then standalone: the composite image takes a minute or two)..." >&2
  dotnet publish src/BotBottle.Cli -c Release -r "$RID" --self-contained false -p:BuildSidecar=false -o "artifacts/bench/cli-$RID" -nologo -v:q >&2
  dotnet publish src/BotBottle.Cli -c Release -r "$RID" --self-contained -p:BuildSidecar=false -o "artifacts/bench/cli-$RID-standalone" -nologo -v:q >&2
fi
CLI="${CLIS[0]}"
# Publishing (crossgen2 on every core) leaves the machine busy: wait up to 90 s for the 1-minute load average to fall
# below the number of cores before anything is timed.
for _ in $(seq 1 90); do awk -v n="$(nproc)" '{exit !($1 < n)}' /proc/loadavg && break; sleep 1; done
export BOT_BOTTLE_ASSETS_DIR; BOT_BOTTLE_ASSETS_DIR="$PWD/out/BotBottle/$VERSION"

export BOT_BOTTLE_HOME; BOT_BOTTLE_HOME=$(mktemp -d /tmp/bb-start-bench.XXXXXX)
W="$BOT_BOTTLE_HOME/bench"
trap 'for s in $("$CLI" list active --format json 2>/dev/null | python3 -c "import json,sys; [print(b[\"name\"]) for b in json.load(sys.stdin)]"); do "$CLI" rm "$s" --force >/dev/null 2>&1; done; rm -rf "$BOT_BOTTLE_HOME"' EXIT
mkdir -p "$BOT_BOTTLE_HOME/bottles" "$BOT_BOTTLE_HOME/agents" "$W"
printf -- '---\nagent_provider:\n  template: shell\negress:\n  routes:\n    - host: example.com\n---\n' > "$BOT_BOTTLE_HOME/bottles/bench.md"
printf -- '---\nbottle: bench\n---\nbenchmark agent\n' > "$BOT_BOTTLE_HOME/agents/bench.md"
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Each progress line on stderr, stamped on arrival (bash's clock: no process per line).
stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }

echo "warming up (images are built once and reused by content hash)..." >&2
"$CLI" start bench --label bench-warm --detach >/dev/null
SIDECAR_IMAGE=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['runtime']['sidecarImage'])" "$BOT_BOTTLE_HOME/state/bench-warm/metadata.json" 2>/dev/null \
  || docker images --format '{{.Repository}}:{{.Tag}}' 'bot-bottle/sidecar' | head -n1)
AGENT_IMAGE=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['runtime']['agentImage'])" "$BOT_BOTTLE_HOME/state/bench-warm/metadata.json" 2>/dev/null \
  || docker images --format '{{.Repository}}:{{.Tag}}' 'bot-bottle/shell' | head -n1)
"$CLI" rm bench-warm --force >/dev/null
for c in "${CLIS[@]:1}"; do "$c" start bench --label bench-warm --detach >/dev/null; "$c" rm bench-warm --force >/dev/null; done

# The engine minimum's sidecar: the real proxy with a CA made once (as a bottle's CA is made before its start).
mkdir -p "$W/sc" && chmod 0777 "$W/sc"
"$SIDECAR" ca create --dir "$W/sc/ca" >/dev/null
chmod -R a+rX "$W/sc"
printf 'routes:\n  - host: example.com\n' > "$W/sc/routes.yaml"

declare -A BB; BASE=()
for i in $(seq 1 "$N"); do
  for f in "${!FORMS[@]}"; do
    c="${CLIS[$f]}"; log="$W/steps-$f-$i.log"
    t0=$(now)
    "$c" start bench --label "bench-$f-$i" --detach 2> >(stamp > "$log") >/dev/null
    t1=$(now)
    sleep 0.05 # the stamping reader's last lines
    echo "$t0 [bench] start" >> "$log"; echo "$t1 [bench] end" >> "$log"
    BB[$f]+="$(echo "$t1 - $t0" | bc) "
    "$c" rm "bench-$f-$i" --force >/dev/null
  done

  t0=$(now)
  docker network create --internal "bbbench-int-$i" >/dev/null
  docker network create "bbbench-egr-$i" >/dev/null
  docker run -d --name "bbbench-side-$i" --network "bbbench-egr-$i" -v "$W/sc:/sc:ro" "$SIDECAR_IMAGE" \
    egress --routes /sc/routes.yaml --ca /sc/ca --listen 0.0.0.0:3128 >/dev/null
  ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"bbbench-egr-$i\").IPAddress}}" "bbbench-side-$i")
  docker run -d --name "bbbench-agent-$i" --network "bbbench-int-$i" "$AGENT_IMAGE" sleep infinity >/dev/null
  until (exec 3<>"/dev/tcp/$ip/3128") 2>/dev/null; do sleep 0.01; done
  docker exec "bbbench-agent-$i" true
  t1=$(now)
  BASE+=("$(echo "$t1 - $t0" | bc)")
  docker rm -f "bbbench-side-$i" "bbbench-agent-$i" >/dev/null
  docker network rm "bbbench-int-$i" "bbbench-egr-$i" >/dev/null
done

base=$(printf '%s\n' "${BASE[@]}" | median)
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg), Docker $(docker version --format '{{.Server.Version}}')"
echo "engine minimum (2 networks, sidecar proxy ready, agent, 1 exec) s: ${BASE[*]}"
for f in "${!FORMS[@]}"; do
  bb=$(printf '%s\n' ${BB[$f]} | median)
  echo "bot-bottle start, ${FORMS[$f]} CLI (warm, start-to-ready) s: ${BB[$f]}"
  printf 'median: bot-bottle (%s) %.2f s, engine minimum %.2f s, ratio %.2fx\n' "${FORMS[$f]}" "$bb" "$base" "$(echo "$bb / $base" | bc -l)"
done

# Time per step: from one progress record to the next ('cli' is process start-up and everything before the first
# record; the last step runs until the command returns). Medians over the runs.
python3 - "$W" "$N" "${FORMS[@]}" <<'PY'
import re, statistics, sys
w, n, forms = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
per, order = {}, []
for f in range(len(forms)):
    for i in range(1, n + 1):
        rows = []
        for line in open(f"{w}/steps-{f}-{i}.log"):
            t, _, text = line.rstrip("\n").partition(" ")
            rows.append((float(t), text))
        rows.sort()
        start = next(t for t, x in rows if x == "[bench] start")
        marks = [(start, "cli (process start-up, preflight)")]
        for t, x in rows:
            m = re.match(r"\[Starting bottle\] [^:]+: (.+)", x)
            if m and m.group(1) not in ("running",):
                marks.append((t, m.group(1)))
        end = next(t for t, x in rows if x == "[bench] end")
        marks.append((end, None))
        for (a, name), (b, _) in zip(marks, marks[1:]):
            if name not in per:
                per[name] = [[] for _ in forms]
                order.append(name)
            per[name][f].append(b - a)
print("\nstep (median of %d runs), s           " % n + "".join(f"{x:>21}" for x in forms))
for name in order:
    print(f"  {name:<36}" + "".join(f"{statistics.median(v):21.3f}" if v else f"{'-':>21}" for v in per[name]))
PY
echo "sidecar image $SIDECAR_IMAGE: $(docker image inspect -f '{{.Size}}' "$SIDECAR_IMAGE" | awk '{printf "%.1f MB", $1/1e6}') uncompressed"
