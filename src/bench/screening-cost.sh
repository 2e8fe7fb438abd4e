#!/usr/bin/env bash
# What screening costs the machine and a workload beside it.
#
#   [MAX_LOAD=50] src/bench/screening-cost.sh [PAIRS] [SECONDS] [IDLE_SECONDS]     (after: mvn -B package)
#
# 1. The duty: a daemon with screening on at the defaults (duty 1%, burst 2s, max-load MAX_LOAD:
#    on a machine busy with other work the default 50 holds every screen back) for IDLE_SECONDS
#    (default 300; 0 skips this part): the screens' CPU seconds
#    (kiln_screen_cpu_seconds_total) over the machine's CPU time, over the whole period and over the
#    period the first screen pays for (its start to the next screen's earliest start, from
#    /api/v1/status), and the supervisor's own CPU.
# 2. A workload beside it: a one-thread SHA-256 loop (python3, MB/s) for SECONDS (default 60) with a
#    daemon screening and with one not screening, interleaved PAIRS times (default 3). Each screening
#    window starts with no kept state, so a screen begins at once and falls inside it, and max-load is
#    100 so that the workload cannot hold it back: the worst case, not the steady state.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
pairs=${1:-3}
secs=${2:-60}
idle=${3:-300}
cores=$(nproc)
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export KILN_JAR=$jar KILN_JAVA_OPTIONS="-Dkiln.private-dir=$work/private"
port=$((20000 + RANDOM % 20000))

start() { # $1: extra config; a fresh directory each time
  local dir
  dir=$(mktemp -d "$work/d.XXXX")
  printf 'kiln.http.port = %s\nkiln.http.token-file = "%s/token"\nkiln.files.dir = "%s/data"\n%s\n' \
    "$port" "$dir" "$dir" "$1" > "$dir/kiln.conf"
  "$here/../main/sh/kiln" daemon --config "$dir/kiln.conf" > "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do curl -sf -m 1 "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "the daemon did not start: $(tail -5 "$dir/log")" >&2
  exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
field() { curl -s "http://127.0.0.1:$port/api/v1/status" | python3 -c "import json,sys; d=json.load(sys.stdin)['screening']; print(eval(sys.argv[1]))" "$1"; }
workload() { # MB/s of one thread hashing 1 MiB blocks for $secs seconds
  python3 - "$secs" <<'PY'
import hashlib, sys, time
block = bytes(1 << 20); n = 0; end = time.monotonic() + float(sys.argv[1]); t0 = time.monotonic()
while time.monotonic() < end:
    hashlib.sha256(block).digest(); n += 1
print(f"{n / (time.monotonic() - t0):.1f}")
PY
}

echo "machine: $cores cores; $(uptime)"
if [ "$idle" -gt 0 ]; then
echo "== 1. duty at the defaults (max-load ${MAX_LOAD:-50}), $idle s"
start "kiln.screen { enabled = true, max-load = ${MAX_LOAD:-50} }"
t0=$(date +%s.%N)
sleep "$idle"
t1=$(date +%s.%N)
screen_cpu=$(metric kiln_screen_cpu_seconds_total)
own_cpu=$(metric process_cpu_seconds_total)
screens=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 ~ /^kiln_screens_total/ { s += $2 } END { print s + 0 }')
first_start=$(field "d['last']['start'] if 'last' in d else ''")
next_at=$(field "d.get('next_at', '')")
python3 - "$t0" "$t1" "$screen_cpu" "$own_cpu" "$cores" "$screens" "$first_start" "$next_at" <<'PY'
import sys
from datetime import datetime
t0, t1, cpu, own, cores = (float(x) for x in sys.argv[1:6])
screens, first, nxt = sys.argv[6], sys.argv[7], sys.argv[8]
span = t1 - t0
print(f"screens: {screens}; screen CPU {cpu:.1f} s over {span:.0f} s x {cores:.0f} cores = {100 * cpu / span / cores:.2f}% of the machine")
print(f"supervisor CPU (sampler, metrics, HTTP; not screening's): {own:.1f} s = {100 * own / span / cores:.2f}% of the machine")
if first and nxt:
    p = lambda s: datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()
    paid = p(nxt) - p(first)
    print(f"the first screen's period (its start to the next one's earliest start): {paid:.0f} s: {100 * cpu / paid / cores:.2f}% of the machine")
PY
stop
fi

echo "== 2. a one-thread SHA-256 workload, $secs s windows, screening on (a screen starts at once, max-load 100) and off, interleaved"
on_all=(); off_all=()
measure_on() {
  start 'kiln.screen { enabled = true, max-load = 100 }'
  on=$(workload)
  screened=$(field "sum(1 for c in d['cores'] if c['last_screened']) + (1 if d['state'] == 'screening' else 0)")
  stop
}
measure_off() {
  start 'kiln.screen.enabled = false'
  off=$(workload)
  stop
}
for r in $(seq "$pairs"); do
  # the order alternates, so that a machine whose load drifts one way favours neither
  if [ $((r % 2)) = 1 ]; then measure_on; measure_off; else measure_off; measure_on; fi
  on_all+=("$on"); off_all+=("$off")
  python3 -c "import sys; on, off = map(float, sys.argv[1:3]); print(f'round {sys.argv[3]}: screening {on} MB/s ({sys.argv[4]} core screens in the window), not screening {off} MB/s: {on / off:.3f}x')" \
    "$on" "$off" "$r" "$screened"
done
python3 -c "
import statistics, sys
on = [float(x) for x in sys.argv[1].split()]; off = [float(x) for x in sys.argv[2].split()]
print(f'median: screening {statistics.median(on):.1f} MB/s, not screening {statistics.median(off):.1f} MB/s: {statistics.median(on) / statistics.median(off):.3f}x')
" "${on_all[*]}" "${off_all[*]}"
echo "after: $(uptime)"
