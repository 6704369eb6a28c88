"""The cases of the SDK check (test_sdks.py): both official 1MSG Python SDKs, every operation the bridge serves, the
request each SDK makes for it, what a right answer is, and the SDKs' own known defects.

Each (SDK, operation) is classified:

  ok          the SDK returned a decoded model without raising, and its key values are right
  sdk-bug     the SDK itself is broken in a way listed in SDK_BUGS (documented in the facts file, or shown by a
              demo); the same call was then made on the wire with urllib and the bridge's answer checked
  fail        anything else: the bridge answered something the SDK cannot decode, a wrong value, or an error
  not-served  an SDK operation the bridge does not serve (calling, groups, ...); probed, not a failure
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from bridgecheck.bridge import PIXEL_PNG, REPO_ROOT, Deadline, Wire, prepare_venv

SUITE = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).resolve().parent / "sdk_driver.py"
VENVS = REPO_ROOT / ".build" / "sdk-venvs"
PHONE = "12020721369"
# A 2048-bit RSA public key for POST /whatsapp_business_encryption: the one docs/operations.md's example sends.
BUSINESS_PUBLIC_KEY = (REPO_ROOT / "docs" / "examples" / "business-public-key.pem").read_text(encoding="utf-8")
# An order for sendOrderDetails and sendPaymentRequest: 2 × 150.00 + 1 × 90.00, tax 19.50.
ORDER = {"status": "pending", "items": [
    {"retailer_id": "sku-bread", "name": "Bread", "quantity": 2, "amount": {"value": 15000, "offset": 100}},
    {"retailer_id": "sku-jam", "name": "Jam", "quantity": 1, "amount": {"value": 9000, "offset": 100}}],
    "subtotal": {"value": 39000, "offset": 100}, "tax": {"value": 1950, "offset": 100}}
SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"

VERTICAL_LABELS = {
    "Automotive", "Beauty, Spa and Salon", "Clothing and Apparel", "Education", "Entertainment",
    "Event Planning and Service", "Finance and Banking", "Food and Grocery", "Public Service", "Hotel and Lodging",
    "Medical and Health", "Non-profit", "Professional Services", "Shopping and Retail", "Travel and Transportation",
    "Restaurant", "Other",
}
STATUSES = {"connected", "connecting", "disconnected", "uninitialized", "unregistered"}

# The two SDKs: PyPI requirement file (exact pins), module, and a short tag used in names the check creates.
SDKS = {
    "one-msg-waba-sdk": {"requirements": SUITE / "requirements" / "sdk-one-msg-waba-sdk.txt",
                         "module": "one_msg_waba_sdk", "tag": "waba"},
    "one-msg-sdk": {"requirements": SUITE / "requirements" / "sdk-one-msg-sdk.txt", "module": "one_msg_sdk",
                    "tag": "new"},
}

# Every operation the bridge serves, in the order the drivers run them (blockUser before blockedUsers before
# unblockUser; the media ids and the template removeTemplate deletes are prepared on the wire beforehand).
OPERATIONS = [
    "sendMessage", "sendFile", "sendSticker", "sendLocation", "sendContact", "sendReaction", "sendList",
    "sendButton", "sendLocationRequest", "sendCtaUrl", "sendFlow", "sendCarousel", "sendProduct",
    "sendAddressMessage", "sendTemplate", "readMessage", "uploadMedia", "retrieveMedia", "DELETE media/{id}",
    "deleteMedia", "GET me", "POST me", "GET status", "GET templates", "addTemplate", "removeTemplate",
    "GET commerce", "POST commerce", "blockUser", "blockedUsers", "unblockUser", "POST conversationalAutomation",
    "GET conversationalAutomation", "statistics", "extendedStatistics", "outputIP", "mmLiteStatus",
    "listGroups", "createGroup", "getGroup", "updateGroup", "getGroupInviteLink", "resetGroupInviteLink", "deleteGroup",
    "GET messages", "hookInfo",
    "GET settings", "POST settings", "GET webhook", "POST webhook",
    "sendOrderDetails", "sendPaymentRequest", "POST callingSettings", "GET callingSettings", "initiateCall",
    "POST whatsapp_business_encryption", "GET whatsapp_business_encryption",
    "GET flows", "createFlows", "GET flows/{id}", "GET flows/{id}/preview", "PATCH flows/{id}/assets",
    "PATCH flows/{id}/metadata", "POST flows/{id}/publish", "POST flows/{id}/deprecate", "DELETE flows/{id}",
]
FLOW_OPERATIONS = {op for op in OPERATIONS if "flows" in op.lower()}
SEND_OPERATIONS = {op for op in OPERATIONS if op.startswith("send")}

# SDK operations the bridge does not serve: SDK method → (HTTP method, path) probed on the wire for the record.
NOT_SERVED = {
    "one-msg-sdk": {},
    "one-msg-waba-sdk": {},
}

# Known defects of the SDKs themselves: (sdk, operation) → {"bug": one line with its source, "evidence": a
# pattern that the SDK's failure (error text, then the bodies it sent and the replies it got) must match,
# "demo": optionally a Python expression run inside the SDK's venv (`models` = the SDK's models module) that
# shows the defect without the bridge: the defect is shown when it raises or is true}. Only these may be
# classified sdk-bug, and only when the evidence matches, the demo (if any) shows the defect, and the same call
# made on the wire gets a right answer from the bridge; anything else unexpected is a fail.
FORM_OPERATIONS = ("sendMessage", "sendFile", "sendLocation", "readMessage", "sendFlow", "sendCarousel")
SDK_BUGS = {
    # The newer SDK's form-parameter operations send `Content-Type: application/json` with an EMPTY body unless
    # the caller forces `_content_type='application/x-www-form-urlencoded'`; the bridge rightly answers 400.
    # The check then also makes the call with that override, which must work.
    **{
        ("one-msg-sdk", op): {
            "bug": "generator bug: form-parameter operation sends application/json with an EMPTY body by default "
                   "(facts §1.3 and §6 item 3); the bridge answers 400",
            "evidence": r"\(400\)[\s\S]*is required[\s\S]*sent: Content-Type: application/json body: None$",
        }
        for op in FORM_OPERATIONS
    },
    # The newer SDK models POST /flows and PATCH /flows/{flowId}/assets|metadata without a request body (facts §1.3:
    # "No body: ... POST /flows…, PATCH /flows…", while [mcp] shows the fields they take): the call sends nothing, so
    # the bridge rightly answers 400 naming the required fields. The check makes the call with the body on the wire.
    **{
        ("one-msg-sdk", op): {
            "bug": "request body not modelled: create_flows/patch_flows_flow_id_assets/patch_flows_flow_id_metadata send "
                   "no body (facts §1.3, §2.3 Flows); the bridge answers 400 naming the fields",
            "evidence": r"\(400\)[\s\S]*(is required|is needed)[\s\S]*sent: Content-Type: None body: None$",
        }
        for op in ("createFlows", "PATCH flows/{id}/assets", "PATCH flows/{id}/metadata")
    },
    ("one-msg-sdk", "uploadMedia"): {
        "bug": "response model declared void: create_upload_media() returns None although the bridge replied "
               "{mediaId} (facts §2.1 row 33, §2.3 uploadMedia)",
        "evidence": r"^returned None[\s\S]*reply: \{.*\"mediaId\":\"",
    },
    # The newer SDK models no request body for its POST group operations (facts §1.3: "No body: ... POST /groups…
    # (as modelled by the SDK)"), so what they need cannot be sent: the bridge rightly refuses the empty requests.
    ("one-msg-sdk", "createGroup"): {
        "bug": "create_groups() takes no body (facts §1.3), so the required groupName cannot be sent; the bridge "
               "answers 400",
        "evidence": r"\(400\)[\s\S]*groupName: is required[\s\S]*body: None$",
    },
    ("one-msg-sdk", "updateGroup"): {
        "bug": "create_groups_group_id() takes no body (facts §1.3), so no subject, description or picture can be "
               "sent; the bridge answers 422 (nothing to update)",
        "evidence": r"\(422\)[\s\S]*Nothing to update[\s\S]*body: None$",
    },
    ("one-msg-waba-sdk", "GET templates"): {
        "bug": "template enums are 2.39's (category MARKETING|TRANSACTIONAL|OTP, 65 languages) so Meta's UTILITY/"
               "AUTHENTICATION fail, and the components list is decoded as one component (generator bug) "
               "(facts §6 item 10)",
        "evidence": r"validation errors? for GetTemplatesTemplatesInner (category|language) / +value is not a valid "
                    r"enumeration member|validation errors? for TemplateComponentsProp",
        "demo": "models.GetTemplatesTemplatesInner.from_dict({'name': 'x', 'category': 'UTILITY'})",
    },
    ("one-msg-waba-sdk", "addTemplate"): {
        "bug": "generator bug: TemplateComponentsProp (an array) is a subclass of its item model, so any non-empty "
               "`components` fails client-side before sending (facts §6 item 10)",
        "evidence": r"validation error for TemplateComponentsProp",
        "demo": "models.AddTemplateRequest.from_dict({'name': 'x', 'components': [{'type': 'BODY', 'text': 'Hi'}]})",
    },
    ("one-msg-waba-sdk", "GET commerce"): {
        "bug": "generator bug: GetCommerce (an array) is a subclass of its item model, so the documented "
               "[{id, is_cart_enabled, is_catalog_visible}] array fails to decode (facts §6 item 10)",
        "evidence": r"validation error for GetCommerce[\s\S]*expected dict not list",
        "demo": "models.GetCommerce.from_dict([{'id': '789887292550821', 'is_cart_enabled': True, "
                "'is_catalog_visible': True}])",
    },
    ("one-msg-waba-sdk", "extendedStatistics"): {
        "bug": "generator bug (same as GET /commerce, facts §6 item 10): ChannelExtendedStatistics (an array in "
               "2.39) is a subclass of its row model, so any row with more than two fields fails; shown by the "
               "demo on a 2.39-shaped row (sdk-check's own demonstration)",
        "evidence": r"validation error for ChannelExtendedStatistics[\s\S]*expected dict not list",
        "demo": "models.ChannelExtendedStatistics.from_dict([{'period_date': '2022-11-01T00:00:00Z', 'quantity': 1, "
                "'total_price': 0.5}])",
    },
}



# --------------------------------------------------------------------------------------------------------
# The requests: one canonical 1MSG request per (sdk, operation), the bodies of docs/operations.md adapted to
# what each SDK's request model can carry. The driver builds its typed call from it; an sdk-bug replays it.

def requests_for(sdk: str, ctx: dict) -> dict:
    tag = SDKS[sdk]["tag"]
    new = sdk == "one-msg-sdk"
    req = {}

    def add(op, method, path, query=None, body=None, **extra):
        req[op] = {"method": method, "path": path, "query": query or {}, "json": body, **extra}

    add("sendMessage", "POST", "/sendMessage", body={"phone": PHONE, "body": f"Hello from sdk-check ({sdk})"})
    add("sendFile", "POST", "/sendFile", body={
        "phone": PHONE, "body": "https://example.com/menu.pdf", "filename": "menu.pdf", "caption": "Our menu"})
    add("sendSticker", "POST", "/sendSticker", body={"phone": PHONE, "link": "https://example.com/smile.webp"})
    add("sendLocation", "POST", "/sendLocation", body={
        "phone": PHONE, "lat": "45.018337", "lng": "-73.968285", "name": "Head office", "address": "1 Main St"})
    add("sendContact", "POST", "/sendContact", body={"phone": PHONE, "contacts": [{
        "name": {"formatted_name": "Ann Lee", "first_name": "Ann", "last_name": "Lee"},
        "phones": [{"phone": "+1 202 555 0100", "type": "CELL", "wa_id": "12025550100"}],
    }]})
    add("sendReaction", "POST", "/sendReaction", body={"phone": PHONE, "body": "\U0001F44D", "quotedMsgId": ctx["message_id"]})
    add("sendList", "POST", "/sendList", body={
        "phone": PHONE, "body": "What would you like?", "action": "Menu",
        "sections": [{"title": "Drinks", "rows": [
            {"id": "tea", "title": "Tea"}, {"id": "coffee", "title": "Coffee", "description": "Fresh"}]}]})
    add("sendButton", "POST", "/sendButton", body={
        "phone": PHONE, "body": "Confirm the order?", "sections": [
            {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
            {"type": "reply", "reply": {"id": "no", "title": "No"}}]})
    add("sendLocationRequest", "POST", "/sendLocationRequest", body={"phone": PHONE, "body": "Where should we deliver?"})
    add("sendCtaUrl", "POST", "/sendCtaUrl", body={
        "phone": PHONE, "body": "Track your parcel", "displayText": "Track", "url": "https://example.com/track"})
    add("sendFlow", "POST", "/sendFlow", body={
        "phone": PHONE, "body": "Book a table", "flowId": "1234567890", "flowToken": "sdk-check", "flowCta": "Book",
        "flowAction": "navigate", "flowActionPayload": {"screen": "BOOKING"}})
    # sendCarousel through the SDK takes only `params` (documented there as the template-like structure: a
    # CAROUSEL component whose cards carry `components`), not the `cards` shorthand of docs/operations.md.
    add("sendCarousel", "POST", "/sendCarousel", body={"phone": PHONE, "body": "New arrivals", "params": [{
        "type": "CAROUSEL", "cards": [
            {"card_index": i, "components": [
                {"type": "header", "parameters": [{"type": "image", "image": {"link": f"https://example.com/{i + 1}.jpg"}}]},
                {"type": "button", "sub_type": "url", "index": "0",
                 "parameters": {"text": "Buy", "url": f"https://example.com/{i + 1}"}},
            ]} for i in range(2)]}]})
    add("sendProduct", "POST", "/sendProduct", body={
        "phone": PHONE, "body": "Our best seller", "action": {"catalog_id": "194836987003835", "product_retailer_id": "sku-42"}})
    add("sendAddressMessage", "POST", "/sendAddressMessage", body={"phone": PHONE, "body": "Where should we ship?", "country": "IN"})
    # 2.39's model of `params` is a list of on-premise localizable parameters ({default, currency, date_time}), which
    # the bridge takes as the body's parameters; the newer SDK sends Cloud-style components.
    add("sendTemplate", "POST", "/sendTemplate", body={
        "phone": PHONE, "template": "order_update", "namespace": "any",
        "language": {"policy": "deterministic", "code": "en_US"},
        "params": [{"type": "body", "parameters": [
            {"type": "text", "text": "Ann"},
            {"type": "currency", "currency": {"fallback_value": "$10.99", "currency_code": "USD", "amount_1000": 10990}}]}]
        if new else [
            {"default": "Ann"},
            {"default": "$10.99", "currency": {"currency_code": "USD", "amount_1000": 10990}}]})
    read = {"messageId": ctx["message_id"]}
    if new:
        read["typingIndicator"] = True
    add("readMessage", "POST", "/readMessage", body=read)
    add("uploadMedia", "POST", "/uploadMedia", body={"body": PIXEL_PNG})
    if new:
        add("retrieveMedia", "GET", "/retrieveMedia", query={"mediaId": ctx["media_ids"][0]}, media_id=ctx["media_ids"][0])
        add("DELETE media/{id}", "DELETE", "/media/" + ctx["media_ids"][0], media_id=ctx["media_ids"][0])
        add("deleteMedia", "POST", "/deleteMedia", body={"mediaId": ctx["media_ids"][1]}, media_id=ctx["media_ids"][1])
    add("GET me", "GET", "/me")
    me = {"about": "Open 9 to 5", "address": "1 Main St", "vertical": "Shopping and Retail"}
    if new:
        me["websites"] = ["https://example.com"]
    add("POST me", "POST", "/me", body=me)
    add("GET status", "GET", "/status")
    add("GET templates", "GET", "/templates")
    add("addTemplate", "POST", "/addTemplate", body={
        "name": f"sdkcheck_{tag}_add", "category": "UTILITY" if new else "TRANSACTIONAL", "language": "en_US",
        "components": [{"type": "BODY", "text": "Order {{1}} is ready", "example": {"body_text": [["A-1"]]}}]},
        wire_name=f"sdkcheck_{tag}_wire")
    add("removeTemplate", "POST", "/removeTemplate", body={"name": f"sdkcheck_{tag}_rm"}, wire_name=f"sdkcheck_{tag}_rm2")
    add("GET commerce", "GET", "/commerce")
    add("POST commerce", "POST", "/commerce", body={"params": {"is_cart_enabled": True, "is_catalog_visible": True}})
    add("blockUser", "POST", "/blockUser", body={"phone": int(PHONE)})
    add("blockedUsers", "GET", "/blockedUsers")
    add("unblockUser", "POST", "/unblockUser", body={"phone": int(PHONE)})
    add("POST conversationalAutomation", "POST", "/conversationalAutomation", body={
        "enable_welcome_message": True, "prompts": ["Track my order"],
        "commands": [{"command_name": "help", "command_description": "Get help"}]})
    add("GET conversationalAutomation", "GET", "/conversationalAutomation")
    add("statistics", "GET", "/statistics", query={"date": ctx["month"]})
    add("extendedStatistics", "GET", "/extendedStatistics")
    add("outputIP", "GET", "/outputIP")
    add("mmLiteStatus", "GET", "/mmLiteStatus")
    if new:
        kept, doomed = ctx["group_ids"]
        add("listGroups", "GET", "/groups")
        add("createGroup", "POST", "/groups", body={"groupName": "sdk-check wire group", "description": "made on the wire"})
        add("getGroup", "GET", f"/groups/{kept}", group_id=kept)
        add("updateGroup", "POST", f"/groups/{kept}", body={"subject": "sdk-check group (renamed)"}, group_id=kept)
        add("getGroupInviteLink", "GET", f"/groups/{kept}/inviteLink", group_id=kept)
        add("resetGroupInviteLink", "POST", f"/groups/{kept}/inviteLink", group_id=kept)
        add("deleteGroup", "DELETE", f"/groups/{doomed}", group_id=doomed)
    add("GET messages", "GET", "/messages", query={"last": "true", "limit": 20} if not new else {})
    add("hookInfo", "GET", "/hookInfo", query={"messageId": ctx["message_id"]})
    add("GET settings", "GET", "/settings")
    add("POST settings", "POST", "/settings", body={"webhookUrl": ctx["sink_url"]})
    add("GET webhook", "GET", "/webhook")
    add("POST webhook", "POST", "/webhook", body={"webhookUrl": ctx["sink_url"]})
    if new:
        add("sendOrderDetails", "POST", "/sendOrderDetails", body={
            "phone": PHONE, "template": "order_update", "namespace": "any", "language": {"code": "en_US"},
            "referenceId": f"sdkcheck-{tag}-1", "currency": "INR", "order": ORDER,
            "paymentSettings": {"type": "payment_gateway", "payment_gateway": {"type": "razorpay", "configuration_name": "shop"}}})
        add("sendPaymentRequest", "POST", "/sendPaymentRequest", body={
            "phone": PHONE, "region": "IN", "body": "Your order is ready to pay",
            "action": {"name": "review_and_pay", "parameters": {"reference_id": f"sdkcheck-{tag}-2", "order": ORDER}}})
        add("POST callingSettings", "POST", "/callingSettings", body={"calling": {"status": "ENABLED", "call_icon_visibility": "DEFAULT"}})
        add("GET callingSettings", "GET", "/callingSettings")
        add("initiateCall", "POST", "/initiateCall", body={
            "messaging_product": "whatsapp", "action": "connect", "to": PHONE, "session": {"sdp_type": "offer", "sdp": SDP_OFFER}})
        add("POST whatsapp_business_encryption", "POST", "/whatsapp_business_encryption", body={"business_public_key": BUSINESS_PUBLIC_KEY})
        add("GET whatsapp_business_encryption", "GET", "/whatsapp_business_encryption")
        flows = ctx["flow_ids"]  # prepared on the wire: main (valid draft), delete (draft), edit (draft)
        add("GET flows", "GET", "/flows")
        add("createFlows", "POST", "/flows", body={
            "name": f"sdkcheck_{tag}_created", "categories": ["OTHER"], "flowJson": FLOW_JSON})
        add("GET flows/{id}", "GET", f"/flows/{flows['main']}", flow_id=flows["main"])
        add("GET flows/{id}/preview", "GET", f"/flows/{flows['main']}/preview", flow_id=flows["main"])
        add("PATCH flows/{id}/assets", "PATCH", f"/flows/{flows['edit']}/assets", body={"flowJson": FLOW_JSON},
            flow_id=flows["edit"])
        add("PATCH flows/{id}/metadata", "PATCH", f"/flows/{flows['edit']}/metadata",
            body={"name": f"sdkcheck_{tag}_renamed", "categories": ["SURVEY"]}, flow_id=flows["edit"])
        add("POST flows/{id}/publish", "POST", f"/flows/{flows['main']}/publish", flow_id=flows["main"])
        add("POST flows/{id}/deprecate", "POST", f"/flows/{flows['main']}/deprecate", flow_id=flows["main"])
        add("DELETE flows/{id}", "DELETE", f"/flows/{flows['delete']}", flow_id=flows["delete"])
    return req


# A minimal valid Flow JSON (one terminal screen), for the Flows operations.
FLOW_JSON = {"version": "7.2", "screens": [{"id": "DONE", "title": "Done", "terminal": True, "layout": {
    "type": "SingleColumnLayout", "children": [{"type": "Footer", "label": "Done",
                                                "on-click-action": {"name": "complete", "payload": {}}}]}}]}


# --------------------------------------------------------------------------------------------------------
# What a right answer is, per operation (applied to the SDK's decoded model as a dict, or to the bridge's
# JSON on the wire). Returns None when right, else what is wrong.

def check(op: str, d, spec: dict, ctx: dict):
    def need(cond, what):
        if not cond:
            raise ValueError(what)

    try:
        if op in SEND_OPERATIONS:
            need(isinstance(d, dict), f"expected an object, got {type(d).__name__}")
            need(d.get("sent") is True, f"sent is {d.get('sent')!r} (message: {d.get('message')!r})")
            need(isinstance(d.get("id"), str) and d["id"].startswith("wamid."), f"id {d.get('id')!r} is not a wamid string")
            return None
        need(isinstance(d, (dict, list)), f"expected JSON, got {type(d).__name__}: {d!r}"[:200])
        if op in ("readMessage", "DELETE media/{id}", "deleteMedia", "POST me", "removeTemplate", "blockUser", "unblockUser"):
            need(d.get("result") == "success", f"result is {d.get('result')!r}")
        elif op == "uploadMedia":
            need(isinstance(d.get("mediaId"), str) and d["mediaId"], f"mediaId is {d.get('mediaId')!r}")
        elif op == "retrieveMedia":
            need(isinstance(d.get("url"), str) and d["url"].startswith("http"), f"url is {d.get('url')!r}")
            need(d.get("id") == spec["media_id"], f"id {d.get('id')!r} is not the media id {spec['media_id']!r}")
            need(isinstance(d.get("mimeType"), str), f"mimeType is {d.get('mimeType')!r}")
            need(isinstance(d.get("fileSize"), int) and not isinstance(d.get("fileSize"), bool), f"fileSize is {d.get('fileSize')!r}")
        elif op == "GET me":
            need(isinstance(d, dict), "not an object")
            need(d.get("vertical") is None or d["vertical"] in VERTICAL_LABELS, f"vertical {d.get('vertical')!r} is not a 1MSG label")
            need(d.get("phone") is None or isinstance(d["phone"], str), f"phone {d.get('phone')!r} is not a string")
        elif op == "GET status":
            need(d.get("status") in STATUSES, f"status is {d.get('status')!r}")
        elif op == "GET templates":
            need(isinstance(d.get("total"), int), f"total is {d.get('total')!r}")
            need(isinstance(d.get("templates"), list) and d["templates"], f"templates is {d.get('templates')!r}"[:200])
            for t in d["templates"]:
                need(isinstance(t, dict) and all(isinstance(t.get(k), str) and t[k] for k in
                                                 ("name", "category", "language", "status", "namespace")),
                     f"a template without name/category/language/status/namespace strings: {t!r}"[:300])
                need(t["status"] == t["status"].lower(), f"template status {t['status']!r} is not lower case")
                need(isinstance(t.get("components"), list), f"template components is {t.get('components')!r}"[:200])
            need(d["total"] >= len(d["templates"]), f"total {d['total']} < {len(d['templates'])} templates listed")
        elif op == "addTemplate":
            need(d.get("name") == spec["json"]["name"], f"name is {d.get('name')!r}, expected {spec['json']['name']!r}")
        elif op == "GET commerce":
            need(isinstance(d, list) and d, f"expected a non-empty array, got {d!r}"[:200])
            for item in d:
                need(isinstance(item, dict) and isinstance(item.get("id"), str), f"item without a string id: {item!r}")
                need(isinstance(item.get("is_cart_enabled"), bool) and isinstance(item.get("is_catalog_visible"), bool),
                     f"item flags are not booleans: {item!r}")
        elif op in ("POST commerce", "POST conversationalAutomation", "POST callingSettings", "POST whatsapp_business_encryption"):
            need(d.get("success") is True, f"success is {d.get('success')!r}")
        elif op == "blockedUsers":
            need(isinstance(d.get("blockedUsers"), list), f"blockedUsers is {d.get('blockedUsers')!r}")
            need(any(isinstance(u, dict) and PHONE in json.dumps(u) for u in d["blockedUsers"]),
                 f"the blocked {PHONE} is not listed: {d['blockedUsers']!r}"[:300])
        elif op == "GET conversationalAutomation":
            need(isinstance(d.get("enable_welcome_message"), bool), f"enable_welcome_message is {d.get('enable_welcome_message')!r}")
            need(isinstance(d.get("prompts"), list) and isinstance(d.get("commands"), list), "prompts/commands are not arrays")
        elif op == "statistics":
            need(d.get("date") == spec["query"]["date"], f"date is {d.get('date')!r}")
            need(isinstance(d.get("templates_cost"), (int, float)) and not isinstance(d.get("templates_cost"), bool),
                 f"templates_cost is {d.get('templates_cost')!r}")
        elif op == "extendedStatistics":
            need(isinstance(d, list) and len(d) == 12, f"expected 12 monthly rows, got {d!r}"[:200])
            need(all(isinstance(r, dict) and isinstance(r.get("period_date"), str) for r in d), "a row without period_date")
        elif op == "outputIP":
            need(d.get("result") == "127.0.0.1", f"result is {d.get('result')!r}")
        elif op == "mmLiteStatus":
            need(d.get("available") is True and d.get("status") == "ONBOARDED" and isinstance(d.get("message"), str),
                 f"mmLiteStatus is {d!r}"[:200])
        elif op == "GET callingSettings":
            need((d.get("calling") or {}).get("status") == "ENABLED", f"calling is {d.get('calling')!r} (enabled just before)")
        elif op == "initiateCall":
            calls = d.get("calls") or []
            need(d.get("success") is True and calls and str(calls[0].get("id", "")).startswith("wacid."), f"initiateCall answered {d!r}"[:200])
        elif op == "GET whatsapp_business_encryption":
            need(d.get("business_public_key") == BUSINESS_PUBLIC_KEY, f"business_public_key is {d.get('business_public_key')!r}"[:200])
            need(d.get("business_public_key_signature_status") in ("VALID", "MISMATCH"), f"status is {d.get('business_public_key_signature_status')!r}")
        elif op == "GET flows":
            need(isinstance(d.get("items"), list) and len(d["items"]) >= 3, f"items is {d.get('items')!r}"[:200])
            need(d.get("count") == len(d["items"]) and d.get("total") == len(d["items"]), f"count/total {d.get('count')}/{d.get('total')}")
            need(all(isinstance(f, dict) and isinstance(f.get("id"), str) and f.get("status") for f in d["items"]),
                 "a Flow without id/status")
        elif op == "createFlows":
            need(isinstance(d.get("id"), str) and d["id"].isdigit(), f"id is {d.get('id')!r}")
            need(d.get("success") is True and d.get("validationErrors") == [], f"success/validationErrors: {d!r}"[:200])
        elif op == "GET flows/{id}":
            need(d.get("id") == spec["flow_id"] and isinstance(d.get("status"), str), f"flow is {d!r}"[:200])
        elif op == "GET flows/{id}/preview":
            need(isinstance(d.get("previewUrl"), str) and d["previewUrl"].startswith("https://"), f"previewUrl is {d.get('previewUrl')!r}")
            need(isinstance(d.get("expiresAt"), str), f"expiresAt is {d.get('expiresAt')!r}")
        elif op == "PATCH flows/{id}/assets":
            need(d.get("success") is True and d.get("validationErrors") == [], f"assets reply is {d!r}"[:200])
        elif op in ("PATCH flows/{id}/metadata", "POST flows/{id}/publish", "POST flows/{id}/deprecate", "DELETE flows/{id}"):
            need(d.get("success") is True, f"success is {d.get('success')!r}")
        elif op == "listGroups":
            need(isinstance(d.get("groups"), list), f"groups is {d.get('groups')!r}"[:200])
            need(any(isinstance(g, dict) and g.get("id") == ctx["group_ids"][0] for g in d["groups"]),
                 f"the prepared group is not listed: {d['groups']!r}"[:300])
            need(d.get("count") == len(d["groups"]) and isinstance(d.get("hasMore"), bool), f"count/hasMore in {d!r}"[:200])
        elif op == "createGroup":
            need(d.get("success") is True and isinstance(d.get("requestId"), str) and d["requestId"],
                 f"createGroup reply is {d!r}"[:200])
        elif op == "getGroup":
            need(d.get("id") == spec["group_id"], f"id {d.get('id')!r} is not the group {spec['group_id']!r}")
            need(isinstance(d.get("subject"), str), f"subject is {d.get('subject')!r}")
        elif op in ("updateGroup", "deleteGroup"):
            need(d.get("success") is True, f"success is {d.get('success')!r}")
        elif op in ("getGroupInviteLink", "resetGroupInviteLink"):
            need(str(d.get("inviteLink", "")).startswith("https://chat.whatsapp.com/"), f"inviteLink is {d.get('inviteLink')!r}")
        elif op == "GET messages":
            need(isinstance(d.get("messages"), list), f"messages is {d.get('messages')!r}"[:200])
        elif op == "hookInfo":
            need(isinstance(d.get("hooks"), list) and d["hooks"], f"hooks is {d.get('hooks')!r}")
            need(all(isinstance(h.get("id"), str) and isinstance(h.get("status"), str) for h in d["hooks"]), "a hook without id/status")
        elif op == "GET settings":
            need("webhookUrl" in d or d == {}, f"no webhookUrl in {d!r}"[:200])
        elif op == "POST settings":
            need(isinstance(d.get("update"), dict), f"update is {d.get('update')!r}")
        elif op == "GET webhook":
            need("webhookUrl" in d, f"no webhookUrl in {d!r}"[:200])
            need(d["webhookUrl"] in (None, "") or isinstance(d["webhookUrl"], str), f"webhookUrl is {d['webhookUrl']!r}")
        elif op == "POST webhook":
            need(isinstance(d.get("set"), bool), f"set is {d.get('set')!r}")
            need(d.get("message") == ctx["sink_url"], f"message is {d.get('message')!r}")
        else:
            raise ValueError(f"no check defined for {op}")
    except ValueError as problem:
        return str(problem)
    except Exception as problem:  # noqa: BLE001 - a malformed value is a wrong answer, not a crash of the check
        return f"unexpected shape: {problem!r}"
    return None



# --------------------------------------------------------------------------------------------------------
# Plumbing: the virtual environments and the driver.


def prepare_sdk_venv(sdk: str, deadline: Deadline) -> tuple[str | None, str]:
    """Creates (or reuses) the SDK's venv under .build/sdk-venvs/; returns (python path or None, what happened)."""
    info = SDKS[sdk]
    return prepare_venv(VENVS / sdk, info["requirements"], info["module"], deadline)


