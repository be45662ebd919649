#!/usr/bin/env bash
# The first hour of a Java team, scripted: from a clean clone, using only what the README and
# docs/deployment.md say, build everything, start the Spring Boot sample and get a signed POST
# answered. The sample sends its reply to the demo's local Graph API stand-in, so nothing leaves
# the machine. Prints each step and its wall time; docs/first-hour.md records a run.
#
#   whatsapp-ai-examples/whatsapp-ai-spring-boot-sample/src/check/first-hour.sh [repository] [branch]
#
# Needs git, a JDK 17+, curl and openssl. Uses ports 18080 (demo) and 18081 (sample).
set -euo pipefail

REPO=${1:-$(git rev-parse --show-toplevel)}
BRANCH=${2:-$(git -C "$REPO" rev-parse --abbrev-ref HEAD)}
WORK=$(mktemp -d /tmp/whatsapp-ai-first-hour.XXXXXX)
DEMO_PORT=18080
SAMPLE_PORT=18081
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

step_start=0
step() { step_start=$(date +%s.%N); printf '%-62s' "$1"; }
done_step() { printf '%6.1f s\n' "$(echo "$(date +%s.%N) - $step_start" | bc)"; }
wait_for() { # url, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}

echo "first-hour check of $REPO ($BRANCH) in $WORK, $(date -u '+%Y-%m-%d %H:%M UTC')"

step "1 clone"
git clone -q --branch "$BRANCH" "$REPO" "$WORK/whatsapp-ai"
cd "$WORK/whatsapp-ai"
done_step

step "2 build: ./mvnw -B -q -DskipTests package"
./mvnw -B -q -DskipTests package > "$WORK/build.log" 2>&1
done_step

step "3 start the demo (its local Graph API stand-in)"
PORT=$DEMO_PORT java -Xmx256m -jar whatsapp-ai-examples/target/whatsapp-ai-demo.jar > "$WORK/demo.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$DEMO_PORT/demo/outbox?after=0&wait=0&to=%2B15555550123" 60
done_step

SECRET=first-hour-secret
step "4 start the Spring Boot sample, first handshake answered"
META_APP_SECRET=$SECRET META_WEBHOOK_VERIFY_TOKEN=first-hour-token META_PHONE_NUMBER_ID=100000000000001 \
  META_ACCESS_TOKEN=first-hour-token META_GRAPH_API_BASE_URL=http://127.0.0.1:$DEMO_PORT/graph \
  MESSAGE_BUFFER_WINDOW=1s \
  java -jar whatsapp-ai-examples/whatsapp-ai-spring-boot-sample/target/whatsapp-ai-spring-boot-sample.jar \
  --server.port=$SAMPLE_PORT --server.address=127.0.0.1 > "$WORK/sample.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SAMPLE_PORT/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=first-hour-token&hub.challenge=42" 120
done_step

step "5 signed POST (curl + openssl, docs/deployment.md) -> status"
NOW=$(date +%s)
BODY='{"object":"whatsapp_business_account","entry":[{"id":"200000000000002","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555550100","phone_number_id":"100000000000001"},"contacts":[{"profile":{"name":"Curl User"},"wa_id":"15555550123"}],"messages":[{"from":"15555550123","id":"wamid.CURL'$NOW'","timestamp":"'$NOW'","type":"text","text":{"body":"Do you deliver on Sundays?"}}]}}]}]}'
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$SAMPLE_PORT/webhook/whatsapp" \
  -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$SIG" --data-binary "$BODY")
printf '%s ' "$STATUS"
[ "$STATUS" = 200 ]
done_step

step "6 the reply reached the Graph API stand-in"
REPLY=$(curl -s "http://127.0.0.1:$DEMO_PORT/demo/outbox?after=0&wait=30000&to=%2B15555550123")
echo "$REPLY" | grep -q '"text"'
done_step
echo "reply: $REPLY" | cut -c1-160
echo "readiness: $(curl -s http://127.0.0.1:$SAMPLE_PORT/actuator/health/readiness | cut -c1-120)"
