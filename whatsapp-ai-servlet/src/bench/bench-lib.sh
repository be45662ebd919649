# Shared by the ingest figure scripts in this directory; sourced, not run. Expects ROOT, HARNESS, OUT,
# PORT and JAVA_OPTS to be set, and defines JAVA, SDK_CP, ANCHOR_CP, SERVER_PID, start_server,
# stop_server (run on exit) and print_meta.
#
# Servers are started from the calling script, in the same session as wrk: Linux's autogroup
# scheduler shares the CPU between sessions, not threads, so a server started with setsid or from
# another terminal gets a share wrk's figures do not account for (see docs/performance/ingest.md).

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The SDK's bench server (test classes of whatsapp-ai-servlet under -Pbench) and its class path;
# SKIP_BUILD=1 reuses the last build.
build_sdk_server() {
  local cp_file="$ROOT/whatsapp-ai-servlet/target/bench-classpath.txt"
  if [[ "${SKIP_BUILD:-0}" != 1 || ! -s "$cp_file" ]]; then
    echo "building the bench server and its classpath"
    (cd "$ROOT" && ./mvnw -B -q -Pbench -pl whatsapp-ai-servlet -am -DskipTests test-compile \
        dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file")
  fi
  SDK_CP="$ROOT/whatsapp-ai-servlet/target/test-classes:$ROOT/whatsapp-ai-servlet/target/classes:$(cat "$cp_file")"
  if [[ ! -d "$HARNESS/java/anchors/target/lib" ]]; then
    echo "building the harness's anchors"
    "$ROOT/mvnw" -B -q -f "$HARNESS/java/pom.xml" -pl anchors package -DskipTests
  fi
  ANCHOR_CP="$HARNESS/java/anchors/target/classes:$HARNESS/java/anchors/target/lib/*"
}

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT INT TERM

# start_server LOG JAVA_ARGS...: starts a server on PORT in the background and waits (at most
# 60 s) for the READY line every bench server prints; shows its log and exits when it never comes.
start_server() {
  local log="$1"; shift
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS "$@" "$PORT" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 600); do grep -q '^READY' "$log" 2>/dev/null && break; sleep 0.1; done
  grep -q '^READY' "$log" || { cat "$log"; exit 1; }
}

# print_meta [EXTRA_LINE...]: the sitting (date, host, load, Java, commit) into OUT/meta.txt and stdout.
print_meta() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)  opts: $JAVA_OPTS"
    local line
    for line in "$@"; do echo "$line"; done
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (modified)')"
  } | tee "$OUT/meta.txt"
}
