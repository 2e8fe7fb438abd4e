#!/usr/bin/env bash
# Soak: run kiln for MINUTES and record the supervisor's heap, RSS, open file descriptors and
# threads once a minute, plus the workers' RSS, to show that none of them grows without bound.
#
#   src/bench/soak.sh [MINUTES] [DIR] [PORT]       (after: mvn -B package)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
minutes=${1:-10}
dir=${2:-$PWD/kiln-soak}
port=${3:-19477}
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
log=$(mktemp)
copy=$(mktemp --suffix=.jar)
cp "$jar" "$copy" # a rebuild during the soak must not change the jar under the running JVMs
java -jar "$copy" run --duration "$((minutes * 60 + 120))s" --dir "$dir" --metrics-port "$port" --memory 256m \
     --verify-files >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" "$copy"' EXIT
sleep 30
heap() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f", s/1048576}'; }
live_heap() { # heap in use right after a full GC: what is really kept, garbage excluded
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  heap
}
status() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$pid/status"; }
workers_rss() { local t=0; for w in $(pgrep -P "$pid" -f WorkerMain || true); do t=$((t + $(awk '$1=="VmRSS:" {print $2}' /proc/$w/status))); done; echo $((t / 1024)); }
printf "%-7s %-10s %-14s %-10s %-6s %-8s %-14s %-12s\n" minute heap_MiB live_heap_MiB rss_MiB fds threads workers_rss_MiB files_total
for m in $(seq 0 "$minutes"); do
  files=$(curl -s "http://127.0.0.1:$port/metrics" || true) && files=$(echo "$files" | awk '/^kiln_files_created_total/ {s+=$NF} END {printf "%.0f", s}')
  printf "%-7s %-10s %-14s %-10s %-6s %-8s %-14s %-12s\n" "$m" "$(heap)" "$(live_heap)" "$(( $(status VmRSS) / 1024 ))" \
         "$(ls /proc/$pid/fd | wc -l)" "$(status Threads)" "$(workers_rss)" "$files"
  [ "$m" -lt "$minutes" ] && sleep 60
done
rc=0; wait $pid || rc=$?
tail -8 "$log"
echo "exit $rc"
