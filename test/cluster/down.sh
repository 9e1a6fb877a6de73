#!/usr/bin/env bash
# Stops the testbed started by up.sh and removes its state (idempotent).
# Keeps $DIR/logs and $DIR/pki; PULLGUARD_TESTBED_KEEP=1 keeps everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$here/pki.sh"
source "$here/registries.sh"

[[ -d "$DIR" ]] || { log "nothing to stop ($DIR does not exist)"; exit 0; }

# Let the kubelet tear pods down itself (CNI DEL, netns) while everything still runs.
if pid_alive kubelet kubelet && kubectl get --raw /readyz >/dev/null 2>&1; then
  kubectl delete pods --all --all-namespaces --grace-period=0 --timeout=30s >/dev/null 2>&1 || true
fi

stop_daemon kube-proxy kube-proxy
stop_daemon kubelet kubelet
stop_registries

# Containers outlive containerd: kill every task, then containerd, then any shim left.
if pid_alive containerd containerd; then
  ctr_() { ctr --address "$CTRD_SOCK" -n k8s.io "$@"; }
  for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
  sleep 0.5
fi
stop_daemon containerd containerd
for p in /proc/[0-9]*; do   # shims started by our containerd name its socket on their command line
  if grep -qaF -- "$CTRD_SOCK" "$p/cmdline" 2>/dev/null; then
    kill -9 "${p#/proc/}" 2>/dev/null && log "killed leftover shim ${p#/proc/}" || true
  fi
done

stop_daemon kube-scheduler kube-scheduler
stop_daemon kube-controller-manager kube-controller-manager
stop_daemon kube-apiserver kube-apiserver
stop_daemon etcd etcd

# Mounts left under $DIR (netns, rootfs overlays, pod volumes), deepest first.
awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
  umount -l "$m" 2>/dev/null || true
done

# kube-proxy's and the kubelet's iptables chains (all named KUBE-*), the service route, the bridge.
if [[ -x "$DIR/bin/kube-proxy" ]]; then
  "$DIR/bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
fi
for ipt in iptables ip6tables; do
  for table in filter nat mangle; do
    rules="$("$ipt" -t "$table" -S 2>/dev/null | awk '$1 == "-A" && $2 !~ /^KUBE-/ && /-j KUBE-/' || true)"
    while read -r rule; do
      [[ -n "$rule" ]] && eval "$ipt -t $table ${rule/#-A/-D}" 2>/dev/null || true
    done <<<"$rules"
    chains="$("$ipt" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}' || true)"
    for c in $chains; do "$ipt" -t "$table" -F "$c" 2>/dev/null || true; done
    for c in $chains; do "$ipt" -t "$table" -X "$c" 2>/dev/null || true; done
  done
done
ip route del "$SERVICE_CIDR" dev "$BRIDGE" 2>/dev/null || true
ip link del "$BRIDGE" 2>/dev/null || true

if [[ "${PULLGUARD_TESTBED_KEEP:-}" != 1 ]]; then
  find "$DIR" -mindepth 1 -maxdepth 1 ! -name logs ! -name pki ! -name bin -exec rm -rf {} +
fi
log "testbed stopped"
