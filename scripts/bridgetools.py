"""Shared by the project's check scripts: start and stop a sandbox bridge, call it, keep a cached virtual environment.

Import from a script in scripts/ with `sys.path.insert(0, os.path.dirname(__file__))`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# A 1x1 PNG as a data URI: a file the sandbox's Meta takes as an image.
PIXEL_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        left = max(1.0, self.end - time.monotonic())
        return min(left, cap) if cap else left



def prepare_venv(venv: str, requirements: str, module: str, deadline: Deadline) -> tuple[str | None, str]:
    """Creates (or reuses) a virtual environment with `requirements` installed; returns (python path or None,
    what happened). It is reused while the requirements file is unchanged and `module` imports."""
    with open(requirements, "rb") as handle:
        stamp = hashlib.sha256(handle.read()).hexdigest()
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
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True, timeout=deadline.left(60))
        install = subprocess.run(
            [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--timeout", "30",
             "-r", requirements],
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


def start_bridge(binary: str, workdir: str, deadline: Deadline):
    out_path, err_path = os.path.join(workdir, "bridge.out"), os.path.join(workdir, "bridge.err")
    process = subprocess.Popen(
        [binary, "serve", "--sandbox", "--port", "0", "--database", os.path.join(workdir, "bridge.sqlite")],
        stdout=open(out_path, "w"), stderr=open(err_path, "w"), stdin=subprocess.DEVNULL)
    limit = time.monotonic() + min(30.0, deadline.left())
    banner = ""
    while time.monotonic() < limit:
        with open(out_path) as handle:
            banner = handle.read()
        if "sandbox/inbound" in banner or process.poll() is not None:
            break
        time.sleep(0.1)
    send = re.search(r"curl -X POST '(http://[0-9.:]+)/(\w+)/sendMessage\?token=([A-Za-z0-9]+)'", banner)
    inbound = re.search(r"curl -X POST '(http://[0-9.:]+/\w+/inbound)'", banner)
    if not send or not inbound:
        stop_bridge(process)
        with open(err_path) as handle:
            log = handle.read()[-2000:]
        raise RuntimeError(f"the bridge printed no usable banner (exit {process.poll()}):\n{banner}\n{log}")
    return process, f"{send.group(1)}/{send.group(2)}", send.group(3), inbound.group(1), err_path


def stop_bridge(process) -> int | None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        return None


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
