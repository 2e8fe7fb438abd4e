#!/usr/bin/env bash
# Files/s of kiln (--no-cpu, no churn) against a plain C loop of open/write/close with one
# thread per core, on the same file system, interleaved so all meet the same state (ext4
# slows creates for minutes after a bulk delete; each run ends with one). A second C loop makes
# exactly kiln's system calls (openat/unlinkat relative to the shard it holds open, no path walk):
# the first is the yardstick a plain program sets, the second the ceiling of kiln's design here,
# so the two ratios split kiln's figure into what its way of naming files gains and what its JVM
# and bookkeeping cost. Each round runs both loops and kiln on every JDK given, by default the
# machine's `java` (JDK 17: the NIO path) and the newest JDK 22+ under /usr/lib/jvm (the native
# FFM path); each round starts one run later in that list, so every run follows every other's
# bulk delete as often (the run right after one is slower: on tmpfs here by up to a tenth). Use a
# fresh tmpfs (/dev/shm/…) to compare CPU cost alone. Besides the whole run, the steady state of
# each: files created between 3 s after the start (kiln's start line) and 1 s before the end,
# kiln's read from its /metrics (needs curl). All are measured over the same seconds: a file
# system slows as it fills, so a loop's whole run against kiln's later seconds would not compare
# like with like.
# kiln runs as installed: through its launcher (src/main/sh/kiln: the supervisor's JVM options, C1
# only, and its class-data archive; `java -jar` spent 1.2 s of CPU in the supervisor while the
# storm had begun, the launcher 0.45 s), in a directory that stays between rounds, as an installed
# kiln's does (/var/lib/kiln). A short first run on each JDK, not counted, makes the workers'
# class-data archive (the AOT cache on JDK 25) and the supervisor's that every later run starts
# from. FRESH=1 gives every run a new directory and no supervisor archive instead (each run is a
# first start). KEEP=N compares kiln's steady churn instead: kiln with
# --max-files N, the C loop keeping N files per thread too (each create then also deletes the
# oldest file), so memory stays bounded and runs can be long enough to make the JIT's start small.
# Each run's CPU time (its processes and theirs, start-up and clean-up included) is given per file
# created, split into user and kernel time: what a file costs, whatever else the machine was doing.
#
#   src/bench/files-vs-loop.sh [DIR] [SECONDS] [ROUNDS] [JAVA…]      (after: mvn -B package on JDK 22+)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
dir=${1:-/dev/shm/kiln-bench}
secs=${2:-10}
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
[ -e "$dir" ] && { echo "$dir exists: give a new path" >&2; exit 2; }
bin=$(mktemp -d)
trap 'rm -rf "$bin" "$dir"' EXIT
mkdir -p "$dir"
gcc -O2 -pthread -o "$bin/plainloop" "$here/plainloop.c"

kilndir() { if [ "${FRESH:-0}" = 1 ]; then rm -rf "$dir/kiln"; else mkdir -p "$dir/kiln"; fi; }
# kiln as installed: through its launcher (the supervisor's JVM options and class-data archive),
# on JDK $1; the archive is kept under the bench's directory, and FRESH=1 runs without one
kiln() {
  local java=$1; shift
  local cache
  if [ "${FRESH:-0}" = 1 ]; then cache=""; else cache="$dir/cache"; mkdir -p -m 700 "$cache"; fi
  JAVA="$java" KILN_JAR="$jar" KILN_CACHE_DIR="$cache" KILN_JAVA_OPTIONS="" sh "$here/../main/sh/kiln" "$@"
}
if [ "${FRESH:-0}" != 1 ]; then
  mkdir -p "$dir/kiln"
  for j in "${!javas[@]}"; do
    kiln "${javas[$j]}" run --no-cpu --duration 2s --dir "$dir/kiln" --metrics-port 0 --min-free 1g >/dev/null 2>&1 \
      || { echo "kiln did not run on ${javas[$j]}" >&2; exit 1; }
  done
  echo "kiln runs through its launcher in $dir/kiln, which keeps the workers' class-data archive, and the supervisor's is in $dir/cache (both made by a first run on each JDK, not counted)"
fi

