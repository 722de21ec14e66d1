#!/usr/bin/env bash
# `npm test`: everything CI checks, in order, stopping at the first failure.
#   build → type-check (tsconfig.json: the element, DOM; tsconfig.server.json: server and tools, no DOM) → unit (pure cores) → server (protocol, real ws clients) → browser (element in Chromium)
#   → e2e (two browsers on the demo page)
# The browser stages need Chrome or Chromium: CHROME_PATH, else the usual install paths (scripts/find-chromium.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
current=''
results=()   # "stage" or "stage N" (N: tests passed), in order
total=0
out=$(mktemp)

on_exit() {
  local code=$?
  rm -f "$out"
  local took=$((SECONDS - started))
  if [ "$code" -eq 0 ]; then
    printf '\n✔ npm test passed: %s — %d tests (%ds)\n' "$(IFS=,; echo "${results[*]}" | sed 's/,/, /g')" "$total" "$took"
  else
    printf '\n✘ npm test FAILED at stage "%s" (exit %d, %ds); passed before it: %s\n' \
      "$current" "$code" "$took" "$(IFS=,; echo "${results[*]:-none}" | sed 's/,/, /g')" >&2
  fi
}
trap on_exit EXIT
trap 'exit 143' TERM INT   # a stopped run is not a passed one

# How many tests a stage's output says passed: node:test's "# pass N", web-test-runner's "N passed, M failed".
passed_in() {
  { grep -aoE '^# pass [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+$' ||
    grep -aoE '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 | grep -oE '^[0-9]+' || true; } | head -n 1
}

stage() {
  current=$1
  shift
  local t0=$SECONDS
  printf '\n==== %s: %s ====\n' "$current" "$*"
  "$@" 2>&1 | tee "$out"
  local n
  n=$(passed_in)
  printf -- '---- %s ok (%ds)%s\n' "$current" "$((SECONDS - t0))" "${n:+, tests passed: $n}"
  results+=("$current${n:+ $n}")
  total=$((total + ${n:-0}))
}

stage build      npm run --silent build
stage typecheck  npm run --silent typecheck   # the element with the DOM's types; the server and tools without
stage unit       npm run --silent test:unit
stage server     npm run --silent test:server
stage browser    npm run --silent test:browser
stage e2e        npm run --silent test:e2e
