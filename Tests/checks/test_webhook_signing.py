"""Signed outgoing webhooks, checked by an independent implementation: the `standardwebhooks` package from PyPI
verifies what a `serve --sandbox` bridge posts after `channel update --webhook-secret` (and after a rotation, and
after `--remove-webhook-secret`). The secret is set by the CLI on the running bridge's database, as an operator
would; the bridge picks it up within its channel cache's freshness, so each step sends until a delivery shows it."""
from __future__ import annotations

import re
import subprocess
import time

import pytest

standardwebhooks = pytest.importorskip("standardwebhooks", reason="pip install standardwebhooks (scripts/requirements-ci.txt)")

WRONG_SECRET = "whsec_" + "A" * 43 + "="
SECRET_LINE = re.compile(r"Webhook signing secret \(shown once, store it now\): (whsec_\S+)")


def channel_update(bridge_binary, bridge, *options) -> str:
    done = subprocess.run([str(bridge_binary), "channel", "update", "--id", bridge.channel, "--database", bridge.database,
                           *options], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"channel update {' '.join(options)} failed: {done.stderr}"
    return done.stdout


def new_secret(bridge_binary, bridge) -> str:
    output = channel_update(bridge_binary, bridge, "--webhook-secret")
    found = SECRET_LINE.search(output)
    assert found, f"channel update --webhook-secret did not show the secret: {output}"
    return found.group(1)


@pytest.fixture(scope="module")
def wired(sandbox_bridge, webhook_receiver):
    status, reply = sandbox_bridge.wire().call("POST", "/settings", body={"webhookUrl": webhook_receiver.url})
    assert status == 200, f"POST /settings webhookUrl: {status} {reply}"
    return sandbox_bridge, webhook_receiver


def deliveries_until(bridge, receiver, wanted, timeout: float = 30.0):
    """Sends messages until a delivery that arrives after the first send satisfies `wanted(headers)`; returns the
    deliveries since then."""
    start = len(receiver.deliveries)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, reply = bridge.wire().call("POST", "/sendMessage", body={"phone": "12020721369", "body": "signed?"})
        assert status == 200 and reply.get("sent") is True, f"send failed: {status} {reply}"
        for _ in range(20):
            with receiver.lock:
                since = receiver.deliveries[start:]
            if any(wanted(headers) for headers, _ in since):
                return since
            time.sleep(0.1)
    pytest.fail(f"no delivery as wanted within {timeout} s; headers seen: {[h for h, _ in receiver.deliveries[start:]][-3:]}")


def signature_count(headers) -> int:
    return len(headers.get("webhook-signature", "").split())


def test_unsigned_until_a_secret_is_set_and_signed_after(bridge_binary, wired):
    bridge, receiver = wired
    unsigned = deliveries_until(bridge, receiver, lambda headers: "webhook-id" not in headers)
    assert unsigned, "no delivery arrived"

    secret = new_secret(bridge_binary, bridge)
    deliveries = deliveries_until(bridge, receiver, lambda headers: signature_count(headers) == 1)
    verifier = standardwebhooks.Webhook(secret)
    signed = [(headers, body) for headers, body in deliveries if "webhook-signature" in headers]
    for headers, body in signed:
        verifier.verify(body, headers)  # raises WebhookVerificationError on a bad signature
        assert headers["webhook-id"].startswith("msg_") and headers["webhook-timestamp"].isdigit()
    headers, body = signed[-1]
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        verifier.verify(body + b" ", headers)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(WRONG_SECRET).verify(body, headers)


def test_a_rotated_secret_signs_beside_the_new_one_and_removal_stops_signing(bridge_binary, wired):
    bridge, receiver = wired
    old = new_secret(bridge_binary, bridge)
    deliveries_until(bridge, receiver, lambda headers: signature_count(headers) == 1)

    new = new_secret(bridge_binary, bridge)
    deliveries = deliveries_until(bridge, receiver, lambda headers: signature_count(headers) == 2)
    headers, body = next((h, b) for h, b in deliveries if signature_count(h) == 2)
    standardwebhooks.Webhook(new).verify(body, headers)
    standardwebhooks.Webhook(old).verify(body, headers)

    output = channel_update(bridge_binary, bridge, "--remove-webhook-secret")
    assert "no longer signed" in output, output
    deliveries_until(bridge, receiver, lambda headers: "webhook-signature" not in headers)


def test_the_secret_is_never_listed(bridge_binary, wired):
    bridge, _ = wired
    secret = new_secret(bridge_binary, bridge)
    listed = subprocess.run([str(bridge_binary), "channel", "list", "--database", bridge.database],
                            capture_output=True, text=True, timeout=60).stdout
    assert secret not in listed and secret[6:] not in listed, "channel list shows the signing secret"
    assert re.search(rf"^{bridge.channel}\t.*\tyes$", listed, re.MULTILINE), f"list does not say the channel signs: {listed}"
    status, settings = bridge.wire().call("GET", "/settings")
    assert status == 200 and secret not in str(settings) and "webhookSigning" not in settings
    assert secret not in bridge.log(), "the bridge logged the signing secret"


def documented_verify():
    """The `verify` function docs/webhooks.md shows, run as written."""
    from bridgecheck.bridge import REPO_ROOT
    text = (REPO_ROOT / "docs" / "webhooks.md").read_text()
    section = text.split("## Signed deliveries (Standard Webhooks)", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 11, "the documented example grew past ten lines"
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the repository's own documentation
    return namespace["verify"]


def test_the_documented_example_verifies_a_real_delivery(bridge_binary, wired):
    bridge, receiver = wired
    secret = new_secret(bridge_binary, bridge)
    deliveries = deliveries_until(bridge, receiver, lambda headers: signature_count(headers) >= 1)
    headers, body = next((h, b) for h, b in deliveries if "webhook-signature" in h)
    verify = documented_verify()
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body + b"x")
    assert not verify(WRONG_SECRET, headers, body)


def test_event_sink_deliveries_are_signed_too(bridge_binary, wired):
    from bridgecheck.bridge import WebhookReceiver
    bridge, _ = wired
    sink = WebhookReceiver().start()
    try:
        status, reply = bridge.wire().call("POST", "/settings", body={"eventSinks": [sink.url]})
        assert status == 200, f"POST /settings eventSinks: {status} {reply}"
        channel_update(bridge_binary, bridge, "--remove-webhook-secret")
        deliveries_until(bridge, sink, lambda headers: "webhook-signature" not in headers)
        secret = new_secret(bridge_binary, bridge)
        deliveries = deliveries_until(bridge, sink, lambda headers: signature_count(headers) == 1)
        headers, body = next((h, b) for h, b in deliveries if signature_count(h) == 1)
        assert headers["content-type"].startswith("application/cloudevents"), headers
        standardwebhooks.Webhook(secret).verify(body, headers)
    finally:
        bridge.wire().call("POST", "/settings", body={"eventSinks": []})
        sink.stop()
