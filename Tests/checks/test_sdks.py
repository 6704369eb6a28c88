"""Both official 1MSG Python SDKs (from PyPI, each in its own venv under .build/sdk-venvs/: pydantic v1 and v2 cannot
share one) against a sandbox bridge: one test per (SDK, operation) the SDK has a method for, called through the
SDK's typed method. A test passes when the operation is `ok`, or `sdk-bug`: a defect of the SDK itself that is
listed in bridgecheck/sdk_cases.py's SDK_BUGS, whose evidence matches, and where the same call made on the wire gets
a right answer from the bridge. The table of every row (ok / sdk-bug / fail / not-served) is printed after the
results; with -vv it also holds the exchanges of the passing operations."""
from __future__ import annotations

import datetime
import json
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bridgecheck.bridge import PIXEL_PNG, Deadline
from bridgecheck.sdk_cases import (
    FLOW_JSON, NOT_SERVED, OPERATIONS, PHONE, SDK_BUGS, SDKS, classify, prepare_sdk_venv, requests_for, run_driver, short,
)
from bridgecheck.sdk_driver import SDK_OPERATIONS

CALL_TIMEOUT = 10.0  # seconds per HTTP call
TIME_BUDGET = 285.0  # seconds for the whole check, venv installation included

CASES = [pytest.param(sdk, op, id=f"{sdk}:{op}") for sdk in SDKS for op in OPERATIONS if op in SDK_OPERATIONS[sdk]]


