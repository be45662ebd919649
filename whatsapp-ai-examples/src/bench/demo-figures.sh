#!/usr/bin/env bash
# The demo's figures, measured from the built jar (see docs/performance/demo.md):
#   (a) start to first handshake answered (ms), median and max of --runs launches, and to the
#       console's "readiness: UP" (knowledge base loaded); with --vectors also to the log line saying
#       every passage has its vector (hybrid retrieval, e.g. the in-process model's demo jar);
#   (b) resident memory (VmRSS) of the idle demo, after start and after one exchange;
#   (c) end-to-end overhead of the SDK from webhook to outgoing request, without the buffer window
#       and the AI call (DemoOverheadBench, compiled here with javac against the jar).
#
# Usage (from the repository root, after ./mvnw -B -q -DskipTests package):
#   whatsapp-ai-examples/src/bench/demo-figures.sh [--opts "<JVM options>"] [--runs 5] [--idle 10]
#       [--warmup 200] [--n 500] [--only a|b|c] [--env NAME=VALUE]... [--jar JAR] [--vectors]
# --opts defaults to the recommended -Xmx256m (docs/performance/demo.md); --opts "" gives the JVM's defaults.
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
JAR="$ROOT/whatsapp-ai-examples/target/whatsapp-ai-demo.jar"
BENCH_SRC="$ROOT/whatsapp-ai-examples/src/bench/java/io/github/whatsappai/examples/bench"
OPTS="-Xmx256m"
RUNS=5
IDLE=10
WARMUP=200
N=500
ONLY=""
VECTORS=""
EXTRA_ENV=()
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --opts) OPTS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --n) N="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --env) EXTRA_ENV+=("$2"); shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --vectors) VECTORS=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -f "$JAR" ]] || { echo "no $JAR: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }

