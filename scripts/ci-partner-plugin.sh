#!/usr/bin/env bash
# The partner path end to end, as a partner outside this repo lives it:
#   1. build the SDK (@monozu/licensing, @monozu/kernel, @monozu/ui-sdk) to JS + .d.ts and npm pack it;
#   2. copy examples/partner-plugin to a temporary folder outside the workspace and install the
#      packed tarballs there (real installs, not workspace links; the registry only for the SDK's
#      own dependencies, from npm's cache when it has them);
#   3. build the example (tsc) and run its tests (node:test + @monozu/kernel/testing);
#   4. sign dist/ with a fresh key (monozu plugin keygen/sign), start this repo's platform with
#      PLUGINS_DIRS=<the example's dist> and PLUGINS_TRUSTED_KEYS=<that key>, and call the
#      plugin's routes as the demo tenant's admin.
# Prints one line "partner-plugin: N passed, N failed" (each step and each test of the example is
# counted) and exits non-zero if anything failed. Usage: scripts/ci-partner-plugin.sh [--keep]
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
# Node 24 (the repo's pinned runtime) for tsc, the tests and the platform.
export PATH="$repo/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/monozu-partner-XXXXXX")
passed=0 failed=0 platform_pid=
log="$work/ci.log"

cleanup() {
  if [[ -n $platform_pid ]]; then kill "$platform_pid" 2>/dev/null; wait "$platform_pid" 2>/dev/null; fi
  if [[ ${1:-} != --keep ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap 'cleanup "${keep:-}"' EXIT
[[ ${1:-} == --keep ]] && keep=--keep

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1 (log: $log)"; }
step() { local name=$1; shift; if "$@" >>"$log" 2>&1; then ok "$name"; else bad "$name"; tail -n 30 "$log"; return 1; fi; }
finish() { echo "partner-plugin: $passed passed, $failed failed"; (( failed == 0 )); exit $?; }

echo "=== partner plugin (work dir $work)"
step "build and pack the SDK" node "$repo/scripts/build-sdk.ts" --pack "$work/sdk" || finish
kernel_tgz=$(ls "$work"/sdk/monozu-kernel-*.tgz) licensing_tgz=$(ls "$work"/sdk/monozu-licensing-*.tgz) ui_tgz=$(ls "$work"/sdk/monozu-ui-sdk-*.tgz)

# Each package is JavaScript with types, not the repo's TypeScript sources.
packed() { local list; list=$(tar -tzf "$1") || return 1; shift; for f in "$@"; do grep -qx "package/$f" <<<"$list" || { echo "missing $f"; return 1; }; done; }
step "kernel tarball: face, test kit and CLI as .js + .d.ts" packed "$kernel_tgz" src/index.js src/index.d.ts src/testing/index.js src/testing/index.d.ts src/host.js src/cli.js plugin.schema.json CHANGELOG.md
step "ui-sdk tarball: .js + .d.ts, styles and the Vite preset" packed "$ui_tgz" src/index.js src/index.d.ts src/components.js src/components.d.ts src/styles.css vite.js vite.d.ts
step "licensing tarball: .js + .d.ts" packed "$licensing_tgz" src/index.js src/index.d.ts

# A copy outside the workspace: nothing above it resolves to this repo's node_modules.
mkdir -p "$work/partner"
(cd "$repo/examples/partner-plugin" && tar --exclude=node_modules --exclude=dist -cf - .) | (cd "$work/partner" && tar -xf -)
cd "$work/partner" || finish
step "npm install the packed SDK into the partner repo" npm install --prefer-offline --no-audit --no-fund --ignore-scripts "$licensing_tgz" "$kernel_tgz" || finish
installed() { [[ ! -L node_modules/@monozu/kernel && -f node_modules/@monozu/kernel/src/index.js && -f node_modules/@monozu/kernel/src/index.d.ts ]] && grep -q '"@monozu/kernel": "file:' package.json; }
step "the kernel is an installed tarball, not a workspace link" installed
step "npm run build (tsc against the packed .d.ts)" npm run build || finish
step "dist/ is a plugin folder" test -f dist/plugin.json -a -f dist/src/index.js -a -f dist/migrations/001-items.js

# The example's own tests: node:test prints TAP with "# pass N" and "# fail N".
tests_log="$work/tests.tap"
env -u DATABASE_URL -u REDIS_URL npm test >"$tests_log" 2>&1
tests_rc=$?
t_pass=$(grep -oE '^# pass [0-9]+' "$tests_log" | grep -oE '[0-9]+$' || echo 0)
t_fail=$(grep -oE '^# fail [0-9]+' "$tests_log" | grep -oE '[0-9]+$' || echo 0)
if (( tests_rc != 0 && t_fail == 0 )); then t_fail=1; fi
passed=$((passed + t_pass)) failed=$((failed + t_fail))
echo "$( ((t_fail == 0)) && echo 'ok  ' || echo FAIL) the example's tests: $t_pass passed, $t_fail failed"
(( t_fail == 0 )) || tail -n 40 "$tests_log"

# Signed as a partner ships it (monozu plugin keygen/sign), trusted by the operator's
# PLUGINS_TRUSTED_KEYS: on PGlite the platform refuses unsigned third-party plugins.
key="$work/partner-signing.pem"
trusted=
signed() {
  trusted=$(node "$repo/kernel/src/cli.ts" plugin keygen --out "$key" | grep -oE 'ed25519:[A-Za-z0-9_-]{43}' | head -n 1)
  [[ -n $trusted ]] && node "$repo/kernel/src/cli.ts" plugin sign "$work/partner/dist" --key "$key"
}
step "monozu plugin sign dist/ with a fresh partner key" signed

# The platform (this repo) loads the built plugin through PLUGINS_DIRS, on its embedded database.
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
password="partner-ci-$RANDOM$RANDOM"
base="http://127.0.0.1:$port"
env -u DATABASE_URL -u REDIS_URL -u PLUGINS_ALLOW_UNSIGNED PLUGINS_DIRS="$work/partner/dist" PLUGINS_TRUSTED_KEYS="$trusted" \
  DATA_DIR="$work/data" MONOZU_DEMO_PASSWORD="$password" LOG_LEVEL=warn node "$repo/kernel/src/cli.ts" start --port "$port" >"$work/platform.log" 2>&1 &
platform_pid=$!
ready() { for _ in $(seq 1 600); do curl -fsS "$base/api/v1/health" >/dev/null 2>&1 && return 0; kill -0 "$platform_pid" 2>/dev/null || return 1; sleep 1; done; return 1; }
if step "the platform starts with PLUGINS_DIRS=<example>/dist" ready; then
  token=$(curl -fsS -H 'content-type: application/json' -d "{\"email\":\"admin@acme.example\",\"password\":\"$password\"}" "$base/api/v1/auth/login" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).accessToken??""))')
  created() { curl -fsS -o /dev/null -w '%{http_code}' -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"title":"from CI"}' "$base/api/v1/partner-notes/items" | grep -qx 201; }
  listed() { curl -fsS -H "authorization: Bearer $token" "$base/api/v1/partner-notes/items" | grep -q '"title":"from CI"'; }
  step "POST /api/v1/partner-notes/items answers 201" created
  step "GET /api/v1/partner-notes/items lists it" listed
else
  tail -n 40 "$work/platform.log"
fi
finish