def run_driver(python: str, job: dict, deadline: Deadline) -> tuple[dict, str]:
    results, note = {}, ""
    try:
        done = subprocess.run([python, "-I", str(DRIVER)], input=json.dumps(job), capture_output=True, text=True,
                              timeout=deadline.left(150))
        stdout, stderr, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as error:
        stdout = error.stdout.decode() if isinstance(error.stdout, bytes) else (error.stdout or "")
        stderr, code = "", None
        note = "driver timed out"
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        results[item["op"]] = item
    if code not in (0, None):
        note = f"driver exited with {code}: {stderr.strip()[-1500:]}"
    return results, note


# --------------------------------------------------------------------------------------------------------
# Classification.

def error_text(attempt: dict) -> str:
    if "exception" in attempt:
        return f"{attempt['exception']}: {attempt['error']}"
    return f"returned {attempt.get('returned')}" if attempt.get("value") is None else ""


def short(text: str, limit: int = 230) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_line_error(attempt: dict) -> str:
    if "exception" in attempt:
        exchange = (attempt.get("exchanges") or [{}])[-1]
        status = exchange.get("status")
        reply = exchange.get("reply")
        lines = [line for line in attempt["error"].splitlines() if line.strip()]
        head = lines[0] if lines else ""
        # pydantic errors: name the field and the complaint
        detail = " / ".join(lines[1:4]) if "validation error" in head else ""
        text = f"{attempt['exception']}: {head} {detail}".strip()
        if status is not None:
            text += f" [HTTP {status}: {short(reply, 160)}]"
        return text
    return error_text(attempt)


