#!/usr/bin/env bash
# Writes a one-layer busybox-static OCI image layout, without Docker.
#   oci-image.sh OUT_DIR NAME:TAG [CMD ARG...]
# OUT_DIR gets oci-layout, index.json and blobs/; the manifest is annotated with TAG
# (for `skopeo copy oci:OUT_DIR:TAG ...`) and the full NAME:TAG (for `ctr images import`).
# CMD defaults to a shell loop that sleeps and exits on SIGTERM. ARCH env: default amd64.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/oci-layout.sh"

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

cmd_json="$(printf '%s\n' "$@" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().splitlines()))')"
# The name goes into the config as a label, so images written for different names have different
# digests: the kubelet lists at most 5 names per image in node.status.images, and a test image
# pushed under many names would crowd the others out of that list.
write_oci_layout "$work/root" "$out" "$arch" \
  "$(printf '{"Env":["PATH=/bin"],"Cmd":%s,"Labels":{"org.opencontainers.image.ref.name":"%s"}}' "$cmd_json" "$ref")" \
  "$(printf '{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}' "$tag" "$ref")" 9
