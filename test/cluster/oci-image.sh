#!/usr/bin/env bash
# Writes a one-layer busybox-static OCI image layout, without Docker.
#   oci-image.sh OUT_DIR NAME:TAG [CMD ARG...]
# OUT_DIR gets oci-layout, index.json and blobs/; the manifest is annotated with TAG
# (for `skopeo copy oci:OUT_DIR:TAG ...`) and the full NAME:TAG (for `ctr images import`).
# CMD defaults to a shell loop that sleeps and exits on SIGTERM. ARCH env: default amd64.
set -euo pipefail

out="$1"; ref="$2"; shift 2
tag="${ref##*:}"
arch="${ARCH:-amd64}"
if (($# == 0)); then set -- /bin/sh -c "trap 'exit 0' TERM; while :; do sleep 1; done"; fi
busybox=/bin/busybox   # from busybox-static: no shared libraries needed in the image

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/tmp" "$work/root/etc" "$work/root/proc" "$work/root/sys" "$work/root/dev"
cp "$busybox" "$work/root/bin/busybox"
for applet in sh sleep ls cat echo wget nc ps; do ln -s busybox "$work/root/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$work/root/etc/passwd"

rm -rf "$out"
mkdir -p "$out/blobs/sha256"
blob() { # FILE -> moves it into blobs/, prints "digest size"
  local d s
  d="$(sha256sum "$1" | cut -d' ' -f1)"; s="$(stat -c %s "$1")"
  mv "$1" "$out/blobs/sha256/$d"
  echo "$d $s"
}

tar -C "$work/root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
gzip -n -9 "$work/layer.tar"
read -r layer_d layer_s < <(blob "$work/layer.tar.gz")

cmd_json="$(printf '%s\n' "$@" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().splitlines()))')"
# The name goes into the config as a label, so images written for different names have different
# digests: the kubelet lists at most 5 names per image in node.status.images, and a test image
# pushed under many names would crowd the others out of that list.
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":%s,"Labels":{"org.opencontainers.image.ref.name":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$arch" "$cmd_json" "$ref" "$diff_id" >"$work/config.json"
read -r cfg_d cfg_s < <(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$cfg_d" "$cfg_s" "$layer_d" "$layer_s" >"$work/manifest.json"
read -r man_d man_s < <(blob "$work/manifest.json")

printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}}]}' \
  "$man_d" "$man_s" "$arch" "$tag" "$ref" >"$out/index.json"
