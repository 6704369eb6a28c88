"""Property-based contract test of the bridge against its own spec, openapi/onemsg-bridge.yaml, with schemathesis
(installed from PyPI into a cached venv under .build/contract-venv) against a sandbox bridge: every operation of the
spec, with generated valid and invalid requests, checking that nothing answers 5xx, every response (status, content
type, body) conforms to the spec, and invalid input is refused with a 4xx. The media operations get real media ids
(uploaded first), the Flows operations real Flows (created first), and the Cloud API surface the channel's own ids
and Bearer token, so they are tested past their 404s and 403s.

By default every phase runs once, up to 25 cases per operation, from a pinned seed and without Hypothesis's example
database, so a run is repeatable: about 11,000 cases in 70 to 150 s here (depending on the load), bounded at 8
minutes. `--contract-explore SECONDS` instead keeps generating new data from a random seed (printed in
schemathesis's summary) until the time is spent; `--contract-seed N` repeats a seed.
schemathesis's output is kept in .build/contract-check.log; its summary is printed after the results."""
from __future__ import annotations

import re
import subprocess
import urllib.parse

import pytest

from bridgecheck.bridge import PIXEL_PNG, REPO_ROOT, Deadline, Wire, prepare_venv
from conftest import started_bridge

VENV = REPO_ROOT / ".build" / "contract-venv"
REQUIREMENTS = REPO_ROOT / "Tests" / "checks" / "requirements" / "schemathesis.txt"
SPEC = REPO_ROOT / "openapi" / "onemsg-bridge.yaml"
LOG = REPO_ROOT / ".build" / "contract-check.log"
CHECKS = [
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "negative_data_rejection",
]
# The seed of the repeatable run; a finding from --contract-explore is fixed in the bridge or the spec, not by
# changing it.
PINNED_SEED = 265197221541029719957330769844332045645
PINNED_BUDGET = 480  # seconds


def answer(wire: Wire, method: str, path: str, **arguments) -> dict:
    status, reply = wire.call(method, path, **arguments)
    assert status == 200 and isinstance(reply, dict), f"{method} {path} answered {status}: {reply}"
    return reply


def media_operations(wire: Wire) -> str:
    """Uploads two files and returns [[operations]] tables that point the media operations at them, so schemathesis
    reaches their real work instead of only 404s: one file to read and download (with the signed link's own expiry
    and signature), one to delete."""
    kept, deleted = (answer(wire, "POST", "/uploadMedia", body={"body": PIXEL_PNG})["mediaId"] for _ in range(2))
    link = urllib.parse.urlsplit(answer(wire, "GET", "/retrieveMedia", query={"mediaId": kept})["url"])
    signed = dict(urllib.parse.parse_qsl(link.query))
    return (
        f'[[operations]]\ninclude-operation-id = "retrieveMedia"\nparameters = {{ "query.mediaId" = "{kept}" }}\n'
        f'[[operations]]\ninclude-operation-id = "downloadMedia"\nparameters = {{ "path.mediaId" = "{kept}", '
        f'"query.expires" = {signed["expires"]}, "query.signature" = "{signed["signature"]}" }}\n'
        f'[[operations]]\ninclude-operation-id = "deleteMedia"\nparameters = {{ "path.mediaId" = "{deleted}" }}\n')


def flow_operations(wire: Wire) -> str:
    """Creates three draft Flows and returns [[operations]] tables that point the Flows operations at them, so
    schemathesis reaches Meta's (the simulator's) lifecycle instead of only unknown ids: one to read, preview and
    change, one to publish and deprecate, one to delete."""
    flow_json = {"version": "7.2", "screens": [{"id": "DONE", "layout": {"type": "SingleColumnLayout", "children": []}}]}
    ids = {role: answer(wire, "POST", "/flows", body={"name": f"contract_{role}", "categories": ["OTHER"], "flowJson": flow_json})["id"]
           for role in ("read", "cycle", "delete")}
    targets = {"getFlowsFlowId": "read", "getFlowsFlowIdPreview": "read", "patchFlowsFlowIdAssets": "read",
               "patchFlowsFlowIdMetadata": "read", "createFlowsFlowIdPublish": "cycle",
               "createFlowsFlowIdDeprecate": "cycle", "deleteFlowsFlowId": "delete"}
    return "".join(f'[[operations]]\ninclude-operation-id = "{operation}"\nparameters = {{ "path.flowId" = "{ids[role]}" }}\n'
                   for operation, role in targets.items())


# The sandbox banner's Cloud API line: the business account, the version and the phone number id.
CLOUD_BANNER = re.compile(r"business account ([0-9]+)\):\s*curl -X POST '[^']*/v[0-9.]+/([0-9]+)/messages'")