def evidence_of(attempt: dict, failure: str) -> str:
    """The text an SDK_BUGS evidence pattern is matched against: the failure, then what was sent and received."""
    lines = [failure]
    for ex in attempt.get("exchanges") or []:
        body = ex.get("body") if ex.get("body") is not None else ex.get("fields")
        lines.append(f"sent: Content-Type: {ex.get('content_type')} body: {body if isinstance(body, str) else json.dumps(body) if body is not None else None}")
        lines.append(f"reply: {ex.get('reply')}")
    return "\n".join(lines)


def exchanges_of(att: dict, label: str) -> list[str]:
    lines = []
    for ex in att.get("exchanges") or []:
        body = ex.get("body") if ex.get("body") is not None else ex.get("fields")
        lines.append(f"{label} request: {ex['method']} {ex['url']}  Content-Type: {ex.get('content_type')}  "
                     f"body: {body if isinstance(body, str) else json.dumps(body)}")
        lines.append(f"{label} reply:   HTTP {ex.get('status')}  {ex.get('reply', ex.get('reply_error'))}")
    if "traceback" in att:  # raised inside the SDK (decoding, validation), not an HTTP error status
        lines.append(f"{label} error:   {att['exception']}: {short(att['error'], 1200)}")
    elif "exception" in att:
        lines.append(f"{label} error:   {att['exception']} (the SDK's exception for that HTTP status)")
    return lines


