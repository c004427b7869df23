#!/usr/bin/env bash
# A/B of two sidecar binaries in one run, e.g. the baseline and the x86-64-v3 NativeAOT flavours: both run at once
# (DLP on, as in run.sh: token patterns + 10 known secrets, block) in front of one nginx upstream; rounds alternate
# between them (the order flips every round) and each round records req/s and the sidecar's own CPU time per request
# (utime + stime from /proc/<pid>/stat, before and after). CPU per request is the figure to compare on a shared,
# noisy machine: other processes slow both flavours' rounds alike but do not add to a sidecar's CPU time.
# Needs nginx (nginx-light) and openssl, and bench/BotBottle.LoadGen built (dotnet build bench/BotBottle.LoadGen -c Release).
# Usage: A=path B=path bench/egress/flavours.sh [rounds=4] [seconds=8] [workloads="POST 64 KiB;GET 1 KiB"; also "GET 64 KiB", "POST 1 KiB"]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-4}"; SECONDS_PER="${2:-8}"; WORKLOADS="${3:-POST 64 KiB;GET 1 KiB}"
VERSION=$(sed -nE 's:.*<VersionPrefix>([^<]+)</VersionPrefix>.*:\1:p' Directory.Build.props)
A="${A:-out/BotBottle/$VERSION/sidecar/linux-x64/bot-bottle-sidecar}"
B="${B:-out/BotBottle/$VERSION/sidecar/linux-x64/bot-bottle-sidecar-x86-64-v3}"
LOADGEN="bench/BotBottle.LoadGen/bin/Release/net10.0/BotBottle.LoadGen.dll"
[[ -x "$A" && -x "$B" && -f "$LOADGEN" ]] || { echo "need A=, B= (executables) and $LOADGEN" >&2; exit 1; }
W=$(mktemp -d /tmp/bb-flavours.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -f "$W/nginx/nginx.pid" ]] && kill "$(cat "$W/nginx/nginx.pid")" 2>/dev/null || true; sleep 1; rm -rf "$W"; }
trap cleanup EXIT

. bench/egress/upstream.sh
start_upstream "$W" 28080 28443

printf 'log: 0\nroutes:\n  - host: localhost\n    allow_private: true\n    ports: [28443]\n    dlp:\n      outbound_detectors: [token_patterns, known_secrets]\n      outbound_on_match: block\n' > "$W/routes.yaml"
for i in $(seq 1 10); do export "BOTBOTTLE_SECRET_BENCH_$i=bench-known-secret-value-$i-$(openssl rand -hex 12)"; done
declare -A PID PORT
PORT[A]=23131; PORT[B]=23132
for s in A B; do
  bin=${!s}
  "$bin" ca create --dir "$W/ca-$s" >/dev/null
  "$bin" egress --routes "$W/routes.yaml" --ca "$W/ca-$s" --listen "127.0.0.1:${PORT[$s]}" --upstream-ca "$W/up-ca.pem" >"$W/log-$s" 2>&1 &
  PIDS+=($!); PID[$s]=$!
  echo "$s: $bin: $("$bin" --version | tail -n 1)"
done
for port in 28443 23131 23132; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load() { # side workload seconds
  local args
  case "$2" in
    "GET 1 KiB") args=(--url https://localhost:28443/get/1k --method GET --expect-bytes 1024 --body 0) ;;
    "GET 64 KiB") args=(--url https://localhost:28443/get/64k --method GET --expect-bytes 65536 --body 0) ;;
    "POST 64 KiB") args=(--url https://localhost:28443/post --method POST --body 65536) ;;
    "POST 1 KiB") args=(--url https://localhost:28443/post --method POST --body 1024) ;;
  esac
  dotnet "$LOADGEN" "${args[@]}" --workload "$2" --label "$1" --proxy "http://127.0.0.1:${PORT[$1]}" --ca "$W/ca-$1/ca.crt" --concurrency 16 --duration "$3" --warmup 0
}
HZ=$(getconf CLK_TCK)
IFS=';' read -ra WL <<< "$WORKLOADS"
echo "load average before $(cut -d' ' -f1-3 /proc/loadavg)"
for w in "${WL[@]}"; do
  for s in A B; do load "$s" "$w" 2 >/dev/null; done   # warm both (leaf certificates, pools, first-call paths)
  for r in $(seq 1 "$ROUNDS"); do
    order="A B"; (( r % 2 == 0 )) && order="B A"
    for s in $order; do
      c0=$(cpu_ticks "${PID[$s]}")
      line=$(load "$s" "$w" "$SECONDS_PER")
      c1=$(cpu_ticks "${PID[$s]}")
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]); print(json.dumps({"side":sys.argv[5],"round":int(sys.argv[6]),"workload":r["workload"],"rps":r["rps"],"requests":r["requests"],"errors":r["errors"],"cpu_us_per_req":t*1e6/max(1,r["requests"])}))' \
        "$line" "$c0" "$c1" "$HZ" "$s" "$r" | tee -a "$W/rounds.jsonl"
    done
  done
done
echo "load average after $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$W/rounds.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in rows if r["errors"]]
if bad:
    print(f"\nWARNING: {len(bad)} round(s) had errors (answers of the wrong length or status); their figures do not measure the workload: " + ", ".join(f'{r["side"]} {r["workload"]} round {r["round"]}: {r["errors"]} of {r["requests"]}' for r in bad))
print("\n| workload | A req/s (median) | B req/s | B/A req/s | A CPU µs/req (median) | B CPU µs/req | B/A CPU per request (median of rounds) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for w in dict.fromkeys(r["workload"] for r in rows):
    a = [r for r in rows if r["workload"] == w and r["side"] == "A"]; b = [r for r in rows if r["workload"] == w and r["side"] == "B"]
    ratios = [y["cpu_us_per_req"] / x["cpu_us_per_req"] for x, y in zip(sorted(a, key=lambda r: r["round"]), sorted(b, key=lambda r: r["round"]))]
    m = lambda xs, k: statistics.median(x[k] for x in xs)
    print(f"| {w} | {m(a,'rps'):,.0f} | {m(b,'rps'):,.0f} | {m(b,'rps')/m(a,'rps'):.2f} | {m(a,'cpu_us_per_req'):.1f} | {m(b,'cpu_us_per_req'):.1f} | {statistics.median(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)}) |")
PY
