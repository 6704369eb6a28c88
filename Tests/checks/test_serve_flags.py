"""`serve` flags that tune the bridge: a value out of range stops `serve` with a message naming the flag's rule."""
import subprocess

import pytest


@pytest.mark.parametrize("value", ["0", "10001", "many"])
def test_upstream_connections_out_of_range_stops_serve(bridge_binary, tmp_path, value):
    run = subprocess.run([str(bridge_binary), "serve", "--sandbox", "--port", "0", "--database",
                          str(tmp_path / "bridge.sqlite"), "--upstream-connections", value],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0, f"serve started with --upstream-connections {value}"
    output = run.stderr + run.stdout
    assert "upstream connections must be 1 to 10000" in output or "upstream-connections" in output, output
