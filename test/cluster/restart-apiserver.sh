#!/usr/bin/env bash
# Restarts the testbed's kube-apiserver with the same flags and waits until it is ready again.
# Clients' watches break; the e2e suite checks that pullguard's informers re-list.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'show_logs' ERR
restart_daemon kube-apiserver
wait_for 60 kube-apiserver kubectl get --raw /readyz
log "kube-apiserver restarted"
