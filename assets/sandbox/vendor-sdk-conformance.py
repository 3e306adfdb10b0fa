#!/usr/bin/env python3
"""The sandbox is faithful when the vendors' own public client libraries work against it
unchanged, pointed at it by base URL only. Runs wechatpy (jscode2session), Alibaba Cloud's
core SDK (SendSms and QuerySendDetails, RPC HMAC-SHA1 signature) and python-alipay-sdk (alipay.system.oauth.token,
RSA2 both ways) against a running sandbox and prints one JSON line of what each answered.

    python3 assets/sandbox/vendor-sdk-conformance.py http://127.0.0.1:8090 data/sandbox [SECTIONS]

SECTIONS is a comma list of wechat, sms, alipay, wechatpayv3, alipaypay (default:
wechat,sms,alipay; "all" for every one). wechatpayv3 drives the real WeChat Pay APIv3 SDK (gateway attribute pointed at
the sandbox, public-key mode): it places, queries, closes and refunds orders, and verifies and
decrypts the payment notification the sandbox posts to a notify_url served here, refusing an
altered one. alipaypay drives python-alipay-sdk's trade APIs against the fake gateway (create,
query, refund, refund query, close, an unknown trade) and its verify() judges the async notifications
the sandbox posts to a notify_url served here (refusing an altered one and one signed with sign_type).
"""
import datetime, json, os, sys, urllib.request

from alipay import AliPay
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

sandbox, keys = sys.argv[1], sys.argv[2]
sections = (sys.argv[3] if len(sys.argv) > 3 else "wechat,sms,alipay").split(",")
if "all" in sections:
    sections = ["wechat", "sms", "alipay", "wechatpayv3", "alipaypay"]


def control(path, body):
    request = urllib.request.Request(sandbox + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())


results = {}

if "wechat" in sections:
    wechat = WeChatClient("wx0000sandbox0001", "sandbox-wechat-secret", access_token="not-needed-by-jscode2session")
    wechat.wxa.API_BASE_URL = sandbox + "/"
    code = control("/sandbox/wechat/codes", {"openid": "o6_conformance"})["code"]
    results["wechat_openid"] = wechat.wxa.code_to_session(code)["openid"]
    try:
        wechat.wxa.code_to_session(code)
        results["wechat_reused_code"] = "accepted"
    except WeChatClientException as error:
        results["wechat_reused_code"] = error.errcode

def sms_call(client, action, **params):
    """One dysmsapi 2017-05-25 action through the core SDK's CommonRequest, pointed at the sandbox."""
    request = CommonRequest()
    request.set_accept_format("json")
    request.set_domain(sandbox.split("://", 1)[1] + "/sms")
    request.set_protocol_type("http")
    request.set_method("GET")
    request.set_version("2017-05-25")
    request.set_action_name(action)
    for name, value in params.items():
        request.add_query_param(name, value)
    return json.loads(client.do_action_with_exception(request))


if "sms" in sections:
    acs = AcsClient("LTAIsandbox", "sandbox-sms-secret", "cn-hangzhou")
    sent = sms_call(acs, "SendSms", PhoneNumbers="13800138000", SignName="惠民健康", TemplateCode="SMS_100000001",
                    TemplateParam=json.dumps({"code": "123456"}), OutId="sdk_out_1")
    results["sms_code"] = sent["Code"]

    # QuerySendDetails for the day the sandbox says it took the message (its clock may not be ours).
    listed = json.loads(urllib.request.urlopen(sandbox + "/sandbox/sms/messages?phone=13800138000&limit=1").read())
    taken = datetime.datetime.strptime(listed["messages"][0]["receivedAt"][:19], "%Y-%m-%dT%H:%M:%S")
    day = (taken + datetime.timedelta(hours=8)).strftime("%Y%m%d")

    details = sms_call(acs, "QuerySendDetails", PhoneNumber="13800138000", SendDate=day, PageSize="10",
                       CurrentPage="1", BizId=sent["BizId"])
    found = details["SmsSendDetailDTOs"]["SmsSendDetailDTO"]
    results["sms_details_total"] = details["TotalCount"]
    results["sms_details_out_id"] = found[0]["OutId"] if found else None
    results["sms_details_template"] = found[0]["TemplateCode"] if found else None
    results["sms_details_page_size_51"] = sms_call(acs, "QuerySendDetails", PhoneNumber="13800138000",
                                                   SendDate=day, PageSize="51", CurrentPage="1")["Code"]
    try:
        sms_call(AcsClient("LTAIsandbox", "not-the-secret", "cn-hangzhou"), "QuerySendDetails",
                 PhoneNumber="13800138000", SendDate=day, PageSize="10", CurrentPage="1")
        results["sms_details_bad_signature"] = "accepted"
    except ServerException as error:
        results["sms_details_bad_signature"] = error.get_error_code()

