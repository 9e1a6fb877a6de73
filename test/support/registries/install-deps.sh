#!/usr/bin/env bash
# Installs what the registry integration tests start: distribution's registry, htpasswd, skopeo,
# a static busybox for image contents, openssl for certificates. Does nothing when all are present.
set -euo pipefail
pkgs=(docker-registry apache2-utils skopeo busybox-static openssl python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
