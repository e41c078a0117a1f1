#!/usr/bin/env python3
"""Writes the JWT benchmark material into DIR (needs python3 + cryptography):
  key.pem / pub.pem   a fresh RSA-2048 key pair (kid "bench")
  jwks.json           its JWKS (RS256, use sig)
  token.txt           one valid token (jwt-repeat)
  tokens.txt          COUNT distinct valid tokens, one per line (jwt-new)
Tokens: iss https://login.example.com/, aud api.example.com, exp in 2100, distinct sub/jti.

usage: jwt_tokens.py DIR COUNT
"""
import base64, json, os, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with open(os.path.join(out, "pub.pem"), "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    nums = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "kid": "bench", "use": "sig", "alg": "RS256",
           "n": b64u(nums.n.to_bytes(256, "big")), "e": b64u(nums.e.to_bytes(3, "big"))}
    with open(os.path.join(out, "jwks.json"), "w") as f:
        json.dump({"keys": [jwk]}, f)
    header = b64u(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "bench"}, separators=(",", ":")).encode())

    def token(i):
        claims = {"iss": "https://login.example.com/", "sub": "user-%d" % i, "aud": "api.example.com",
                  "iat": 1700000000, "exp": 4102444800, "jti": "bench-%d" % i}
        signing_input = header + "." + b64u(json.dumps(claims, separators=(",", ":")).encode())
        sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64u(sig)

    with open(os.path.join(out, "token.txt"), "w") as f:
        f.write(token(0) + "\n")
    with open(os.path.join(out, "tokens.txt"), "w") as f:
        for i in range(1, count + 1):
            f.write(token(i) + "\n")


if __name__ == "__main__":
    main()
