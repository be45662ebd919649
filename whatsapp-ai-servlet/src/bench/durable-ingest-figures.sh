#!/usr/bin/env bash
# Durable ingest figures (docs/performance/durable-ingest.md): the SDK's servlet on PostgresStateStore
# (BenchServer -Dbench.store=postgres: every accepted delivery committed before its 200) against the
# harness's INSERT anchor (bare Jetty servlet: verify, parse, one INSERT ... ON CONFLICT DO NOTHING
# per delivery through HikariCP, 200 after the commit), alternating in one sitting, on the same
# PostgreSQL, each wrk call on deliveries no server has seen.
#
# Usage (from the repository root, with a private PostgreSQL running):
#   eval "$(HARNESS_DIR/pg.sh start 55432 | sed 's/^/export /')"      # prints BENCH_JDBC_URL
#   whatsapp-ai-servlet/src/bench/durable-ingest-figures.sh HARNESS_DIR
#   HARNESS_DIR/pg.sh stop
# HARNESS_DIR is a writable copy of the load harness (load/webhook.lua, java/anchors, gen/gen_payloads.py).
# Env: ROUNDS=3 (INSERT, SDK pairs), RUNS=2 (measured wrk calls per server), DURATION=15 (s per run),
#      WARMUP_CALLS=4 (10 s wrk calls before measuring), CHUNK=400000 (deliveries per wrk call),
#      CONNS=64, JAVA_OPTS=-Xmx512m, PORT=18096, SDK_OPTS (extra JVM options of the SDK server,
#      e.g. -Dbench.commitThreads=4), SERVERS="insert sdk-durable", SKIP_BUILD=1 (use the last build).
#
# Why not the harness's load.sh: every wrk call here must start on deliveries never sent before
# (a durable receiver pays for new ids only), and wrk must run ONE thread. With two threads wrk
# starts the first one, then loads the script's data for the second; the first one's requests
# during that load count, but not its time, and with the million deliveries a durable sitting needs
# that load takes tens of seconds: the req/s come out several times too high. So the data is split
# into chunks of CHUNK deliveries, each wrk call (one thread, CONNS connections) replays a chunk of
# its own, and every server starts from the first chunk on an empty store (the anchor truncates its
# table; the bench server drops the schema whatsapp_ai at start). A call that sends more than its
# chunk is flagged "REPEATED" (the ledger then takes the duplicate path): raise CHUNK.
#
# Both servers are started from this script, in the same session as wrk (Linux's autogroup
# scheduler shares the CPU between sessions, see docs/performance/ingest.md). PostgreSQL runs in its
# own session, the same for both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HARNESS="$(cd "${1:?usage: $0 HARNESS_DIR (a writable copy of the load harness)}" && pwd)"
ROUNDS="${ROUNDS:-3}"
RUNS="${RUNS:-2}"
DURATION="${DURATION:-15}"
WARMUP_CALLS="${WARMUP_CALLS:-4}"
CHUNK="${CHUNK:-400000}"
CONNS="${CONNS:-64}"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
SDK_OPTS="${SDK_OPTS:-}"
PORT="${PORT:-18096}"
SERVERS="${SERVERS:-insert sdk-durable}"
STAMP="$(date -u +%Y%m%d-%H%M%S)"
OUT="$HARNESS/results/durable-$STAMP"

