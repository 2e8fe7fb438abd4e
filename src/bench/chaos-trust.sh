#!/usr/bin/env bash
# Chaos at the trust boundary: what a hostile local user, a careless operator and a dying disk do to
# a kiln that runs as root, and what held. Loopback only; every account, mount, loop device, cgroup
# and process it makes is undone on exit, whatever happens.
#
#   src/bench/chaos-trust.sh            (after: mvn -B package; as root, about two minutes)
#
# Each line says "held" or what broke, with the figure that shows it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/../../target/kiln.jar"
[ -f "$jar" ] || { echo "build first: mvn -B package" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "the trust boundary is tested as root (kiln's own case): run as root" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }

work=$(mktemp -d)
chmod 711 "$work"
undo=() # commands run in reverse order on exit
cleanup() {
  local i
  for ((i = ${#undo[@]} - 1; i >= 0; i--)); do eval "${undo[i]}" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cp "$jar" "$work/kiln.jar"
cp "$here/../../target/kiln-worker.jar" "$work/kiln-worker.jar" 2>/dev/null || true
export KILN_JAR=$work/kiln.jar KILN_CACHE_DIR= JAVA=${JAVA:-java}
export KILN_JAVA_OPTIONS="-Dkiln.private-dir=$work/private"
k() { "$here/../main/sh/kiln" "$@"; }
kbg() { exec "$here/../main/sh/kiln" "$@"; } # run as "kbg ... &": the launcher execs java, so $! is kiln itself
port=$((20000 + RANDOM % 20000))
up() { for _ in $(seq 100); do curl -sf -m 1 "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.2; done; return 1; }

attacker=kchaos$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$attacker"
undo+=("pkill -KILL -u $attacker; userdel $attacker")
as=(setpriv --reuid="$attacker" --regid="$attacker" --clear-groups --no-new-privs --)

echo "== control: never anonymous, a request never names a path, probes answer beside trickled bodies"
victim=$work/victim; echo secret > "$victim"; chmod 600 "$victim"
printf 'kiln.http.port = %s\nkiln.http.token-file = "%s"\nkiln.files.dir = "%s"\n' \
  "$port" "$work/state/token" "$work/daemon" > "$work/d.conf"
kbg daemon --config "$work/d.conf" >"$work/d.log" 2>&1 & dpid=$!
undo+=("kill $dpid; wait $dpid")
if up "$port"; then
  code=$("${as[@]}" curl -s -o /dev/null -w '%{http_code}' -d "{\"report\":\"$victim\"}" "http://127.0.0.1:$port/api/v1/run")
  echo "  another account's run naming a root-only file: HTTP $code (401 held)"
  echo "  the token file read by that account: $("${as[@]}" cat "$work/state/token" >/dev/null 2>&1 && echo "READ: broke" || echo "refused: held")"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/state/token")" \
    -d "{\"report\":\"$victim\"}" "http://127.0.0.1:$port/api/v1/run")
  echo "  with the token, a run naming that file: HTTP $code (400 held); file intact: $(grep -qx secret "$victim" && echo yes || echo NO)"
  python3 - "$port" <<'PY' &
import socket, sys, time
s = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(50)]
for c in s: c.send(b"POST /api/v1/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
for _ in range(16):
    for c in s:
        try: c.send(b"x")
        except OSError: pass
    time.sleep(0.5)
PY
  trickle=$!
  slowest=0
  for _ in 1 2 3 4 5 6; do
    sleep 1
    t=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "http://127.0.0.1:$port/metrics" || echo 5)
    slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN {print (b > a) ? b : a}')
  done
  wait "$trickle" 2>/dev/null || true
  echo "  /metrics beside 50 trickled bodies: slowest ${slowest}s of 6 scrapes (under 2 s held)"
else
  echo "  the daemon did not start: $(tail -3 "$work/d.log")"
fi
kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null

echo "== code: a worker jar another account plants, then swaps for one with a Class-Path, never reaches a root worker"
shared=$work/shared; mkdir -m 777 "$shared"; cp "$work/kiln.jar" "$shared/kiln.jar"
if [ -f "$work/kiln-worker.jar" ]; then
  install -m 644 "$work/kiln-worker.jar" "$shared/.genuine"
  python3 - "$shared/.genuine" "$shared/.evil" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as s, zipfile.ZipFile(sys.argv[2], "w") as d:
    for e in s.infolist():
        d.writestr(e, b"Manifest-Version: 1.0\r\nClass-Path: evil.jar\r\n\r\n" if e.filename == "META-INF/MANIFEST.MF" else s.read(e))
PY
  chmod 644 "$shared/.evil"
  "${as[@]}" cp "$shared/.genuine" "$shared/kiln-worker.jar"
  $JAVA -Dkiln.private-dir="$work/private" -jar "$shared/kiln.jar" run --duration 8s --workers 1 --no-files \
    --cpu-load 10 --metrics-port 0 >"$work/planted.log" 2>&1 & kp=$!
  sleep 3; "${as[@]}" cp "$shared/.evil" "$shared/kiln-worker.jar"
  pkill -KILL -P "$kp" -f kiln.worker.WorkerMain || true; wait "$kp" 2>/dev/null
  said=$(grep -o -m1 'not using [^:]*: [^;]*' "$work/planted.log" || true)
  echo "  planted worker jar: ${said:-USED, no refusal logged: broke}"
  grep -q 'could be replaced by other users' "$work/planted.log" \
    && echo "  kiln.jar in a shared directory: said loudly; the workers ran a private copy: held"
fi

echo "== inodes: a default run on an ext4 with 2,048 inodes keeps the free-inode floor (5%)"
truncate -s 1200M "$work/inodes.img"; mkfs.ext4 -q -F -N 2048 "$work/inodes.img"
mkdir "$work/inodes"; mount -o loop "$work/inodes.img" "$work/inodes"; undo+=("umount $work/inodes")
total=$(stat -f -c %c "$work/inodes"); floor=$(( (total * 5 + 99) / 100 )); low=$total
kbg run --duration 10s --no-cpu --dir "$work/inodes/data" --metrics-port 0 >"$work/inodes.log" 2>&1 & ip=$!
while kill -0 "$ip" 2>/dev/null; do f=$(stat -f -c %d "$work/inodes"); [ "$f" -lt "$low" ] && low=$f; sleep 0.1; done
rc=0; wait "$ip" || rc=$?
echo "  lowest free $low inodes, floor $floor of $total, exit $rc, $(grep -o -m1 'verdict: [A-Z]*' "$work/inodes.log")"
umount "$work/inodes"

echo "== memory: --dir on a tmpfs inside a 600 MiB memory cgroup (v1): max-files cut to fit, nothing OOM-killed"
cgbase=/sys/fs/cgroup/memory$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
cg=$cgbase/kiln-chaos-$$
if [ -d "$cgbase" ] && mkdir "$cg" 2>/dev/null; then
  undo+=("rmdir $cg")
  echo 600M > "$cg/memory.limit_in_bytes"
  mkdir "$work/shm"; mount -t tmpfs -o size=2g kiln-chaos "$work/shm"; undo+=("umount $work/shm")
  sh -c 'echo $$ > "$0"; exec "$@"' "$cg/cgroup.procs" "$here/../main/sh/kiln" run --duration 10s --workers 2 --no-cpu \
    --max-files 200000 --dir "$work/shm/d" --metrics-port 0 >"$work/cg.log" 2>&1 || true
  echo "  $(grep -o -m1 'max-files [0-9]* cut to [0-9]*' "$work/cg.log" || echo 'max-files not cut'), $(grep -o -m1 'verdict: [A-Z]*' "$work/cg.log"), OOM kills $(awk '/^oom_kill /{print $2}' "$cg/memory.oom_control")"
  umount "$work/shm"
else
  echo "  no v1 memory cgroup to make here: skipped"
fi

echo "== verdicts: a disk that dies mid-run fails the run; hostile kept reports neither crash the daemon nor pass a failed node"
truncate -s 256M "$work/dying.img"; mkfs.ext4 -q -F "$work/dying.img"
dev=$(losetup -f --show "$work/dying.img"); undo+=("losetup -d $dev")
mkdir "$work/dying"; mount "$dev" "$work/dying"; undo+=("umount $work/dying")
kbg run --duration 10s --workers 2 --no-cpu --memory 32m --dir "$work/dying/data" --metrics-port 0 --min-free 1m \
  --report "$work/dying.json" >"$work/dying.log" 2>&1 & rp=$!
sleep 5
python3 -c 'import fcntl, os, struct, sys; fcntl.ioctl(os.open(sys.argv[1], os.O_RDONLY), 0x8004587d, struct.pack("I", 2))' "$work/dying"
rc=0; wait "$rp" || rc=$?
echo "  dying disk: exit $rc, summary $(grep -o -m1 'verdict: [A-Z]*' "$work/dying.log"), report $(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["verdict"] + ",", r["files"]["left"], "files left")' "$work/dying.json" 2>/dev/null || echo none)"
umount "$work/dying"
mkdir -p -m 700 "$work/kept/.kiln-runs"
echo '{"verdict": "fail", "end": "2026-12-01T00:00:00Z"}' > "$work/kept/.kiln-runs/run-0000000001-20261201T000000Z.json"
head -c 100000 /dev/zero | tr '\0' '[' > "$work/kept/.kiln-runs/run-0000000002-20991231T000000Z.json"
kport=$((port + 1))
printf 'kiln.http.port = %d\nkiln.files.dir = "%s"\nkiln.http.token-file = "%s"\n' "$kport" "$work/kept" "$work/state/token" > "$work/kept.conf"
kbg daemon --config "$work/kept.conf" >"$work/kept.log" 2>&1 & kpid=$!
undo+=("kill $kpid; wait $kpid")
if up "$kport"; then
  echo "  100,000 '[' as the newest report: daemon up, /readyz $(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$kport/readyz") (503 held), last verdict $(curl -s -m 2 "http://127.0.0.1:$kport/metrics" | grep -o 'kiln_last_run_verdict{verdict="[a-z]*"} 1' | grep -o '"[a-z]*"')"
else
  echo "  the daemon did not start beside a hostile kept report: broke ($(tail -1 "$work/kept.log"))"
fi
kill "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null

echo "== bad inputs, and ends early or abrupt"
expect() {
  local want=$1 what=$2 rc=0; shift 2
  "$@" >"$work/in.out" 2>&1 || rc=$?
  if [ "$rc" = "$want" ]; then echo "  held: $what (exit $rc): $(grep -m1 '^kiln: ' "$work/in.out" | cut -c1-110)"
  else echo "  BROKE: $what: exit $rc"; fi
}
expect 2 "--memory 1e" k run --memory 1e --duration 1s --metrics-port 0
expect 2 "--dir /" k run --dir / --duration 1s --metrics-port 0
printf 'kiln.files.min-free = 5g\nkiln.files.min-free = 0\n' >"$work/twice.conf"; expect 2 "a key set twice" k check-config "$work/twice.conf"
printf 'include file("/etc/shadow")\n' >"$work/include.conf"; expect 2 "an include" k check-config "$work/include.conf"
printf 'kiln.http.host = "nowhere.invalid"\n' >"$work/host.conf"; expect 2 "an unresolvable host" k check-config "$work/host.conf"
kbg run --duration 30s --workers 2 --dir "$work/early" --metrics-port 0 >"$work/early.out" 2>&1 & p=$!
for _ in $(seq 200); do [ -n "$(pgrep -P "$p" -f kiln.worker.WorkerMain)" ] && break; sleep 0.05; done # its first worker is starting
kill -TERM "$p"; rc=0; wait "$p" || rc=$?
echo "  SIGTERM while the workers start: exit $rc (5 held), $(grep -c 'verdict: INCONCLUSIVE' "$work/early.out") summary, $(find "$work/early" -name '*.kiln' 2>/dev/null | wc -l) files left"
kbg run --duration 5m --workers 2 --dir "$work/k9" --max-files 30000 --metrics-port 0 >/dev/null 2>&1 & p=$!
for _ in $(seq 300); do [ "$(find "$work/k9" -name '*.kiln' 2>/dev/null | wc -l)" -ge 40000 ] && break; sleep 0.2; done
ws=$(pgrep -d, -P "$p" || true); kill -9 "$p"; wait "$p" 2>/dev/null
for _ in $(seq 200); do [ -n "$ws" ] && ps -p "$ws" >/dev/null 2>&1 || break; sleep 0.1; done
echo "  kill -9 of the supervisor holding 40,000+ files: $(find "$work/k9" -name '*.kiln' | wc -l) left once its workers exited (0 held)"
echo "  processes left: $( (pgrep -f "$work/" || true) | wc -l) (0 held)"
