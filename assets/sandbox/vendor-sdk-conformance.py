#!/usr/bin/env python3
"""The sandbox is faithful when the vendors' own public client libraries work against it
unchanged, pointed at it by base URL only. Runs wechatpy (jscode2session), Alibaba Cloud's
core SDK (SendSms, RPC HMAC-SHA1 signature) and python-alipay-sdk (alipay.system.oauth.token,
RSA2 both ways) against a running sandbox and prints one JSON line of what each answered.

    python3 assets/sandbox/vendor-sdk-conformance.py http://127.0.0.1:8090 data/sandbox
"""
import json, os, sys, urllib.request

from alipay import AliPay
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

sandbox, keys = sys.argv[1], sys.argv[2]


def control(path, body):
    request = urllib.request.Request(sandbox + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())


results = {}

wechat = WeChatClient("wx0000sandbox0001", "sandbox-wechat-secret", access_token="not-needed-by-jscode2session")
wechat.wxa.API_BASE_URL = sandbox + "/"
code = control("/sandbox/wechat/codes", {"openid": "o6_conformance"})["code"]
results["wechat_openid"] = wechat.wxa.code_to_session(code)["openid"]
try:
    wechat.wxa.code_to_session(code)
    results["wechat_reused_code"] = "accepted"
except WeChatClientException as error:
    results["wechat_reused_code"] = error.errcode

acs = AcsClient("LTAIsandbox", "sandbox-sms-secret", "cn-hangzhou")
send = CommonRequest()
send.set_accept_format("json")
send.set_domain(sandbox.split("://", 1)[1] + "/sms")
send.set_protocol_type("http")
send.set_method("GET")
send.set_version("2017-05-25")
send.set_action_name("SendSms")
send.add_query_param("PhoneNumbers", "13800138000")
send.add_query_param("SignName", "惠民健康")
send.add_query_param("TemplateCode", "SMS_100000001")
send.add_query_param("TemplateParam", json.dumps({"code": "123456"}))
results["sms_code"] = json.loads(acs.do_action_with_exception(send))["Code"]

alipay = AliPay(appid="2021000000000001",
                app_private_key_string=open(os.path.join(keys, "alipay-app-private.pem")).read(),
                alipay_public_key_string=open(os.path.join(keys, "alipay-platform-public.pem")).read())
alipay._gateway = sandbox + "/gateway.do"
code = control("/sandbox/alipay/codes", {"userId": "2088000000000042"})["code"]
token = alipay.verified_sync_response(
    alipay.build_body("alipay.system.oauth.token", grant_type="authorization_code", code=code),
    "alipay_system_oauth_token_response")
results["alipay_user_id"] = token["user_id"]

print(json.dumps(results))
