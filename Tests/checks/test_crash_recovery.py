"""The delivery guarantee at process level: nothing acknowledged to Meta is lost on kill -9.

The bridge serves a channel whose webhook receiver is down; signed Meta webhooks are posted (each answered 200 only
after its commit); the bridge is killed with SIGKILL; the receiver comes up; the bridge restarts on the same
database, and every event must be delivered, in order per chat. The restarted bridge must then stop cleanly on
SIGTERM."""
from __future__ import annotations

import signal
import subprocess
import time

import pytest

from bridgecheck.bridge import free_port
from bridgecheck.inbound import delivered_messages, post_signed, serve, text_message

APP_SECRET = "crash-test-app-secret"
EVENTS, CHATS = 60, 6


def payload(index: int) -> bytes:
    return text_message(index, 12020720000 + index % CHATS, prefix="CRASH")


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
                assert post_signed(bridge_port, payload(index), APP_SECRET) == 200, f"event {index} was not acknowledged"
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
