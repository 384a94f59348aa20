#!/usr/bin/env bash
# certs.sh DIR: make a self-signed CA (DIR/ca.crt) and a server certificate for
# 127.0.0.1 and localhost signed by it (DIR/server.crt, DIR/server.key). Kept while
# still valid for a day, so clients may pin DIR/ca.crt across restarts.
set -euo pipefail
d=$1
if [ -s "$d/server.key" ] && openssl x509 -checkend 86400 -noout -in "$d/server.crt" >/dev/null 2>&1 &&
	openssl verify -CAfile "$d/ca.crt" "$d/server.crt" >/dev/null 2>&1; then
	exit 0
fi
mkdir -p "$d"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
	-subj "/CN=frontdoor testenv CA" -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=localhost" -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
	"extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$tmp/ext"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
	-days 825 -extfile "$tmp/ext" -out "$tmp/server.crt" 2>/dev/null
chmod 600 "$tmp/server.key"
mv "$tmp/ca.crt" "$tmp/ca.key" "$tmp/server.crt" "$tmp/server.key" "$d/"
