#!/usr/bin/env bash
# Installs the Debian packages the testbed needs; does nothing when all are present.
set -euo pipefail

pkgs=(
  containerd runc containernetworking-plugins   # container runtime + CNI plugins
  etcd-server etcd-client                       # etcd 3.4 for the API server
  docker-registry apache2-utils skopeo          # local registries, htpasswd, image push
  busybox-static                                # tiny test and pause images
  iproute2 iptables conntrack ethtool           # kubelet / kube-proxy / CNI bridge
  openssl ca-certificates curl procps util-linux
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages' own services are not used (no systemd here, and the testbed runs its own).
