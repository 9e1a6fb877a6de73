#!/usr/bin/env bash
# Checks a running testbed (after up.sh): node Ready, pulls from both registries, the real
# containerd errors for a missing tag and missing credentials, and Service routing through
# kube-proxy from a pod and from the host. Ends with "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$here/pki.sh"
source "$here/registries.sh"

ns=testbed-smoke
pass=0 fail=0
check() { # NAME CMD...: runs CMD, prints ok/FAIL
  if out="$("${@:2}" 2>&1)"; then
    pass=$((pass + 1)); echo "ok   $1"
  else
    fail=$((fail + 1)); echo "FAIL $1: ${out:0:300}"
  fi
}
waiting_message() { # POD REASON_REGEX TEXT: waits until the container waits with REASON and TEXT
  local i msg
  for i in $(seq 60); do
    msg="$(kubectl -n "$ns" get pod "$1" -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}')"
    [[ "$msg" =~ $2 && "$msg" == *"$3"* ]] && return 0
    sleep 0.5
  done
  echo "last state: $msg"; return 1
}
http_get_in_pod() { kubectl -n "$ns" exec client -- sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $1 | tail -1"; }

kubectl delete namespace "$ns" --ignore-not-found --wait=true >/dev/null
kubectl create namespace "$ns" >/dev/null
wait_for 30 "service account" kubectl -n "$ns" get serviceaccount default
plain="$REGISTRY_PLAIN/pullguard/busybox:1" private="$REGISTRY_TLS/pullguard/private:1"
push_image "$plain"
push_image "$private"
kubectl -n "$ns" create secret docker-registry creds --docker-server="$REGISTRY_TLS" \
  --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASS" >/dev/null
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: $plain
    command: [/bin/sh, -c, "mkdir /www && echo hello > /www/index.html && exec busybox httpd -f -p 8080 -h /www"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {terminationGracePeriodSeconds: 0, containers: [{name: c, image: $plain}]}
---
apiVersion: v1
kind: Pod
metadata: {name: private}
spec:
  terminationGracePeriodSeconds: 0
  imagePullSecrets: [{name: creds}]
  containers: [{name: c, image: $private}]
---
apiVersion: v1
kind: Pod
metadata: {name: missing-tag}
spec: {terminationGracePeriodSeconds: 0, containers: [{name: c, image: "$REGISTRY_PLAIN/pullguard/busybox:no-such-tag"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: no-creds}
spec: {terminationGracePeriodSeconds: 0, containers: [{name: c, image: "$REGISTRY_TLS/pullguard/private:2"}]}
YAML

check "node Ready" kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=30s
check "pods from the plain and the TLS registry Running" \
  kubectl -n "$ns" wait --for=condition=Ready pod/web pod/client pod/private --timeout=60s
check "missing tag: ErrImagePull/ImagePullBackOff, containerd's not found" \
  waiting_message missing-tag '^(ErrImagePull|ImagePullBackOff):' \
  "failed to resolve reference \"$REGISTRY_PLAIN/pullguard/busybox:no-such-tag\": $REGISTRY_PLAIN/pullguard/busybox:no-such-tag: not found"
check "no credentials: 401 Unauthorized" \
  waiting_message no-creds '^(ErrImagePull|ImagePullBackOff):' "failed with status code [manifests 2]: 401 Unauthorized"
ip="$(kubectl -n "$ns" get service web -o jsonpath='{.spec.clusterIP}')"
check "pod -> ClusterIP -> pod" wait_for 20 "service from a pod" eval "[[ \$(http_get_in_pod '$ip 80') == hello ]]"
check "host -> ClusterIP -> pod" curl -sf -m 3 "http://$ip/"
check "pod -> kubernetes Service (API server on the host)" \
  kubectl -n "$ns" exec client -- sh -c "echo | nc -w 3 $API_SERVICE_IP 443"

kubectl delete namespace "$ns" --wait=false >/dev/null
echo "$pass passed, $fail failed"
((fail == 0))