if "alipay" in sections:
    alipay = AliPay(appid="2021000000000001",
                    app_private_key_string=open(os.path.join(keys, "alipay-app-private.pem")).read(),
                    alipay_public_key_string=open(os.path.join(keys, "alipay-platform-public.pem")).read())
    alipay._gateway = sandbox + "/gateway.do"
    code = control("/sandbox/alipay/codes", {"userId": "2088000000000042"})["code"]
    token = alipay.verified_sync_response(
        alipay.build_body("alipay.system.oauth.token", grant_type="authorization_code", code=code),
        "alipay_system_oauth_token_response")
    results["alipay_user_id"] = token["user_id"]


def wechatpay_checks():
    """The real wechatpayv3 client against the fake WeChat Pay, and its callback() as the judge of the
    notifications the fake sends."""
    import threading, time, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from wechatpayv3 import WeChatPay, WeChatPayType

    def read(name):
        with open(os.path.join(keys, name)) as f:
            return f.read()

    received = []

    class Notify(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            result = wxpay.callback(dict(self.headers), body)
            received.append(result)
            self.send_response(204 if result else 401)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Notify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    notify_url = "http://127.0.0.1:%d/notify" % server.server_address[1]

    wxpay = WeChatPay(wechatpay_type=WeChatPayType.MINIPROG, mchid="1900000001",
                      private_key=read("wechatpay-merchant-private.pem"),
                      cert_serial_no="5A1B0C2D3E4F5061728394A5B6C7D8E9F0A1B2C3", appid="wx0000sandbox0001",
                      apiv3_key=read("wechatpay-apiv3.key").strip(), notify_url=notify_url,
                      public_key=read("wechatpay-platform-public.pem"),
                      public_key_id="PUB_KEY_ID_0119000000012026111800000000000001")
    wxpay._core._gate_way = sandbox
    out = {}
    trade = "SDK" + uuid.uuid4().hex[:20].upper()
    code, message = wxpay.pay(description="conformance", out_trade_no=trade, amount={"total": 2500},
                              payer={"openid": "o6_sdkpayer"}, time_expire="2099-01-01T00:00:00+08:00")
    out["prepay"] = code == 200 and json.loads(message)["prepay_id"].startswith("wx")
    code, message = wxpay.query(out_trade_no=trade)
    out["query_before"] = json.loads(message)["trade_state"]
    # wx.requestPayment's paySign over fixed inputs: RSA PKCS#1 v1.5 is deterministic, so the Swift
    # client's paySign for the same inputs must be these very bytes.
    out["pay_sign_fixed"] = wxpay.sign(["wx0000sandbox0001", "1790000000", "NONCE0123456789", "prepay_id=wx0001"])
    code, message = wxpay.pay(description="conformance", out_trade_no="12345", amount={"total": 1},
                              payer={"openid": "o6_sdkpayer"})
    out["bad_trade_no"] = json.loads(message)["code"]

    paid = control("/sandbox/wechatpay/pay", {"outTradeNo": trade})
    out["notify_status"] = paid.get("status")
    ok = [r for r in received if r]
    out["callback_event"] = ok[0]["event_type"] if ok else None
    out["callback_state"] = ok[0]["resource"]["trade_state"] if ok else None
    out["callback_total"] = ok[0]["resource"]["amount"]["total"] if ok else None
    code, message = wxpay.query(out_trade_no=trade)
    out["query_after"] = json.loads(message)["trade_state"]

    control("/sandbox/wechatpay/notifications", {"mode": "alter"})
    altered = "SDK" + uuid.uuid4().hex[:20].upper()
    wxpay.pay(description="conformance", out_trade_no=altered, amount={"total": 100}, payer={"openid": "o6_sdkpayer"})
    out["altered_status"] = control("/sandbox/wechatpay/pay", {"outTradeNo": altered}).get("status")

    refund_no = "RSDK" + uuid.uuid4().hex[:16].upper()
    code, message = wxpay.refund(out_refund_no=refund_no, amount={"refund": 1000, "total": 2500, "currency": "CNY"},
                                 out_trade_no=trade)
    out["refund_status"] = json.loads(message)["status"]
    code, message = wxpay.query_refund(out_refund_no=refund_no)
    out["refund_query"] = json.loads(message)["amount"]["refund"]
    code, message = wxpay.refund(out_refund_no="R" + refund_no, amount={"refund": 2000, "total": 2500, "currency": "CNY"},
                                 out_trade_no=trade)
    out["over_refund"] = json.loads(message)["code"]
    for _ in range(50):  # the refund notification is posted after the answer
        if len([r for r in received if r]) >= 2:
            break
        time.sleep(0.05)
    refunds = [r for r in received if r and r["event_type"].startswith("REFUND.")]
    out["refund_callback"] = refunds[0]["resource"]["refund_status"] if refunds else None

    unpaid = "SDK" + uuid.uuid4().hex[:20].upper()
    wxpay.pay(description="conformance", out_trade_no=unpaid, amount={"total": 100}, payer={"openid": "o6_sdkpayer"})
    code, _ = wxpay.close(out_trade_no=unpaid)
    out["close_code"] = code
    code, message = wxpay.trade_bill(bill_date="2026-09-20")
    out["bill_empty_day"] = json.loads(message)["code"]
    server.shutdown()
    return out


if "wechatpayv3" in sections:
    results["wechatpayv3"] = wechatpay_checks()


def alipay_pay_checks():
    """python-alipay-sdk against the fake Alipay trade APIs, and its verify() as the judge of the
    async notifications the fake posts (form-encoded; sign and sign_type left out of the content)."""
    import threading, time, uuid
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qsl
    from alipay.exceptions import AliPayException

    received = []

    class Notify(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            data = dict(parse_qsl(body, keep_blank_values=True))
            sign = data.pop("sign", "")
            ok = ali.verify(dict(data), sign)
            received.append((ok, data, self.headers.get("Content-Type", "")))
            reply = b"success" if ok else b"fail"
            self.send_response(200)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Notify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    notify_url = "http://127.0.0.1:%d/notify" % server.server_address[1]

    ali = AliPay(appid="2021000000000001", app_notify_url=notify_url,
                 app_private_key_string=open(os.path.join(keys, "alipay-app-private.pem")).read(),
                 alipay_public_key_string=open(os.path.join(keys, "alipay-platform-public.pem")).read())
    ali._gateway = sandbox + "/gateway.do"
    out = {}
    trade = "SDK" + uuid.uuid4().hex[:20].upper()
    created = ali.api_alipay_trade_create(subject="conformance", out_trade_no=trade, total_amount="25.00",
                                          buyer_open_id="074sdkpayer")
    out["create_code"] = created.get("code")
    out["trade_no_length"] = len(created.get("trade_no", ""))
    out["query_before"] = ali.api_alipay_trade_query(out_trade_no=trade).get("trade_status")
    # A signed business error comes back verified, as a node with code 40004 and its sub_code.
    try:
        out["unknown_trade"] = ali.api_alipay_trade_query(out_trade_no="SDK_NEVER_CREATED").get("sub_code")
    except AliPayException as error:
        out["unknown_trade"] = "unsigned: " + error.message

    paid = control("/sandbox/alipay/pay", {"outTradeNo": trade})
    out["notify_reply"] = paid.get("reply")
    ok = [r for r in received if r[0]]
    out["notify_verified"] = len(ok)
    out["notify_status"] = ok[0][1].get("trade_status") if ok else None
    out["notify_total"] = ok[0][1].get("total_amount") if ok else None
    out["notify_content_type"] = ok[0][2] if ok else None
    query = ali.api_alipay_trade_query(out_trade_no=trade)
    out["query_after"] = query.get("trade_status")
    out["query_receipt"] = query.get("receipt_amount")

    for mode in ("alter", "signtype"):
        control("/sandbox/alipay/notifications", {"mode": mode})
        other = "SDK" + uuid.uuid4().hex[:20].upper()
        ali.api_alipay_trade_create(subject="conformance", out_trade_no=other, total_amount="1.00",
                                    buyer_open_id="074sdkpayer")
        out[mode + "_reply"] = control("/sandbox/alipay/pay", {"outTradeNo": other}).get("reply")

    request_no = "RSDK" + uuid.uuid4().hex[:16].upper()
    refund = ali.api_alipay_trade_refund(refund_amount="10.00", out_trade_no=trade, out_request_no=request_no)
    out["refund_fund_change"] = refund.get("fund_change")
    again = ali.api_alipay_trade_refund(refund_amount="10.00", out_trade_no=trade, out_request_no=request_no)
    out["refund_again_fund_change"] = again.get("fund_change")
    try:
        partial = ali.api_alipay_trade_refund(refund_amount="5.00", out_trade_no=trade)
        out["partial_without_request_no"] = partial.get("sub_code") or "accepted"
    except AliPayException as error:
        out["partial_without_request_no"] = "unsigned: " + error.message
    refund_query = ali.api_alipay_trade_fastpay_refund_query(request_no, out_trade_no=trade)
    out["refund_query_status"] = refund_query.get("refund_status")
    out["refund_query_amount"] = refund_query.get("refund_amount")
    for _ in range(50):  # the refund notification is posted after the answer
        if any(r[0] and r[1].get("out_biz_no") == request_no for r in received):
            break
        time.sleep(0.05)
    refunds = [r[1] for r in received if r[0] and r[1].get("out_biz_no") == request_no]
    out["refund_notify_status"] = refunds[0].get("trade_status") if refunds else None
    out["refund_notify_fee"] = refunds[0].get("refund_fee") if refunds else None

    unpaid = "SDK" + uuid.uuid4().hex[:20].upper()
    ali.api_alipay_trade_create(subject="conformance", out_trade_no=unpaid, total_amount="1.00", buyer_id="2088102177846880")
    out["close_code"] = ali.api_alipay_trade_close(out_trade_no=unpaid).get("code")
    out["query_closed"] = ali.api_alipay_trade_query(out_trade_no=unpaid).get("trade_status")
    server.shutdown()
    return out


if "alipaypay" in sections:
    results["alipaypay"] = alipay_pay_checks()

print(json.dumps(results))
