"""The security settings of `serve` reach the bridge through their environment variables, as a deployment sets them:
BRIDGE_DENY_PRIVATE_WEBHOOKS=1 refuses a private webhook URL with 400 naming `webhookUrl`, and BRIDGE_TRUSTED_PROXY
makes the wrong-token cool-down count per X-Forwarded-For client, BRIDGE_WRONG_TOKEN_LIMIT=0 turns it off; a malformed
range stops `serve` with a message."""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import started_bridge


def get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def secured_bridge(bridge_binary, tmp_path, monkeypatch):
    """A sandbox bridge started with BRIDGE_DENY_PRIVATE_WEBHOOKS=1 and BRIDGE_TRUSTED_PROXY naming loopback."""
    monkeypatch.setenv("BRIDGE_DENY_PRIVATE_WEBHOOKS", "1")
    monkeypatch.setenv("BRIDGE_TRUSTED_PROXY", "192.0.2.0/24, 127.0.0.0/8")
    with started_bridge(bridge_binary, tmp_path, "secured bridge") as bridge:
        yield bridge


def test_environment_turns_on_the_webhook_rule_and_trusted_proxies(secured_bridge):
    wire = secured_bridge.wire()
    status, reply = wire.call("POST", "/settings", body={"webhookUrl": "http://10.0.0.7/hook"})
    assert status == 400, f"a private webhook URL was accepted: {status} {reply}"
    assert reply["error"].startswith("Invalid request: webhookUrl: resolves to a private address (10.0.0.7)"), reply
    status, reply = wire.call("POST", "/webhook", body={"webhookUrl": "http://127.0.0.1:9/hook"})
    assert status == 200, f"the sandbox allows loopback webhooks: {status} {reply}"

    base = secured_bridge.base
    statuses = [get(f"{base}/status?token=wrong-{i}", {"X-Forwarded-For": "198.51.100.7"})[0] for i in range(21)]
    assert statuses == [401] * 20 + [429], f"statuses of one forwarded client: {statuses}"
    status, reply = get(f"{base}/settings?token={secured_bridge.token}", {"X-Forwarded-For": "198.51.100.7"})
    assert status == 429 and reply["error"].startswith("Too many wrong tokens"), (status, reply)
    status, _ = get(f"{base}/settings?token={secured_bridge.token}", {"X-Forwarded-For": "198.51.100.8"})
    assert status == 200, f"another forwarded client was cooled down too: {status}"


def test_a_malformed_trusted_proxy_stops_serve(bridge_binary, tmp_path):
    run = subprocess.run([str(bridge_binary), "serve", "--sandbox", "--port", "0", "--database",
                          str(tmp_path / "bridge.sqlite"), "--trusted-proxy", "10.0.0.0/33"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0, "serve started with a malformed --trusted-proxy"
    assert 'trusted proxy must be an address or CIDR range' in run.stderr + run.stdout, run.stderr


def test_a_wrong_token_limit_of_zero_turns_the_cool_down_off(bridge_binary, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIDGE_WRONG_TOKEN_LIMIT", "0")
    with started_bridge(bridge_binary, tmp_path) as bridge:
        statuses = {get(f"{bridge.base}/status?token=wrong-{i}")[0] for i in range(25)}
        assert statuses == {401}, f"statuses with the cool-down off: {statuses}"
