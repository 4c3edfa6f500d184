#!/usr/bin/env bash
# The contract check: schemathesis with every default check against a running server.
#   ci/schemathesis/run.sh BASE_URL VENV_DIR [MAX_EXAMPLES]
# BASE_URL is a server started with --demo; the run signs in as the demo admin (see the config). MAX_EXAMPLES per
# operation sets the budget: 8 (the default) sends about 3,000 requests; 30 about 10,000.
set -euo pipefail
url=$1
venv=$2
examples=${3:-8}
cd "$(dirname "$0")/../.."
session=$(curl -sf -X POST -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"demo"}' "$url/api/v1/auth/login" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
token=$(curl -sf -X POST -H 'content-type: application/json' -H "Authorization: Bearer $session" \
  -d '{"name":"schemathesis"}' "$url/api/v1/tokens")
SWITCHBOARD_TOKEN=$(echo "$token" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
SWITCHBOARD_TOKEN_ID=$(echo "$token" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
SWITCHBOARD_USER_ID=$(curl -sf -H "Authorization: Bearer $SWITCHBOARD_TOKEN" "$url/api/v1/me" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
inbox=$(curl -sf -H "Authorization: Bearer $SWITCHBOARD_TOKEN" "$url/api/v1/inboxes" | "$venv/bin/python" -c 'import json,sys; print(next(i["id"] for i in json.load(sys.stdin)["items"] if i["channel"] == "livechat"))')
SWITCHBOARD_CUSTOMER_TOKEN=$(curl -sf -X POST -H 'content-type: application/json' -d "{\"inbox_id\":\"$inbox\",\"name\":\"Schemathesis\"}" \
  "$url/api/widget/v1/sessions" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export SWITCHBOARD_TOKEN SWITCHBOARD_TOKEN_ID SWITCHBOARD_USER_ID SWITCHBOARD_CUSTOMER_TOKEN
# Signing out (and ending the customer's chat session) would end the credentials the run
# uses; both operations are tested in cargo test.
"$venv/bin/schemathesis" --config-file ci/schemathesis/schemathesis.toml run "$url/api/openapi.json" \
  --max-examples "$examples" --workers 2 --no-color --exclude-operation-id logout --exclude-operation-id endWidgetSession \
  --seed "${SCHEMATHESIS_SEED:-20261205}" --generation-database none
