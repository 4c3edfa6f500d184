#!/usr/bin/env bash
# Profiles durable ingest (issue 20): a fresh `serve --demo` (demo customers off) on loopback,
# wrk posting customer messages through the API channel at CONNS (64) connections for SECS (12)
# seconds, and `perf record -g` on the server for the middle of the run. Prints wrk's figures
# and the top of the profile (self time by function, then by caller chain).
#
# Needs a binary with symbols: `cargo build --profile bench --bin switchboard` (the release
# profile strips them; the bench profile writes target/release/switchboard too, with symbols);
# BINARY overrides target/release/switchboard; KEEP=FILE keeps perf.data. Port 18990.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${BINARY:-target/release/switchboard}
CONNS=${CONNS:-64}
SECS=${SECS:-12}
port=18990
work=$(mktemp -d)
trap 'kill $(cat $work/pid) 2>/dev/null || true; rm -rf $work' EXIT
"$BINARY" serve --demo --demo-customers-every-secs 0 --data "$work/data" --bind 127.0.0.1:$port --log-level warn \
  > "$work/log" 2>&1 & echo $! > "$work/pid"
for _ in $(seq 200); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
session=$(curl -s -X POST -H 'content-type: application/json' -d '{"email":"admin@example.com","password":"demo"}' \
  http://127.0.0.1:$port/api/v1/auth/login | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
token=$(curl -s -X POST -H "authorization: Bearer $session" -H 'content-type: application/json' -d '{"name":"profile"}' \
  http://127.0.0.1:$port/api/v1/tokens | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
inbox=$(curl -s -H "authorization: Bearer $session" http://127.0.0.1:$port/api/v1/inboxes \
  | python3 -c 'import json,sys; print([i["id"] for i in json.load(sys.stdin)["items"] if i["channel"]=="api"][0])')
cat > "$work/ingest.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local c = math.random(1, 2000)
  local body = string.format('{"contact":{"external_id":"p-%d","name":"Person %d"},"text":"Where is my parcel number %d? It was due on Monday and the tracking page says nothing."}', c, c, n)
  return wrk.format(nil, "/api/v1/channels/api/$inbox/messages", nil, body)
end
LUA
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$work/ingest.lua" http://127.0.0.1:$port/ > "$work/wrk.txt" &
wrkpid=$!
sleep 2
perf record -F 999 ${PERF_CALLS:--g} -p "$(cat $work/pid)" -o "$work/perf.data" -- sleep $((SECS - 4)) 2> /dev/null
wait $wrkpid
cat "$work/wrk.txt"
perf report -i "$work/perf.data" --no-children --percent-limit 1.5 --stdio --sort symbol -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -45
if [ -n "${KEEP:-}" ]; then cp "$work/perf.data" "$KEEP"; fi
echo "--- by thread"
perf report -i "$work/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -v "^#" | grep -v "^$" | head -12
