"""`onemsg-bridge store copy` driven as an operator would: an SQLite node's channel lands in a new PostgreSQL database,
the summary counts rows without printing a secret or the password, and a second copy into the now non-empty database
is refused with a non-zero status. Needs BRIDGE_TEST_POSTGRES_URL (scripts/with-postgres) and psql; skipped without."""
from __future__ import annotations

import pytest

from conftest import POSTGRES_MISSING, postgres_available
from test_channel_cli import ADD, CHANNEL, SECRETS, cli

pytestmark = pytest.mark.skipif(not postgres_available(), reason=POSTGRES_MISSING)


def test_copy_moves_a_channel_and_refuses_a_second_run(bridge_binary, tmp_path, postgres_database):
    source = str(tmp_path / "bridge.sqlite")
    added = cli(bridge_binary, *ADD[:2], "--database", source, *ADD[2:])
    assert added.returncode == 0, f"channel add failed: {added}"

    copied = cli(bridge_binary, "store", "copy", "--from", source, "--to", postgres_database)
    output = copied.stdout + copied.stderr
    assert copied.returncode == 0, f"store copy failed: {output}"
    assert "channels: 1" in output and "messages: 0" in output and "message_counters: 0" in output, output
    for secret in SECRETS:
        assert secret not in output, "store copy printed a secret"

    listed = cli(bridge_binary, "channel", "list", "--database", postgres_database)
    assert listed.returncode == 0 and CHANNEL in listed.stdout, f"the copied channel is missing: {listed}"

    again = cli(bridge_binary, "store", "copy", "--from", source, "--to", postgres_database)
    assert again.returncode != 0, "a copy into a non-empty database was accepted"
    assert "not empty" in again.stdout + again.stderr, f"refusal unclear: {again}"


def test_copy_refuses_a_missing_source_file(bridge_binary, tmp_path, postgres_database):
    missing = cli(bridge_binary, "store", "copy", "--from", str(tmp_path / "nope.sqlite"), "--to", postgres_database)
    assert missing.returncode != 0 and "no SQLite file" in missing.stdout + missing.stderr, f"{missing}"
    assert not (tmp_path / "nope.sqlite").exists(), "the copy created the missing source file"
