"""Event sinks end to end: a `serve --sandbox` bridge, `eventSinks` set through `POST /settings` to a local receiver,
a customer message, a send (the simulator's sent/delivered/read statuses) and a new template (the simulator's
APPROVED template status webhook). Every document received is checked against the CloudEvents 1.0 JSON schema
(written below from the spec, https://github.com/cloudevents/spec, cloudevents/formats/cloudevents.json: the same
definitions and required attributes) and parsed by the `cloudevents` package from PyPI, both its v1 HTTP API and
its core binding."""
from __future__ import annotations

import datetime
import http.server
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import jsonschema
import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from cloudevents.v1.http import from_http, from_json

# The CloudEvents 1.0 JSON schema (draft-07), as the spec repository defines it: four required attributes, the
# optional ones typed, extension attributes allowed.
CLOUDEVENTS_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "description": "CloudEvents Specification JSON Schema",
    "type": "object",
    "definitions": {
        "iddef": {"type": "string", "minLength": 1},
        "sourcedef": {"type": "string", "format": "uri-reference", "minLength": 1},
        "specversiondef": {"type": "string", "minLength": 1},
        "typedef": {"type": "string", "minLength": 1},
        "datacontenttypedef": {"type": ["string", "null"], "minLength": 1},
        "dataschemadef": {"type": ["string", "null"], "format": "uri", "minLength": 1},
        "subjectdef": {"type": ["string", "null"], "minLength": 1},
        "timedef": {"type": ["string", "null"], "format": "date-time", "minLength": 1},
        "datadef": {"type": ["object", "string", "number", "array", "boolean", "null"]},
        "data_base64def": {"type": ["string", "null"], "contentEncoding": "base64"},
    },
    "properties": {
        "id": {"$ref": "#/definitions/iddef"},
        "source": {"$ref": "#/definitions/sourcedef"},
        "specversion": {"$ref": "#/definitions/specversiondef"},
        "type": {"$ref": "#/definitions/typedef"},
        "datacontenttype": {"$ref": "#/definitions/datacontenttypedef"},
        "dataschema": {"$ref": "#/definitions/dataschemadef"},
        "subject": {"$ref": "#/definitions/subjectdef"},
        "time": {"$ref": "#/definitions/timedef"},
        "data": {"$ref": "#/definitions/datadef"},
        "data_base64": {"$ref": "#/definitions/data_base64def"},
    },
    "required": ["id", "source", "specversion", "type"],
}

# The formats the schema names, checked here (jsonschema checks `date-time` and `uri-reference` only with optional
# packages installed).
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper() or not (value.endswith(("Z", "z")) or value[-6] in "+-"):
        raise ValueError(f"not RFC 3339: {value}")
    datetime.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri-reference", raises=ValueError)
def _uri_reference(value) -> bool:
    if isinstance(value, str) and (any(c.isspace() for c in value) or not urllib.parse.urlsplit(value).path):
        raise ValueError(f"not a URI reference: {value}")
    return True


VALIDATOR = jsonschema.Draft7Validator(CLOUDEVENTS_SCHEMA, format_checker=FORMATS)

EXPECTED_TYPES = {
    "whatsapp-business-message-received", "whatsapp-business-message-sent", "whatsapp-business-message-delivered",
    "whatsapp-business-message-read", "whatsapp-business-template-status-updated",
}


class SinkReceiver:
    """A local event sink: answers 200 and records each POST's headers and body."""

    def __init__(self):
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return list(self.posts)

    def types(self) -> set[str]:
        return {json.loads(body).get("type") for _, body in self.received()}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sink():
    receiver = SinkReceiver()
    yield receiver
    receiver.stop()


def _post_form(url: str, fields: dict) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_event_sinks_receive_valid_cloudevents(sandbox_bridge, sink):
    wire = sandbox_bridge.wire()
    status, reply = wire.call("POST", "/settings", body={"eventSinks": [sink.url]})
    assert status == 200 and reply.get("eventSinks") == [sink.url], f"HTTP {status}: {reply}"
    status, reply = wire.call("GET", "/settings")
    assert status == 200 and reply.get("eventSinks") == [sink.url], f"HTTP {status}: {reply}"

    assert _post_form(sandbox_bridge.inbound_url, {"from": "12020721369", "text": "to the event bus"}) == 200
    status, reply = wire.call("POST", "/sendMessage", body={"phone": "12020721369", "body": "hello bus"})
    assert status == 200 and reply.get("sent") is True, f"HTTP {status}: {reply}"
    status, reply = wire.call("POST", "/addTemplate", body={
        "name": "event_sink_check", "category": "UTILITY", "language": "en_US",
        "components": [{"type": "BODY", "text": "Your order shipped"}]})
    assert status == 200, f"addTemplate: HTTP {status}: {reply}"

    limit = time.monotonic() + 20
    while not EXPECTED_TYPES <= sink.types() and time.monotonic() < limit:
        time.sleep(0.1)
    assert EXPECTED_TYPES <= sink.types(), (
        f"missing event types {EXPECTED_TYPES - sink.types()}; got {sink.types()}\n{sandbox_bridge.log()[-2000:]}")

    documents = []
    for headers, body in sink.received():
        assert headers.get("content-type") == "application/cloudevents+json", headers
        document = json.loads(body)
        errors = sorted(VALIDATOR.iter_errors(document), key=str)
        assert not errors, f"not a CloudEvents 1.0 document: {[e.message for e in errors]}\n{document}"
        assert document["specversion"] == "1.0"
        assert document["source"] == f"/onemsg-bridge/{sandbox_bridge.channel}"
        assert document["datacontenttype"] == "application/json"
        parsed = from_http(headers, body)
        assert parsed["id"] == document["id"] and parsed["type"] == document["type"]
        assert parsed.data == document["data"]
        assert from_json(body)["source"] == document["source"]
        core = from_http_event(HTTPMessage(headers=headers, body=body))
        assert core.get_id() == document["id"] and core.get_specversion() == "1.0"
        assert core.get_time() is not None and core.get_time().tzinfo is not None
        documents.append(document)

    ids = [document["id"] for document in documents]
    assert len(ids) == len(set(ids)), f"an event was delivered twice or two events share an id: {ids}"
    by_type = {document["type"]: document for document in documents}
    received = by_type["whatsapp-business-message-received"]
    assert received["subject"] == "12020721369@c.us"
    assert received["data"]["onemsg"]["body"] == "to the event bus"
    assert received["data"]["meta"]["text"]["body"] == "to the event bus"
    assert received["id"] == received["data"]["meta"]["id"], "a received message's id is its wamid"
    delivered = by_type["whatsapp-business-message-delivered"]
    assert delivered["id"] == f"{delivered['data']['meta']['id']}/delivered"
    assert delivered["data"]["onemsg"]["status"] == "delivered"
    template = by_type["whatsapp-business-template-status-updated"]
    assert template["data"]["event"] == "APPROVED"
    assert template["data"]["message_template_name"] == "event_sink_check"
    assert template["subject"] == "event_sink_check"


