#!/usr/bin/env bash
# Bytes moved per second by kiln's memory stressor (--no-files --no-cpu: every worker's core on
# memory) against a plain C loop (memloop.c) that writes an address- and pass-dependent pattern
# and reads it back, one thread per core, over the same bytes per thread. Both count each byte
# written once and each byte read once (kiln's copy pattern counts a copy twice, as the issue
# says). Rounds interleave the C loop and kiln on every JDK given, by default the machine's `java`
# (JDK 17: direct buffers) and the newest JDK 22+ under /usr/lib/jvm (a MemorySegment); each round
# starts one run later in that list. kiln's figure is its steady state, read from its /metrics
# (kiln_memory_bytes_total, needs curl) once every worker is moving bytes: from a third of the run
# to 1 s before its end, so that worker start and the buffers' first touch (which the C loop also
# leaves out of its clock) do not count. The JSON report's whole-run bytes_per_second is shown too.
# On a busy machine the rates follow the CPU share each run happens to get, so each run's bytes per
# CPU-second (user + system time of all its processes, start and first touch included: kiln's
# supervisor and worker JVMs, the loop's threads) are given too, with their ratio: what a byte
# costs, whatever else the machine was doing. kiln runs through its launcher with its class-data
# archives kept between runs (made by a first, uncounted run on each JDK), as an installed kiln does.
#
#   src/bench/memory-vs-loop.sh [BYTES_PER_CORE] [SECONDS] [ROUNDS] [JAVA…]   (after: mvn -B package on JDK 22+)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
per=${1:-512m}
secs=${2:-12}
rounds=${3:-3}
shift $(( $# > 3 ? 3 : $# )) || true
javas=("$@")
if [ ${#javas[@]} -eq 0 ]; then
  javas=(java)
  newest=$(ls -d /usr/lib/jvm/temurin-2[2-9]* /usr/lib/jvm/*-2[2-9]-* 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$newest" ] && javas+=("$newest/bin/java")
fi
cores=$(nproc)
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
[ "$secs" -ge 6 ] || { echo "give at least 6 seconds: kiln's steady state starts a third in" >&2; exit 2; }
bytes=$(numfmt --from=iec "${per^^}")
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
trap 'echo "memory-vs-loop.sh: failed at line $LINENO" >&2' ERR
gcc -O3 -march=native -pthread -o "$bin/memloop" "$here/memloop.c"

declare -A rate whole name percpu
TIMEFORMAT='%U %S' # bash's time: user and system seconds of the command and every process it waited for
cpus() { awk '{ print $1 + $2 }' "$1"; }
moved() { curl -s --max-time 5 "http://127.0.0.1:$1/metrics" | awk '/^kiln_memory_bytes_total / {print $2}'; }
name[loop]="C loop"
runloop() { # round $1
  { time "$bin/memloop" "$cores" "$bytes" "$secs" >"$bin/lout"; } 2>"$bin/lcpu"
  rate[loop,$1]=$(sed -E 's/.*bytes_per_second=([0-9]+).*/\1/' "$bin/lout")
  whole[loop,$1]=${rate[loop,$1]}
  percpu[loop,$1]=$(awk -v b="$(sed -E 's/^bytes=([0-9]+).*/\1/' "$bin/lout")" -v c="$(cpus "$bin/lcpu")" 'BEGIN { printf "%.0f", b / c }')
}
# kiln as installed: through its launcher (the supervisor's JVM options and class-data archive),
# in a directory that stays between runs and keeps the workers' class-data archive (the AOT cache
# on JDK 25), both made by a first run on each JDK that is not counted, as an installed kiln's are
kiln() {
  local java=$1; shift
  JAVA="$java" KILN_JAR="$jar" KILN_CACHE_DIR="$bin/cache" KILN_JAVA_OPTIONS="" sh "$here/../main/sh/kiln" "$@"
}
mkdir -p -m 700 "$bin/cache" "$bin/kiln"
for j in "${!javas[@]}"; do
  kiln "${javas[$j]}" run --no-files --no-cpu --memory 64m --duration 2s --dir "$bin/kiln" --metrics-port 0 >/dev/null 2>&1 \
    || { echo "kiln did not run on ${javas[$j]}" >&2; exit 1; }
done
runkiln() { # JDK index $1, round $2
  local j=$1 r=$2 kp port a b ta tb v
  { time kiln "${javas[$j]}" run --no-files --no-cpu --memory "$((bytes * cores))" --duration "${secs}s" --dir "$bin/kiln" \
    --metrics-port 0 --report "$bin/r.json" >"$bin/out" 2>"$bin/err"; } 2>"$bin/kcpu" &
  kp=$!
  port=""
  for _ in $(seq 2000); do
    port=$(sed -nE 's|.*metrics at http://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$bin/out" | head -1)
    [ -n "$port" ] && break
    sleep 0.01
  done
  [ -n "$port" ] || { cat "$bin/err"; exit 1; }
  sleep $((secs / 3)); a=$(moved "$port"); ta=$(date +%s%N)
  sleep $((secs - secs / 3 - 1)); b=$(moved "$port"); tb=$(date +%s%N)
  wait "$kp" || { cat "$bin/err"; exit 1; }
  rate[$j,$r]=$(awk -v a="$a" -v b="$b" -v t="$(( (tb - ta) / 1000000 ))" 'BEGIN { printf "%.0f", (b - a) * 1000 / t }')
  whole[$j,$r]=$(sed -nE 's/.*"bytes_per_second" : ([0-9.E]+).*/\1/p' "$bin/r.json" | tail -1)
  percpu[$j,$r]=$(awk -v c="$(cpus "$bin/kcpu")" -v b="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["memory"]["bytes"])' "$bin/r.json")" \
    'BEGIN { printf "%.0f", b / c }')
  v=$("${javas[$j]}" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
  name[$j]="kiln JDK $v"
}
gib() { awk -v b="$1" 'BEGIN { printf "%.2f GiB/s", b / 1073741824 }'; }
runs=(loop "${!javas[@]}")
for r in $(seq "$rounds"); do
  for i in "${!runs[@]}"; do
    x=${runs[$(( (i + r - 1) % ${#runs[@]} ))]}
    case $x in loop) runloop "$r" ;; *) runkiln "$x" "$r" ;; esac
  done
  line="round $r: C loop $(gib "${rate[loop,$r]}")"
  for j in "${!javas[@]}"; do
    line="$line, ${name[$j]} $(gib "${rate[$j,$r]}") = $(awk -v k="${rate[$j,$r]}" -v l="${rate[loop,$r]}" 'BEGIN { printf "%.2fx", k / l }')"
    line="$line (whole run $(gib "${whole[$j,$r]}"))"
  done
  line="$line; per CPU-second: C loop $(gib "${percpu[loop,$r]}" | sed 's|/s||')"
  for j in "${!javas[@]}"; do
    line="$line, ${name[$j]} $(gib "${percpu[$j,$r]}" | sed 's|/s||') = $(awk -v k="${percpu[$j,$r]}" -v l="${percpu[loop,$r]}" 'BEGIN { printf "%.2fx", k / l }')"
  done
  echo "$line"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR) print (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2}'; }
medof() { local -n t=${2:-rate}; median $(for r in $(seq "$rounds"); do echo "${t[$1,$r]}"; done); }
ml=$(medof loop)
echo "median over $rounds rounds, $cores threads/workers, $per each, ${secs}s each ($(uptime | sed -E 's/.*load average/load average/')):"
printf '  %-12s %s\n' "C loop" "$(gib "$ml")"
for j in "${!javas[@]}"; do
  q=$(for r in $(seq "$rounds"); do echo "${rate[$j,$r]} ${rate[loop,$r]}"; done | awk '$2 > 0 { print $1 / $2 }' | sort -n)
  printf '  %-12s %s = %.2fx the C loop (per round %s)\n' "${name[$j]}" "$(gib "$(medof "$j")")" \
    "$(awk -v k="$(medof "$j")" -v l="$ml" 'BEGIN { print k / l }')" "$(echo $q | LC_ALL=C xargs printf '%.2fx ')"
done
mc=$(medof loop percpu)
printf '  per CPU-second: C loop %s\n' "$(gib "$mc" | sed 's|/s||')"
for j in "${!javas[@]}"; do
  q=$(for r in $(seq "$rounds"); do echo "${percpu[$j,$r]} ${percpu[loop,$r]}"; done | awk '$2 > 0 { print $1 / $2 }' | sort -n)
  printf '  %-14s %s = %.2fx the C loop (per round %s)\n' "${name[$j]}" "$(gib "$(medof "$j" percpu)" | sed 's|/s||')" \
    "$(awk -v k="$(medof "$j" percpu)" -v l="$mc" 'BEGIN { print k / l }')" "$(echo $q | LC_ALL=C xargs printf '%.2fx ')"
done
