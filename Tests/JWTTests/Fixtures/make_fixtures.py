#!/usr/bin/env python3
"""Regenerates the JWT fixtures in this folder. See README.md.

Key pairs are random on every run, so regenerating changes every token and key; the tests read
them from tokens.json / jwks.json and only depend on the names and claims written here.
All times are fixed: the tests use the clock NOW below.
"""
import base64, hashlib, hmac, json, os
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1800000000            # the tests' clock
IAT = 1700000000
EXP = 4102444800            # 2100-01-01, "long-lived"
ISS = "https://login.example.com/"
AUD = "api.example.com"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def new_rsa(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def save_pem(name, key):
    with open(os.path.join(HERE, name + ".pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    with open(os.path.join(HERE, name + ".pub.pem"), "wb") as f:
        f.write(pub)
    return pub


def rsa_jwk(key, kid, **extra):
    nums = key.public_key().public_numbers()
    n = nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")
    e = nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")
    jwk = {"kty": "RSA", "kid": kid, "n": b64u(n), "e": b64u(e)}
    jwk.update(extra)
    return jwk


def sign_rs(key, header_bytes, payload_bytes, hash_alg=hashes.SHA256()):
    signing_input = b64u(header_bytes) + "." + b64u(payload_bytes)
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hash_alg)
    return signing_input, sig


def token(key, header, payload, hash_alg=hashes.SHA256()):
    h = header if isinstance(header, bytes) else compact(header)
    p = payload if isinstance(payload, bytes) else compact(payload)
    signing_input, sig = sign_rs(key, h, p, hash_alg)
    return signing_input + "." + b64u(sig)


def main():
    k1, k2, small = new_rsa(2048), new_rsa(2048), new_rsa(1024)
    k1_pub_pem = save_pem("k1", k1)
    save_pem("k2", k2)
    save_pem("small", small)
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()

    jwks = {"keys": [
        rsa_jwk(k1, "k1", alg="RS256", use="sig"),
        rsa_jwk(k2, "k2"),
        {"kty": "EC", "kid": "ec1", "crv": "P-256", "use": "sig",
         "x": b64u(ec_key.x.to_bytes(32, "big")), "y": b64u(ec_key.y.to_bytes(32, "big"))},
        rsa_jwk(small, "small", alg="RS256", use="sig"),
    ]}
    with open(os.path.join(HERE, "jwks.json"), "w") as f:
        json.dump(jwks, f, indent=2)
        f.write("\n")

    H = {"alg": "RS256", "typ": "JWT", "kid": "k1"}
    P = {"iss": ISS, "sub": "user-123", "aud": AUD, "iat": IAT, "exp": EXP,
         "email": "alice@example.com", "tenant": "t1"}

    def hdr(**kw):
        h = dict(H); h.update(kw); return {k: v for k, v in h.items() if v is not None}

    def pay(**kw):
        p = dict(P); p.update(kw); return {k: v for k, v in p.items() if v is not None}

    t = {}
    t["good"] = token(k1, H, P)
    t["good_k2"] = token(k2, hdr(kid="k2"), P)
    t["no_kid"] = token(k1, hdr(kid=None), P)
    t["expired"] = token(k1, H, pay(exp=NOW - 3600))
    t["expired_within_leeway"] = token(k1, H, pay(exp=NOW - 20))
    t["not_yet_valid"] = token(k1, H, pay(nbf=NOW + 3600))
    t["nbf_within_leeway"] = token(k1, H, pay(nbf=NOW + 20))
    t["issued_in_future"] = token(k1, H, pay(iat=NOW + 3600))
    t["wrong_audience"] = token(k1, H, pay(aud="other.example.com"))
    t["wrong_issuer"] = token(k1, H, pay(iss="https://evil.example.com/"))
    t["missing_issuer"] = token(k1, H, pay(iss=None))
    t["unknown_kid"] = token(k1, hdr(kid="k3"), P)
    t["small_key"] = token(small, hdr(kid="small"), P)
    t["wrong_key"] = token(k2, H, P)  # says k1, signed by k2
    none_header = b64u(compact({"alg": "none", "typ": "JWT"}))
    t["alg_none"] = none_header + "." + b64u(compact(P)) + "."
    t["alg_none_with_signature"] = none_header + "." + b64u(compact(P)) + "." + t["good"].split(".")[2]
    hs_input = b64u(compact(hdr(alg="HS256"))) + "." + b64u(compact(P))
    t["hs256_public_key"] = hs_input + "." + b64u(hmac.new(k1_pub_pem, hs_input.encode(), hashlib.sha256).digest())
    t["alg_rs512"] = token(k1, hdr(alg="RS512"), P, hashes.SHA512())
    t["crit_header"] = token(k1, hdr(crit=["exp"]), P)
    t["jku_header"] = token(k1, hdr(jku="https://evil.example.com/jwks.json"), P)
    t["empty_aud_array"] = token(k1, H, pay(aud=[]))
    t["aud_array_match"] = token(k1, H, pay(aud=["other.example.com", AUD]))
    t["missing_exp"] = token(k1, H, pay(exp=None))
    t["exp_string"] = token(k1, H, pay(exp=str(EXP)))
    good_h, good_p, good_s = t["good"].split(".")
    t["tampered_payload"] = good_h + "." + b64u(compact(pay(sub="admin"))) + "." + good_s
    sig = base64.urlsafe_b64decode(good_s + "==")
    t["truncated_signature"] = good_h + "." + good_p + "." + b64u(sig[:-1])
    t["signature_extra_byte"] = good_h + "." + good_p + "." + b64u(sig + b"\x00")
    t["bad_base64url_padding"] = good_h + "=." + good_p + "." + good_s
    t["bad_base64url_plus"] = good_h + "." + good_p + "." + "+" + good_s[1:]
    dup = (b'{"iss":"' + ISS.encode() + b'","sub":"user-123","sub":"admin","aud":"' + AUD.encode()
           + b'","iat":1700000000,"exp":4102444800}')
    t["duplicate_member"] = token(k1, H, dup)
    t["four_parts"] = t["good"] + "." + good_s
    t["oversized"] = token(k1, H, pay(pad="x" * 9000))

    with open(os.path.join(HERE, "tokens.json"), "w") as f:
        json.dump(t, f, indent=2)
        f.write("\n")

    # One raw RS256 vector for the Crypto tests (which have no resources): hex n, e, message, signature.
    nums = k1.public_key().public_numbers()
    msg = b"gatehouse rs256 vector"
    vec_sig = k1.sign(msg, padding.PKCS1v15(), hashes.SHA256())
    with open(os.path.join(HERE, "rsa_vector.txt"), "w") as f:
        f.write("n=" + nums.n.to_bytes(256, "big").hex() + "\n")
        f.write("e=" + nums.e.to_bytes(3, "big").hex() + "\n")
        f.write("message=" + msg.decode() + "\n")
        f.write("signature=" + vec_sig.hex() + "\n")


if __name__ == "__main__":
    main()
