#!/usr/bin/env bash
# The slow-clients fault run (docs/performance/slow-clients.md): the built demo jar under 200
# connections that trickle their bodies for 30 s, probed with signed POSTs and handshakes
# (SlowClientsBench, compiled here with javac against the jar, which it then starts itself so that
# the demo runs in this shell's scheduling session).
#
# Usage (from the repository root, after ./mvnw -B -q -DskipTests package):
#   whatsapp-ai-examples/src/bench/slow-clients.sh [--jar PATH] [SlowClientsBench options...]
# Options: --slow 200 --duration 30 --byte-interval-ms 200 --probe-pause-ms 20 --probe-timeout-ms 5000
#          --java-opts "-Xmx256m". Everything listens on and talks to 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
JAR="$ROOT/whatsapp-ai-examples/target/whatsapp-ai-demo.jar"
BENCH_SRC="$ROOT/whatsapp-ai-examples/src/bench/java/io/github/whatsappai/examples/bench"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[[ -f "$JAR" ]] || { echo "no $JAR: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }

WORK="$(mktemp -d /tmp/slow-clients.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
"$JAVAC" -d "$WORK" -cp "$JAR" "$BENCH_SRC/SlowClientsBench.java"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (modified)')  jar: $JAR"
timeout 600 "$JAVA" -cp "$WORK:$JAR" io.github.whatsappai.examples.bench.SlowClientsBench --jar "$JAR" "${ARGS[@]}"