def cloud_operations(bridge, wire: Wire) -> str:
    """[[operations]] tables that give the Cloud API surface's operations the channel's own phone number id, business
    account and real media ids (the Bearer token is in [auth.openapi.bearer]), so schemathesis reaches the bridge's
    schema checks and Meta's (the simulator's) answers instead of only 403s."""
    found = CLOUD_BANNER.search(bridge.out_path.read_text())
    assert found, "the sandbox banner shows no Cloud API line with the business account"
    waba, phone_number_id = found.groups()
    kept, deleted = (answer(wire, "POST", "/uploadMedia", body={"body": PIXEL_PNG})["mediaId"] for _ in range(2))
    targets = {"cloudSendMessage": ("path.channelId", phone_number_id)}
    for suffix in ("", "Versioned"):
        targets["cloudSendMessageVersioned"] = ("path.phoneNumberId", phone_number_id)
        targets[f"cloudUploadMedia{suffix}"] = ("path.phoneNumberId", phone_number_id)
        targets[f"cloudMediaInfo{suffix}"] = ("path.mediaId", kept)
        targets[f"cloudDeleteMedia{suffix}"] = ("path.mediaId", deleted)
        targets[f"cloudTemplates{suffix}"] = ("path.wabaId", waba)
    return "".join(f'[[operations]]\ninclude-operation-id = "{operation}"\nparameters = {{ "{name}" = "{value}" }}\n'
                   for operation, (name, value) in targets.items())


@pytest.fixture(scope="module")
def sandbox_bridge(bridge_binary, tmp_path_factory):  # noqa: F811 - this module's own bridge, without the cool-down
    """A sandbox bridge with the wrong-token cool-down off (BRIDGE_WRONG_TOKEN_LIMIT=0): schemathesis fills the body's
    `token` field with made-up values, and after 20 of them every operation would only answer 429."""
    with started_bridge(bridge_binary, tmp_path_factory.mktemp("contract-bridge"), "contract bridge",
                        environment={"BRIDGE_WRONG_TOKEN_LIMIT": "0"}) as bridge:
        yield bridge


def test_bridge_conforms_to_its_openapi_document(sandbox_bridge, tmp_path, pytestconfig, report):
    explore = pytestconfig.getoption("contract_explore")
    seed = pytestconfig.getoption("contract_seed")
    if seed is None and not explore:
        seed = PINNED_SEED
    budget = explore or PINNED_BUDGET
    python, how = prepare_venv(VENV, REQUIREMENTS, "schemathesis", Deadline(budget + 240))
    assert python is not None, f"schemathesis could not be installed: {how}"
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f'base-url = "{sandbox_bridge.origin}"\n'
        "request-timeout = 10.0\n"
        "workers = 1\n"
        "[generation]\nmax-examples = 25\n"
        f'[parameters]\n"path.channelId" = "{sandbox_bridge.channel}"\n'
        f'[auth.openapi.token]\napi_key = "{sandbox_bridge.token}"\n'
        f'[auth.openapi.bearer]\nbearer = "{sandbox_bridge.token}"\n' + media_operations(sandbox_bridge.wire())
        + flow_operations(sandbox_bridge.wire()) + cloud_operations(sandbox_bridge, sandbox_bridge.wire()))
    command = [
        str(VENV / "bin" / "st"), "--config-file", str(config), "run", str(SPEC), "--checks", ",".join(CHECKS),
        *(["--max-time", str(explore)] if explore else []), "--no-color",
        # Hypothesis's health checks judge the generator (deeply nested Meta payloads trip data_too_large now and
        # then), not the bridge; a run must not fail on them.
        "--suppress-health-check", "all",
    ] + (["--seed", str(seed)] if seed is not None else []) + (
        # Hypothesis's example database (.hypothesis/ in the working directory) would replay what earlier runs saw
        # and make the pinned run depend on them; exploration keeps it, so an explored finding is replayed.
        [] if explore else ["--generation-database", "none"])
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(LOG, "w") as log:
        try:
            status = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=budget + 120).returncode
        except subprocess.TimeoutExpired:
            pytest.fail(f"schemathesis overran its time budget ({budget + 120} s); its output: {LOG}", pytrace=False)
    output = LOG.read_text(errors="replace")
    summary = re.search(r"(?m)^=* SUMMARY", output)
    report.add("schemathesis against a sandbox bridge (openapi/onemsg-bridge.yaml, every operation)",
               [f"venv {how}; schemathesis exit {status}; output in {LOG.relative_to(REPO_ROOT)}"]
               + (output[summary.start():].rstrip().splitlines() if summary else []))
    assert status == 0, f"schemathesis exit {status}; the end of its output ({LOG}):\n{output[-12000:]}"
