"""Shared fixtures of the check suite: the bridge binary, a sandbox bridge per test module, a webhook receiver, the
third-party reference specs (skipped with one reason each when absent), and a report that is printed after the
results (the SDK table, the schemathesis summary, ...).

Options: --contract-explore SECONDS (schemathesis from a random seed for that long instead of the pinned, repeatable
run) and --contract-seed N (repeat a seed). Environment: BRIDGE_BINARY (default .build/debug/onemsg-bridge),
META_OPENAPI_SPEC and ONEMSG_239_SPEC (default ../shared/reference/…).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from bridgecheck.bridge import BridgeStartError, SandboxBridge, WebhookReceiver, bridge_binary as locate_binary
from bridgecheck.reference import META_SPEC, ONEMSG_239_SPEC, ReferenceFile, ReferenceMissing

REPORT_KEY = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("onemsg-bridge checks")
    group.addoption("--contract-explore", type=int, default=0, metavar="SECONDS",
                    help="schemathesis: keep generating from a random seed for SECONDS (default: the pinned, "
                         "repeatable run)")
    group.addoption("--contract-seed", type=int, default=None, metavar="N", help="schemathesis: use this seed")


def pytest_configure(config):
    config.stash[REPORT_KEY] = []


class Report:
    """Sections printed after the test results (pytest_terminal_summary), e.g. the per-operation SDK table."""

    def __init__(self, sections: list):
        self.sections = sections

    def add(self, title: str, lines: list[str]) -> None:
        """Adds lines under a title (to the section of that title if there is one already)."""
        for section_title, section_lines in self.sections:
            if section_title == title:
                section_lines.extend(lines)
                return
        self.sections.append((title, list(lines)))


@pytest.fixture(scope="session")
def report(pytestconfig) -> Report:
    return Report(pytestconfig.stash[REPORT_KEY])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for title, lines in config.stash.get(REPORT_KEY, []):
        terminalreporter.section(title, sep="-")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def bridge_binary():
    """The bridge executable ($BRIDGE_BINARY, else .build/debug/onemsg-bridge); the suite does not build it."""
    binary = locate_binary()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no bridge binary at {binary}: build it (swift build --product onemsg-bridge) or set "
                    f"BRIDGE_BINARY", pytrace=False)
    return binary


@contextlib.contextmanager
def started_bridge(binary, workdir, name: str = "sandbox bridge", database: str | None = None,
                   environment: dict[str, str] | None = None):
    """A `serve --sandbox` bridge for the block: a start that fails fails the test; afterwards it is stopped with
    SIGTERM, and an exit status other than 0 fails the test with its log's tail. `environment` is set around the
    start only (the bridge reads it then)."""
    bridge = SandboxBridge(binary, workdir, database=database)
    saved = {key: os.environ.get(key) for key in environment or {}}
    os.environ.update(environment or {})
    try:
        bridge.start()
    except BridgeStartError as error:
        pytest.fail(str(error), pytrace=False)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield bridge
    except BaseException:
        bridge.stop()
        raise
    code = bridge.stop()
    if code != 0:
        pytest.fail(f"the {name} exited with {code} after SIGTERM (expected 0); log tail:\n{bridge.log()[-3000:]}",
                    pytrace=False)


@pytest.fixture(scope="module")
def sandbox_bridge(bridge_binary, tmp_path_factory):
    """A bridge started as the README says (`serve --sandbox`, port 0, a throwaway database), one per test module.
    Stopped with SIGTERM afterwards; anything but exit status 0 fails."""
    with started_bridge(bridge_binary, tmp_path_factory.mktemp("sandbox-bridge")) as bridge:
        yield bridge


@pytest.fixture(scope="module")
def webhook_receiver():
    """A local webhook URL (`.url`) that answers 200 and records every POSTed body (`.bodies`, `.received()`), one per
    test module. `.stop()` takes it down, `.start(port)` brings it back."""
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def _reference(reference: ReferenceFile):
    try:
        path, reason = reference.locate()
    except ReferenceMissing as error:
        pytest.fail(str(error), pytrace=False)
    if path is None:
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def meta_openapi_spec():
    """Meta's official Cloud API spec ($META_OPENAPI_SPEC or ../shared/reference/); skips when absent."""
    return _reference(META_SPEC)


@pytest.fixture(scope="session")
def onemsg_239_spec():
    """1MSG's official 2.39 spec ($ONEMSG_239_SPEC or ../shared/reference/); skips when absent."""
    return _reference(ONEMSG_239_SPEC)


POSTGRES_ADMIN_URL = os.environ.get("BRIDGE_TEST_POSTGRES_URL", "")
POSTGRES_MISSING = ("BRIDGE_TEST_POSTGRES_URL is not set or psql is missing (scripts/with-postgres scripts/test "
                    "runs this)")


def postgres_available() -> bool:
    """Whether checks can make PostgreSQL databases: a test server (BRIDGE_TEST_POSTGRES_URL) and psql."""
    return bool(POSTGRES_ADMIN_URL) and shutil.which("psql") is not None


@pytest.fixture
def postgres_database():
    """The URL of a new, empty database on the test server (BRIDGE_TEST_POSTGRES_URL, an admin URL); dropped after
    the test, with any connection still open to it. Skips when there is no server or no psql."""
    if not postgres_available():
        pytest.skip(POSTGRES_MISSING)
    name = "checks_" + uuid.uuid4().hex
    psql = ["psql", POSTGRES_ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qc"]
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=60)
    parts = urlsplit(POSTGRES_ADMIN_URL)
    yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query or "sslmode=disable", ""))
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, timeout=60)
