#!/usr/bin/env python3
"""Prepares the QR verification benchmark against a running Huimin with its sandbox:
registers residents through the real API (WeChat login, SMS code read from the sandbox,
real-name), fetches many dynamic QR codes, and writes terminal requests signed as the
integration API requires, one nonce each, to the file named by the last argument."""
import hashlib, hmac, json, random, sys, time, urllib.request, uuid

server, sandbox, api_key, secret, residents, codes_per_resident, total, out = sys.argv[1:9]
residents, codes_per_resident, total = int(residents), int(codes_per_resident), int(total)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

def call(method, url, body=None, token=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")

def id_number(i):
    first = "110105" + "1980%02d%02d" % (1 + i % 12, 1 + i % 28) + "%03d" % (i % 1000)
    return first + "10X98765432"[sum(int(a) * w for a, w in zip(first, WEIGHTS)) % 11]

payloads = []
for i in range(residents):
    code = call("POST", sandbox + "/sandbox/wechat/codes", {})["code"]
    token = call("POST", server + "/api/v1/auth/wechat", {"code": code})["token"]
    phone = "139%08d" % (random.randrange(10**8))
    call("POST", server + "/api/v1/sms-codes", {"phone": phone}, token)
    sms = None
    for _ in range(100):
        messages = call("GET", sandbox + "/sandbox/sms/messages?phone=" + phone)["messages"]
        if messages:
            sms = messages[0]["params"]["code"]
            break
        time.sleep(0.1)
    member = call("POST", server + "/api/v1/me/real-name",
                  {"name": "赵钱孙李周吴郑王冯陈"[i % 10] + "伟芳娜敏静丽强磊军洋"[i // 10 % 10], "idNumber": id_number(i), "phone": phone, "smsCode": sms}, token)["member"]
    for _ in range(codes_per_resident):
        payloads.append(call("GET", server + "/api/v1/family-members/%s/card/qr" % member["id"], token=token)["payload"])

now = str(int(time.time()))
with open(out, "w") as f:
    for n in range(total):
        body = json.dumps({"payload": payloads[n % len(payloads)], "terminalId": "BENCH-%d" % (n % 50),
                           "medicalStep": "0101011"}, separators=(",", ":"))
        nonce = uuid.uuid4().hex
        message = "\n".join(["POST", "/integration/v1/cards/verify", now, nonce, hashlib.sha256(body.encode()).hexdigest()])
        sig = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
        f.write("\t".join([api_key, now, nonce, sig, body]) + "\n")
print("prepared %d requests over %d distinct codes" % (total, len(payloads)))