[[ -n "${BENCH_JDBC_URL:-}" ]] || { echo "BENCH_JDBC_URL is not set: start PostgreSQL with the harness's pg.sh and export what it prints" >&2; exit 2; }
[[ -f "$HARNESS/load/webhook.lua" ]] || { echo "no load harness at $HARNESS (no load/webhook.lua)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$OUT"

# shellcheck source=bench-lib.sh
source "$ROOT/whatsapp-ai-servlet/src/bench/bench-lib.sh"
build_sdk_server

# ---- data: (WARMUP_CALLS + RUNS) chunks of CHUNK fresh deliveries ---------------------------------
CALLS=$((WARMUP_CALLS + RUNS))
NEED=$((CALLS * CHUNK))
DATA="$HARNESS/data/wa-deliveries.tsv"
HAVE=$(( $( [[ -s "$DATA" ]] && wc -l < "$DATA" || echo 1) - 1 ))
if (( HAVE < NEED )); then
  echo "generating $NEED signed deliveries (have $HAVE; about 2 minutes per million)"
  (cd "$HARNESS" && python3 gen/gen_payloads.py -n "$NEED" --no-line >/dev/null)
fi
CHUNKS="$HARNESS/data/chunks-$CHUNK-$(stat -c %Y "$DATA")"
if [[ ! -f "$CHUNKS/done" ]]; then
  echo "splitting the deliveries into chunks of $CHUNK"
  rm -rf "$HARNESS"/data/chunks-* && mkdir -p "$CHUNKS"
  awk -v n="$NEED" 'NR > n + 1 { exit } NR > 1' "$DATA" | split -l "$CHUNK" -d -a 2 - "$CHUNKS/part"
  for f in "$CHUNKS"/part??; do { head -1 "$DATA"; cat "$f"; } > "$f.tsv" && rm "$f"; done
  touch "$CHUNKS/done"
fi

# ---- CPU accounting --------------------------------------------------------------------------------
DB_PORT="$(sed -E 's#^jdbc:postgresql://[^:/]+:([0-9]+)/.*#\1#' <<<"$BENCH_JDBC_URL")"
POSTMASTER="$(ss -Hltnp "sport = :$DB_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
ticks() { [[ -r /proc/$1/stat ]] && sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}' || echo 0; }
db_ticks() {  # the postmaster and its children (backends, WAL writer, checkpointer, autovacuum)
  [[ -n "$POSTMASTER" ]] || { echo 0; return; }
  local sum=0 p
  for p in /proc/[0-9]*; do
    [[ -r $p/stat ]] || continue
    local f; f="$(sed 's/^.*) //' "$p/stat" 2>/dev/null)" || continue
    set -- $f
    if [[ "$2" == "$POSTMASTER" || "${p#/proc/}" == "$POSTMASTER" ]]; then sum=$((sum + ${12} + ${13})); fi
  done
  echo "$sum"
}

wrk_call() {  # $1 seconds, $2 chunk index; prints the BENCH_RESULT json
  timeout $(( $1 + 120 )) wrk -t 1 -c "$CONNS" -d "${1}s" --timeout 5s -s "$HARNESS/load/webhook.lua" \
      "http://127.0.0.1:$PORT" -- "$(printf '%s/part%02d.tsv' "$CHUNKS" "$2")" 1 /webhook/whatsapp 0 \
    | sed -n 's/^BENCH_RESULT //p'
}

measure() {  # $1 label, $2 round, then the server's java arguments
  local label="$1" round="$2"; shift 2
  local log="$OUT/server-$label-r$round.log" load
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  start_server "$log" "$@"
  local call=0 w
  for ((i = 0; i < WARMUP_CALLS; i++)); do
    w="$(wrk_call 10 $call)"; call=$((call + 1))
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("  %s r%s warm-up: %.0f req/s" % (sys.argv[2], sys.argv[3], d["rps"]))' "$w" "$label" "$round"
  done
  for ((r = 1; r <= RUNS; r++)); do
    local c0 d0 c1 d1 res
    c0=$(ticks "$SERVER_PID"); d0=$(db_ticks)
    res="$(wrk_call "$DURATION" $call)"; call=$((call + 1))
    c1=$(ticks "$SERVER_PID"); d1=$(db_ticks)
    [[ -n "$res" ]] || { echo "wrk produced no result" >&2; exit 4; }
    python3 - "$res" "$label" "$round" "$r" "$((c1 - c0))" "$((d1 - d0))" "$CHUNK" "$load" >>"$OUT/load.jsonl" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
n = max(d["requests"], 1)
d.update(label=sys.argv[2], round=int(sys.argv[3]), run=int(sys.argv[4]),
         server_cpu_us_per_req=round(int(sys.argv[5]) * 1e4 / n, 1), db_cpu_us_per_req=round(int(sys.argv[6]) * 1e4 / n, 1),
         repeated=d["requests"] > int(sys.argv[7]), load_before=sys.argv[8],
         errors=d["non2xx"] + d["connect_err"] + d["read_err"] + d["write_err"] + d["timeout_err"])
print(json.dumps(d))
PY
    tail -1 "$OUT/load.jsonl" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print("  %s r%d run %d: %.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %d  server CPU %.0f us/req  PostgreSQL CPU %.0f us/req%s  (load before: %s)" % (d["label"], d["round"], d["run"], d["rps"], d["p50_us"]/1000, d["p99_us"]/1000, d["errors"], d["server_cpu_us_per_req"], d["db_cpu_us_per_req"], "  REPEATED: raise CHUNK" if d["repeated"] else "", d["load_before"]))'
  done
  stop_server
  grep -hE '^(insert|sdk-durable):' "$log" | sed 's/^/  /' || true
  sleep 3
}

print_meta "sdk: $SDK_OPTS" \
    "postgresql: $(psql "postgresql://postgres@127.0.0.1:$DB_PORT/postgres" -Atc 'show server_version' 2>/dev/null || echo '?') on port $DB_PORT" \
    "wrk: 1 thread, $CONNS connections, $WARMUP_CALLS x 10 s warm-up, $RUNS x ${DURATION} s measured, $CHUNK fresh deliveries per call"

for ((round = 1; round <= ROUNDS; round++)); do
  for label in $SERVERS; do
    case "$label" in
      insert) measure insert "$round" -cp "$ANCHOR_CP" bench.anchor.AnchorServer insert ;;
      # shellcheck disable=SC2086
      sdk-durable) measure sdk-durable "$round" -Dbench.store=postgres $SDK_OPTS -cp "$SDK_CP" \
          io.github.whatsappai.servlet.bench.BenchServer ;;
      *) echo "unknown server $label (insert, sdk-durable)" >&2; exit 2 ;;
    esac
  done
