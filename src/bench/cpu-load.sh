#!/usr/bin/env bash
# Accuracy of --cpu-load: system busy time over a 20 s window (after 8 s of settling) while kiln
# holds P% on every core, against stress-ng --cpu N --cpu-load P on the same machine, same run.
#
#   src/bench/cpu-load.sh [LOADS...]          (after: mvn -B package; needs stress-ng)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
loads=("${@:-25 50 75 100}")
[ $# -eq 0 ] && loads=(25 50 75 100)
cores=$(nproc)
command -v stress-ng >/dev/null || { echo "needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }

busy() { # prints "busy total" jiffies of all cpus
  awk '/^cpu /{idle=$5+$6; t=0; for(i=2;i<=NF;i++) t+=$i; print t-idle, t}' /proc/stat
}
window() { # settle 8 s, measure 20 s, print busy percent
  sleep 8
  read -r b0 t0 < <(busy)
  sleep 20
  read -r b1 t1 < <(busy)
  awk -v b="$((b1-b0))" -v t="$((t1-t0))" 'BEGIN{printf "%.1f", 100*b/t}'
}
printf "%-6s %-12s %-12s %-12s %-12s\n" target kiln kiln_error stress-ng sng_error
for p in "${loads[@]}"; do
  java -jar "$jar" run --no-files --cpu-load "$p" --duration 30s --metrics-port 0 >/dev/null 2>&1 &
  k=$(window); wait
  stress-ng --cpu "$cores" --cpu-load "$p" --timeout 30s >/dev/null 2>&1 &
  s=$(window); wait
  awk -v p="$p" -v k="$k" -v s="$s" 'BEGIN{printf "%-6s %-12s %-+12.1f %-12s %-+12.1f\n", p, k, k-p, s, s-p}'
done
