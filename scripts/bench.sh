#!/usr/bin/env bash
# Measures lmibench against the vegeta CLI (v12.13.0) in one run, on the
# same loopback server, with the server pinned to core 0 and the load
# generator to core 1. Prints a Markdown table of ratios for BENCHMARKS.md.
#
#   scripts/bench.sh            # about 4 minutes
#   SECONDS_PER_TEST=20 RUNS=5 scripts/bench.sh
#
# Throughput and memory alternate the two tools RUNS times and compare
# medians, because one run on a shared machine is noise.
#
# Every load test here goes to 127.0.0.1 only and ends by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
T=${SECONDS_PER_TEST:-10}
RUNS=${RUNS:-3}
PORT=${PORT:-18089}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

command -v vegeta >/dev/null || GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0
go build -o "$work/lmibench" .
taskset -c 0 "$work/lmibench" serve --local function --addr "127.0.0.1:$PORT" 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/default/128/hello" >/dev/null && break; sleep 0.1; done

url() { echo "http://127.0.0.1:$PORT/default/128/hello?delay_ms=$1&hash_loops=0"; }
# hold N: a 1ms ramp to N, then N for T seconds.
hold() { echo "[{\"duration\":\"1ms\",\"target\":$1},{\"duration\":\"${T}s\",\"target\":$1}]"; }
lmi() { # lmibench run against the bench target, on core 1, with max RSS in KiB on fd 3
  local delay=$1; shift
  rm -rf "$work/out"
  /usr/bin/time -f %M -o "$work/rss" taskset -c 1 "$work/lmibench" run --scenario fast-io --io-fast-delay-ms "$delay" \
    --target "b=http://127.0.0.1:$PORT/default/128/hello" --workload-query --output-dir "$work/out" --graceful-stop 5s "$@" 2>/dev/null || true
}
veg() { # vegeta attack on core 1, results kept as vegeta keeps them
  local delay=$1; shift
  echo "GET $(url "$delay")" | /usr/bin/time -f %M -o "$work/rss" taskset -c 1 vegeta attack -duration "${T}s" "$@" >"$work/veg.bin"
}
rows() { tail -n +2 "$work"/out/*.csv | grep -vc "dropped:" || true; }
span() { # seconds between the first and last send of the CSV
  tail -n +2 "$work"/out/*.csv | awk -F, 'NR==1{a=$2} {b=$2} END{printf "%.6f", b-a}'
}
vegrps() { vegeta report -type=json "$work/veg.bin" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["requests"]/ (r["duration"]/1e9))'; }

echo "| test | lmibench | vegeta v12.13.0 | ratio | target |"
echo "|---|---|---|---|---|"

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

# 1. Closed model, 64 VUs, no think time, an endpoint that answers at once.
ls=(); vs=()
for _ in $(seq "$RUNS"); do
  lmi 0 --stages-json "$(hold 64)" --think 0
  ls+=("$(python3 -c "print($(rows)/$(span))")")
  veg 0 -rate=0 -max-workers=64
  vs+=("$(vegrps)")
done
l=$(median "${ls[@]}"); v=$(median "${vs[@]}")
python3 -c "l,v=$l,$v; print(f'| closed model, 64 VUs, no think: req/s (median of $RUNS) | {l:.0f} | {v:.0f} | {l/v:.2f}x | >= 0.9x |')"

# 2. Memory at 2000 VUs against a 100 ms endpoint.
ls=(); vs=()
for _ in $(seq "$RUNS"); do
  lmi 100 --stages-json "$(hold 2000)" --think 0
  ls+=("$(cat "$work/rss")")
  veg 100 -rate=0 -max-workers=2000
  vs+=("$(cat "$work/rss")")
done
l=$(median "${ls[@]}"); v=$(median "${vs[@]}")
python3 -c "l,v=$l,$v; print(f'| 2000 VUs × 100 ms: peak RSS MiB (median of $RUNS) | {l/1024:.0f} | {v/1024:.0f} | {l/v:.2f}x | <= 1.0x |')"

# 3. Open model at 5000 req/s: requests sent against the schedule.
lmi 0 --load-model rate --stages-json "$(hold 5000)"
sent=$(rows)
want=$(python3 -c "print(int(5000*$T + 5000*0.001/2))")
veg 0 -rate=5000/s
v=$(vegrps)
python3 -c "s,w,v=$sent,$want,$v; print(f'| open model, 5000 req/s: sent vs schedule ({w}) | {s} ({abs(s-w)/w*100:.2f}% off) | {v:.0f} req/s ({abs(v-5000)/50:.2f}% off) | - | < 1% |')"

# 4. CSV encoding (no network).
go test ./attack -run '^$' -bench BenchmarkCSVWriter -benchtime 2000000x | awk '/rows\/s/ {for(i=1;i<=NF;i++) if($(i+1)=="rows/s") printf "| CSV encoding: rows/s | %.0f | - | - | >= 500000 |\n", $i}'
