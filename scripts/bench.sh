#!/usr/bin/env bash
# Measures lmibench against vegeta v12.13.0 and bombardier in the same
# rounds, on loopback servers pinned to core 0, each generator pinned to
# core 1. The 64-user test runs against scripts/benchserver (the function's
# answer from fasthttp), which outruns every generator; the 2000-user test
# against `lmibench serve --local function` (net/http), because at 2000
# connections the fasthttp server adds some 5-10 ms to each 100 ms answer
# whoever the client is (bombardier's p50 106 ms; 101-102 ms here).
# Prints a Markdown table of medians of same-round ratios for BENCHMARKS.md.
#
#   scripts/bench.sh                       # RUNS=3, about 5 minutes
#   SECONDS_PER_TEST=10 RUNS=5 scripts/bench.sh
#
# A round runs the three tools one after the other on each test and takes
# their ratios; the table gives the median of each ratio over the rounds,
# because a shared machine drifts between rounds more than within one.
# Generator CPU is user + system time of the whole process (/usr/bin/time),
# lmibench writing every row to its CSV.
#
# Every load test here goes to 127.0.0.1 only and ends by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
T=${SECONDS_PER_TEST:-10}
RUNS=${RUNS:-3}
PORT=${PORT:-18089}
SLOW=$((PORT + 1))
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; rm -rf "$work"' EXIT

command -v vegeta >/dev/null || GOFLAGS= go install github.com/tsenart/vegeta/v12@v12.13.0
command -v bombardier >/dev/null || GOFLAGS= go install github.com/codesenberg/bombardier@latest
go build -o "$work/lmibench" .
go build -o "$work/benchserver" ./scripts/benchserver
taskset -c 0 "$work/benchserver" -addr "127.0.0.1:$PORT" &
servers+=($!)
taskset -c 0 "$work/lmibench" serve --local function --addr "127.0.0.1:$SLOW" 2>/dev/null &
servers+=($!)
for p in "$PORT" "$SLOW"; do
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$p/default/128/hello" >/dev/null && break; sleep 0.1; done
done

port() { if [ "$1" -gt 0 ]; then echo "$SLOW"; else echo "$PORT"; fi; } # by the endpoint's delay
url() { echo "http://127.0.0.1:$(port "$1")/default/128/hello?delay_ms=$1&hash_loops=0"; }
hold() { echo "[{\"duration\":\"1ms\",\"target\":$1},{\"duration\":\"${T}s\",\"target\":$1}]"; }
timed() { /usr/bin/time -f "%U %S %M" -o "$work/time" taskset -c 1 "$@"; }
cpu() { awk '{print $1 + $2}' "$work/time"; }
rss() { awk '{print $3}' "$work/time"; }

