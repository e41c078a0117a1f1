#!/usr/bin/env python3
"""Writes algs.json: keys and tokens for the ES256, ES384, EdDSA and PS256 verification tests,
signed by Python's `cryptography` (an implementation independent of Gatehouse's OpenSSL code).
See README.md. Keys are random on every run; the tests depend only on the names and claims.
"""
import base64, json, os
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

HERE = os.path.dirname(os.path.abspath(__file__))
IAT = 1700000000
EXP = 4102444800
CLAIMS = {"iss": "https://login.example.com/", "sub": "user-123", "aud": "api.example.com",
          "iat": IAT, "exp": EXP}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def signing_input(alg, kid):
    return (b64u(compact({"alg": alg, "typ": "JWT", "kid": kid})) + "." + b64u(compact(CLAIMS))).encode()


def ec_jwk(key, kid, size, **extra):
    nums = key.public_key().public_numbers()
    crv = {32: "P-256", 48: "P-384"}[size]
    jwk = {"kty": "EC", "kid": kid, "crv": crv, "x": b64u(nums.x.to_bytes(size, "big")),
           "y": b64u(nums.y.to_bytes(size, "big"))}
    jwk.update(extra)
    return jwk


def ec_token(key, alg, kid, size, hash_alg, der=False):
    data = signing_input(alg, kid)
    signature = key.sign(data, ec.ECDSA(hash_alg))
    if not der:
        r, s = utils.decode_dss_signature(signature)
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return data.decode() + "." + b64u(signature)


es256 = ec.generate_private_key(ec.SECP256R1())
es384 = ec.generate_private_key(ec.SECP384R1())
ed = ed25519.Ed25519PrivateKey.generate()
ps = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ps_nums = ps.public_key().public_numbers()
ed_raw = ed.public_key().public_bytes_raw()

pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
tokens = {
    "es256": ec_token(es256, "ES256", "es256", 32, hashes.SHA256()),
    "es256_der_signature": ec_token(es256, "ES256", "es256", 32, hashes.SHA256(), der=True),
    "es384": ec_token(es384, "ES384", "es384", 48, hashes.SHA384()),
    "eddsa": signing_input("EdDSA", "ed").decode() + "." + b64u(ed.sign(signing_input("EdDSA", "ed"))),
    "ps256": signing_input("PS256", "ps").decode() + "."
    + b64u(ps.sign(signing_input("PS256", "ps"), pss, hashes.SHA256())),
    # PSS with a 20-byte salt: RFC 7518 §3.5 requires the salt to be as long as the hash.
    "ps256_short_salt": signing_input("PS256", "ps").decode() + "."
    + b64u(ps.sign(signing_input("PS256", "ps"), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=20),
                   hashes.SHA256())),
    # RS256 (PKCS#1 v1.5) with the same RSA key: valid, the key has no alg of its own.
    "rs256_by_ps_key": signing_input("RS256", "ps").decode() + "."
    + b64u(ps.sign(signing_input("RS256", "ps"), padding.PKCS1v15(), hashes.SHA256())),
    # Header PS256 over a PKCS#1 v1.5 signature, and header RS256 over a PSS one.
    "ps256_header_pkcs1_signature": signing_input("PS256", "ps").decode() + "."
    + b64u(ps.sign(signing_input("PS256", "ps"), padding.PKCS1v15(), hashes.SHA256())),
    "rs256_header_pss_signature": signing_input("RS256", "ps").decode() + "."
    + b64u(ps.sign(signing_input("RS256", "ps"), pss, hashes.SHA256())),
}
jwks = {"keys": [
    ec_jwk(es256, "es256", 32, alg="ES256", use="sig"),
    ec_jwk(es384, "es384", 48),
    {"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": b64u(ed_raw), "alg": "EdDSA"},
    {"kty": "RSA", "kid": "ps", "n": b64u(ps_nums.n.to_bytes(256, "big")), "e": "AQAB"},
]}
with open(os.path.join(HERE, "algs.json"), "w") as f:
    json.dump({"jwks": jwks, "tokens": tokens}, f, indent=2)
    f.write("\n")