WORK="$(mktemp -d /tmp/demo-figures.XXXXXX)"
DEMO_PID=""
cleanup() {
  if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill "$DEMO_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DEMO_PID" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$DEMO_PID" 2>/dev/null || true
  fi
  DEMO_PID=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

HANDSHAKE="/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=demo-verify-token&hub.challenge=123"

# A free 127.0.0.1 port: try random high ports until one refuses a connection.
pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

# One handshake probe with bash's /dev/tcp (no process forked, so polling does not load the CPU):
# succeeds when the demo answers 200 with the challenge.
probe() {
  local port="$1" resp=""
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$HANDSHAKE" >&3 || { exec 3<&-; return 1; }
  IFS= read -r -t 2 -d '' resp <&3 || true
  exec 3<&-
  [[ "$resp" == "HTTP/1.1 200"* && "$resp" == *$'\r\n\r\n123' ]]
}

# Sleeps ~10 ms without forking: read with a timeout on a pipe that never gets data.
exec {NAP}<> <(:)
nap() { read -r -t 0.01 -u "$NAP" _ 2>/dev/null || true; }

now_ns() { date +%s%N; }

# Starts the demo on port $1 with $OPTS (and the --env variables); sets DEMO_PID (env execs java).
launch() {
  local port="$1"
  # shellcheck disable=SC2086
  env PORT="$port" "${EXTRA_ENV[@]}" "$JAVA" $OPTS -jar "$JAR" >"$WORK/demo-$port.log" 2>&1 &
  DEMO_PID=$!
}

# Polls the handshake every ~10 ms (at most 60 s); prints nothing, fails if the demo never answers.
await_handshake() {
  local port="$1" deadline=$(( $(now_ns) + 60000000000 ))
  while ! probe "$port"; do
    kill -0 "$DEMO_PID" 2>/dev/null || { echo "the demo exited:" >&2; cat "$WORK/demo-$port.log" >&2; return 1; }
    (( $(now_ns) < deadline )) || { echo "no handshake within 60 s" >&2; return 1; }
    nap
  done
}

# Polls the demo's output every ~10 ms (bash reads the file, nothing is forked) until it holds $2.
await_log() {
  local port="$1" text="$2" deadline=$(( $(now_ns) + 120000000000 ))
  while [[ "$(<"$WORK/demo-$port.log")" != *"$text"* ]]; do
    kill -0 "$DEMO_PID" 2>/dev/null || { echo "the demo exited:" >&2; cat "$WORK/demo-$port.log" >&2; return 1; }
    (( $(now_ns) < deadline )) || { echo "no '$text' within 120 s" >&2; return 1; }
    nap
  done
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

echo "== machine: $(nproc) cores; $(uptime | sed 's/.*load average/load average/')"
echo "== java: $("$JAVA" -version 2>&1 | head -1)"
echo "== jar: $JAR ($(( $(stat -c %s "$JAR") / 1024 )) KiB)"
echo "== JVM options: ${OPTS:-<none: JVM defaults>}"

if [[ -z "$ONLY" || "$ONLY" == a ]]; then
  echo
  echo "(a) start to first handshake answered, $RUNS launches (target <= 5000 ms)"
  times=()
  ready=()
  vectors=()
  for i in $(seq 1 "$RUNS"); do
    port=$(pick_port)
    t0=$(now_ns)
    launch "$port"
    await_handshake "$port"
    t1=$(now_ns)
    await_log "$port" "readiness: UP"
    t2=$(now_ns)
    ms=$(( (t1 - t0) / 1000000 ))
    times+=("$ms")
    ready+=("$(( (t2 - t0) / 1000000 ))")
    line="  run $i: handshake $ms ms, readiness UP ${ready[-1]} ms"
    if [[ -n "$VECTORS" ]]; then
      # logged at INFO only once embedded == total (the progress between is DEBUG)
      await_log "$port" "KnowledgeBaseEmbeddingProgress["
      vectors+=("$(( ($(now_ns) - t0) / 1000000 ))")
      line+=", every passage embedded ${vectors[-1]} ms"
    fi
    echo "$line"
    cleanup
  done
  median() { local s=($(printf '%s\n' "$@" | sort -n)); echo "median ${s[$(( (${#s[@]} - 1) / 2 ))]} ms, max ${s[-1]} ms"; }
  echo "  handshake: $(median "${times[@]}")"
  echo "  readiness UP: $(median "${ready[@]}")"
  [[ -z "$VECTORS" ]] || echo "  every passage embedded: $(median "${vectors[@]}")"
fi

if [[ -z "$ONLY" || "$ONLY" == b ]]; then
  echo
  echo "(b) resident memory of the idle demo, default configuration (target <= 300 MB)"
  port=$(pick_port)
  launch "$port"
  await_handshake "$port"
  sleep "$IDLE"
  rss1=$(rss_kb "$DEMO_PID")
  echo "  after start + ${IDLE} s idle:            VmRSS $(( rss1 / 1024 )) MB"
  # one small exchange through the bundled chat simulator (waits out the 15 s buffer window)
  timeout 60 "$JAVA" -XX:TieredStopAtLevel=1 -jar "$JAR" chat --url "http://127.0.0.1:$port" \
      --from 6281234567890 --burst "Do you deliver on Sundays?" >"$WORK/chat.log" 2>&1 \
    || { echo "  the exchange failed:" >&2; cat "$WORK/chat.log" >&2; exit 1; }
  sleep "$IDLE"
  rss2=$(rss_kb "$DEMO_PID")
  hwm=$(hwm_kb "$DEMO_PID")
  echo "  after one exchange + ${IDLE} s idle:     VmRSS $(( rss2 / 1024 )) MB (peak VmHWM $(( hwm / 1024 )) MB)"
  cleanup
fi

if [[ -z "$ONLY" || "$ONLY" == c ]]; then
  echo
  echo "(c) end-to-end overhead, webhook POST -> outgoing text at the Graph stand-in (target median <= 5 ms)"
  mkdir -p "$WORK/classes"
  "$JAVAC" -d "$WORK/classes" -cp "$JAR" "$BENCH_SRC"/*.java
  envargs=()
  for e in "${EXTRA_ENV[@]}"; do envargs+=(--env "$e"); done
  timeout 600 "$JAVA" -cp "$WORK/classes:$JAR" io.github.whatsappai.examples.bench.DemoOverheadBench \
    --jar "$JAR" --java-opts "$OPTS" --warmup "$WARMUP" --n "$N" "${envargs[@]}"
fi
echo
echo "== load average at the end: $(uptime | sed 's/.*load average: //')"
