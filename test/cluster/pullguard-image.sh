#!/usr/bin/env bash
# Builds an OCI image of pullguard without Docker and pushes it to a registry:
#   pullguard-image.sh [REGISTRY/NAME:TAG]      (default $PULLGUARD_REGISTRY_PLAIN/pullguard:0.1.0)
# One layer: this machine's node binary with the shared libraries ldd names, dist/ (built here),
# production node_modules (npm ci --omit=dev in a scratch copy), package.json, an /etc/passwd with
# user 65532 and a /tmp. Config: user 65532:65532, workdir /app, entrypoint `node dist/cli.js`,
# cmd `serve`. Prints the pushed reference on stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
ref="${1:-${PULLGUARD_REGISTRY_PLAIN:?set PULLGUARD_REGISTRY_PLAIN (eval "\$(test/cluster/up.sh)") or pass REGISTRY/NAME:TAG}/pullguard:0.1.0}"
tag="${ref##*:}"
log() { echo "pullguard-image: $*" >&2; }
source "$here/oci-layout.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/app" "$root/usr/local/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"

log "building dist/"
(cd "$repo" && npm run -s build >&2)

log "installing production dependencies"
cp "$repo/package.json" "$repo/package-lock.json" "$root/app/"
(cd "$root/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
rm "$root/app/package-lock.json"
cp -r "$repo/dist" "$root/app/dist"

log "copying node and its shared libraries"
node_bin="$(readlink -f "$(command -v node)")"
cp "$node_bin" "$root/usr/local/bin/node"
# ldd prints "name => /path (addr)" or "/path (addr)" for the loader; vdso has no file.
ldd "$node_bin" | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+ \(/{print $1}' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"

log "writing the OCI layout"
out="$work/layout"
write_oci_layout "$root" "$out" amd64 \
  '{"User":"65532:65532","WorkingDir":"/app","Env":["PATH=/usr/local/bin:/usr/bin:/bin","NODE_ENV=production"],"Entrypoint":["/usr/local/bin/node","dist/cli.js"],"Cmd":["serve"],"ExposedPorts":{"8443/tcp":{}}}' \
  "$(printf '{"org.opencontainers.image.ref.name":"%s"}' "$tag")"

log "pushing $ref ($((oci_layer_size / 1024 / 1024)) MiB compressed)"
skopeo copy --quiet "oci:$out:$tag" "docker://$ref" --dest-tls-verify=false >&2
echo "$ref"