class SdkRun:
    """The shared state of the module: the bridge prepared on the wire, each SDK's driver run once (on its first
    test, in SDKS order, as the drivers' operations depend on each other's order), and the report rows."""

    def __init__(self, bridge, receiver, venvs, deadline: Deadline, verbose: bool):
        self.bridge, self.wire, self.venvs, self.deadline, self.verbose = bridge, bridge.wire(CALL_TIMEOUT), venvs, \
            deadline, verbose
        self.ctx = {"sink_url": receiver.url, "month": datetime.datetime.now(datetime.timezone.utc).strftime("%m.%Y")}
        self.receiver = receiver
        self.runs: dict[str, dict] = {}
        self.rows: list[str] = []
        self.counts = {sdk: {"ok": 0, "sdk-bug": 0, "fail": 0, "not-served": 0} for sdk in SDKS}
        self.details: list[str] = []
        self.timings: list[str] = []

    def prepare(self) -> None:
        """On the wire: a sent message (reacted to, read, its acks for hookInfo), an inbound message for the history,
        the media retrieveMedia/deleteMedia act on, the templates removeTemplate removes, the groups the group operations act
        on (one to delete)."""
        step = time.monotonic()
        status, reply = self.wire.call("POST", "/sendMessage", body={"phone": PHONE, "body": "sdk-check setup"})
        assert status == 200 and isinstance(reply, dict) and str(reply.get("id", "")).startswith("wamid."), \
            f"setup sendMessage failed: HTTP {status} {reply}"
        self.ctx["message_id"] = reply["id"]
        urllib.request.urlopen(urllib.request.Request(
            self.bridge.inbound_url, method="POST",
            data=urllib.parse.urlencode({"from": PHONE, "text": "hello from sdk-check", "name": "Ann"}).encode()),
            timeout=CALL_TIMEOUT).read()
        media_ids = []
        for _ in range(2):
            status, reply = self.wire.call("POST", "/uploadMedia", body={"body": PIXEL_PNG})
            assert status == 200 and isinstance(reply, dict) and reply.get("mediaId"), \
                f"setup uploadMedia failed: HTTP {status} {reply}"
            media_ids.append(reply["mediaId"])
        self.ctx["media_ids"] = media_ids
        for info in SDKS.values():
            for name in (f"sdkcheck_{info['tag']}_rm", f"sdkcheck_{info['tag']}_rm2"):
                status, reply = self.wire.call("POST", "/addTemplate", body={
                    "name": name, "category": "UTILITY", "language": "en_US",
                    "components": [{"type": "BODY", "text": "Removed soon"}]})
                assert status == 200, f"setup addTemplate {name} failed: HTTP {status} {reply}"
        flow_ids = {}
        for role in ("main", "delete", "edit"):
            body = {"name": f"sdkcheck_flow_{role}", "categories": ["OTHER"]}
            if role == "main":
                body["flowJson"] = FLOW_JSON
            status, reply = self.wire.call("POST", "/flows", body=body)
            assert status == 200 and isinstance(reply, dict) and reply.get("id"), \
                f"setup POST /flows {role} failed: HTTP {status} {reply}"
            flow_ids[role] = reply["id"]
        self.ctx["flow_ids"] = flow_ids
        subjects = ("sdk-check group", "sdk-check group to delete")
        for subject in subjects:
            status, reply = self.wire.call("POST", "/groups", body={"groupName": subject})
            assert status == 200, f"setup POST /groups {subject} failed: HTTP {status} {reply}"
        status, reply = self.wire.call("GET", "/groups", {"limit": "1024"})
        assert status == 200 and isinstance(reply, dict), f"setup GET /groups failed: HTTP {status} {reply}"
        self.ctx["group_ids"] = [next(g["id"] for g in reversed(reply["groups"]) if g.get("subject") == subject)
                                 for subject in subjects]
        settle = time.monotonic() + 5  # the simulator's statuses reach the bridge within a second or so
        while time.monotonic() < settle:
            status, reply = self.wire.call("GET", "/hookInfo", {"messageId": self.ctx["message_id"]})
            if status == 200 and isinstance(reply, dict) and reply.get("hooks"):
                break
            time.sleep(0.1)
        self.timings.append(f"setup {time.monotonic() - step:.1f}s")

    def run(self, sdk: str) -> dict:
        """The SDK's driver results ({"python", "how", "requests", "results", "note"}), run on first use; then the
        SDK operations the bridge does not serve are probed for the record."""
        if sdk in self.runs:
            return self.runs[sdk]
        python, how = self.venvs[sdk].result(timeout=self.deadline.left())
        run = self.runs[sdk] = {"python": python, "how": how, "requests": requests_for(sdk, self.ctx),
                                "results": {}, "note": ""}
        if python is None:
            self.rows.append(f"fail  {sdk}  (all)  could not prepare the SDK's venv: {short(how, 600)}")
            return run
        job = {"sdk": sdk, "base": self.bridge.base, "token": self.bridge.token, "call_timeout": CALL_TIMEOUT,
               "requests": run["requests"], "operations": [op for op in OPERATIONS if op in run["requests"]],
               "demos": {op: bug["demo"] for (name, op), bug in SDK_BUGS.items() if name == sdk and "demo" in bug}}
        started = time.monotonic()
        run["results"], run["note"] = run_driver(python, job, self.deadline)
        self.timings.append(f"{sdk} driver {time.monotonic() - started:.1f}s")
        if run["note"]:
            self.rows.append(f"#  {sdk}: {short(run['note'], 800)}")
        no_method = [op for op in job["operations"] if (run["results"].get(op) or {}).get("no_method")]
        if no_method:
            self.rows.append(f"#  {sdk} has no method for: {', '.join(no_method)}")
        for method, (http_method, path) in NOT_SERVED[sdk].items():
            status, reply = self.wire.call(http_method, path, body={} if http_method in ("POST", "PATCH") else None)
            self.counts[sdk]["not-served"] += 1
            self.rows.append(f"{'not-served':<10}  {sdk}  {method}  {http_method} {path} → HTTP {status} "
                             f"{short(json.dumps(reply) if not isinstance(reply, str) else reply, 90)}")
        return run

    def verdict(self, sdk: str, op: str) -> tuple[str, str, list[str]]:
        run = self.run(sdk)
        if run["python"] is None:
            self.counts[sdk]["fail"] += 1
            return "fail", f"could not prepare the SDK's venv: {run['how']}", []
        result = run["results"].get(op)
        verdict, detail, diagnosis = classify(sdk, op, result, run["requests"][op], self.ctx, self.wire)
        if result is None and run["note"]:
            detail += f" ({short(run['note'], 600)})"
        self.counts[sdk][verdict] += 1
        self.rows.append(f"{verdict:<10}  {sdk}  {op}  {detail}")
        if verdict == "fail" or (self.verbose and result):
            self.details.append(f"- {sdk}  {op}: {detail if verdict == 'fail' else verdict}")
            self.details += [f"    {line}" for line in (diagnosis if verdict == "fail" else [json.dumps(result)[:3000]])]
        return verdict, detail, diagnosis

    def summary(self) -> list[str]:
        lines = list(self.rows) + [""]
        for sdk, counts in self.counts.items():
            lines.append(f"{sdk}: {counts['ok']} ok, {counts['sdk-bug']} sdk-bug (wire checked), {counts['fail']} fail, "
                         f"{counts['not-served']} not served")
        if self.details:
            lines += ["", "Details:"] + self.details
        lines.append("")
        lines.append(f"timings: {', '.join(self.timings)}; venvs: "
                     + ", ".join(f"{sdk} {self.runs[sdk]['how'] if sdk in self.runs else 'not used'}" for sdk in SDKS)
                     + f"; webhook deliveries received: {len(self.receiver.bodies)}")
        return lines


@pytest.fixture(scope="module")
def sdk_venvs():
    """Each SDK's venv, prepared in the background (while the bridge starts): {sdk: future of (python, how)}."""
    deadline = Deadline(TIME_BUDGET)
    with ThreadPoolExecutor(max_workers=len(SDKS)) as pool:
        yield {sdk: pool.submit(prepare_sdk_venv, sdk, deadline) for sdk in SDKS}


@pytest.fixture(scope="module")
def sdk_run(sdk_venvs, sandbox_bridge, webhook_receiver, report, pytestconfig):
    run = SdkRun(sandbox_bridge, webhook_receiver, sdk_venvs, Deadline(TIME_BUDGET),
                 verbose=pytestconfig.getoption("verbose") > 1)
    run.prepare()
    yield run
    report.add("the official 1MSG Python SDKs against a sandbox bridge", run.summary())


@pytest.mark.parametrize("sdk, op", CASES)
def test_sdk_operation(sdk_run, sdk, op):
    verdict, detail, diagnosis = sdk_run.verdict(sdk, op)
    assert verdict != "fail", "\n".join([detail] + diagnosis)