def classify(sdk: str, op: str, result: dict, spec: dict, ctx: dict, wire: Wire):
    """Returns (verdict, detail, diagnosis lines for the failure section)."""
    if result is None:
        return "fail", "the driver produced no result (crashed or timed out)", []
    attempt = {k: v for k, v in result.items() if k not in ("op", "form_override", "demo")}
    raised = "exception" in attempt
    if raised:
        failure = first_line_error(attempt)
    elif attempt.get("value") is None:
        failure = "returned None"
    else:
        failure = check(op, attempt.get("value"), spec, ctx)
    if failure is None:
        note = " (listed SDK bug did not show)" if (sdk, op) in SDK_BUGS else ""
        return "ok", summarize_ok(op, attempt.get("value")) + note, []

    diagnosis = exchanges_of(attempt, "SDK")
    if not raised and attempt.get("value") is not None:
        diagnosis.append(f"SDK decoded: {short(json.dumps(attempt.get('value')), 800)}")
    if attempt.get("traceback"):
        diagnosis.append("traceback tail: " + short(attempt["traceback"][-600:], 600))

    bug = SDK_BUGS.get((sdk, op))
    if not bug or not re.search(bug["evidence"], evidence_of(attempt, failure), re.M):
        return "fail", short(failure, 400), diagnosis
    demo = result.get("demo")
    if "demo" in bug and not (demo and demo.get("shown")):
        return "fail", short(f"{failure} (looks like the listed SDK bug, but its demo did not show it: "
                             f"{demo and demo.get('text')})", 400), diagnosis

    # The SDK's defect is shown: the same call on the wire must get a right answer from the bridge.
    problems, notes = [], []
    body = dict(spec["json"]) if isinstance(spec.get("json"), dict) else spec.get("json")
    if "wire_name" in spec and isinstance(body, dict):
        body["name"] = spec["wire_name"]  # the SDK may have created the original name already
    status, reply = wire.call(spec["method"], spec["path"], spec["query"], body)
    if status != 200:
        wire_problem = f"HTTP {status}: {reply if isinstance(reply, str) else json.dumps(reply)}"
    else:
        wire_problem = check(op, reply, {**spec, "json": body}, ctx)
    if wire_problem:
        problems.append(f"the wire call is wrong too: {wire_problem}")
        diagnosis.append("wire request: " + wire.describe(spec["method"], spec["path"], spec["query"], body))
        diagnosis.append(f"wire reply:   HTTP {status}  {reply if isinstance(reply, str) else json.dumps(reply)}")
    override = result.get("form_override")
    if override is not None:
        if "exception" in override:
            o_problem = first_line_error(override)
        else:
            o_problem = check(op, override.get("value"), spec, ctx) if override.get("value") is not None else "returned None"
        if o_problem:
            problems.append(f"with _content_type=form the SDK call fails: {o_problem}")
            diagnosis += exchanges_of(override, "SDK (form override)")
        else:
            notes.append("with _content_type=form: ok")
    if demo:
        notes.append(f"demo: {demo['text'][:90]}")
    if problems:
        return "fail", short(f"SDK bug shown ({bug['bug'][:60]}…), but " + "; ".join(problems), 500), diagnosis
    return "sdk-bug", "; ".join([bug["bug"], f"wire: HTTP 200 right ({summarize_ok(op, reply)})"] + notes), []


def summarize_ok(op: str, value) -> str:
    if isinstance(value, dict):
        if op in SEND_OPERATIONS:
            return f"sent={value.get('sent')} id={str(value.get('id'))[:28]}…"
        keys = ", ".join(f"{k}={short(json.dumps(v), 40)}" for k, v in list(value.items())[:3])
        return keys or "{}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    return short(repr(value), 60)
