"""The delivery guarantee at process level: nothing acknowledged to Meta is lost on kill -9.

The bridge serves a channel whose webhook receiver is down; signed Meta webhooks are posted (each answered 200 only
after its commit); the bridge is killed with SIGKILL; the receiver comes up; the bridge restarts on the same
database, and every event must be delivered, in order per chat. The restarted bridge must then stop cleanly on
SIGTERM."""
from __future__ import annotations

import hashlib
import hmac
import json
import signal
import subprocess
import time
import urllib.request

import pytest

from bridgecheck.bridge import free_port

APP_SECRET = "crash-test-app-secret"
EVENTS, CHATS = 60, 6


def payload(index: int) -> bytes:
    chat = 12020720000 + index % CHATS
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001001", "phone_number_id": "1001"},
            "contacts": [{"profile": {"name": "Crash"}, "wa_id": str(chat)}],
            "messages": [{"from": str(chat), "id": f"wamid.CRASH{index:04d}", "timestamp": str(1700000000 + index),
                          "type": "text", "text": {"body": str(index)}}]}}]}]}).encode()


def post_signed(port: int, body: bytes) -> int:
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/cloud/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def delivered_messages(receiver) -> list[dict]:
    """The 1MSG `messages` items the receiver got, in arrival order."""
    return [item for body in receiver.received() if isinstance(body, dict) for item in body.get("messages", [])]


def serve(binary, database: str, port: int, log) -> subprocess.Popen:
    """`serve` on the database (no sandbox; Meta unreachable), ready when /readyz answers."""
    process = subprocess.Popen(
        [str(binary), "serve", "--port", str(port), "--database", database, "--graph-url", "http://127.0.0.1:9",
         "--webhook-retry-max-delay", "1"], stdout=log, stderr=log)
    limit = time.monotonic() + 30
    while time.monotonic() < limit:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).close()
            return process
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.1)
    process.kill()
    pytest.fail("the bridge did not become ready", pytrace=False)


def test_events_committed_before_kill_9_are_all_delivered_in_order(bridge_binary, webhook_receiver, tmp_path, report):
    database, bridge_port = str(tmp_path / "bridge.sqlite"), free_port()
    receiver_port = webhook_receiver.port
    webhook_receiver.stop()  # down until the bridge has been killed
    subprocess.run([str(bridge_binary), "channel", "add", "--database", database, "--id", "crash", "--token",
                    "crash-token-000000001", "--phone-number-id", "1001", "--waba-id", "2001", "--access-token",
                    "EAAGcrash", "--app-secret", APP_SECRET, "--verify-token", "v", "--webhook-url",
                    webhook_receiver.url], check=True, stdout=subprocess.DEVNULL, timeout=60)
    with open(tmp_path / "bridge.log", "wb") as log:
        bridge = serve(bridge_binary, database, bridge_port, log)
        try:
            for index in range(EVENTS):
                assert post_signed(bridge_port, payload(index)) == 200, f"event {index} was not acknowledged"
        finally:
            bridge.send_signal(signal.SIGKILL)
            bridge.wait()

        webhook_receiver.start(receiver_port)
        bridge = serve(bridge_binary, database, bridge_port, log)
        try:
            limit = time.monotonic() + 90
            while time.monotonic() < limit:
                messages = delivered_messages(webhook_receiver)
                if len({item["id"] for item in messages}) == EVENTS:
                    break
                time.sleep(0.2)
        finally:
            bridge.send_signal(signal.SIGTERM)
            code = bridge.wait(timeout=30)
    messages = delivered_messages(webhook_receiver)
    ids = [item["id"] for item in messages]
    missing = EVENTS - len(set(ids))
    assert not missing, f"{missing} of {EVENTS} committed events were lost after kill -9"
    bodies = [(item["chatId"], int(item["body"])) for item in messages]
    for chat in {c for c, _ in bodies}:
        order = [n for c, n in bodies if c == chat]
        assert order == sorted(order), f"events of {chat} arrived out of order: {order}"
    log_tail = (tmp_path / "bridge.log").read_text(errors="replace")[-3000:]
    assert code == 0, f"the restarted bridge exited with {code} after SIGTERM:\n{log_tail}"
    report.add("kill -9 recovery run", [f"{EVENTS} events committed before kill -9, all delivered after restart "
                                        f"({len(ids) - EVENTS} duplicates), in order per chat"])