def test_event_sinks_are_validated_and_cleared(sandbox_bridge):
    wire = sandbox_bridge.wire()
    status, reply = wire.call("POST", "/settings", body={"eventSinks": "ftp://example.test/x"})
    assert status == 400 and "eventSinks" in json.dumps(reply), f"HTTP {status}: {reply}"
    status, reply = wire.call("POST", "/settings", body={"eventSinks": []})
    assert status == 200 and reply.get("eventSinks") == [], f"HTTP {status}: {reply}"


def test_event_batch_mode_posts_a_cloudevents_batch(sandbox_bridge, sink):
    wire = sandbox_bridge.wire()
    status, reply = wire.call("POST", "/settings", body={"eventSinks": [sink.url], "eventBatch": True})
    assert status == 200 and reply.get("eventBatch") is True, f"HTTP {status}: {reply}"
    before = len(sink.received())
    assert _post_form(sandbox_bridge.inbound_url, {"from": "12020721369", "text": "batched"}) == 200

    limit = time.monotonic() + 20
    while len(sink.received()) == before and time.monotonic() < limit:
        time.sleep(0.1)
    posts = sink.received()[before:]
    assert posts, f"no batch reached the sink\n{sandbox_bridge.log()[-2000:]}"
    headers, body = posts[0]
    assert headers.get("content-type") == "application/cloudevents-batch+json", headers
    batch = json.loads(body)
    assert isinstance(batch, list) and batch, batch
    for document in batch:
        errors = sorted(VALIDATOR.iter_errors(document), key=str)
        assert not errors, f"not a CloudEvents 1.0 document: {[e.message for e in errors]}\n{document}"
        parsed = from_json(json.dumps(document))
        assert parsed["id"] == document["id"]
    assert batch[0]["type"] == "whatsapp-business-message-received"
    assert batch[0]["data"]["onemsg"]["body"] == "batched"
    status, reply = wire.call("POST", "/settings", body={"eventSinks": [], "eventBatch": False})
    assert status == 200 and reply.get("eventBatch") is False, f"HTTP {status}: {reply}"


def _cli(binary, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *arguments], capture_output=True, text=True, timeout=60)


def test_channel_update_sets_and_clears_event_sinks(bridge_binary, tmp_path):
    database = str(tmp_path / "bridge.sqlite")
    added = _cli(bridge_binary, "channel", "add", "--database", database, "--id", "sinks", "--token", "sink-token-12345",
                 "--phone-number-id", "1001", "--waba-id", "2001", "--access-token", "EAAGx1234", "--app-secret",
                 "secret1234", "--verify-token", "v", "--event-sink", "https://bus.example.com/events")
    assert added.returncode == 0, added

    def sink_count() -> str:
        listed = _cli(bridge_binary, "channel", "list", "--database", database).stdout.splitlines()
        header, row = listed[0].split("\t"), listed[1].split("\t")
        return row[header.index("event_sinks")]

    assert sink_count() == "1"
    updated = _cli(bridge_binary, "channel", "update", "--database", database, "--id", "sinks", "--event-sink",
                   "https://a.example.com/e", "--event-sink", "https://b.example.com/e", "--event-batch", "on")
    assert updated.returncode == 0 and "Updated channel" in updated.stdout, updated
    assert sink_count() == "2"
    refused = _cli(bridge_binary, "channel", "update", "--database", database, "--id", "sinks", "--event-sink",
                   "ftp://x.example.com/e")
    assert refused.returncode != 0 and "--event-sink" in refused.stdout + refused.stderr, refused
    private = _cli(bridge_binary, "channel", "update", "--database", database, "--id", "sinks",
                   "--deny-private-webhooks", "--event-sink", "http://10.1.2.3/e")
    assert private.returncode != 0 and "--event-sink http://10.1.2.3/e resolves to a private address" in (
        private.stdout + private.stderr), private
    cleared = _cli(bridge_binary, "channel", "update", "--database", database, "--id", "sinks", "--clear-event-sinks")
    assert cleared.returncode == 0, cleared
    assert sink_count() == "0"
