#!/usr/bin/env bash
# kiln's fma cpu method against a C loop of the same independent AVX2 FMAs (fmaloop.c), one
# thread per core on every core, interleaved round by round on JDK 17 (Math.fma loops) and JDK
# 22+ (the Vector API), with GFLOP/s and the ratio; then ops/s of every cpu method on one core.
#
#   src/bench/cpu-vs-loop.sh [ROUNDS] [SECONDS]     (after: mvn -B package on JDK 22+, so that the
#                                                    worker jar carries the Vector API kernel)
#
# kiln's figure is what `kiln replay --runs` prints for the second half of its runs (warm, as a
# burner is after its first second), with the worker's C2-only compiler; the C loop runs SECONDS.
# JAVA17 and JAVA25 pick the JDKs; METHODS=0 skips the per-method table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${KILN_WORKER_JAR:-$here/../../target/kiln-worker.jar}
rounds=${1:-3}
seconds=${2:-3}
java17=${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -l "$jar" >"$work/listing"
grep -q 'META-INF/versions/22/kiln/stress/cpu/VectorFma.class' "$work/listing" \
  || echo "note: $jar has no Vector API kernel (built on JDK 17): JDK 25 runs Math.fma loops too" >&2
gcc -O2 -mavx2 -mfma -o "$work/fmaloop" "$here/fmaloop.c"
cpus=$(nproc)
# runs of the fma method that last about SECONDS at ~40 GFLOP/s (an op is 1.57 MFLOP)
runs=$(( seconds * 25000 ))

c_round() {
  for c in $(seq 0 $((cpus - 1))); do taskset -c "$c" "$work/fmaloop" "$seconds" >"$work/c.$c" & done
  wait
  awk '{ s += $1 } END { printf "%.2f", s }' "$work"/c.*
}

kiln_round() { # $1 = java, $2.. = extra flags
  local java=$1; shift
  for c in $(seq 0 $((cpus - 1))); do
    taskset -c "$c" "$java" "$@" -XX:+UseSerialGC -XX:-TieredCompilation -Dkiln.replay.pinned=true -cp "$jar" kiln.stress.cpu.Replay \
      --cpu "$c" --method fma --seed 1 --runs "$runs" >"$work/k.$c" 2>/dev/null &
  done
  wait
  # "… second half 41587.7 ops/s, 65.41 GFLOP/s"
  sed -n 's/.*second half .*, \([0-9.]*\) GFLOP\/s.*/\1/p' "$work"/k.* | awk '{ s += $1 } END { printf "%.2f", s }'
}

echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $cpus cpus; uptime:$(uptime | sed 's/.*load/ load/')"
echo "# round  C GFLOP/s  kiln-17 GFLOP/s  ratio  C GFLOP/s  kiln-25 GFLOP/s  ratio"
for r in $(seq 1 "$rounds"); do
  c1=$(c_round); k17=$(kiln_round "$java17")
  c2=$(c_round); k25=$(kiln_round "$java25" --add-modules=jdk.incubator.vector)
  printf "%-7s %-10s %-16s %-6s %-10s %-16s %s\n" "$r" "$c1" "$k17" "$(awk -v a="$k17" -v b="$c1" 'BEGIN{printf "%.2f", a/b}')" \
    "$c2" "$k25" "$(awk -v a="$k25" -v b="$c2" 'BEGIN{printf "%.2f", a/b}')"
done
echo "# path on JDK 17: $(taskset -c 0 "$java17" -cp "$jar" kiln.stress.cpu.Replay --cpu 0 --method fma --seed 1 2>/dev/null | sed 's/.*known answer (\(.*\))$/\1/')"
echo "# path on JDK 25: $(taskset -c 0 "$java25" --add-modules=jdk.incubator.vector -cp "$jar" kiln.stress.cpu.Replay --cpu 0 --method fma --seed 1 2>/dev/null | sed 's/.*known answer (\(.*\))$/\1/')"

[ "${METHODS:-1}" = 1 ] || exit 0
echo "# every method, one core (cpu 0), second half of the runs"
echo "# method          JDK 17                                  JDK 25"
for m in int float sha256 factorial fma aes crc32c deflate copy transcendental; do
  case $m in aes|deflate|factorial) n=2000 ;; *) n=20000 ;; esac
  a=$(taskset -c 0 "$java17" -cp "$jar" kiln.stress.cpu.Replay --cpu 0 --method "$m" --seed 5deece66d --runs "$n" | sed -n 's/.*second half //p')
  b=$(taskset -c 0 "$java25" --add-modules=jdk.incubator.vector -cp "$jar" kiln.stress.cpu.Replay --cpu 0 --method "$m" --seed 5deece66d --runs "$n" 2>/dev/null | sed -n 's/.*second half //p')
  printf "%-16s %-39s %s\n" "$m" "$a" "$b"
done