declare -A rate steady cpu said name
TIMEFORMAT='%U %S' # bash's time: user and system seconds of the command and every process it waited for
# µs of CPU per file, "total (user + system)", from a `time` line and the files created
perfile() { awk -v f="$2" '{ printf "%.2f (%.2f + %.2f)", ($1 + $2) * 1e6 / f, $1 * 1e6 / f, $2 * 1e6 / f }' "$1"; }
created() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^kiln_files_created_total[{]/ {s += $2} END {printf "%.0f", s}'; }
name[loop]="C loop"
name[at]="C loop, kiln's calls"
runloop() { # naming $1 (loop: by path, at: relative to the shard held open), round $2
  local x=$1 r=$2 l
  { time "$bin/plainloop" "$dir/loop" "$cores" "$secs" 1024 "${KEEP:-0}" "${x/loop/path}" >"$bin/lout"; } 2>"$bin/lcpu"
  l=$(sed -E 's/.*files_per_second=//' "$bin/lout")
  rm -rf "$dir/loop"
  rate[$x,$r]=$l
  steady[$x,$r]=$(sed -E 's/.*steady_per_second=([0-9]+).*/\1/' "$bin/lout")
  cpu[$x,$r]=$(perfile "$bin/lcpu" "$(sed -E 's/.*files=([0-9]+).*/\1/' "$bin/lout")")
  said[$x,$r]="${name[$x]} ${l} files/s (steady ${steady[$x,$r]/#0/?}; ${cpu[$x,$r]} µs CPU/file)"
}
runkiln() { # JDK index $1, round $2
  local j=$1 r=$2 kp port s a b ta tb k io v
  kilndir
  { time kiln "${javas[$j]}" run --no-cpu --duration "${secs}s" --dir "$dir/kiln" --max-files "${KEEP:-4000000}" \
       --min-free 1g --metrics-port 0 --report "$bin/r.json" >"$bin/out" 2>"$bin/err"; } 2>"$bin/kcpu" &
  kp=$!
  # steady state: files created between 3 s after the start line and 1 s before the end, from
  # /metrics (the stats frames come 4 a second, so each end is within 250 ms)
  port=""
  for _ in $(seq 1000); do
    port=$(sed -nE 's|.*metrics at http://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$bin/out" | head -1)
    [ -n "$port" ] && break
    sleep 0.01
  done
  s=""
  if [ -n "$port" ] && [ "$secs" -ge 6 ]; then
    sleep 3; a=$(created "$port"); ta=$(date +%s%N)
    sleep $((secs - 4)); b=$(created "$port"); tb=$(date +%s%N)
    s=$(awk -v a="$a" -v b="$b" -v t="$(( (tb - ta) / 1000000 ))" 'BEGIN { printf "%.0f", (b - a) * 1000 / t }')
  fi
  wait "$kp" || { cat "$bin/err"; exit 1; }
  k=$(sed -nE 's/.*"per_second" : ([0-9.]+).*/\1/p' "$bin/r.json" | head -1)
  io=$(sed -nE 's/.*"io" : "([a-z]+)".*/\1/p' "$bin/r.json" | head -1)
  v=$("${javas[$j]}" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
  rate[$j,$r]=$k
  steady[$j,$r]=${s:-0}
  cpu[$j,$r]=$(perfile "$bin/kcpu" "$(sed -nE 's/.*"created" : ([0-9]+).*/\1/p' "$bin/r.json" | head -1)")
  name[$j]="kiln JDK $v ($io)"
  said[$j,$r]="${name[$j]} ${k} files/s (steady ${s:-?}; ${cpu[$j,$r]} µs CPU/file)"
}
runs=(loop at "${!javas[@]}")
for r in $(seq "$rounds"); do
  for i in "${!runs[@]}"; do
    x=${runs[$(( (i + r - 1) % ${#runs[@]} ))]}
    case $x in loop | at) runloop "$x" "$r" ;; *) runkiln "$x" "$r" ;; esac
  done
  first=${runs[$(( (r - 1) % ${#runs[@]} ))]}
  line="round $r (${name[$first]} first): ${said[loop,$r]}, ${said[at,$r]}"
  for j in "${!javas[@]}"; do line="$line, ${said[$j,$r]}"; done
  echo "$line"
done
# the median: with an even count, the mean of the two middle values
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR) print (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2}'; }
# the median over the rounds of table $1 for $2 (loop or a JDK's index), of each entry's first word
medof() { local -n t=$1; median $(for r in $(seq "$rounds"); do echo "${t[$2,$r]%% *}"; done); }
# table $1's entries for $2 over those of $3 (default: the C loop) in the same round: their range
# and median (the VM drifts between rounds, and a round's runs meet the same state)
perround() {
  local -n t=$1
  local q
  q=$(for r in $(seq "$rounds"); do echo "${t[$2,$r]} ${t[${3:-loop},$r]}"; done | awk '$2 > 0 { print $1 / $2 }' | sort -n)
  if [ -n "$q" ]; then
    LC_ALL=C printf "per round %.2f–%.2fx, median %.2fx" "$(head -1 <<<"$q")" "$(tail -1 <<<"$q")" "$(median $q)"
  fi
}
# table $1's entry for kiln run $2 against the loop making kiln's calls from C: what kiln's JVM and
# bookkeeping cost (nothing for that loop itself)
vsat() {
  [ "$2" = at ] || awk -v a="$(medof "$1" at)" -v k="$(medof "$1" "$2")" -v p="$(perround "$1" "$2" at)" \
    'BEGIN { printf "                        = %.2fx the loop making kiln'"'"'s calls (%s)\n", k/a, p }'
}
ml=$(medof rate loop)
echo "median over $rounds rounds, $cores threads/workers, ${secs}s each${KEEP:+, keeping $KEEP files each (churn)}:"
printf '  %-21s %8.0f files/s; µs CPU per file, user + system: %s\n' "${name[loop]}" "$ml" "$(medof cpu loop)"
[ "$secs" -ge 6 ] && printf '    steady state        %8.0f files/s\n' "$(medof steady loop)"
for x in at "${!javas[@]}"; do
  awk -v n="${name[$x]}" -v l="$ml" -v k="$(medof rate "$x")" -v c="$(medof cpu "$x")" \
    'BEGIN { printf "  %-21s %8.0f files/s = %.2fx the C loop; µs CPU per file: %s\n", n, k, k/l, c }'
  echo "                        $(perround rate "$x")"
  vsat rate "$x"
  if [ "$secs" -ge 6 ]; then
    awk -v l="$(medof steady loop)" -v k="$(medof steady "$x")" \
      'BEGIN { printf "    steady state        %8.0f files/s = %.2fx the C loop'"'"'s over the same seconds\n", k, k/l }'
    echo "                        $(perround steady "$x")"
    vsat steady "$x"
  else
    echo "    steady state        not measured: runs shorter than 6 s"
  fi
done
