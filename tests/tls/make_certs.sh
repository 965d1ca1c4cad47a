#!/usr/bin/env bash
# Writes the certificates the TLS tests use into OUTDIR (created if
# missing), with the openssl CLI only (OpenSSL 3.0, Debian 12). P-256 keys:
# the whole set takes well under a second, where RSA would take seconds.
#
#   ca.crt ca.key              the test CA
#   server.crt server.key      SAN DNS:redis.test, IP:127.0.0.1, signed by the CA
#   client.crt client.key      extendedKeyUsage clientAuth, signed by the CA
#   expired.crt expired.key    as server.crt, valid only in 2020
#   other.crt other.key        SAN DNS:other.test only, signed by the CA
#   cn-only.crt cn-only.key    CN=127.0.0.1 and no SAN at all, signed by the CA
#   other-ca.crt               an unrelated CA (for "not trusted")
#   mismatch.key               a key that belongs to none of the certificates
#
# Usage: make_certs.sh OUTDIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
mkdir -p "$out"
cd "$out"

days=3650
server_san="subjectAltName=DNS:redis.test,IP:127.0.0.1"

newkey() {  # newkey FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# A self-signed CA: make_ca NAME CN
make_ca() {
  newkey "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days "$days" -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.crt"
}

# A leaf signed by ca.crt: make_leaf NAME CN EXTENSIONS (one per line)
make_leaf() {
  newkey "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 \
    -days "$days" -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

server_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
$server_san"

make_ca ca "memwatch test CA"
make_ca other-ca "memwatch unrelated test CA"
rm -f other-ca.key
make_leaf server redis.test "$server_ext"
make_leaf client memwatch "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
make_leaf other other.test "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:other.test"
make_leaf cn-only 127.0.0.1 "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth"
newkey mismatch.key

# expired.crt: `x509 -req` in OpenSSL 3.0 has no -not_before, so sign with
# `openssl ca`, which takes -startdate/-enddate, from a throwaway database.
newkey expired.key
openssl req -new -key expired.key -subj "/CN=redis.test" -out expired.csr
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
: >"$db/index.txt"
cat >"$db/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $db/index.txt
new_certs_dir = $db
serial = $db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[server]
$server_ext
CNF
openssl rand -hex 16 >"$db/serial"
openssl ca -batch -config "$db/ca.cnf" -cert ca.crt -keyfile ca.key -extensions server \
  -startdate 20200101000000Z -enddate 20200201000000Z -notext \
  -in expired.csr -out expired.crt 2>/dev/null
rm -f expired.csr ca.srl

chmod 600 ./*.key

# Self-check: the chain verifies, and the expired one is expired.
openssl verify -CAfile ca.crt server.crt client.crt other.crt cn-only.crt >/dev/null
if openssl verify -CAfile ca.crt expired.crt >/dev/null 2>&1; then
  echo "make_certs.sh: expired.crt unexpectedly verifies" >&2
  exit 1
fi
