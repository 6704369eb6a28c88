"""No secret leaves the bridge: a sandbox bridge (trace logging) is driven through every operation once on the wire
(the request list of the SDK check, bridgecheck/sdk_cases.py), a Meta webhook handshake, a simulated inbound message,
wrong tokens until the cool-down, and `channel list`; then the bridge's log, `GET /metrics`, every reply body and the
`channel list` output are searched for the channel token, the Meta access token, the app secret and the verify token
(and, against PostgreSQL via BRIDGE_TEST_POSTGRES_URL, the database password). None may appear."""
from __future__ import annotations

import datetime
import json
import os
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from bridgecheck.bridge import PIXEL_PNG, SandboxBridge, Wire
from bridgecheck.sdk_cases import FLOW_JSON, OPERATIONS, PHONE, requests_for
from conftest import POSTGRES_ADMIN_URL, POSTGRES_MISSING, postgres_available, started_bridge

CALL_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def trace_logging():
    """The bridge logs everything it can (trace), so that a secret in any log line is seen."""
    previous = os.environ.get("BRIDGE_LOG_LEVEL")
    os.environ["BRIDGE_LOG_LEVEL"] = "trace"
    yield
    if previous is None:
        os.environ.pop("BRIDGE_LOG_LEVEL", None)
    else:
        os.environ["BRIDGE_LOG_LEVEL"] = previous


@pytest.fixture(scope="module")
def sandbox_bridge(trace_logging, sandbox_bridge):  # noqa: F811 - the shared fixture, started with trace logging
    return sandbox_bridge


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=CALL_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class Transcript:
    """Every reply body the check received, labelled by the call."""

    def __init__(self):
        self.replies: list[tuple[str, str]] = []

    def wire(self, wire: Wire, method: str, path: str, query=None, body=None) -> tuple[int | None, object]:
        status, reply = wire.call(method, path, query, body)
        self.replies.append((f"{method} {path} → {status}", reply if isinstance(reply, str) else json.dumps(reply)))
        return status, reply

    def raw(self, label: str, status: int, text: str) -> None:
        self.replies.append((f"{label} → {status}", text))


def prepare(wire: Wire, transcript: Transcript, sink_url: str) -> dict:
    """What the operations act on (as the SDK check prepares it): a sent message, two media, flows, two groups."""
    ctx = {"sink_url": sink_url, "month": datetime.datetime.now(datetime.timezone.utc).strftime("%m.%Y")}
    status, reply = transcript.wire(wire, "POST", "/sendMessage", body={"phone": PHONE, "body": "secret check"})
    assert status == 200, f"setup sendMessage: HTTP {status} {reply}"
    ctx["message_id"] = reply["id"]
    ctx["media_ids"] = []
    for _ in range(2):
        status, reply = transcript.wire(wire, "POST", "/uploadMedia", body={"body": PIXEL_PNG})
        assert status == 200, f"setup uploadMedia: HTTP {status} {reply}"
        ctx["media_ids"].append(reply["mediaId"])
    for name in ("sdkcheck_new_rm", "sdkcheck_new_rm2"):
        transcript.wire(wire, "POST", "/addTemplate", body={
            "name": name, "category": "UTILITY", "language": "en_US", "components": [{"type": "BODY", "text": "x"}]})
    ctx["flow_ids"] = {}
    for role in ("main", "delete", "edit"):
        body = {"name": f"secretcheck_flow_{role}", "categories": ["OTHER"]}
        if role == "main":
            body["flowJson"] = FLOW_JSON
        status, reply = transcript.wire(wire, "POST", "/flows", body=body)
        assert status == 200, f"setup POST /flows: HTTP {status} {reply}"
        ctx["flow_ids"][role] = reply["id"]
    subjects = ("secret-check group", "secret-check group to delete")
    for subject in subjects:
        transcript.wire(wire, "POST", "/groups", body={"groupName": subject})
    status, reply = transcript.wire(wire, "GET", "/groups", {"limit": "1024"})
    ctx["group_ids"] = [next(g["id"] for g in reversed(reply["groups"]) if g.get("subject") == s) for s in subjects]
    return ctx


