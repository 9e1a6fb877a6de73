#!/usr/bin/env bash
# Brings up a single-node Kubernetes cluster on this machine (idempotent).
# Prints `export KUBECONFIG=...` lines on stdout; progress goes to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$here/pki.sh"
source "$here/registries.sh"

trap 'show_logs' ERR
t0=$SECONDS

"$here/install-deps.sh"
BIN="$("$here/build.sh")"
mkdir -p "$DIR" "$LOGS" "$RUN" "$DIR/etcd" "$DIR/kubelet" "$DIR/cni/net.d" "$DIR/containerd/certs.d"
ln -sfn "$BIN" "$DIR/bin"   # down.sh uses it for `kube-proxy --cleanup`
make_pki

# --- network: a bridge that carries pods; its address is the node's IP ------------------------
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
fi
ip addr replace "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
ip link set "$BRIDGE" up
# Service IPs without a kube-proxy rule stay on the bridge instead of the default route.
ip route replace "$SERVICE_CIDR" dev "$BRIDGE"
sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true

# --- etcd ---------------------------------------------------------------------------------------
start_daemon etcd etcd --name pullguard --data-dir "$DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "pullguard=http://127.0.0.1:$ETCD_PEER_PORT" --logger zap
wait_for 30 etcd etcdctl --endpoints "127.0.0.1:$ETCD_PORT" endpoint health

# --- control plane ------------------------------------------------------------------------------
start_daemon kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 0.0.0.0 --secure-port "$API_PORT" --advertise-address "$NODE_IP" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --authorization-mode Node,RBAC --allow-privileged=true \
  --requestheader-client-ca-file "$PKI/ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --enable-admission-plugins NodeRestriction,ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook
wait_for 60 kube-apiserver kubectl get --raw /readyz

common=(--authentication-kubeconfig "$DIR/controller-manager.kubeconfig"
  --authorization-kubeconfig "$DIR/controller-manager.kubeconfig" --bind-address 127.0.0.1 --leader-elect=false)
start_daemon kube-controller-manager "$BIN/kube-controller-manager" "${common[@]}" \
  --kubeconfig "$DIR/controller-manager.kubeconfig" --use-service-account-credentials \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --service-cluster-ip-range "$SERVICE_CIDR"
common[1]="$DIR/scheduler.kubeconfig"; common[3]="$DIR/scheduler.kubeconfig"
start_daemon kube-scheduler "$BIN/kube-scheduler" "${common[@]}" --kubeconfig "$DIR/scheduler.kubeconfig"

# --- containerd and CNI -------------------------------------------------------------------------
write_file "$DIR/containerd/config.toml" <<EOF
version = 2
root = "$DIR/containerd/root"
state = "$DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM lacks CAP_SYS_RESOURCE: never ask for an oom_score_adj below containerd's own.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  tolerate_missing_hugetlb_controller = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$DIR/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$DIR/containerd/certs.d"
EOF
write_file "$DIR/cni/net.d/10-pullguard.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "pullguard",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$DIR/cni/ipam",
              "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
write_hosts_toml "$DIR/containerd/certs.d"
start_daemon containerd containerd --config "$DIR/containerd/config.toml"
ctr_() { ctr --address "$CTRD_SOCK" -n k8s.io "$@"; }
wait_for 30 containerd ctr_ version
if ! ctr_ images ls -q | grep -qx "$PAUSE_IMAGE"; then
  "$here/oci-image.sh" "$DIR/images/pause" "$PAUSE_IMAGE" /bin/sleep 2147483647
  tar -C "$DIR/images/pause" -cf "$DIR/images/pause.tar" .
  ctr_ images import "$DIR/images/pause.tar" >/dev/null
  log "imported pause image $PAUSE_IMAGE"
fi

# --- kubelet and kube-proxy ---------------------------------------------------------------------
: >"$DIR/resolv.conf"   # pods get no upstream DNS: nothing outside this machine is reachable
write_file "$DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$PKI/kubelet.crt"
tlsPrivateKeyFile: "$PKI/kubelet.key"
containerRuntimeEndpoint: "unix://$CTRD_SOCK"
cgroupDriver: cgroupfs
failSwapOn: false
# This VM lacks CAP_SYS_RESOURCE: the kubelet may not lower its own oom_score_adj.
oomScoreAdj: 0
address: 0.0.0.0
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
clusterDomain: cluster.local
clusterDNS: ["$DNS_SERVICE_IP"]
resolvConf: "$DIR/resolv.conf"
podLogsDir: "$DIR/kubelet/pod-logs"
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
serializeImagePulls: true
EOF
start_daemon kubelet "$BIN/kubelet" --config "$DIR/kubelet/config.yaml" \
  --kubeconfig "$DIR/kubelet.kubeconfig" --root-dir "$DIR/kubelet/root" \
  --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"

write_file "$DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$DIR/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: "$POD_CIDR"
hostnameOverride: "$NODE_NAME"
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false}
EOF
start_daemon kube-proxy "$BIN/kube-proxy" --config "$DIR/kube-proxy.yaml"

# --- registries and a smoke test ----------------------------------------------------------------
start_registries
wait_for 60 "node $NODE_NAME Ready" \
  kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
# A pod pulled from the plain registry, in its own namespace so that tests see none of it.
kubectl get namespace testbed >/dev/null 2>&1 || kubectl create namespace testbed >/dev/null
wait_for 30 "service account testbed/default" kubectl -n testbed get serviceaccount default
smoke="$REGISTRY_PLAIN/pullguard/busybox:1"
push_image "$smoke"
kubectl -n testbed delete pod up-check --ignore-not-found --wait=true --grace-period=0 >/dev/null
kubectl -n testbed run up-check --image "$smoke" --restart Never --overrides \
  '{"spec":{"terminationGracePeriodSeconds":0}}' >/dev/null
wait_for 60 "pod testbed/up-check Running" \
  kubectl -n testbed wait --for=jsonpath='{.status.phase}'=Running pod/up-check --timeout=1s
kubectl -n testbed delete pod up-check --wait=false --grace-period=0 >/dev/null
log "cluster up in $((SECONDS - t0)) s"

echo "export KUBECONFIG=$DIR/kubeconfig"
echo "export PULLGUARD_TESTBED_DIR=$DIR"
echo "export PULLGUARD_REGISTRY_PLAIN=$REGISTRY_PLAIN"
echo "export PULLGUARD_REGISTRY_TLS=$REGISTRY_TLS"
echo "export PULLGUARD_REGISTRY_USER=$REGISTRY_USER"
echo "export PULLGUARD_REGISTRY_PASS=$REGISTRY_PASS"
echo "export PULLGUARD_TESTBED_CA=$PKI/ca.crt"
