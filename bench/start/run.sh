#!/usr/bin/env bash
# Bottle start-up benchmark, one run on one machine:
#   warm start-to-ready of a `shell` bottle (bot-bottle start --detach: networks, sidecar, agent, provisioning)
#   vs the engine doing the minimum equivalent work (create an internal and a bridge network, run two containers
#   from the same images), measured in the same run; prints medians and the ratio.
# Usage: bench/start/run.sh [iterations=5]      (needs a Docker engine and a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-5}"
CLI="src/BotBottle.Cli/bin/Release/net10.0/bot-bottle"
[[ -x "$CLI" ]] || dotnet build BotBottle.sln -c Release -nologo -v:q

export BOT_BOTTLE_HOME; BOT_BOTTLE_HOME=$(mktemp -d /tmp/bb-start-bench.XXXXXX)
trap 'for s in $("$CLI" list active --format json 2>/dev/null | python3 -c "import json,sys; [print(b[\"name\"]) for b in json.load(sys.stdin)]"); do "$CLI" rm "$s" --force >/dev/null 2>&1; done; rm -rf "$BOT_BOTTLE_HOME"' EXIT
mkdir -p "$BOT_BOTTLE_HOME/bottles" "$BOT_BOTTLE_HOME/agents"
printf -- '---\nagent_provider:\n  template: shell\negress:\n  routes:\n    - host: example.com\n---\n' > "$BOT_BOTTLE_HOME/bottles/bench.md"
printf -- '---\nbottle: bench\n---\nbenchmark agent\n' > "$BOT_BOTTLE_HOME/agents/bench.md"
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "warming up (images are built once and reused by content hash)..." >&2
"$CLI" start bench --label bench-warm --detach >/dev/null
"$CLI" rm bench-warm --force >/dev/null
SIDECAR_IMAGE=$(docker images --format '{{.Repository}}:{{.Tag}}' 'bot-bottle/sidecar' | head -n1)
AGENT_IMAGE=$(docker images --format '{{.Repository}}:{{.Tag}}' 'bot-bottle/shell' | head -n1)

BB=(); BASE=()
for i in $(seq 1 "$N"); do
  t0=$(now); "$CLI" start bench --label "bench-$i" --detach >/dev/null; t1=$(now)
  BB+=("$(echo "$t1 - $t0" | bc)")
  "$CLI" rm "bench-$i" --force >/dev/null

  t0=$(now)
  docker network create --internal "bbbench-int-$i" >/dev/null
  docker network create "bbbench-egr-$i" >/dev/null
  docker run -d --name "bbbench-side-$i" --network "bbbench-egr-$i" --entrypoint sleep "$SIDECAR_IMAGE" infinity >/dev/null
  docker run -d --name "bbbench-agent-$i" --network "bbbench-int-$i" "$AGENT_IMAGE" sleep infinity >/dev/null
  t1=$(now)
  BASE+=("$(echo "$t1 - $t0" | bc)")
  docker rm -f "bbbench-side-$i" "bbbench-agent-$i" >/dev/null
  docker network rm "bbbench-int-$i" "bbbench-egr-$i" >/dev/null
done

bb=$(printf '%s\n' "${BB[@]}" | median)
base=$(printf '%s\n' "${BASE[@]}" | median)
echo "bot-bottle start (warm, start-to-ready) s: ${BB[*]}"
echo "engine minimum (2 networks + 2 containers) s: ${BASE[*]}"
printf 'median: bot-bottle %.2f s, engine minimum %.2f s, ratio %.2fx\n' "$bb" "$base" "$(echo "$bb / $base" | bc -l)"
