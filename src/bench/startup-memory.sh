#!/usr/bin/env bash
# Start-up and memory per worker: for each worker count, the time from launching `kiln run` to
# every worker running (the start line kiln prints once each worker's first stats frame arrived,
# which is also when kiln_workers{state="running"} = N), then the proportional set size (PSS:
# shared pages divided among the processes that share them) and RSS of the workers and the
# supervisor, read from /proc/<pid>/smaps_rollup: at 3 s of load (the figure quoted since the first
# version), the highest seen in 12 s of sampling about each second (the compiler's start-up peak:
# C2's arenas are pooled for up to 5 s, then trimmed), and the median of seconds 6-12 (steady
# state, what a long run costs). Runs in a fresh directory on
# tmpfs unless DIR is given; each count is run ROUNDS times; the directory's first run also writes the
# workers' class-data archive (a first start). JOPTS: options for the supervisor JVM; JAR: another
# build to measure (a baseline). VIA=launcher starts kiln the installed way, through src/main/sh/kiln
# (the supervisor's own JVM options and class-data archive, kept in a cache directory of the run),
# VIA=jar (the default) as `java -jar kiln.jar`.
#
#   src/bench/startup-memory.sh [JAVA] [ROUNDS] [WORKERS...]      (after: mvn -B package)
#   e.g. src/bench/startup-memory.sh /usr/lib/jvm/temurin-25-jdk-amd64/bin/java 3 2 16
#        VIA=launcher src/bench/startup-memory.sh /usr/lib/jvm/temurin-25-jdk-amd64/bin/java 3 2 16
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="${JAR:-$here/../../target/kiln.jar}"
java=${1:-java}
rounds=${2:-3}
shift $(( $# > 2 ? 2 : $# )) || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=("$(nproc)" 16)
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
base=${DIR:-/dev/shm/kiln-startup-$$}
[ -e "$base" ] && { echo "$base exists: give a new DIR" >&2; exit 2; }
trap 'rm -rf "$base"' EXIT
mkdir -p "$base/data" # a directory that stays between runs keeps the workers' class-data archive
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/smaps_rollup" 2>/dev/null || echo 0; }
echo "java: $("$java" -version 2>&1 | head -1), via ${VIA:-jar}"
case ${VIA:-jar} in
  jar) start() { exec "$java" ${JOPTS:-} -jar "$jar" "$@"; } ;; # exec: in the background, $! is the JVM
  launcher)
    mkdir -m 0700 "$base/cache"
    start() { JAVA="$java" KILN_JAR="$jar" KILN_CACHE_DIR="$base/cache" KILN_JAVA_OPTIONS="${JOPTS:-}" exec "$here/../main/sh/kiln" "$@"; } ;;
  *) echo "VIA is jar or launcher" >&2; exit 2 ;;
esac

first=" (first start)" # the first run in the directory writes the workers' class-data archive
for n in "${counts[@]}"; do
  for r in $(seq "$rounds"); do
    out=$(mktemp)
    t0=$(date +%s%N)
    start run --duration 20s --workers "$n" --dir "$base/data" --metrics-port 0 >"$out" 2>/dev/null &
    pid=$!
    ms=""
    for _ in $(seq 600); do
      if grep -q "metrics at http" "$out"; then ms=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
      sleep 0.01
    done
    # sample by the clock, not by count: with 16 workers on 2 cores this shell gets little CPU
    workers=""; wsamples=(); at3=""; peak=0; t1=$(date +%s%N)
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      sec=$(( ($(date +%s%N) - t1) / 1000000000 ))
      [ "$sec" -le 12 ] || break
      [ -n "$workers" ] || workers=$(pgrep -f -P "$pid" kiln.worker.WorkerMain || true)
      files=(); for w in $workers; do files+=("/proc/$w/smaps_rollup"); done
      [ ${#files[@]} -gt 0 ] || continue
      # per-worker mean PSS and RSS in KiB, one awk for all of them
      read -r wpss wrss cnt < <(awk '$1 == "Pss:" {p += $2; n++} $1 == "Rss:" {r += $2}
                                   END {if (n) printf "%d %d %d\n", p / n, r / n, n; else print "0 0 0"}' "${files[@]}" 2>/dev/null)
      [ "$cnt" -gt 0 ] || continue
      [ "$sec" -ge 6 ] && wsamples+=("$wpss")
      peak=$(( peak > wpss ? peak : wpss ))
      if [ -z "$at3" ] && [ "$sec" -ge 3 ]; then
        at3=$wpss; atrss=$wrss; sat3=$(kb Pss "$pid"); srss=$(kb Rss "$pid")
      fi
    done
    wait "$pid" || true
    rm -f "$out"
    [ -n "$at3" ] || { echo "workers=$n round $r: no worker found"; continue; }
    steady=$(printf '%s\n' "${wsamples[@]}" | sort -n | awk '{a[NR]=$1} END {print NR ? (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2 : 0}')
    mib() { echo "$1 / 1024" | bc -l; }
    printf 'workers=%-3d round %d: all running after %5s ms | per worker PSS %5.1f MiB at 3 s, peak %5.1f, steady %5.1f, RSS %5.1f | supervisor PSS %5.1f MiB RSS %5.1f MiB%s\n' \
      "$n" "$r" "${ms:-?}" "$(mib "$at3")" "$(mib "$peak")" "$(mib "$steady")" "$(mib "$atrss")" \
      "$(mib "$sat3")" "$(mib "$srss")" "$first"
    first=""
  done
done
