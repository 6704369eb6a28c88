"""The Cloud API surface as a Cloud API client uses it: pywa from PyPI, its HTTP session pointed at a `serve --sandbox`
bridge with the channel's bridge token and phone number id, sends a text, an image by link and a template; the 1MSG
side of the same channel (its history, its webhook, /hookInfo) then shows all three, echoed and acked. Then a 1MSG
client and pywa send on the one channel at the same time: each gets answers in its own format, one history holds
both."""
from __future__ import annotations

import re
import threading
import time

import httpx
import pytest
from pywa import WhatsApp  # pip install -r scripts/requirements-ci.txt
from pywa.errors import WhatsAppError
from pywa.types.templates import TemplateLanguage

CUSTOMER = "12020721369"
IMAGE = "https://example.com/cat.jpg"
CLOUD_LINE = re.compile(r"curl -X POST '(http://[0-9.:]+)/(v[0-9]+\.[0-9]+)/([0-9]+)/messages'")


def wait_for(condition, seconds: float = 20.0, what: str = "condition"):
    """Polls `condition` until it returns something truthy or the deadline passes (then fails, saying what)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            assert value, f"timed out waiting for {what}"
            return value
        time.sleep(0.1)


@pytest.fixture(scope="module")
def cloud_client(sandbox_bridge):
    """pywa with the channel's bridge token, its session's base URL on the bridge (the version segment as pywa
    writes it), and the phone number id the sandbox banner's Cloud curl line names."""
    banner = sandbox_bridge.out_path.read_text()
    line = CLOUD_LINE.search(banner)
    assert line, f"the sandbox banner shows no Cloud API curl line:\n{banner}"
    origin, version, phone_number_id = line.groups()
    session = httpx.Client(timeout=15)
    client = WhatsApp(phone_id=phone_number_id, token=sandbox_bridge.token, session=session, api_version=version[1:])
    session.base_url = f"{origin}/{version}"
    yield client
    session.close()


@pytest.fixture(scope="module")
def hooked(sandbox_bridge, webhook_receiver):
    """The channel's 1MSG webhook set to the receiver, with acks on."""
    status, reply = sandbox_bridge.wire().call("POST", "/webhook", form={"webhookUrl": webhook_receiver.url})
    assert status == 200, reply
    return webhook_receiver


def history(bridge) -> list[dict]:
    status, reply = bridge.wire().call("GET", "/messages", query={"limit": 0})
    assert status == 200, reply
    return reply["messages"]


def pushed(receiver, kind: str) -> list[dict]:
    return [item for body in receiver.received() if isinstance(body, dict) for item in body.get(kind, [])]


def test_pywa_sends_text_image_and_template_through_the_bridge(sandbox_bridge, cloud_client, hooked):
    text = cloud_client.send_message(to=CUSTOMER, text="Hello from pywa")
    image = cloud_client.send_image(to=CUSTOMER, image=IMAGE, caption="A cat")
    template = cloud_client.send_template(to=CUSTOMER, name="hello_world", language=TemplateLanguage.ENGLISH_US)
    sent = {"chat": text.id, "image": image.id, "template": template.id}
    assert all(wamid.startswith("wamid.") for wamid in sent.values()), sent

    # One history for the channel: the three Cloud sends, as a 1MSG send of each would be kept.
    by_id = {item["id"]: item for item in history(sandbox_bridge)}
    for kind, wamid in sent.items():
        assert wamid in by_id, f"{kind} {wamid} is not in the history"
        item = by_id[wamid]
        assert item["fromMe"] is True and item["type"] == kind and item["chatId"] == f"{CUSTOMER}@c.us", item
    assert by_id[sent["chat"]]["body"] == "Hello from pywa"
    assert by_id[sent["image"]]["body"] == IMAGE and by_id[sent["image"]]["caption"] == "A cat"
    assert by_id[sent["template"]]["body"] == "hello_world"

    # Echoed to the 1MSG webhook like 1MSG sends, then acked from the simulator's status webhooks.
    wait_for(lambda: set(sent.values()) <= {m["id"] for m in pushed(hooked, "messages") if m.get("fromMe")},
             what="the echoes of the three sends")
    wait_for(lambda: all(any(a["id"] == wamid and a["status"] in ("delivered", "read") for a in pushed(hooked, "ack"))
                         for wamid in sent.values()), what="delivered acks of the three sends")
    for wamid in sent.values():
        status, reply = sandbox_bridge.wire().call("GET", "/hookInfo", query={"messageId": wamid})
        assert status == 200 and reply["hooks"], reply


def test_pywa_read_receipt_and_refusal_in_metas_envelope(sandbox_bridge, cloud_client):
    assert cloud_client.mark_message_as_read(message_id="wamid.HBgLMTIwMjA3MjEzNjkVAgASGBQzQUZCRDQ5")
    # A body Meta's schema refuses: pywa reads the bridge's 400 as it reads Meta's (code 100, the field named).
    with pytest.raises(WhatsAppError) as refused:
        cloud_client.send_message(to=CUSTOMER, text="x" * 4097)
    assert refused.value.status_code == 400 and refused.value.code == 100 and refused.value.type == "OAuthException"
    assert "text.body must be at most 4096 characters" in refused.value.message


def test_a_cloud_client_and_a_1msg_client_on_one_channel_at_once(sandbox_bridge, cloud_client):
    rounds = 5
    cloud_ids: list[str] = []
    onemsg_replies: list[dict] = []
    failures: list[BaseException] = []

    def cloud_sends():
        try:
            for index in range(rounds):
                cloud_ids.append(cloud_client.send_message(to=CUSTOMER, text=f"cloud {index}").id)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    def onemsg_sends():
        try:
            wire = sandbox_bridge.wire()
            for index in range(rounds):
                status, reply = wire.call("POST", "/sendMessage", form={"phone": CUSTOMER, "body": f"1msg {index}"})
                assert status == 200, reply
                onemsg_replies.append(reply)
        except BaseException as error:  # noqa: BLE001
            failures.append(error)

    threads = [threading.Thread(target=cloud_sends), threading.Thread(target=onemsg_sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    # Each client in its own format: pywa parsed Meta's answer; 1MSG's reply is 1MSG's.
    assert len(cloud_ids) == rounds and all(wamid.startswith("wamid.") for wamid in cloud_ids)
    assert len(onemsg_replies) == rounds and all(r["sent"] is True and r["id"].startswith("wamid.") for r in onemsg_replies)
    bodies = {item["id"]: item["body"] for item in history(sandbox_bridge)}
    assert {bodies.get(wamid) for wamid in cloud_ids} == {f"cloud {i}" for i in range(rounds)}
    assert {bodies.get(r["id"]) for r in onemsg_replies} == {f"1msg {i}" for i in range(rounds)}
