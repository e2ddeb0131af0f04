#!/usr/bin/env bash
# Measures `lmibench report` on a large CSV: rows per second and peak
# memory, and the size of the page it writes.
#
#   scripts/bench-report.sh            # 2,000,000 rows
#   ROWS=500000 scripts/bench-report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
ROWS=${ROWS:-2000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/lmibench" .

gen() { # gen ROWS FILE
# A 12-minute high-cpu run of three endpoints: ramp 0→64, hold, ramp 64→128;
# log-normal-ish latencies, a few 5xx, 429s and refused connections.
awk -v n="$1" 'BEGIN {
  srand(1);
  print "timestamp,elapsed_s,scenario,endpoint,stage,target,status,latency_ms,bytes_in,bytes_out,error,env_id,cold_start,inflight,handler_ms";
  split("128 2048 lmi", ep, " ");
  for (i = 0; i < n; i++) {
    t = 720.0 * i / n; s = (t < 180) ? 0 : (t < 540) ? 1 : 2;
    tg = (s == 0) ? int(t / 180 * 64) : (s == 1) ? 64 : 64 + int((t - 540) / 180 * 64);
    e = ep[i % 3 + 1]; lat = exp(log(40) + 0.6 * (rand() + rand() + rand() - 1.5) * 2);
    st = 200; err = ""; env = sprintf("%s-%02d", e, int(rand() * 40)); cold = "false"; inf = 1 + int(rand() * 60); h = lat - 1;
    r = rand();
    if (r < 0.004) { st = 503; env = "" } else if (r < 0.006) { st = 429; env = "" }
    else if (r < 0.007) { st = 0; err = "Get \"\"http://127.0.0.1:1/x\"\": dial tcp 127.0.0.1:1: connect: connection refused"; env = "" }
    sec = int(t); ns = int((t - sec) * 1e9);
    printf "2026-11-23T12:%02d:%02d.%09dZ,%.6f,high-cpu,%s,%d,%d,%d,%.3f,%d,0,", sec / 60, sec % 60, ns, t, e, s, tg, st, lat, (st == 200) ? 240 : 20;
    if (err != "") printf "\"%s\"", err;
    if (env != "") printf ",%s,%s,%d,%.3f\n", env, cold, inf, h; else printf ",,,,\n";
  }
}' > "$2"
}

measure() { # measure ROWS: prints "rows secs rss_kib html_bytes csv_mib"
  gen "$1" "$work/high-cpu.csv"
  /usr/bin/time -f "%e %M" -o "$work/time" "$work/lmibench" report "$work/high-cpu.csv" -o "$work/page.html" 2>"$work/err" \
    || { cat "$work/err"; exit 1; }
  if grep -q warning "$work/err"; then cat "$work/err"; exit 1; fi
  echo "$1 $(cat "$work/time") $(stat -c %s "$work/page.html") $(du -m "$work/high-cpu.csv" | cut -f1)"
}
small=$(measure $((ROWS / 10)))
big=$(measure "$ROWS")
python3 - $small $big <<'PY'
import sys
a = sys.argv[1:]
rows0, secs0, rss0, html0, csv0 = int(a[0]), float(a[1]), int(a[2]), int(a[3]), a[4]
rows, secs, rss, html, csv = int(a[5]), float(a[6]), int(a[7]), int(a[8]), a[9]
print("| measure | value | target |")
print("|---|---|---|")
print(f"| CSV | {rows:,} rows, {csv} MiB | |")
print(f"| report: rows/s | {rows / secs:,.0f} ({secs:.1f} s) | |")
print(f"| report: peak RSS | {rss / 1024:.0f} MiB ({rows0:,} rows: {rss0 / 1024:.0f} MiB) | bounded, not by rows |")
print(f"| HTML page | {html / 1048576:.2f} MiB ({rows0:,} rows: {html0 / 1048576:.2f} MiB) | < 5 MiB |")
PY
