# Control-plane certificates and kubeconfigs (sourced by up.sh after lib.sh).
# One CA signs everything; keys are ECDSA P-256 except the RSA service-account key.
# Existing files are kept, so a second `up` reuses them.

# cert NAME CN O SAN EKU: writes $PKI/NAME.crt and NAME.key signed by the CA.
cert() {
  local name="$1" cn="$2" o="$3" san="$4" eku="$5" subj="/CN=$2"
  [[ -s "$PKI/$name.crt" ]] && return 0
  [[ -n "$o" ]] && subj="/O=$o/CN=$cn"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

# kubeconfig FILE USER CERT: a kubeconfig with embedded credentials for the local API server.
kubeconfig() {
  local file="$1" user="$2" c="$3"
  write_file "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pullguard-testbed
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$c.crt")
    client-key-data: $(base64 -w0 "$PKI/$c.key")
contexts:
- name: pullguard-testbed
  context: {cluster: pullguard-testbed, user: $user}
current-context: pullguard-testbed
EOF
  chmod 600 "$file"
}

make_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -s "$PKI/ca.crt" ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=pullguard-testbed-ca" -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  fi
  [[ -s "$PKI/sa.key" ]] || {
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  }
  local svc=kubernetes.default.svc
  cert apiserver kube-apiserver "" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:$svc,DNS:$svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$API_SERVICE_IP,IP:$NODE_IP" \
    serverAuth
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters "" clientAuth
  cert front-proxy-client front-proxy-client "" "" clientAuth
  cert admin pullguard-admin system:masters "" clientAuth
  cert controller-manager system:kube-controller-manager "" "" clientAuth
  cert scheduler system:kube-scheduler "" "" clientAuth
  cert kube-proxy system:kube-proxy "" "" clientAuth
  cert kubelet-client "system:node:$NODE_NAME" system:nodes "" clientAuth
  cert kubelet "$NODE_NAME" "" "DNS:$NODE_NAME,DNS:localhost,IP:$NODE_IP,IP:127.0.0.1" serverAuth
  kubeconfig "$DIR/kubeconfig" pullguard-admin admin
  kubeconfig "$DIR/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  kubeconfig "$DIR/scheduler.kubeconfig" system:kube-scheduler scheduler
  kubeconfig "$DIR/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  kubeconfig "$DIR/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
}
