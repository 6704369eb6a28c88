"""The processes the checks drive: a sandbox bridge (`<binary> serve --sandbox --port 0`), a local webhook
receiver, 1MSG calls on the wire, and cached virtual environments for tools that must not share this Python's
packages (the SDKs, schemathesis)."""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_BINARY = REPO_ROOT / ".build" / "debug" / "onemsg-bridge"

# A 1x1 PNG as a data URI: a file the sandbox's Meta takes as an image.
PIXEL_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def bridge_binary() -> Path:
    """The bridge executable the checks run: $BRIDGE_BINARY, else .build/debug/onemsg-bridge in the repository.
    The suite never builds it (scripts/test does, once)."""
    return Path(os.environ.get("BRIDGE_BINARY") or DEFAULT_BINARY).resolve()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deadline:
    """A time budget shared by the steps of one check."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        left = max(1.0, self.end - time.monotonic())
        return min(left, cap) if cap else left


def prepare_venv(venv: Path, requirements: Path, module: str, deadline: Deadline) -> tuple[str | None, str]:
    """Creates (or reuses) a virtual environment with `requirements` installed; returns (python path or None,
    what happened). It is reused while the requirements file is unchanged and `module` imports."""
    stamp = hashlib.sha256(Path(requirements).read_bytes()).hexdigest()
    python = os.path.join(venv, "bin", "python")
    stamp_file = os.path.join(venv, ".requirements-stamp")
    try:
        with open(stamp_file) as handle:
            if handle.read().strip() == stamp:
                probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True, timeout=30)
                if probe.returncode == 0:
                    return python, "reused"
    except (OSError, subprocess.TimeoutExpired):
        pass
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True,
                       timeout=deadline.left(60))
        install = subprocess.run(
            [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--timeout", "30",
             "-r", str(requirements)],
            capture_output=True, text=True, timeout=deadline.left(180))
    except subprocess.TimeoutExpired as error:
        return None, f"timed out: {error}"
    except subprocess.CalledProcessError as error:
        return None, f"python3 -m venv failed: {error.stderr!r}"
    if install.returncode != 0:
        return None, f"pip install failed: {install.stderr.strip()[-1500:]}"
    with open(stamp_file, "w") as handle:
        handle.write(stamp + "\n")
    return python, "installed"


class Wire:
    """1MSG calls to a bridge with the channel's token in the query; answers (status, decoded JSON or text), or
    (None, reason) when the call could not be made."""

    def __init__(self, base: str, token: str, timeout: float):
        self.base, self.token, self.timeout = base, token, timeout

    def call(self, method: str, path: str, query=None, body=None, form=None):
        query = dict(query or {})
        query["token"] = self.token
        url = self.base + path + "?" + urllib.parse.urlencode(query)
        data, headers = None, {"Accept": "application/json"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except Exception as error:  # noqa: BLE001
            return None, f"{type(error).__name__}: {error}"
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def describe(self, method, path, query=None, body=None):
        """The call as one line, token masked, for reports."""
        q = dict(query or {})
        q["token"] = "TOKEN"
        line = f"{method} {self.base}{path}?{urllib.parse.urlencode(q)}"
        if body is not None:
            line += f"  Content-Type: application/json  {json.dumps(body)}"
        return line


class BridgeStartError(RuntimeError):
    pass


class SandboxBridge:
    """`<binary> serve --sandbox --port 0 --database <workdir>/bridge.sqlite`, as the README starts it, read from
    the banner it prints: `base` (http://127.0.0.1:PORT/<channel>), `token`, `inbound_url` (the simulator's
    customer endpoint) and `curl_line` (the ready send line)."""

    BANNER_TIMEOUT = 30.0

    def __init__(self, binary: Path, workdir: Path, database: str | None = None):
        self.binary, self.workdir = Path(binary), Path(workdir)
        self.database = database or str(self.workdir / "bridge.sqlite")  # a path, or a postgres:// URL
        self.out_path, self.err_path = self.workdir / "bridge.out", self.workdir / "bridge.err"
        self.process: subprocess.Popen | None = None
        self.exit_code: int | None = None
        self.stopped = False

    def start(self) -> "SandboxBridge":
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.process = subprocess.Popen(
                [str(self.binary), "serve", "--sandbox", "--port", "0", "--database", self.database],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        limit = time.monotonic() + self.BANNER_TIMEOUT
        banner = ""
        while time.monotonic() < limit:
            banner = self.out_path.read_text()
            if "sandbox/inbound" in banner or self.process.poll() is not None:
                break
            time.sleep(0.1)
        send = re.search(r"curl -X POST '(http://[0-9.:]+)/(\w+)/sendMessage\?token=([A-Za-z0-9]+)'", banner)
        inbound = re.search(r"curl -X POST '(http://[0-9.:]+/\w+/inbound)'", banner)
        if not send or not inbound:
            code = self.stop()
            raise BridgeStartError(f"the bridge printed no usable banner (exit {code}):\n{banner}\n"
                                   f"{self.log()[-2000:]}")
        self.origin, self.channel, self.token = send.group(1), send.group(2), send.group(3)
        self.base = f"{self.origin}/{self.channel}"
        self.inbound_url = inbound.group(1)
        self.curl_line = next(line.strip() for line in banner.splitlines()
                              if re.search(r"curl -X POST.*sendMessage", line))
        return self

    def wire(self, timeout: float = 10.0) -> Wire:
        return Wire(self.base, self.token, timeout)

    def log(self) -> str:
        """What the bridge wrote to stderr (its log)."""
        try:
            return self.err_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> int | None:
        """SIGTERM, then the exit status (None when it had to be killed after 20 s). Idempotent."""
        if self.stopped or self.process is None:
            return self.exit_code
        self.stopped = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            self.exit_code = None
        return self.exit_code


class WebhookReceiver:
    """A local HTTP server that answers every POST with 200 and records its body (`bodies`) and its headers with it
    (`deliveries`), as a client's webhook URL would. `stop()` closes the port (deliveries then fail to connect);
    `start()` opens the same port again."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.port = 0
        self.server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self, port: int | None = None) -> "WebhookReceiver":
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.bodies.append(body)
                    receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port if port is None else port), Handler)
        server.daemon_threads = True
        self.server, self.port = server, server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def received(self) -> list:
        """The recorded bodies decoded as JSON (a body that is not JSON is kept as text)."""
        with self.lock:
            bodies = list(self.bodies)
        decoded = []
        for body in bodies:
            try:
                decoded.append(json.loads(body))
            except ValueError:
                decoded.append(body.decode("utf-8", "replace"))
        return decoded


class TimeLimitExceeded(Exception):
    pass


class time_limit:  # noqa: N801 - used as a context manager: `with time_limit(60): ...`
    """Interrupts the block with TimeLimitExceeded after `seconds` (SIGALRM: main thread only, as pytest runs
    tests)."""

    def __init__(self, seconds: int):
        self.seconds = seconds

    def __enter__(self):
        def expired(*_):
            raise TimeLimitExceeded(f"took more than {self.seconds} s")

        self.previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(self.seconds)
        return self

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.previous)
        return False
