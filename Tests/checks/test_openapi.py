"""The bridge's OpenAPI document, openapi/onemsg-bridge.yaml: a valid OpenAPI document (always), and compatible with
1MSG's official 2.39 document (reference data outside the repository: skipped without it). Every difference must be
accepted in openapi/COMPATIBILITY.md, and every accepted difference must still occur."""
from __future__ import annotations

from importlib.metadata import version

from openapi_spec_validator import validate

from bridgecheck.bridge import time_limit
from bridgecheck.openapi_compat import ACCEPTED_FILE, OUR_SPEC, Document, accepted_keys, compare, load

TIME_LIMIT = 60  # seconds for the comparison


def test_bridge_spec_is_a_valid_openapi_document(report):
    validate(load(OUR_SPEC))
    report.add("openapi", [f"ok   {OUR_SPEC.name} is a valid OpenAPI document "
                           f"(openapi-spec-validator {version('openapi-spec-validator')})"])


def test_bridge_spec_is_compatible_with_1msg_2_39(onemsg_239_spec, report):
    with time_limit(TIME_LIMIT):
        differences, our_count, their_count, covered = compare(Document(load(OUR_SPEC)),
                                                               Document(load(onemsg_239_spec)))
    accepted = accepted_keys(ACCEPTED_FILE)
    accepted_set, found = set(accepted), set(differences)
    lines = [f"{'accepted' if key in accepted_set else 'DIFF    '} {key}" for key in differences]
    stale = [key for key in accepted if key not in found]
    lines += [f"STALE    {key} (listed in {ACCEPTED_FILE.name}, no longer a difference)" for key in stale]
    unaccepted = [key for key in differences if key not in accepted_set]
    summary = (f"{our_count} operations in {OUR_SPEC.name}; {covered} of {their_count} 2.39 operations covered; "
               f"{len(differences)} differences found, {len(differences) - len(unaccepted)} accepted"
               + (f", {len(unaccepted)} not accepted" if unaccepted else "")
               + (f"; {len(stale)} stale entries in {ACCEPTED_FILE.name}" if stale else ""))
    report.add("openapi: compatibility with 1MSG 2.39", [summary])
    assert not unaccepted and not stale, "\n".join(lines + [summary])
