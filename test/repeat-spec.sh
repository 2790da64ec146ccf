#!/usr/bin/env bash
# Runs one spec file again and again (default 20 times) and stops at the first failure, for
# timing-dependent specs: `test/repeat-spec.sh delivery-randomized 20`. Build first (`npm run build`).
# Each run of the randomized delivery spec gets a fresh seed, printed, so a failure can be replayed
# with TXMSG_DELIVERY_SEED.
set -uo pipefail
cd "$(dirname "$0")/.."
spec="${1:?usage: test/repeat-spec.sh <spec path or pattern> [runs]}"
runs="${2:-20}"
for run in $(seq 1 "$runs"); do
  seed=$(( (RANDOM << 15) | RANDOM ))
  started=$(date +%s)
  if TXMSG_DELIVERY_SEED="$seed" npx jest "$spec" > "/tmp/repeat-spec-$run.log" 2>&1; then
    echo "run $run/$runs: passed (seed $seed, $(( $(date +%s) - started )) s)"
  else
    echo "run $run/$runs: FAILED (seed $seed); output in /tmp/repeat-spec-$run.log"
    exit 1
  fi
done
echo "all $runs runs passed"
