"""`onemsg-bridge channel add|list|update|rotate-token|remove` driven as an operator would, each test on a throwaway
database: confirmations, refusals (a duplicate phone number id, a non-numeric app id, an unknown or reserved
channel) and that secrets are never printed back in full."""
from __future__ import annotations

import os
import re
import subprocess

import pytest

CHANNEL = "VID182868781"
SECRETS = ("EAAGsecretaccesstoken9876", "appsecretvalue5555", "legacy-token-1234567890")
ADD = ["channel", "add", "--id", CHANNEL, "--token", "legacy-token-1234567890", "--phone-number-id", "106540352242922",
       "--waba-id", "102290129340398", "--access-token", "EAAGsecretaccesstoken9876", "--app-secret",
       "appsecretvalue5555", "--verify-token", "verify-me", "--webhook-url", "https://example.com/hook"]


def cli(binary, *arguments, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *arguments], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})))


@pytest.fixture
def database(bridge_binary, tmp_path):
    """A database holding the channel VID182868781 (its `channel add` must confirm)."""
    path = str(tmp_path / "bridge.sqlite")
    added = cli(bridge_binary, *ADD[:2], "--database", path, *ADD[2:])
    assert added.returncode == 0 and f"Added channel {CHANNEL}" in added.stdout, f"add did not confirm: {added}"
    return path


def test_add_refuses_a_duplicate_phone_number_id(bridge_binary, database):
    duplicate = cli(bridge_binary, "channel", "add", "--database", database, "--id", "other", "--token",
                    "another-token-123", "--phone-number-id", "106540352242922", "--waba-id", "1", "--access-token",
                    "x1234", "--app-secret", "y1234", "--verify-token", "z")
    assert duplicate.returncode != 0, "a duplicate phone number id was accepted"
    assert 'phone number id "106540352242922" exists already' in duplicate.stdout + duplicate.stderr, \
        f"duplicate error unclear: {duplicate.stdout}{duplicate.stderr}"


def test_list_masks_secrets_and_shows_a_missing_app_id_as_dash(bridge_binary, database):
    listed = cli(bridge_binary, "channel", "list", env={"BRIDGE_DATABASE": database}).stdout
    assert CHANNEL in listed, f"list misses the channel: {listed}"
    assert "…9876" in listed, f"list does not show the masked access token: {listed}"
    for secret in SECRETS:
        assert secret not in listed, "list prints a secret in full"
    assert re.search(rf"{CHANNEL}\t106540352242922\t102290129340398\t-\t", listed), \
        f"list does not show the missing app id as -: {listed}"


def test_update_sets_a_numeric_app_id_only(bridge_binary, database):
    updated = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--app-id", "1234567890")
    assert updated.returncode == 0 and "Updated channel" in updated.stdout, \
        f"update --app-id did not confirm: {updated}"
    assert "\t1234567890\t" in cli(bridge_binary, "channel", "list", "--database", database).stdout, \
        "list misses the app id set by update"
    refused = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--app-id", "abc")
    assert refused.returncode != 0, "a non-numeric app id was accepted"


def test_rotate_token_prints_a_new_token_once(bridge_binary, database):
    rotated = cli(bridge_binary, "channel", "rotate-token", "--database", database, "--id", CHANNEL)
    assert rotated.returncode == 0 and re.search(
        r"New token \(shown once, store it now\): [A-Za-z0-9]{32}", rotated.stdout), \
        f"rotate printed no new token: {rotated}"
    unknown = cli(bridge_binary, "channel", "rotate-token", "--database", database, "--id", "nope")
    assert unknown.returncode != 0, "rotating an unknown channel succeeded"


def test_remove_deletes_the_channel(bridge_binary, database):
    removed = cli(bridge_binary, "channel", "remove", "--database", database, "--id", CHANNEL)
    assert removed.returncode == 0 and f"Removed channel {CHANNEL}" in removed.stdout, \
        f"remove did not confirm: {removed}"
    assert "No channels" in cli(bridge_binary, "channel", "list", "--database", database).stdout, \
        "channel still listed after remove"


def test_reserved_channel_id_is_refused(bridge_binary, tmp_path):
    refused = cli(bridge_binary, "channel", "add", "--database", str(tmp_path / "bridge.sqlite"), "--id", "cloud",
                  "--token", "t-12345678", "--phone-number-id", "1", "--waba-id", "1", "--access-token", "a",
                  "--app-secret", "s", "--verify-token", "v")
    assert refused.returncode != 0, "reserved channel id accepted"


def test_deny_private_webhooks_refuses_non_public_webhook_urls(bridge_binary, database):
    refused = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--deny-private-webhooks",
                  "--webhook-url", "http://10.1.2.3/hook")
    assert refused.returncode != 0, "a private webhook URL was accepted under --deny-private-webhooks"
    assert "resolves to a private address (10.1.2.3)" in refused.stdout + refused.stderr, f"unclear: {refused}"
    by_env = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--webhook-url",
                 "http://127.0.0.1:9/hook", env={"BRIDGE_DENY_PRIVATE_WEBHOOKS": "1"})
    assert by_env.returncode != 0 and "loopback" in by_env.stdout + by_env.stderr, f"env not applied: {by_env}"
    public = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--deny-private-webhooks",
                 "--webhook-url", "https://93.184.216.34/hook")
    assert public.returncode == 0, f"a public webhook URL was refused: {public}"
    allowed = cli(bridge_binary, "channel", "update", "--database", database, "--id", CHANNEL, "--webhook-url",
                  "http://10.1.2.3/hook")
    assert allowed.returncode == 0, f"without the flag private webhook URLs are the operator's choice: {allowed}"


def test_a_signing_secret_is_shown_once_at_add_and_at_update_and_conflicting_flags_are_refused(bridge_binary, tmp_path):
    path = str(tmp_path / "signed.sqlite")
    added = cli(bridge_binary, *ADD[:2], "--database", path, *ADD[2:], "--webhook-secret")
    secret = re.search(r"Webhook signing secret \(shown once, store it now\): (whsec_[A-Za-z0-9+/=]{44})", added.stdout)
    assert added.returncode == 0 and secret, f"add --webhook-secret did not show a secret: {added}"
    listed = cli(bridge_binary, "channel", "list", "--database", path).stdout
    assert secret.group(1) not in listed and listed.rstrip().endswith("\tyes"), f"list: {listed}"
    both = cli(bridge_binary, "channel", "update", "--database", path, "--id", CHANNEL, "--webhook-secret",
               "--remove-webhook-secret")
    assert both.returncode != 0 and "exclude each other" in both.stderr, f"conflicting flags accepted: {both}"
    rotated = cli(bridge_binary, "channel", "update", "--database", path, "--id", CHANNEL, "--webhook-secret")
    assert "The previous secret also signs until" in rotated.stdout and secret.group(1) not in rotated.stdout, rotated
    removed = cli(bridge_binary, "channel", "update", "--database", path, "--id", CHANNEL, "--remove-webhook-secret")
    assert removed.returncode == 0
    assert cli(bridge_binary, "channel", "list", "--database", path).stdout.rstrip().endswith("\tno")
