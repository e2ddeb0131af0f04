#!/usr/bin/env bash
# The test suite RUNS times in a row (default 5) while a busy loop holds
# one core, as on a CI machine with other work on it. Each run's output is
# kept in $TMPDIR/lmibench-stress-N.txt; the exit status is non-zero when
# any run failed.
set -u
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
taskset -c 1 yes > /dev/null &
busy=$!
trap 'kill $busy' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  out=${TMPDIR:-/tmp}/lmibench-stress-$i.txt
  if go test -race -count=1 ./... > "$out" 2>&1; then r=PASS; else r=FAIL; failed=1; fi
  echo "run $i: $r in $(( $(date +%s) - start ))s ($out)"
done
exit $failed
