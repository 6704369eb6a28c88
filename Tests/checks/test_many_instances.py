"""Two bridges on one PostgreSQL database, one webhook receiver, as a load balancer would run them.

1,000 signed Meta events from 20 customers are spread over both instances (each customer's events in order, one at
a time, as Meta sends them; every tenth one also redelivered to the other instance). While both live, every 1MSG
event reaches the receiver exactly once and in order per chat. Then, in the second half, one instance is killed with
SIGKILL mid-run; what it was sent afterwards goes to the survivor, as Meta retries it. Nothing accepted is lost, order
per chat holds, and repeats are only what the dead instance had in flight: at most one per chat. Message numbers
stay unique and increasing, and a token rotated by the command line stops working at once. Needs
BRIDGE_TEST_POSTGRES_URL (scripts/with-postgres) and psql; skipped without."""
from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from bridgecheck.bridge import Wire, free_port
from bridgecheck.inbound import chat_orders, delivered_messages, post_signed, serve, text_message
from conftest import POSTGRES_MISSING, postgres_available

pytestmark = pytest.mark.skipif(not postgres_available(), reason=POSTGRES_MISSING)

APP_SECRET = "many-instances-app-secret"
TOKEN = "many-token-0000000001"
CHATS, HALF = 20, 500
FIRST_CHAT = 12020730000
KILL_AFTER = 150  # events of the second half accepted before the SIGKILL


def wait_for_all(receiver, count: int, seconds: float) -> list[dict]:
    """The delivered 1MSG messages once `count` distinct ones arrived (or the time is up)."""
    limit = time.monotonic() + seconds
    while True:
        messages = delivered_messages(receiver)
        if len({item["id"] for item in messages}) >= count or time.monotonic() > limit:
            return messages
        time.sleep(0.2)


