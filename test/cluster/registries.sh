# Two loopback registries (Debian's docker-registry) for the cluster to pull from, and the
# containerd hosts.toml files that trust them. Sourced after lib.sh and pki.sh.
#   plain:  http://$REGISTRY_PLAIN, anonymous
#   tls:    https://$REGISTRY_TLS, basic auth $REGISTRY_USER:$REGISTRY_PASS, cert signed by $PKI/ca.crt

REGISTRY_PLAIN="${PULLGUARD_REGISTRY_PLAIN:-127.0.0.1:5100}"
REGISTRY_TLS="${PULLGUARD_REGISTRY_TLS:-127.0.0.1:5143}"
REGISTRY_USER="${PULLGUARD_REGISTRY_USER:-pullguard}"
REGISTRY_PASS="${PULLGUARD_REGISTRY_PASS:-testbed-pass}"
REG="$DIR/registries"

# trust_registry CERTS_D HOST:PORT [CA_FILE]: containerd pulls HOST:PORT over HTTPS with CA_FILE,
# or over plain HTTP without one. containerd rereads these files on every pull.
trust_registry() {
  local d="$1/$2"
  mkdir -p "$d"
  if [[ -n "${3:-}" ]]; then
    printf 'server = "https://%s"\nca = "%s"\n[host."https://%s"]\n  capabilities = ["pull", "resolve"]\n  ca = "%s"\n' \
      "$2" "$3" "$2" "$3" >"$d/hosts.toml"
  else
    printf 'server = "http://%s"\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' \
      "$2" "$2" >"$d/hosts.toml"
  fi
}

write_hosts_toml() {
  trust_registry "$1" "$REGISTRY_PLAIN"
  trust_registry "$1" "$REGISTRY_TLS" "$PKI/ca.crt"
}

start_registries() {
  mkdir -p "$REG/plain" "$REG/tls" "$REG/certs"
  cert registry pullguard-registry "" "IP:${REGISTRY_TLS%:*},DNS:localhost" serverAuth
  cp "$PKI/ca.crt" "$REG/certs/ca.crt"   # skopeo's --dest-cert-dir wants a dir with only ca.crt
  [[ -s "$REG/htpasswd" ]] || htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASS" >"$REG/htpasswd"
  write_file "$REG/plain.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: "$REG/plain"}, delete: {enabled: true}}
http: {addr: "$REGISTRY_PLAIN", secret: pullguard-testbed}
EOF
  write_file "$REG/tls.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: "$REG/tls"}, delete: {enabled: true}}
http: {addr: "$REGISTRY_TLS", secret: pullguard-testbed,
       tls: {certificate: "$PKI/registry.crt", key: "$PKI/registry.key"}}
auth: {htpasswd: {realm: pullguard-testbed, path: "$REG/htpasswd"}}
EOF
  start_daemon registry-plain docker-registry serve "$REG/plain.yml"
  start_daemon registry-tls docker-registry serve "$REG/tls.yml"
  wait_for 20 "plain registry" curl -sf "http://$REGISTRY_PLAIN/v2/"
  wait_for 20 "TLS registry" curl -sf --cacert "$PKI/ca.crt" -u "$REGISTRY_USER:$REGISTRY_PASS" \
    "https://$REGISTRY_TLS/v2/"
}

stop_registries() {
  stop_daemon registry-tls docker-registry
  stop_daemon registry-plain docker-registry
}

# push_image HOST:PORT/NAME:TAG [CMD...]: builds a busybox image and pushes it (plain or TLS registry).
push_image() {
  local ref="$1" layout
  shift
  layout="$(mktemp -d)"
  "$here/oci-image.sh" "$layout" "$ref" "$@"
  local args=(--dest-tls-verify=false)
  if [[ "$ref" == "$REGISTRY_TLS/"* ]]; then
    args=(--dest-cert-dir "$REG/certs" --dest-creds "$REGISTRY_USER:$REGISTRY_PASS")
  fi
  skopeo copy -q "${args[@]}" "oci:$layout:${ref##*:}" "docker://$ref" >/dev/null
  rm -rf "$layout"
}
