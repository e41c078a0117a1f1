#!/bin/sh
# Test-only CA and a server certificate for localhost / 127.0.0.1 (valid 100 years), used by
# JWTHTTPSTests: `openssl s_server -WWW` serves the JWKS and Gatehouse trusts ca.pem via ca_file.
set -e
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=Gatehouse Test CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -extfile ext.cnf -out server.pem
rm -f server.csr ext.cnf ca.srl ca.key
