# Sourced by oci-image.sh and pullguard-image.sh: writes a one-layer OCI image layout, no Docker.
#   write_oci_layout ROOT OUT ARCH CONFIG ANNOTATIONS [GZIP_LEVEL]
# ROOT becomes the single layer; OUT is replaced by the layout (oci-layout, index.json, blobs/).
# CONFIG is the JSON of the image config's "config" object, ANNOTATIONS the JSON object of the
# index entry's annotations. Sets oci_layer_size to the compressed layer's size in bytes.

write_oci_layout() {
  local root="$1" out="$2" arch="$3" config="$4" annotations="$5" level="${6:-6}"
  local work diff_id layer_d cfg_d cfg_s man_d man_s
  work="$(mktemp -d)"
  rm -rf "$out"
  mkdir -p "$out/blobs/sha256"

  tar -C "$root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
  diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  gzip -n "-$level" "$work/layer.tar"
  read -r layer_d oci_layer_size < <(_oci_blob "$work/layer.tar.gz" "$out")

  printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$config" "$diff_id" >"$work/config.json"
  read -r cfg_d cfg_s < <(_oci_blob "$work/config.json" "$out")

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cfg_d" "$cfg_s" "$layer_d" "$oci_layer_size" >"$work/manifest.json"
  read -r man_d man_s < <(_oci_blob "$work/manifest.json" "$out")

  printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":%s}]}' \
    "$man_d" "$man_s" "$arch" "$annotations" >"$out/index.json"
  rm -rf "$work"
}

_oci_blob() { # FILE OUT -> moves FILE into OUT/blobs/, prints "digest size"
  local d s
  d="$(sha256sum "$1" | cut -d' ' -f1)"; s="$(stat -c %s "$1")"
  mv "$1" "$2/blobs/sha256/$d"
  echo "$d $s"
}