class Customers:
    """Posts events `first..first+count` as CHATS customers (one thread each, its events in order), alternating
    between the bridges' ports; an event a bridge does not answer 200 goes to the next live bridge."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.dead: set[int] = set()
        self.accepted = 0
        self.redelivered = 0
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def post(self, index: int) -> None:
        body = text_message(index, FIRST_CHAT + index % CHATS, prefix="MANY")
        order = self.ports[index % 2:] + self.ports[:index % 2]
        for attempt in range(40):
            port = order[attempt % len(order)]
            if port in self.dead:
                continue
            try:
                if post_signed(port, body, APP_SECRET, timeout=15) == 200:
                    with self.lock:
                        self.accepted += 1
                    if index % 10 == 0:  # Meta redelivers now and then, to whichever instance
                        self.redeliver(body, order[(attempt + 1) % len(order)])
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.05)
        with self.lock:
            self.errors.append(f"event {index} was never accepted")

    def redeliver(self, body: bytes, port: int) -> None:
        if port in self.dead:
            return
        try:
            if post_signed(port, body, APP_SECRET, timeout=15) == 200:
                with self.lock:
                    self.redelivered += 1
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass  # the event was accepted already

    def run(self, first: int, count: int) -> list[threading.Thread]:
        def customer(chat: int) -> None:
            for index in range(first + chat, first + count, CHATS):
                self.post(index)

        threads = [threading.Thread(target=customer, args=(chat,), daemon=True) for chat in range(CHATS)]
        for thread in threads:
            thread.start()
        return threads


def test_two_instances_share_the_work_and_survive_a_kill(bridge_binary, webhook_receiver, postgres_database, tmp_path,
                                                         report):
    subprocess.run([str(bridge_binary), "channel", "add", "--database", postgres_database, "--id", "many", "--token",
                    TOKEN, "--phone-number-id", "1001", "--waba-id", "2001", "--access-token", "EAAGmany",
                    "--app-secret", APP_SECRET, "--verify-token", "v", "--webhook-url", webhook_receiver.url],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)
    ports = [free_port(), free_port()]
    logs = [open(tmp_path / f"bridge-{n}.log", "wb") for n in (1, 2)]
    # A 2 s attempt timeout makes the leases 14 s long, so the dead instance's work is taken over soon.
    bridges = [serve(bridge_binary, postgres_database, port, log, "--webhook-timeout", "2")
               for port, log in zip(ports, logs)]
    try:
        started = time.monotonic()
        customers = Customers(ports)
        for thread in customers.run(0, HALF):
            thread.join(timeout=300)
        first_half = wait_for_all(webhook_receiver, HALF, 120)
        first_seconds, first_redelivered = time.monotonic() - started, customers.redelivered
        ids = Counter(item["id"] for item in first_half)
        assert len(ids) == HALF, f"{HALF - len(ids)} of {HALF} events never reached the receiver"
        doubled = [wamid for wamid, times in ids.items() if times > 1]
        assert not doubled, f"with both instances alive, {len(doubled)} events arrived twice: {doubled[:5]}"

        threads = customers.run(HALF, HALF)
        limit = time.monotonic() + 120
        while customers.accepted < HALF + KILL_AFTER and time.monotonic() < limit:
            time.sleep(0.01)
        customers.dead.add(ports[0])
        bridges[0].send_signal(signal.SIGKILL)
        bridges[0].wait()
        for thread in threads:
            thread.join(timeout=300)
        assert not customers.errors, customers.errors[:5]
        everything = wait_for_all(webhook_receiver, 2 * HALF, 120)

        ids = Counter(item["id"] for item in everything)
        assert len(ids) == 2 * HALF, f"{2 * HALF - len(ids)} accepted events were lost after the SIGKILL"
        for chat, order in chat_orders(everything).items():
            assert order == sorted(order), f"events of {chat} arrived out of order"
        repeated_ids = {wamid: times for wamid, times in ids.items() if times > 1}
        per_chat = Counter(int(wamid[-5:]) % CHATS for wamid in repeated_ids)  # wamid.MANY<index>
        assert all(times == 2 for times in repeated_ids.values()), f"an event arrived 3 times or more: {repeated_ids}"
        assert all(count <= 1 for count in per_chat.values()), f"more than one repeat in a chat: {per_chat}"

        survivor = Wire(f"http://127.0.0.1:{ports[1]}/many", TOKEN, timeout=30)
        status, history = survivor.call("GET", "/messages", query={"limit": 0})
        assert status == 200, history
        numbers = [entry["messageNumber"] for entry in history["messages"]]
        assert len(numbers) == 2 * HALF and len(set(numbers)) == 2 * HALF, "message numbers repeat or are missing"
        assert sorted(numbers) == list(range(1, 2 * HALF + 1)), "message numbers have gaps"

        rotated = subprocess.run([str(bridge_binary), "channel", "rotate-token", "--database", postgres_database, "--id",
                                  "many", "--token", TOKEN + "-new"], capture_output=True, text=True, timeout=60)
        assert rotated.returncode == 0, rotated.stderr
        status, _ = survivor.call("GET", "/messages", query={"limit": 1})
        assert status == 401, f"the rotated token still works ({status})"
        status, _ = Wire(survivor.base, TOKEN + "-new", timeout=30).call("GET", "/messages", query={"limit": 1})
        assert status == 200, f"the new token does not work ({status})"
    finally:
        for bridge in bridges:
            if bridge.poll() is None:
                bridge.send_signal(signal.SIGTERM)
        codes = [bridge.wait(timeout=30) for bridge in bridges]
        for log in logs:
            log.close()
    assert codes[1] == 0, f"the surviving bridge exited with {codes[1]} after SIGTERM"
    report.add("two instances on one PostgreSQL database", [
        f"first half: {HALF} events over 2 instances ({first_redelivered} redelivered by 'Meta' to the other "
        f"instance), delivered once each, in order per chat, in {first_seconds:.1f} s",
        f"second half: one instance killed with SIGKILL after {KILL_AFTER} events; all {2 * HALF} delivered, in order "
        f"per chat, {len(repeated_ids)} repeated (at most 1 per chat)",
    ])
