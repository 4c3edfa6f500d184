#!/usr/bin/env bash
# Fetches the pages' JavaScript libraries from the npm registry (`npm pack`, no install, no
# build), copies the ES modules each page loads and their licences into static/vendor/, and
# records versions and sha256 sums in static/vendor/manifest.json, which a test checks the
# files against. Run it to change a version; the files are committed, so nothing is fetched
# at build or run time.
set -euo pipefail
cd "$(dirname "$0")/.."

# package@version  file-in-package  ->  name under static/vendor/<package>-<version>/
FILES=(
  "preact@11.2.0 dist/preact.mjs preact.mjs"
  "preact@11.2.0 hooks/dist/hooks.mjs hooks.mjs"
  "preact@11.2.0 LICENSE LICENSE"
  "htm@3.1.1 dist/htm.mjs htm.mjs"
  "htm@3.1.1 LICENSE LICENSE"
  "@preact/signals@2.11.4 dist/signals.mjs signals.mjs"
  "@preact/signals@2.11.4 LICENSE LICENSE"
  "@preact/signals-core@1.14.5 dist/signals-core.mjs signals-core.mjs"
  "@preact/signals-core@1.14.5 LICENSE LICENSE"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf static/vendor
mkdir -p static/vendor
declare -A unpacked
for line in "${FILES[@]}"; do
  read -r spec src dst <<<"$line"
  if [[ -z "${unpacked[$spec]:-}" ]]; then
    dir="$work/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
    unpacked[$spec]="$dir/package"
  fi
  name="${spec#@}"; name="${name//\//-}"; name="${name/@/-}"
  mkdir -p "static/vendor/$name"
  cp "${unpacked[$spec]}/$src" "static/vendor/$name/$dst"
done

# The manifest: every file with its sha256, and the versions.
{
  echo '{'
  echo '  "packages": {'
  printf '%s\n' "${FILES[@]}" | awk '{print $1}' | sort -u | sed -E 's/^(.+)@([^@]+)$/    "\1": "\2",/' | sed '$ s/,$//'
  echo '  },'
  echo '  "files": {'
  (cd static/vendor && find . -type f ! -name manifest.json | sort | while read -r f; do
    printf '    "%s": "%s",\n' "${f#./}" "$(sha256sum "$f" | cut -d' ' -f1)"
  done) | sed '$ s/,$//'
  echo '  }'
  echo '}'
} > static/vendor/manifest.json
echo "vendored into static/vendor:"
cat static/vendor/manifest.json
