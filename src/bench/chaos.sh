#!/usr/bin/env bash
# Chaos: during one bounded kiln run, do to it what a hostile local user and a bad day do, and
# print what held. Loopback only; everything it starts is ended, everything it creates removed.
#
#   src/bench/chaos.sh [SECONDS]        (after: mvn -B package; as root it mounts a 64 MiB tmpfs)
#
# In order: slow and oversized HTTP clients (while /metrics is scraped twice a second), SIGSTOP of
# one worker for 10 s, kill -9 of the other, the file system filled to below kiln's floor for 10 s (kiln deletes its own files to give the floor back).
# Then, as root, the trust boundary (src/bench/chaos-trust.sh, about two minutes): another local
# account against the control API and a worker jar in a shared directory, trickled bodies against
# the probes, a file system with few inodes, a tmpfs inside a memory cgroup, a disk that dies
# mid-run, hostile kept reports, bad inputs, and signals early and abrupt. CHAOS_TRUST=0 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
seconds=${1:-60}
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
[ "$seconds" -ge 50 ] || { echo "needs at least 50 seconds" >&2; exit 2; }
work=$(mktemp -d)
fs=$work/fs
mkdir -p "$fs"
mounted=0
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64m kiln-chaos "$fs" 2>/dev/null; then mounted=1; fi
floor_mib=16
port=$((20000 + RANDOM % 20000))
log=$work/kiln.log
cp "$jar" "$work/kiln.jar"
# KILN_CACHE_DIR=: no supervisor class-data archive, which on JDK 19+ the launcher would write to
# /var/cache/kiln, a new one for each run's copy of the jar
KILN_JAR=$work/kiln.jar KILN_CACHE_DIR= JAVA=${JAVA:-java} "$here/../main/sh/kiln" run --duration "${seconds}s" --workers 2 \
  --dir "$fs/data" --min-free ${floor_mib}m --file-size 4k --memory 32m --cpu-load 50 \
  --metrics-port "$port" --report "$work/report.json" >"$log" 2>&1 &
pid=$!
hostile=""
cleanup() {
  [ -n "$hostile" ] && kill "$hostile" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$fs/filler"
  [ "$mounted" = 1 ] && umount "$fs" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 100); do curl -sf -m 1 "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
workers=($(pgrep -P "$pid" || true))
echo "kiln $pid on port $port, workers ${workers[*]:-none}, dir $fs/data ($( [ $mounted = 1 ] && echo "64 MiB tmpfs" || echo "not a tmpfs: run as root for the fill step"))"

# 1. Hostile HTTP clients for 20 s: 8 that send one byte, 4 announcing 10 MB bodies, 4 whose body
#    stops short of its Content-Length, reconnecting whenever the server closes them.
python3 - "$port" 20 >"$work/hostile.txt" 2>&1 <<'PY' &
import socket, sys, time
port, hold = int(sys.argv[1]), float(sys.argv[2])
kinds = [b"G"] * 8 + [b"POST /api/v1/run HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"] * 4 \
      + [b"POST /api/v1/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100] * 4
opened = closed_by_server = 0
end = time.time() + hold
socks = []
def connect(data):
    global opened
    s = socket.create_connection(("127.0.0.1", port), timeout=1)
    s.sendall(data); s.setblocking(False); opened += 1
    return [s, data]
socks = [connect(d) for d in kinds]
while time.time() < end:
    for i, (s, d) in enumerate(socks):
        try:
            if s.recv(65536) == b"":
                raise ConnectionResetError
        except BlockingIOError:
            continue
        except OSError:
            pass
        closed_by_server += 1; s.close()
        try: socks[i] = connect(d)
        except OSError: pass
    time.sleep(0.1)
for s, _ in socks: s.close()
print(f"hostile connections opened {opened}, closed by the server {closed_by_server}")
PY
hostile=$!

scrapes=0; failed=0; slowest=0; failures=""
scrape() {
  local t rc=0
  t=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "http://127.0.0.1:$port/metrics") || rc=$?
  if [ "$rc" = 0 ]; then
    slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN {print (b > a) ? b : a}')
  else # when, and how (curl's exit code: 7 refused, 28 timed out, 52 empty reply, 56 reset)
    failed=$((failed + 1)); failures="$failures t=$(( $(date +%s) - ${start:-$(date +%s)} ))s:curl-$rc"
    kill -0 "$pid" 2>/dev/null && grep -q "stopping" "$log" && failures="$failures(stopping)"
  fi
  scrapes=$((scrapes + 1))
}
min_free_mib=999999
free_mib() { df -Pm "$fs" | awk 'NR==2 {print $4}'; }
note_free() { local f; f=$(free_mib); [ "$f" -lt "$min_free_mib" ] && min_free_mib=$f; return 0; }

start=$(date +%s)
at() { while [ $(( $(date +%s) - start )) -lt "$1" ]; do scrape; note_free; sleep 0.5; done; }

at 3
if [ "${#workers[@]}" -ge 1 ]; then kill -STOP "${workers[0]}"; echo "t=3s   SIGSTOP worker ${workers[0]}"; fi
at 13
if [ "${#workers[@]}" -ge 1 ]; then kill -CONT "${workers[0]}"; echo "t=13s  SIGCONT worker ${workers[0]}"; fi
at 20
wait "$hostile" 2>/dev/null || true; hostile=""
echo "t=20s  $(cat "$work/hostile.txt")"
if [ "${#workers[@]}" -ge 2 ]; then kill -9 "${workers[1]}"; echo "t=20s  kill -9 worker ${workers[1]}"; fi
at 25
if [ "$mounted" = 1 ]; then
  fill=$(( $(free_mib) - floor_mib / 2 ))
  [ "$fill" -gt 0 ] && fallocate -l "${fill}m" "$fs/filler" 2>/dev/null || true
  echo "t=25s  filled ${fill} MiB: free $(free_mib) MiB, floor ${floor_mib} MiB"
  at 35
  rm -f "$fs/filler"
  echo "t=35s  filler removed: free $(free_mib) MiB"
fi
while kill -0 "$pid" 2>/dev/null && [ $(( $(date +%s) - start )) -lt $((seconds + 60)) ]; do scrape; note_free; sleep 0.5; done
rc=0; wait "$pid" || rc=$?

left=$( (find "$fs/data" -name '*.kiln' 2>/dev/null || true) | wc -l)
verdict=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); w=r["workers"]; print(r["verdict"], "restarts", w["restarts"], "stalls", w["stalls"], "unhealthy", w["unhealthy"], "file errors", r["files"]["errors_by_op"])' "$work/report.json" 2>/dev/null || echo "no report")
echo
echo "what held:"
echo "  scrapes of /metrics          $scrapes, failed $failed${failures:+ (at$failures)}, slowest ${slowest}s"
echo "  exit code                    $rc (4 = degraded: a worker stalled or was killed)"
echo "  report                       $verdict"
echo "  kiln files left in the dir   $left"
echo "  lowest free space seen       ${min_free_mib} MiB (floor ${floor_mib} MiB; the filler takes it below on purpose, then kiln deletes its own files to give the floor back)"
echo "  processes left               $( (pgrep -f "$work/kiln.jar" || true) | wc -l)"
echo
tail -12 "$log"

if [ "${CHAOS_TRUST:-1}" = 1 ]; then
  echo
  "$here/chaos-trust.sh"
fi
