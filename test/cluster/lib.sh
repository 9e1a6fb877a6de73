# Shared settings and helpers for up.sh and down.sh (sourced, not run).
# Every path and port can be overridden from the environment.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${PULLGUARD_TESTBED_DIR:-/tmp/pullguard-testbed}"
NODE_NAME="${PULLGUARD_NODE_NAME:-pullguard-node}"
BRIDGE="${PULLGUARD_BRIDGE:-pullguard0}"
POD_CIDR="${PULLGUARD_POD_CIDR:-10.88.0.0/16}"
NODE_IP="${PULLGUARD_NODE_IP:-10.88.0.1}"        # the bridge's address; also the node's InternalIP
SERVICE_CIDR="${PULLGUARD_SERVICE_CIDR:-10.96.0.0/16}"
API_SERVICE_IP="${PULLGUARD_API_SERVICE_IP:-10.96.0.1}"
DNS_SERVICE_IP="${PULLGUARD_DNS_SERVICE_IP:-10.96.0.10}"  # nothing answers there: no cluster DNS
API_PORT="${PULLGUARD_API_PORT:-6443}"
ETCD_PORT="${PULLGUARD_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${PULLGUARD_ETCD_PEER_PORT:-23800}"
PAUSE_IMAGE="${PULLGUARD_PAUSE_IMAGE:-localhost/pullguard/pause:1}"
CTRD_SOCK="$DIR/containerd/containerd.sock"
PKI="$DIR/pki"
LOGS="$DIR/logs"
RUN="$DIR/run"
export KUBECONFIG="$DIR/kubeconfig"

log() { echo "[testbed] $*" >&2; }

# write_file FILE < CONTENT: replaces FILE only when the content differs (kube-proxy exits when
# its configuration file is written, and daemons already running keep their settings).
write_file() {
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# running PID: true while the process exists and is not a zombie waiting to be reaped.
running() {
  [[ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" =~ ^[^ZX]$ ]]
}

# pid_alive NAME: true when the daemon's PID file names a live process of that name.
pid_alive() {
  local pid
  pid="$(cat "$RUN/$1.pid" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qa -- "$2" "/proc/$pid/cmdline" 2>/dev/null
}

# start_daemon NAME CMD ARGS...: starts CMD in its own session, logging to $LOGS/NAME.log.
start_daemon() {
  local name="$1"; shift
  if pid_alive "$name" "$1"; then
    log "$name already running (pid $(cat "$RUN/$name.pid"))"
    return 0
  fi
  mkdir -p "$RUN" "$LOGS"
  setsid "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  log "started $name (pid $!), log $LOGS/$name.log"
}

# stop_daemon NAME BINARY: SIGTERM by PID, then SIGKILL after a few seconds.
stop_daemon() {
  local name="$1" bin="$2" pid i t="$EPOCHREALTIME"
  if pid_alive "$name" "$bin"; then
    pid="$(cat "$RUN/$name.pid")"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 100); do running "$pid" || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid) in $(awk "BEGIN {printf \"%.1f\", $EPOCHREALTIME - $t}") s"
  fi
  rm -f "$RUN/$name.pid"
}

# dead_daemons: true (and says which) when a daemon started by start_daemon has exited.
dead_daemons() {
  local f found=1
  for f in "$RUN"/*.pid; do
    [[ -e "$f" ]] || continue
    if ! running "$(cat "$f")"; then
      log "$(basename "$f" .pid) exited; see $LOGS/$(basename "$f" .pid).log"
      FAILED+=("$(basename "$f" .pid)")
      found=0
    fi
  done
  return "$found"
}

# wait_for SECONDS WHAT CMD...: retries CMD every 0.5 s until it succeeds.
wait_for() {
  local secs="$1" what="$2" end
  shift 2
  end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    dead_daemons && return 1
    if ((SECONDS >= end)); then
      log "timed out after ${secs}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

# show_logs: on failure, say where the logs are and show the tails of the daemons that
# exited (or of all of them when none did).
FAILED=()
show_logs() {
  local f n=20 files=()
  log "something failed; logs are in $LOGS"
  for f in "${FAILED[@]}"; do files+=("$LOGS/$f.log"); done
  if ((${#files[@]} == 0)); then files=("$LOGS"/*.log); n=8; fi
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    echo "----- tail -n $n $f" >&2
    tail -n "$n" "$f" | cut -c1-400 >&2
  done
}

# restart_daemon NAME: stops a running daemon and starts it again with the same command line
# (read from /proc), keeping its previous log as NAME.prev.log. The e2e suite restarts
# kube-apiserver this way to check that watchers re-list.
restart_daemon() {
  local name="$1" pid cmd=()
  pid="$(cat "$RUN/$name.pid" 2>/dev/null)" || { log "$name is not running"; return 1; }
  mapfile -d '' -t cmd <"/proc/$pid/cmdline"
  stop_daemon "$name" "${cmd[0]}"
  mv -f "$LOGS/$name.log" "$LOGS/$name.prev.log" 2>/dev/null || true
  start_daemon "$name" "${cmd[@]}"
}
