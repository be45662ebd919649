#!/usr/bin/env bash
# Fault runs of the durable state store through two demo processes on one PostgreSQL, an external
# Graph API stub and a driver that redelivers 503s as Meta does (docs/operations.md, "Fault runs").
#
#   whatsapp-ai-examples/src/check/fault-runs.sh FAULT [driver options]
#     FAULT: kill9 | split | graph-down | pg-down | receipt
#     options: --conversations N   --down SECONDS (graph-down 600, pg-down 300)   --redeliver 0.3 (split)
#              --kill-after-replies N (kill9)   --graph-mode REFUSED (graph-down: refuse connections, not 503)
#              --demo-env K=V,K=V (the demos' variables)
#              --java-opts "-Xmx256m" (the demos' JVM options)
#
# Builds whatsapp-ai-demo.jar and the test classes when missing (REBUILD=1 forces it), starts a
# private PostgreSQL cluster (Debian's postgresql package: apt-get install -y postgresql) on
# 127.0.0.1 in a temporary directory, runs the driver (io.github.whatsappai.examples.faults.FaultRun),
# stops the cluster. The report and the demos' logs go to whatsapp-ai-examples/target/fault-runs/.
# Exit status 0 when every check passed.
set -euo pipefail
# one compound command: bash reads it whole before running it, so editing this file during a run
# (which lasts minutes) cannot change what the run does next
{

pg() { # pg start|stop DIR PORT
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 2; }
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)   # PostgreSQL refuses to run as root
  case "$1" in
    start)
      mkdir -p "$2"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$2"
      [ -f "$2/data/PG_VERSION" ] || "${run[@]}" "$bin/initdb" -D "$2/data" -U postgres -A trust -E UTF8 >/dev/null
      "${run[@]}" "$bin/pg_ctl" -D "$2/data" -l "$2/log" -w \
        -o "-p $3 -k $2 -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ;;
    stop) "${run[@]}" "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null ;;
  esac
}

if [ "${1:-}" = "_pg" ]; then shift; pg "$@"; exit; fi

FAULT="${1:?usage: $0 kill9|split|graph-down|pg-down|receipt [--conversations N] [--down SECONDS]}"; shift
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
EX="$(cd "$(dirname "$0")/../.." && pwd)"
ROOT="$(dirname "$EX")"
JAR="${DEMO_JAR:-$EX/target/whatsapp-ai-demo.jar}"   # DEMO_JAR: run another build of the demo
if [ -n "${REBUILD:-}" ] || [ ! -f "$JAR" ] || [ ! -f "$EX/target/test-classes/io/github/whatsappai/examples/faults/FaultRun.class" ]; then
  (cd "$ROOT" && ./mvnw -B -q -pl whatsapp-ai-examples -am package -DskipTests)
fi
OUT="$EX/target/fault-runs/$FAULT-$(date -u +%Y%m%dT%H%M%SZ)"
PGDIR="$(mktemp -d /tmp/whatsapp-ai-faults-XXXXXX)"
PGPORT="${PGPORT:-$((20000 + RANDOM % 20000))}"
trap 'pg stop "$PGDIR" "$PGPORT" 2>/dev/null || true; rm -rf "$PGDIR"' EXIT
pg start "$PGDIR" "$PGPORT"
# the run uses copies: a rebuild meanwhile must not replace a jar the running JVMs read
mkdir -p "$OUT/classes/io/github/whatsappai/examples"
cp "$JAR" "$OUT/whatsapp-ai-demo.jar"
cp -r "$EX/target/test-classes/io/github/whatsappai/examples/faults" "$OUT/classes/io/github/whatsappai/examples/"
cp "$EX/src/check/logback-faults.xml" "$OUT/"

# the driver's HTTP client drops idle connections after 10 s, before the demo's Jetty does (15 s):
# otherwise a POST can go out on a connection the server is closing, and fail on the client's side
java -Djdk.httpclient.keepalive.timeout=10 -cp "$OUT/whatsapp-ai-demo.jar:$OUT/classes" io.github.whatsappai.examples.faults.FaultRun \
  --fault "$FAULT" --jar "$OUT/whatsapp-ai-demo.jar" --out "$OUT" --logback "$OUT/logback-faults.xml" \
  --database-url "jdbc:postgresql://127.0.0.1:$PGPORT/postgres?user=postgres" \
  --pg-stop "'$SELF' _pg stop '$PGDIR' $PGPORT" --pg-start "'$SELF' _pg start '$PGDIR' $PGPORT" "$@"
exit
}
