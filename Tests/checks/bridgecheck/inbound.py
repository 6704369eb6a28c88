"""Meta's side of inbound traffic, for checks that run bridges on a real database: signed webhook bodies with one
text message each, posted as Meta posts them, and `serve` processes (no sandbox, Meta unreachable) started and
waited for."""
from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import time
import urllib.request

import pytest


def text_message(index: int, chat: int, prefix: str = "CHECK") -> bytes:
    """A Meta `messages` webhook body: one text message from `chat` whose id is `wamid.<prefix><index>` and whose body
    is the index."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001001", "phone_number_id": "1001"},
            "contacts": [{"profile": {"name": "Check"}, "wa_id": str(chat)}],
            "messages": [{"from": str(chat), "id": f"wamid.{prefix}{index:05d}", "timestamp": str(1700000000 + index),
                          "type": "text", "text": {"body": str(index)}}]}}]}]}).encode()


def post_signed(port: int, body: bytes, app_secret: str, timeout: float = 10) -> int:
    """POSTs `body` to the bridge's Meta webhook with Meta's signature; the HTTP status."""
    signature = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/cloud/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def delivered_messages(receiver) -> list[dict]:
    """The 1MSG `messages` items a webhook receiver got, in arrival order."""
    return [item for body in receiver.received() if isinstance(body, dict) for item in body.get("messages", [])]


def serve(binary, database: str, port: int, log, *extra: str) -> subprocess.Popen:
    """`serve` on the database (no sandbox; Meta unreachable), once /readyz answers."""
    process = subprocess.Popen(
        [str(binary), "serve", "--port", str(port), "--database", database, "--graph-url", "http://127.0.0.1:9",
         "--webhook-retry-max-delay", "1", *extra], stdout=log, stderr=log)
    limit = time.monotonic() + 30
    while time.monotonic() < limit:
        if process.poll() is not None:
            pytest.fail(f"the bridge exited with {process.returncode} before it was ready", pytrace=False)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).close()
            return process
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.1)
    process.kill()
    pytest.fail("the bridge did not become ready", pytrace=False)


def chat_orders(messages: list[dict]) -> dict[str, list[int]]:
    """Per chat, the message bodies (indexes) in arrival order, repeats removed (the first arrival counts)."""
    seen, orders = set(), {}
    for item in messages:
        if item["id"] in seen:
            continue
        seen.add(item["id"])
        orders.setdefault(item["chatId"], []).append(int(item["body"]))
    return orders
