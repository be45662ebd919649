#!/usr/bin/env bash
# Webhook ingest figures (docs/performance/ingest.md): the SDK's servlet (BenchServer: embedded
# Jetty 12.1, full ingest path, counting inbound handler) against the harness's LIMIT anchor (bare
# Jetty servlet: read the body, answer 200), alternating in one sitting, with the harness's load.sh.
#
# Usage (from the repository root):
#   whatsapp-ai-servlet/src/bench/ingest-figures.sh HARNESS_DIR
# HARNESS_DIR is a writable copy of the load harness (load.sh, java/anchors, gen/gen_payloads.py;
# see "The load harness" in docs/performance/ingest.md). Env: ROUNDS=2 (LIMIT, SDK pairs), RUNS=2 (measured runs per server),
# WARMUP=20 (s), JAVA_OPTS=-Xmx512m (both servers), PORT=18095.
#
# Both servers are started from this script, in the same session as wrk (bench-lib.sh says why:
# a server measured from another session once showed a p99 of 14 ms and more requests per second
# than wrk's latencies allow). SKIP_BUILD=1 reuses the last build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HARNESS="${1:?usage: $0 HARNESS_DIR (a writable copy of the load harness, see docs/performance/ingest.md)}"
ROUNDS="${ROUNDS:-2}"
RUNS="${RUNS:-2}"
WARMUP="${WARMUP:-20}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
PORT="${PORT:-18095}"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
OUT="$HARNESS/results/ingest-$STAMP"

[[ -x "$HARNESS/load.sh" ]] || { echo "no load harness at $HARNESS (no executable load.sh): pass the directory of a writable copy" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$OUT"

# shellcheck source=bench-lib.sh
source "$ROOT/whatsapp-ai-servlet/src/bench/bench-lib.sh"
build_sdk_server
[[ -s "$HARNESS/data/wa-deliveries.tsv" ]] || (cd "$HARNESS" && python3 gen/gen_payloads.py)

measure() {  # $1 label, $2 round, then the server's java arguments
  local label="$1" round="$2"; shift 2
  start_server "$OUT/server-$label-r$round.log" "$@"
  (cd "$HARNESS" && SERVER_PID="$SERVER_PID" ROUND="$round" RUNS="$RUNS" WARMUP="$WARMUP" OUT="$OUT/load.jsonl" \
      ./load.sh "$PORT" "$label" 2>&1 | grep -E 'run [0-9]|sanity|SUMMARY')
  stop_server
  sleep 2
}

print_meta

for ((round = 1; round <= ROUNDS; round++)); do
  measure limit "$round" -cp "$ANCHOR_CP" bench.anchor.AnchorServer limit
  measure sdk "$round" -cp "$SDK_CP" io.github.whatsappai.servlet.bench.BenchServer
done

python3 - "$OUT/load.jsonl" <<'PY' | tee "$OUT/summary.md"
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for r in runs:
    by.setdefault(r["label"], []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs)
lim = by["limit"]
print("| server | runs | req/s (median) | p50 ms | p99 ms | server CPU µs/req | req/s vs LIMIT | p99 vs LIMIT |")
print("|---|---|---|---|---|---|---|---|")
for label in ("limit", "sdk"):
    rs = by[label]
    print(f"| {label} | {len(rs)} | {med(rs, 'rps'):,.0f} | {med(rs, 'p50_us') / 1000:.2f} | {med(rs, 'p99_us') / 1000:.2f} "
          f"| {med(rs, 'server_cpu_us_per_req'):.1f} | {med(rs, 'rps') / med(lim, 'rps'):.2f} "
          f"| {med(rs, 'p99_us') / med(lim, 'p99_us'):.2f}× |")
PY
grep -h "handed on" "$OUT"/server-sdk-r*.log || true
echo "results: $OUT"
