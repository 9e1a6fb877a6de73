#!/usr/bin/env bash
# Lets the testbed's containerd pull from a registry started elsewhere (e.g. by a test).
#   trust-registry.sh HOST:PORT CA_FILE   HTTPS, server certificate signed by CA_FILE
#   trust-registry.sh HOST:PORT           plain HTTP
#   trust-registry.sh --remove HOST:PORT
# containerd rereads these files on every pull: no restart needed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$here/registries.sh"

if [[ "${1:-}" == --remove ]]; then
  rm -rf "${DIR:?}/containerd/certs.d/${2:?usage: trust-registry.sh --remove HOST:PORT}"
  exit 0
fi
host="${1:?usage: trust-registry.sh HOST:PORT [CA_FILE]}"
ca="${2:-}"
if [[ -n "$ca" ]]; then
  [[ -r "$ca" ]] || { echo "trust-registry.sh: cannot read $ca" >&2; exit 2; }
  ca="$(realpath "$ca")"
  # Copy the CA: the test's own directory may be gone before containerd's next pull.
  mkdir -p "$DIR/containerd/certs.d/$host"
  cp "$ca" "$DIR/containerd/certs.d/$host/ca.crt"
  ca="$DIR/containerd/certs.d/$host/ca.crt"
fi
trust_registry "$DIR/containerd/certs.d" "$host" "$ca"
