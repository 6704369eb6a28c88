"""Input abuse against a running `serve --sandbox`, as real clients send it: a 40 MB form body from Python's urllib,
which writes the whole body before it reads anything (and sends `Connection: close`), must get the 413 naming the
operation and its limit, then a closed connection; a body far beyond the limit must not hang the client either; the
bridge keeps serving meanwhile. The timeouts below only keep a regression from hanging the suite."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

TIMEOUT = 60


def post_form(bridge, body: bytes):
    """POSTs `body` to sendMessage with urllib: (status, decoded JSON) or the exception urllib raised."""
    request = urllib.request.Request(
        f"{bridge.base}/sendMessage?token={bridge.token}", data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_urllib_40mb_body_gets_413_and_the_connection_closes(sandbox_bridge):
    body = b"phone=12020721369&body=" + b"x" * (40 * 1000 * 1000)
    started = time.monotonic()
    status, reply = post_form(sandbox_bridge, body)
    assert status == 413, reply
    assert reply == {"error": "The request body is larger than 16 MiB, the limit of sendMessage"}
    assert time.monotonic() - started < TIMEOUT
    # The bridge still serves.
    with urllib.request.urlopen(f"{sandbox_bridge.origin}/healthz", timeout=10) as health:
        assert health.status == 200


def test_raw_client_writing_40mb_then_reading_sees_413_then_eof(sandbox_bridge):
    """The same exchange on a socket, to see what urllib hides: the reply, then the end of the stream."""
    origin = sandbox_bridge.origin.removeprefix("http://")
    host, port = origin.rsplit(":", 1)
    body = b"x" * (40 * 1000 * 1000)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as connection:
        connection.sendall(
            f"POST /{sandbox_bridge.channel}/sendMessage?token={sandbox_bridge.token} HTTP/1.1\r\nHost: {origin}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n".encode() + body)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 413"), received[:200]
    assert b"the limit of sendMessage" in received


def test_body_far_beyond_the_limit_does_not_hang_the_client(sandbox_bridge):
    """100 MB is beyond what the bridge drains: it answers 413 at once and closes; the client sees the 413 or a
    reset while still writing, never a hang. Another client is served meanwhile."""
    outcome = {}

    def send():
        try:
            outcome["reply"] = post_form(sandbox_bridge, b"x" * (100 * 1000 * 1000))
        except (ConnectionError, OSError) as error:
            outcome["error"] = error

    sender = threading.Thread(target=send)
    sender.start()
    with urllib.request.urlopen(f"{sandbox_bridge.origin}/healthz", timeout=10) as health:
        assert health.status == 200
    sender.join(TIMEOUT + 5)
    assert not sender.is_alive(), "the client hung"
    if "reply" in outcome:
        assert outcome["reply"][0] == 413, outcome
    else:
        assert not isinstance(outcome["error"], TimeoutError), outcome
