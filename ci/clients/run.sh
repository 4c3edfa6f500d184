#!/usr/bin/env bash
# Generated-clients check (issue 14).
#
#   ci/clients/run.sh BASE_URL SPEC_PATH VENV_DIR
#
# BASE_URL  a Switchboard server started with --demo (admin@example.com / demo)
# SPEC_PATH the OpenAPI spec to generate the clients from (openapi/openapi.json)
# VENV_DIR  a Python virtualenv to use; created when missing. openapi-python-client 0.29.1 is
#           installed into it when it does not have that version, and the generated package
#           `switchboard_client` is (re)installed into it. Needs PyPI and the npm registry.
#
# 1. Python: generate the client with openapi-python-client 0.29.1 and
#    ci/clients/python-client.yaml into a temporary folder, failing on any generator warning;
#    install it; run ci/clients/scenario.py against BASE_URL.
# 2. TypeScript: in ci/clients/ts, `npm ci`, generate gen/schema.d.ts with openapi-typescript,
#    type-check and compile with `tsc -p .` (strict), run dist/scenario.js against BASE_URL.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 BASE_URL SPEC_PATH VENV_DIR" >&2
  exit 2
fi
base_url=$1
spec=$(realpath "$2")
venv=$3
here=$(cd "$(dirname "$0")" && pwd)
generator_version=0.29.1

section() { printf '\n== %s\n' "$*"; }

[ -f "$spec" ] || { echo "no spec at $spec" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

section "server $base_url and spec $spec"
python3 - "$base_url" "$spec" <<'PY'
import json, sys, urllib.request
base, path = sys.argv[1].rstrip("/"), sys.argv[2]
try:
    served = json.load(urllib.request.urlopen(base + "/api/openapi.json", timeout=10))
except OSError as e:
    sys.exit(f"FAIL cannot read {base}/api/openapi.json: {e}")
with open(path, encoding="utf-8") as f:
    spec = json.load(f)
print(f"spec: OpenAPI {spec.get('openapi')}, {spec['info']['title']} {spec['info']['version']}, {len(spec['paths'])} paths")
if served != spec:
    print("note: the server's /api/openapi.json differs from the spec the clients are generated from")
PY

section "python: virtualenv $venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip show openapi-python-client 2>/dev/null | grep -qx "Version: $generator_version"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "openapi-python-client==$generator_version"
fi
"$venv/bin/python" --version
"$venv/bin/openapi-python-client" --version

section "python: generate switchboard_client from $spec"
set +e
"$venv/bin/openapi-python-client" generate --path "$spec" --config "$here/python-client.yaml" \
  --output-path "$work/switchboard-client" --fail-on-warning >"$work/generate.log" 2>&1
generate_status=$?
set -e
cat "$work/generate.log"
if [ "$generate_status" -ne 0 ]; then
  echo "FAIL openapi-python-client exited with $generate_status" >&2
  exit 1
fi
if grep -Eiq 'warning\(s\) encountered|error\(s\) encountered|^[[:space:]]*(WARNING|ERROR)\b' "$work/generate.log"; then
  echo "FAIL openapi-python-client reported warnings or errors (see above): the spec must generate cleanly" >&2
  exit 1
fi
[ -d "$work/switchboard-client/switchboard_client" ] || { echo "FAIL no package switchboard_client was generated" >&2; exit 1; }
echo "generated $(find "$work/switchboard-client/switchboard_client/api" -name '*.py' ! -name '__init__.py' | wc -l) operations," \
  "$(find "$work/switchboard-client/switchboard_client/models" -name '*.py' ! -name '__init__.py' | wc -l) models"

section "python: install the generated package into $venv"
"$venv/bin/python" -m pip uninstall --quiet --yes switchboard-client >/dev/null 2>&1 || true
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$work/switchboard-client"
"$venv/bin/python" -m pip show switchboard-client | grep -E '^(Name|Version|Requires):'

section "python: scenario against $base_url"
"$venv/bin/python" "$here/scenario.py" "$base_url"

section "typescript: npm ci in $here/ts"
cd "$here/ts"
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "FAIL node $(node --version) is too old; the check needs node 20 or later" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund

section "typescript: generate gen/schema.d.ts with openapi-typescript"
rm -rf gen dist
npx --no-install openapi-typescript "$spec" --output gen/schema.d.ts

section "typescript: tsc -p . (strict)"
npx --no-install tsc -p .
echo "compiled dist/scenario.js"

section "typescript: scenario against $base_url"
node dist/scenario.js "$base_url" "$spec"

section "generated clients: both scenarios passed"