def drive(bridge: SandboxBridge, secrets: dict, receiver) -> Transcript:
    """Every operation once, a Meta handshake, an inbound message, wrong tokens until the cool-down, /metrics."""
    transcript = Transcript()
    wire = bridge.wire(CALL_TIMEOUT)
    earlier = len(receiver.received())
    ctx = prepare(wire, transcript, receiver.url)
    requests = requests_for("one-msg-sdk", ctx)
    assert set(requests) == set(OPERATIONS), f"operations without a request: {set(OPERATIONS) - set(requests)}"
    for op in OPERATIONS:
        spec = requests[op]
        transcript.wire(wire, spec["method"], spec["path"], spec["query"], spec["json"])
    challenge = {"hub.mode": "subscribe", "hub.verify_token": secrets["verify token"], "hub.challenge": "4711"}
    status, text = http("GET", f"{bridge.origin}/cloud/webhook?{urllib.parse.urlencode(challenge)}")
    assert (status, text) == (200, "4711"), f"the Meta handshake failed: {status} {text}"
    wrong = dict(challenge, **{"hub.verify_token": "not-" + secrets["verify token"]})
    transcript.raw("GET /cloud/webhook (wrong verify token)", *http("GET", f"{bridge.origin}/cloud/webhook?"
                                                                       f"{urllib.parse.urlencode(wrong)}"))
    transcript.raw("POST /cloud/webhook (unsigned)", *http("POST", f"{bridge.origin}/cloud/webhook", b"{}",
                                                           {"Content-Type": "application/json"}))
    transcript.raw("inbound", *http("POST", bridge.inbound_url, urllib.parse.urlencode(
        {"from": PHONE, "text": "hello from the secret check", "name": "Ann"}).encode()))
    # The right token in a wrong place (a channel that does not exist), then wrong tokens until the cool-down: the
    # 20th failure within the minute starts it, and the next call gets 429 whatever its token.
    status, text = http("POST", f"{bridge.origin}/other/sendMessage?token={bridge.token}", b"phone=1&body=x",
                        {"Content-Type": "application/x-www-form-urlencoded"})
    transcript.raw("sendMessage on another channel", status, text)
    statuses = [status]
    for index in range(25):
        status, _ = transcript.wire(Wire(bridge.base, f"wrong-token-{index}", CALL_TIMEOUT), "GET", "/status")
        statuses.append(status)
        if status != 401:
            break
    assert statuses == [401] * 20 + [429], f"wrong-token statuses: {statuses}"
    status, _ = transcript.wire(wire, "GET", "/status")
    assert status == 429, f"the right token during the cool-down answered {status}"
    wait_for(lambda: any(isinstance(body, dict) and body.get("messages") for body in receiver.received()[earlier:]),
             "the inbound message reaching the client's webhook")
    transcript.raw("GET /metrics", *http("GET", f"{bridge.origin}/metrics"))
    return transcript


def wait_for(condition, what: str, seconds: float = 15.0) -> None:
    """Polls `condition` until it holds (the outcome, not a fixed pause); fails naming `what` after `seconds`."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


def leaks(secrets: dict, places: dict) -> list[str]:
    found = []
    for place, text in places.items():
        for name, secret in secrets.items():
            if secret and secret in text:
                found.append(f"the {name} appears in {place}")
    return found


def sqlite_secrets(bridge: SandboxBridge) -> dict:
    with sqlite3.connect(f"file:{bridge.workdir / 'bridge.sqlite'}?mode=ro", uri=True) as db:
        access, app, verify = db.execute(
            "SELECT access_token, app_secret, verify_token FROM channels WHERE id = ?", (bridge.channel,)).fetchone()
    return {"access token": access, "app secret": app, "verify token": verify}


def channel_list(binary, database: str) -> str:
    listed = subprocess.run([str(binary), "channel", "list", "--database", database], capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0, f"channel list failed: {listed.stderr}"
    return listed.stdout + listed.stderr


def test_no_secret_in_logs_metrics_replies_or_channel_list(sandbox_bridge, bridge_binary, webhook_receiver):
    secrets = dict(sqlite_secrets(sandbox_bridge), **{"channel token": sandbox_bridge.token})
    assert all(len(value) >= 8 for value in secrets.values()), f"implausible secrets: {list(secrets)}"
    transcript = drive(sandbox_bridge, secrets, webhook_receiver)
    places = {f"the reply to {label}": text for label, text in transcript.replies}
    places["the bridge's log"] = sandbox_bridge.log()
    places["channel list"] = channel_list(bridge_binary, str(sandbox_bridge.workdir / "bridge.sqlite"))
    places["the webhooks delivered to the client"] = json.dumps(webhook_receiver.received())
    assert len(transcript.replies) > len(OPERATIONS), "not every operation was driven"
    assert "onemsg" in places["the reply to GET /metrics → 200"] or "bridge" in places["the reply to GET /metrics → 200"]
    assert not leaks(secrets, places), "; ".join(leaks(secrets, places))


def test_no_database_password_in_logs_metrics_or_replies(bridge_binary, tmp_path, trace_logging, webhook_receiver):
    if not postgres_available():
        pytest.skip(POSTGRES_MISSING)
    name, role, password = "secrets_" + uuid.uuid4().hex, "secrets_" + uuid.uuid4().hex[:12], "pw-" + uuid.uuid4().hex
    psql = ["psql", POSTGRES_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qc"]
    subprocess.run([*psql, f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"], check=True, capture_output=True,
                   timeout=60)
    subprocess.run([*psql, f"CREATE DATABASE {name} OWNER {role}"], check=True, capture_output=True, timeout=60)
    parts = urlsplit(POSTGRES_ADMIN_URL)
    netloc = f"{role}:{password}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    url = urlunsplit((parts.scheme, netloc, "/" + name, parts.query or "sslmode=disable", ""))
    try:
        with started_bridge(bridge_binary, tmp_path, "bridge on PostgreSQL", database=url) as bridge:
            rows = subprocess.run(["psql", url, "-AtF", "\t", "-c",
                                   f"SELECT access_token, app_secret, verify_token FROM channels WHERE id = '{bridge.channel}'"],
                                  capture_output=True, text=True, timeout=60, check=True).stdout.strip().split("\t")
            secrets = {"access token": rows[0], "app secret": rows[1], "verify token": rows[2],
                       "channel token": bridge.token, "database password": password}
            transcript = drive(bridge, secrets, webhook_receiver)
            places = {f"the reply to {label}": text for label, text in transcript.replies}
            places["channel list"] = channel_list(bridge_binary, url)
    finally:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, timeout=60)
        subprocess.run([*psql, f"DROP ROLE IF EXISTS {role}"], capture_output=True, timeout=60)
    places["the bridge's log"] = bridge.log()
    assert not leaks(secrets, places), "; ".join(leaks(secrets, places))
