#!/usr/bin/env bash
# `npm test`: everything CI checks, in order, stopping at the first failure.
#   build → type-check → unit (pure cores) → server (protocol, real ws clients) → browser (element in Chromium)
#   → e2e (two browsers on the demo page)
# The browser stages need Chrome or Chromium: CHROME_PATH, else the usual install paths (scripts/find-chromium.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
current=''
done_stages=()

on_exit() {
  local code=$?
  local took=$((SECONDS - started))
  if [ "$code" -eq 0 ]; then
    printf '\n✔ npm test passed: %s (%ds)\n' "${done_stages[*]}" "$took"
  else
    printf '\n✘ npm test FAILED at stage "%s" (exit %d, %ds); passed before it: %s\n' \
      "$current" "$code" "$took" "${done_stages[*]:-none}" >&2
  fi
}
trap on_exit EXIT

stage() {
  current=$1
  shift
  local t0=$SECONDS
  printf '\n==== %s: %s ====\n' "$current" "$*"
  "$@"
  printf -- '---- %s ok (%ds)\n' "$current" "$((SECONDS - t0))"
  done_stages+=("$current")
}

stage build      npm run --silent build
stage typecheck  npx tsc --noEmit -p tsconfig.json
stage unit       npm run --silent test:unit
stage server     npm run --silent test:server
stage browser    npm run --silent test:browser
stage e2e        npm run --silent test:e2e