# Each tool prints "requests seconds cpu_s rss_kib" for N users against a
# DELAY ms endpoint.
lmi() { # N DELAY [flags]: closed model, no think time, every row to its CSV
  local n=$1 delay=$2; shift 2
  rm -rf "$work/out"
  timed "$work/lmibench" run --scenario fast-io --io-fast-delay-ms "$delay" --think 0 -q \
    --target "b=http://127.0.0.1:$(port "$delay")/default/128/hello" --workload-query --output-dir "$work/out" \
    --graceful-stop 5s --stages-json "$(hold "$n")" "$@" 2>/dev/null || true
  local rows span
  rows=$(tail -n +2 "$work"/out/*.csv | grep -vc "dropped:" || true)
  span=$(tail -n +2 "$work"/out/*.csv | awk -F, 'NR==1{a=$2} {b=$2} END{printf "%.6f", b-a}')
  echo "$rows $span $(cpu) $(rss)"
}
veg() { # N DELAY
  echo "GET $(url "$2")" | timed vegeta attack -duration "${T}s" -rate=0 -max-workers="$1" >"$work/veg.bin"
  vegeta report -type=json "$work/veg.bin" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["requests"], r["duration"]/1e9, end=" ")'
  echo "$(cpu) $(rss)"
}
bomb() { # N DELAY
  timed bombardier -c "$1" -d "${T}s" --fasthttp -p r -o json "$(url "$2")" >"$work/bomb.json" 2>/dev/null
  python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["result"]
print(sum(r[k] for k in ("req1xx","req2xx","req3xx","req4xx","req5xx","others")), r["timeTakenSeconds"], end=" ")' "$work/bomb.json"
  echo "$(cpu) $(rss)"
}

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
f() { python3 -c "print(f'{$1:$2}')"; }

# 1. 64 users, no think time, an endpoint that answers at once.
rps_veg=(); cpu_bomb=(); rps_bomb=(); l_rps=(); v_rps=(); b_rps=(); l_cpu=(); b_cpu=()
for _ in $(seq "$RUNS"); do
  read -r lr ls lc _ < <(lmi 64 0)
  read -r vr vs _ _ < <(veg 64 0)
  read -r br bs bc _ < <(bomb 64 0)
  l_rps+=("$(f "$lr/$ls" .0f)"); v_rps+=("$(f "$vr/$vs" .0f)"); b_rps+=("$(f "$br/$bs" .0f)")
  l_cpu+=("$(f "$lr/$lc" .0f)"); b_cpu+=("$(f "$br/$bc" .0f)")
  rps_veg+=("$(f "($lr/$ls)/($vr/$vs)" .3f)")
  rps_bomb+=("$(f "($lr/$ls)/($br/$bs)" .3f)")
  cpu_bomb+=("$(f "($lr/$lc)/($br/$bc)" .3f)")
done

# 2. 2000 users against a 100 ms endpoint: memory, and requests sent.
rss_veg=(); req_veg=(); rss_bomb=(); l_rss=(); v_rss=(); b_rss=(); l_req=(); v_req=()
for _ in $(seq "$RUNS"); do
  read -r lr _ _ lm < <(lmi 2000 100)
  read -r vr _ _ vm < <(veg 2000 100)
  read -r _ _ _ bm < <(bomb 2000 100)
  l_rss+=("$lm"); v_rss+=("$vm"); b_rss+=("$bm"); l_req+=("$lr"); v_req+=("$vr")
  rss_veg+=("$(f "$lm/$vm" .3f)"); req_veg+=("$(f "$lr/$vr" .3f)"); rss_bomb+=("$(f "$lm/$bm" .3f)")
done

m() { median "$@"; }
echo "Rounds: $RUNS of ${T} s per tool and test. Each ratio is lmibench's over the peer's in one round; the table gives their medians, and the tools' own medians."
echo
echo "| test | lmibench | vegeta v12.13.0 | bombardier | median ratio, per round | target |"
echo "|---|---|---|---|---|---|"
echo "| 64 users, no think: req/s | $(f "$(m "${l_rps[@]}")" .0f) | $(f "$(m "${v_rps[@]}")" .0f) | $(f "$(m "${b_rps[@]}")" .0f) | $(f "$(m "${rps_veg[@]}")" .2f)x vegeta, $(f "$(m "${rps_bomb[@]}")" .2f)x bombardier (rounds: ${rps_veg[*]} / ${rps_bomb[*]}) | >= 1.8x vegeta |"
echo "| 64 users: requests per generator CPU second | $(f "$(m "${l_cpu[@]}")" .0f) | - | $(f "$(m "${b_cpu[@]}")" .0f) | $(f "$(m "${cpu_bomb[@]}")" .2f)x bombardier (rounds: ${cpu_bomb[*]}) | >= 0.95x bombardier |"
echo "| 2000 users × 100 ms: peak RSS MiB | $(f "$(m "${l_rss[@]}")/1024" .1f) | $(f "$(m "${v_rss[@]}")/1024" .1f) | $(f "$(m "${b_rss[@]}")/1024" .1f) | $(f "$(m "${rss_veg[@]}")" .2f)x vegeta, $(f "$(m "${rss_bomb[@]}")" .2f)x bombardier (rounds: ${rss_veg[*]}) | <= 0.5x vegeta |"
echo "| 2000 users × 100 ms: requests sent | $(f "$(m "${l_req[@]}")" .0f) | $(f "$(m "${v_req[@]}")" .0f) | - | $(f "$(m "${req_veg[@]}")" .2f)x vegeta (rounds: ${req_veg[*]}) | >= 1.0x vegeta |"

# 3. Open model at 5000 req/s: requests sent against the schedule.
rm -rf "$work/out"
taskset -c 1 "$work/lmibench" run --scenario fast-io --io-fast-delay-ms 0 -q --load-model rate \
  --target "b=http://127.0.0.1:$PORT/default/128/hello" --workload-query --output-dir "$work/out" \
  --stages-json "$(hold 5000)" 2>/dev/null || true
sent=$(tail -n +2 "$work"/out/*.csv | grep -vc "dropped:" || true)
want=$(python3 -c "print(int(5000*$T + 5000*0.001/2))")
echo "| open model, 5000 req/s: sent vs the schedule's $want | $sent ($(f "abs($sent-$want)/$want*100" .2f)% off) | - | - | - | < 1% off |"

# 4. CSV encoding alone (no network).
go test ./attack -run '^$' -bench BenchmarkCSVWriter -benchtime 2000000x |
  awk '/rows\/s/ {for(i=1;i<=NF;i++) if($(i+1)=="rows/s") printf "| CSV encoding: rows/s | %.0f | - | - | - | >= 500000 |\n", $i}'
