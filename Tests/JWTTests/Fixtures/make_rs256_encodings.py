#!/usr/bin/env python3
"""Writes rs256_encodings.json: RS256 signatures under k1 (k1.pem, left as it is) whose encoded
message is right or wrong in one named way, for RS256EncodingTests. See README.md.

A "wrong" signature is made with the private key's raw operation, s = EM^d mod n, over an
encoded message EM that differs from EMSA-PKCS1-v1_5 (RFC 8017 §9.2) in one place, so that
only the encoded-message check can refuse it. Deterministic: the same k1 gives the same file.
"""
import hashlib, json, os
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
SHA1_INFO = bytes.fromhex("3021300906052b0e03021a05000414")

with open(os.path.join(HERE, "k1.pem"), "rb") as f:
    key = serialization.load_pem_private_key(f.read(), password=None)
priv = key.private_numbers()
n, d = priv.public_numbers.n, priv.d
k = (n.bit_length() + 7) // 8


def raw(em: bytes) -> bytes:
    assert len(em) == k and int.from_bytes(em, "big") < n
    return pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "big")


def encode(digest: bytes, info=SHA256_INFO, block=b"\x00\x01", fill=0xFF, tail=b"") -> bytes:
    t = info + digest
    ps = bytes([fill]) * (k - len(block) - 1 - len(t) - len(tail))
    return block + ps + b"\x00" + t + tail


def message(i: int) -> bytes:
    return b"gatehouse rs256 encoding %d" % i


def sign(m: bytes) -> bytes:
    return key.sign(m, padding.PKCS1v15(), hashes.SHA256())


cases = []


def add(name, m, s, valid):
    cases.append({"name": name, "message": m.hex(), "signature": s.hex(), "valid": valid})


m0 = message(0)
h0 = hashlib.sha256(m0).digest()
good = sign(m0)
assert good == raw(encode(h0))
add("good", m0, good, True)
add("other message", message(1), good, False)
add("signature + n (s >= n, same value mod n)", m0, b"", False)  # filled below
add("s = n", m0, n.to_bytes(k, "big"), False)
add("s = n + 1", m0, (n + 1).to_bytes(k, "big"), False)
add("s all ones", m0, b"\xff" * k, False)
add("s = 0", m0, bytes(k), False)
add("s = 1", m0, (1).to_bytes(k, "big"), False)
add("s = n - 1 (m = n - 1)", m0, (n - 1).to_bytes(k, "big"), False)
add("one byte short", m0, good[1:], False)
add("one byte long (leading zero)", m0, b"\x00" + good, False)
add("one byte long (trailing zero)", m0, good + b"\x00", False)
add("empty", m0, b"", False)
add("SHA-1 digest info", m0, raw(encode(hashlib.sha1(m0).digest(), SHA1_INFO)), False)
add("SHA-256 digest info without NULL parameters", m0,
    raw(encode(h0, bytes.fromhex("302f300b06096086480165030402010420"))), False)
add("digest info with a long-form length", m0,
    raw(encode(h0, bytes.fromhex("308131300d060960864801650304020105000420"))), False)
add("block type 2", m0, raw(encode(h0, block=b"\x00\x02")), False)
add("first byte 1", m0, raw(encode(h0, block=b"\x01\x01")), False)
add("padding byte 0xFE", m0, raw(encode(h0, fill=0xFE)), False)
one_off = bytearray(encode(h0))
one_off[10] = 0xFE
add("one padding byte 0xFE", m0, raw(bytes(one_off)), False)
no_sep = bytearray(encode(h0))
no_sep[k - len(SHA256_INFO) - 33] = 0xFF
add("separator byte 0xFF", m0, raw(bytes(no_sep)), False)
add("garbage after the digest (short padding)", m0, raw(encode(h0, tail=b"\xAA" * 8)), False)
add("digest of another message", m0, raw(encode(hashlib.sha256(message(1)).digest())), False)
add("digest truncated by one byte", m0, raw(encode(h0[:31], tail=b"\x00")), False)

# s + n < 2^(8k): the same value mod n, one byte string longer in value (RSAVP1 step 1 refuses it).
for i in range(2, 4000):
    s = sign(message(i))
    if int.from_bytes(s, "big") + n < 1 << (8 * k):
        cases[2] = {"name": cases[2]["name"], "message": message(i).hex(),
                    "signature": (int.from_bytes(s, "big") + n).to_bytes(k, "big").hex(), "valid": False}
        add("good (the message of the s + n case)", message(i), s, True)
        break
else:
    raise SystemExit("no signature with s + n < 2^(8k)")

# A valid signature whose first byte is zero (k bytes, so it must verify), and the same without
# that byte (k - 1 bytes, refused).
for i in range(4000, 40000):
    s = sign(message(i))
    if s[0] == 0:
        add("good with a leading zero byte", message(i), s, True)
        add("leading zero byte dropped", message(i), s[1:], False)
        break
else:
    raise SystemExit("no signature with a leading zero byte")

with open(os.path.join(HERE, "rs256_encodings.json"), "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(len(cases), "cases")
