#!/usr/bin/env python3
"""Writes the integration fixtures for the non-RSA algorithms (needs python3 + cryptography):

  jwks_algs.json   k1 (RSA, alg RS256), es1 (EC P-256, alg ES256) and ed1 (Ed25519, alg EdDSA)
  tokens_algs.json es256 and eddsa tokens (user-123, long-lived), and es256_signed_by_k1: an
                   ES256 header (kid k1) over a real RS256 signature by k1, which must be refused.

The EC and Ed25519 keys are new on every run (test keys only); k1.pem is the shared RSA key.
"""
import base64, json, os
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, utils

HERE = os.path.dirname(os.path.abspath(__file__))
CLAIMS = {"iss": "https://login.example.com/", "sub": "user-123", "aud": "api.example.com",
          "iat": 1700000000, "exp": 4102444800, "email": "alice@example.com"}


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def signing_input(alg, kid):
    return (b64u(compact({"alg": alg, "typ": "JWT", "kid": kid})) + "." + b64u(compact(CLAIMS))).encode()


with open(os.path.join(HERE, "k1.pem"), "rb") as f:
    k1 = serialization.load_pem_private_key(f.read(), password=None)
with open(os.path.join(HERE, "jwks_k1.json")) as f:
    k1_jwk = json.load(f)["keys"][0]
es = ec.generate_private_key(ec.SECP256R1())
ed = ed25519.Ed25519PrivateKey.generate()
nums = es.public_key().public_numbers()

es_input = signing_input("ES256", "es1")
r, s = utils.decode_dss_signature(es.sign(es_input, ec.ECDSA(hashes.SHA256())))
ed_input = signing_input("EdDSA", "ed1")
confused_input = signing_input("ES256", "k1")
tokens = {
    "es256": es_input.decode() + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big")),
    "eddsa": ed_input.decode() + "." + b64u(ed.sign(ed_input)),
    "es256_signed_by_k1": confused_input.decode() + "."
    + b64u(k1.sign(confused_input, padding.PKCS1v15(), hashes.SHA256())),
}
jwks = {"keys": [
    k1_jwk,
    {"kty": "EC", "kid": "es1", "use": "sig", "alg": "ES256", "crv": "P-256",
     "x": b64u(nums.x.to_bytes(32, "big")), "y": b64u(nums.y.to_bytes(32, "big"))},
    {"kty": "OKP", "kid": "ed1", "use": "sig", "alg": "EdDSA", "crv": "Ed25519",
     "x": b64u(ed.public_key().public_bytes_raw())},
]}
for name, value in (("jwks_algs.json", jwks), ("tokens_algs.json", tokens)):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