done

python3 - "$OUT/load.jsonl" <<'PY' | tee "$OUT/summary.md"
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for r in runs:
    by.setdefault(r["label"], []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs)
print("| server | runs | req/s (median, min-max) | p50 ms | p99 ms | server CPU µs/req | PostgreSQL CPU µs/req | errors |")
print("|---|---|---|---|---|---|---|---|")
for label, rs in by.items():
    print(f"| {label} | {len(rs)} | {med(rs, 'rps'):,.0f} ({min(r['rps'] for r in rs):,.0f}-{max(r['rps'] for r in rs):,.0f}) "
          f"| {med(rs, 'p50_us') / 1000:.2f} | {med(rs, 'p99_us') / 1000:.2f} | {med(rs, 'server_cpu_us_per_req'):.0f} "
          f"| {med(rs, 'db_cpu_us_per_req'):.0f} | {sum(r['errors'] for r in rs)} |")
if "insert" in by and "sdk-durable" in by:
    ratios = []
    for rnd in sorted({r["round"] for r in runs}):
        a = [r["rps"] for r in by["insert"] if r["round"] == rnd]
        b = [r["rps"] for r in by["sdk-durable"] if r["round"] == rnd]
        if a and b:
            ratios.append(statistics.median(b) / statistics.median(a))
    print()
    print("sdk-durable / insert, per round: " + ", ".join(f"{x:.2f}" for x in ratios)
          + f"; median of the medians: {med(by['sdk-durable'], 'rps') / med(by['insert'], 'rps'):.2f}")
if any(r["repeated"] for r in runs):
    print("\nWARNING: some calls sent more than their chunk (deliveries repeated): raise CHUNK")
PY
echo "results: $OUT"
