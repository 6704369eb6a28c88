"""Helpers of the check suite in Tests/checks: the bridge process, the webhook receiver, the reference data, the
Meta schema validator, the 1MSG 2.39 comparison and the SDK cases. Test modules import them as `bridgecheck.…`
(Tests/checks/pytest.ini puts Tests/checks on the import path)."""
