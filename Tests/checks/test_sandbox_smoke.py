"""The README's first command, `serve --sandbox`, as a user runs it: the curl line its banner prints, then every
example of docs/operations.md's "Try each one in the sandbox", "Try the account operations in the sandbox" and
"Try the group operations in the sandbox" sections in order, the simulator's status webhooks reaching the bridge, and a clean exit on SIGTERM with the token
nowhere in the log. The examples run in bash (as a user pastes them) with BRIDGE, TOKEN and MEDIA_ID set."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time

from bridgecheck.bridge import REPO_ROOT

OPERATIONS_DOC = REPO_ROOT / "docs" / "operations.md"
SEND_EXAMPLES = "Try each one in the sandbox"
ACCOUNT_EXAMPLES = "Try the account operations in the sandbox"
GROUP_EXAMPLES = "Try the group operations in the sandbox"
ASSIGNMENT = re.compile(r"^([A-Z_]+)=\$\((.*)\)$")
SEND_REPLY = re.compile(r'"sent":true|"result":"success"|"mediaId":"|"url":"')


def documented_curl_lines(heading: str) -> list[str]:
    """The `curl` lines from the `### <heading>` of docs/operations.md to the end of its first code block."""
    lines, inside = [], False
    for line in OPERATIONS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"### {heading}"):
            inside = True
        if inside and (line.startswith("curl ") or ASSIGNMENT.match(line)):
            lines.append(line)
        if inside and line == "```":
            break
    return lines


def shell(line: str, bridge, **variables) -> str:
    """Runs one documented line in bash, as pasted in the repository's root (some upload README.md), with BRIDGE
    and TOKEN (and any other variable) set."""
    env = dict(os.environ, BRIDGE=bridge.base, TOKEN=bridge.token, **variables)
    done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=env, timeout=60, cwd=REPO_ROOT)
    assert done.returncode == 0, f"{line}\nexit {done.returncode}: {done.stderr}"
    return done.stdout


def test_banner_curl_line_sends_a_message(sandbox_bridge):
    reply = shell(f"{sandbox_bridge.curl_line} -s", sandbox_bridge)
    assert '"sent":true' in reply, f"send failed: {reply}\n{sandbox_bridge.log()[-2000:]}"
    assert '"id":"wamid.' in reply, f"no wamid: {reply}"


def test_documented_examples_answer(sandbox_bridge, report):
    examples = documented_curl_lines(SEND_EXAMPLES)
    assert len(examples) >= 20, f"the documented examples were not found in {OPERATIONS_DOC}"
    upload_line = next(line for line in examples if "/uploadMedia" in line)
    media_id = ""
    for line in examples:
        if "$MEDIA_ID" in line:
            media_id = json.loads(shell(upload_line, sandbox_bridge))["mediaId"]
        reply = shell(line, sandbox_bridge, MEDIA_ID=media_id)
        assert SEND_REPLY.search(reply), f"documented example failed: {line}\nreply: {reply}"
    report.add("sandbox smoke run", [f"documented examples: {len(examples)} passed"])


def test_documented_account_examples_answer_200_without_error(sandbox_bridge, report):
    examples = documented_curl_lines(ACCOUNT_EXAMPLES)
    assert len(examples) >= 15, f"the documented account examples were not found in {OPERATIONS_DOC}"
    for line in examples:
        answer = shell(line + r" -w '\n%{http_code}'", sandbox_bridge)
        body, _, code = answer.rpartition("\n")
        try:
            value = json.loads(body)
        except ValueError:
            failed = True  # not JSON
        else:
            failed = isinstance(value, dict) and (
                "error" in value or "response" in value or value.get("sent") is False)
        assert code == "200" and not failed, f"documented account example failed: {line}\nHTTP {code}: {body}"
    report.add("sandbox smoke run", [f"documented account examples: {len(examples)} passed"])


def test_documented_group_examples_answer_200_without_error(sandbox_bridge, report):
    """The group lines run in order; `GROUP_ID=$(…)` sets a variable the later lines use, as in a user's shell."""
    examples = documented_curl_lines(GROUP_EXAMPLES)
    assert len(examples) >= 8, f"the documented group examples were not found in {OPERATIONS_DOC}"
    variables = {}
    for line in examples:
        assignment = ASSIGNMENT.match(line)
        if assignment:
            variables[assignment.group(1)] = shell(assignment.group(2), sandbox_bridge, **variables).strip()
            assert variables[assignment.group(1)], f"{line} set nothing"
            continue
        answer = shell(line + r" -w '\n%{http_code}'", sandbox_bridge, **variables)
        body, _, code = answer.rpartition("\n")
        value = json.loads(body)
        assert code == "200" and "error" not in value, f"documented group example failed: {line}\nHTTP {code}: {body}"
    report.add("sandbox smoke run", [f"documented group examples: {len(examples)} passed"])


def test_simulator_status_webhooks_reach_the_bridge(sandbox_bridge):
    status, reply = sandbox_bridge.wire().call("POST", "/sendMessage", body={"phone": "12020721369", "body": "hi"})
    assert status == 200 and reply.get("sent") is True, f"HTTP {status}: {reply}"
    limit = time.monotonic() + 10
    while "webhook committed" not in sandbox_bridge.log() and time.monotonic() < limit:
        time.sleep(0.1)
    assert "webhook committed" in sandbox_bridge.log(), f"no status webhook reached the bridge:\n{sandbox_bridge.log()}"


def test_sigterm_stops_cleanly_and_the_token_is_never_logged(sandbox_bridge):
    code = sandbox_bridge.stop()
    assert code == 0, f"the bridge exited with {code} after SIGTERM:\n{sandbox_bridge.log()[-3000:]}"
    assert sandbox_bridge.token not in sandbox_bridge.log(), "the token appears in the log"
