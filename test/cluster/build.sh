#!/usr/bin/env bash
# Builds the Kubernetes binaries pinned in go.mod into a cache directory outside the
# repository and prints that directory. Rebuilds only when go.mod or go.sum change.
#   PULLGUARD_TESTBED_CACHE  cache root (default /var/cache/pullguard-testbed)
#   PULLGUARD_BUILD_JOBS     parallel compile jobs (default 2)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PULLGUARD_TESTBED_CACHE:-/var/cache/pullguard-testbed}"
hash="$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)"
bin="$cache/bin-$hash"
cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

have_all() {
  local c
  for c in "${cmds[@]}"; do [[ -x "$bin/$c" ]] || return 1; done
}

mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock 9   # one build at a time; a second caller waits and then finds the binaries
if ! have_all; then
  command -v go >/dev/null || { echo "build.sh: go is not on PATH" >&2; exit 1; }
  # go needs HOME for its default caches (a CI environment may not set it).
  HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
  export HOME
  mkdir -p "$bin.tmp"
  start=$SECONDS
  cd "$here"
  ver="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"   # e.g. v1.33.13
  minor="${ver#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$ver -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for c in "${cmds[@]}"; do
    [[ -x "$bin.tmp/$c" ]] && continue
    echo "build.sh: building $c" >&2
    # GOMODCACHE/GOCACHE stay at their defaults so later builds reuse them.
    CGO_ENABLED=0 nice -n 10 go build -p "${PULLGUARD_BUILD_JOBS:-2}" -trimpath \
      -ldflags="$ldflags" -o "$bin.tmp/$c" "k8s.io/kubernetes/cmd/$c"
  done
  rm -rf "$bin"
  mv "$bin.tmp" "$bin"
  echo "build.sh: built ${cmds[*]} in $((SECONDS - start)) s" >&2
fi
echo "$bin"
