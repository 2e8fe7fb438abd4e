#!/usr/bin/env bash
# Files/s of kiln (--no-cpu, no churn) against a plain C loop of open/write/close with one
# thread per core, on the same file system, interleaved so both meet the same state (ext4
# slows creates for minutes after a bulk delete; each run ends with one).
#
#   src/bench/files-vs-loop.sh [DIR] [SECONDS] [ROUNDS]      (after: mvn -B package)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
dir=${1:-$PWD/kiln-bench}
secs=${2:-15}
rounds=${3:-3}
cores=$(nproc)
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
[ -e "$dir" ] && { echo "$dir exists: give a new path" >&2; exit 2; }
bin=$(mktemp -d)
trap 'rm -rf "$bin" "$dir"' EXIT
mkdir -p "$dir"
gcc -O2 -pthread -o "$bin/plainloop" "$here/plainloop.c"

loop=()
kiln=()
for r in $(seq "$rounds"); do
  l=$("$bin/plainloop" "$dir/loop" "$cores" "$secs" | sed -E 's/.*files_per_second=//')
  java -jar "$jar" run --no-cpu --duration "${secs}s" --dir "$dir/kiln" --max-files 10000000 \
       --min-free 1g --metrics-port 0 --report "$bin/r.json" >/dev/null 2>"$bin/err" || { cat "$bin/err"; exit 1; }
  k=$(sed -nE 's/.*"per_second" : ([0-9.]+).*/\1/p' "$bin/r.json" | head -1)
  echo "round $r: plain loop ${l} files/s, kiln ${k} files/s"
  loop+=("$l")
  kiln+=("$k")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ml=$(median "${loop[@]}")
mk=$(median "${kiln[@]}")
awk -v l="$ml" -v k="$mk" -v c="$cores" 'BEGIN { printf "median over rounds: plain loop (%d threads) %.0f files/s, kiln %.0f files/s = %.0f%%\n", c, l, k, 100*k/l }'
