/// The Python side of the cross-checks: PyPI gmssl 3.2.2, a pure-Python SM2/SM3/SM4 that shares
/// no code with OpenSSL. Its traps (see appointments-card-identity.md §2.5): the public key is set
/// directly as X||Y because the constructor's lstrip("04") can eat digits of X; its Z value
/// hard-codes the signer ID 1234567812345678; signatures are r||s hex, not DER.
enum GmsslScript {
    static let source = #"""
import json, sys
from gmssl import sm2, sm3, sm4, func

req = json.load(sys.stdin)
op = req["op"]

def sm3_hex(data):
    return sm3.sm3_hash(func.bytes_to_list(data))

def hmac_sm3(key, msg):
    if len(key) > 64:
        key = bytes.fromhex(sm3_hex(key))
    key = key.ljust(64, b"\0")
    inner = bytes.fromhex(sm3_hex(bytes(k ^ 0x36 for k in key) + msg))
    return sm3_hex(bytes(k ^ 0x5C for k in key) + inner)

def der_to_rs(der):
    assert der[0] == 0x30
    i = 2
    values = []
    for _ in range(2):
        assert der[i] == 0x02
        length = der[i + 1]
        values.append(int.from_bytes(der[i + 2:i + 2 + length], "big"))
        i += 2 + length
    return "%064x%064x" % tuple(values)

if op == "sm3":
    out = [sm3_hex(bytes.fromhex(m)) for m in req["messages"]]
elif op == "hmac_sm3":
    out = hmac_sm3(bytes.fromhex(req["key"]), bytes.fromhex(req["message"]))
elif op == "sm4_ctr":
    cipher = sm4.CryptSM4(padding_mode=2)  # 2: no padding, raw blocks
    cipher.set_key(bytes.fromhex(req["key"]), sm4.SM4_ENCRYPT)
    data = bytes.fromhex(req["data"])
    counter = int(req["iv"], 16)
    result = b""
    for block in range(0, len(data), 16):
        stream = cipher.crypt_ecb(((counter + block // 16) % 2**128).to_bytes(16, "big"))
        result += bytes(a ^ b for a, b in zip(data[block:block + 16], stream))
    out = result.hex()
elif op == "sm2_verify":
    signer = sm2.CryptSM2(private_key="", public_key="")
    signer.public_key = req["publicXY"]
    out = bool(signer.verify_with_sm3(der_to_rs(bytes.fromhex(req["signature"])), bytes.fromhex(req["message"])))
elif op == "sm2_sign":
    signer = sm2.CryptSM2(private_key=req["private"], public_key="")
    signer.public_key = signer._kg(int(req["private"], 16), sm2.default_ecc_table["g"])
    out = {"publicXY": signer.public_key, "signature": signer.sign_with_sm3(bytes.fromhex(req["message"]))}
else:
    sys.exit(2)
print(json.dumps(out))
"""#
}
