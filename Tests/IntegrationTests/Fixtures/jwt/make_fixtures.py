#!/usr/bin/env python3
"""Writes the JWT integration fixtures from k1.pem / k2.pem (copied from Tests/JWTTests/Fixtures;
test keys only). Needs python3 + cryptography. Deterministic: RS256 (PKCS#1 v1.5) signatures
depend only on key and input, so rerunning gives identical files.

  jwks_k1.json    k1 only (what the JWKS server serves first)
  jwks_k1k2.json  k1 and k2 (after the "rotation")
  jwks_k2.json    k2 only
  tokens.json     named tokens; long-lived ones expire in 2100, so the tests use the real clock.
"""
import base64, hmac, hashlib, json, os
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
ISS = "https://login.example.com/"
AUD = "api.example.com"
IAT = 1700000000
EXP = 4102444800


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def load(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def jwk(key, kid):
    nums = key.public_key().public_numbers()
    n = nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")
    e = nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64u(n), "e": b64u(e)}


def sign(key, header, payload):
    signing_input = b64u(compact(header)) + "." + b64u(compact(payload))
    return signing_input + "." + b64u(key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))


def claims(**changes):
    c = {"iss": ISS, "sub": "user-123", "aud": AUD, "iat": IAT, "exp": EXP, "email": "alice@example.com",
         "tenant": "t1", "roles": ["admin"], "note": "line1\r\nX-Evil: 1", "level": 3}
    c.update(changes)
    return {k: v for k, v in c.items() if v is not None}


def main():
    k1, k2 = load("k1.pem"), load("k2.pem")
    for name, keys in [("jwks_k1.json", [jwk(k1, "k1")]), ("jwks_k1k2.json", [jwk(k1, "k1"), jwk(k2, "k2")]),
                       ("jwks_k2.json", [jwk(k2, "k2")])]:
        with open(os.path.join(HERE, name), "w") as f:
            json.dump({"keys": keys}, f, indent=2)
    h1 = {"alg": "RS256", "typ": "JWT", "kid": "k1"}
    good = sign(k1, h1, claims())
    parts = good.split(".")
    tampered = parts[0] + "." + b64u(compact(claims(sub="admin"))) + "." + parts[2]
    pub_pem = k1.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_input = b64u(compact({"alg": "HS256", "typ": "JWT", "kid": "k1"})) + "." + b64u(compact(claims()))
    hs = hs_input + "." + b64u(hmac.new(pub_pem, hs_input.encode(), hashlib.sha256).digest())
    tokens = {
        "good": good,
        "good_other_user": sign(k1, h1, claims(sub="user-456")),
        "good_k2": sign(k2, {"alg": "RS256", "typ": "JWT", "kid": "k2"}, claims(sub="user-k2")),
        "expired": sign(k1, h1, claims(exp=1000000000, iat=999990000)),
        "wrong_audience": sign(k1, h1, claims(aud="other.example.com")),
        "wrong_issuer": sign(k1, h1, claims(iss="https://evil.example.com/")),
        "alg_none": b64u(compact({"alg": "none", "typ": "JWT"})) + "." + b64u(compact(claims())) + ".",
        "hs256_public_key": hs,
        "bad_signature": tampered,
        "no_sub": sign(k1, h1, claims(sub=None)),
        "sub_with_comma": sign(k1, h1, claims(sub="alice, admin")),
        "sub_padded": sign(k1, h1, claims(sub=" alice")),
    }
    with open(os.path.join(HERE, "tokens.json"), "w") as f:
        json.dump(tokens, f, indent=2)


if __name__ == "__main__":
    main()
