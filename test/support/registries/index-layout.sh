#!/usr/bin/env bash
# Wraps the single manifest of an OCI layout (from test/cluster/oci-image.sh) in an image index,
# so the layout holds a one-platform index (e.g. linux/arm64 only) for `skopeo copy --all`.
#   index-layout.sh LAYOUT_DIR TAG
set -euo pipefail
dir="$1"; tag="$2"
python3 - "$dir" "$tag" <<'PY'
import hashlib, json, os, sys
root, tag = sys.argv[1], sys.argv[2]
with open(os.path.join(root, "index.json")) as f:
    top = json.load(f)
entry = dict(top["manifests"][0])
entry.pop("annotations", None)
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": [entry]}, separators=(",", ":")).encode()
digest = hashlib.sha256(index).hexdigest()
with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
    f.write(index)
top["manifests"] = [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest,
                     "size": len(index), "annotations": {"org.opencontainers.image.ref.name": tag}}]
with open(os.path.join(root, "index.json"), "w") as f:
    json.dump(top, f)
PY
